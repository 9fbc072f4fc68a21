"""Employer API: an employer account's own organisation, and the staff's scoped employer endpoints.

Inputs are the pages' forms (``jobs.forms_employers``, through ``jobs.api.inputs``); the moves a
user may take on an employer come from ``EMPLOYER_WORKFLOW``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.forms_employers import EmployerFilter, EmployerForm, EmployerRejectForm, MembershipForm
from jobs.models import Employer
from jobs.selectors.employers import EMPLOYER_STAFF_ROLES, employer_of_account, employers_for_staff
from jobs.services import employers as services
from portal.api_base import (
    ERRORS,
    AreaBriefSerializer,
    AreaCodeField,
    IndustryCodeField,
    MovesField,
    ServiceActionMixin,
)
from portal.api_forms import form_input
from portal.constants import AccountType
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class IsEmployerAccount(permissions.BasePermission):
    message = _("This endpoint is for employer accounts.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated
                    and request.user.account_type == AccountType.EMPLOYER)


class CodeNameSerializer(serializers.Serializer):
    """A reference record (occupation, industry) as records show it: code and name."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EmployerSerializer(serializers.ModelSerializer):
    """One shape for the employer's own profile and the staff's endpoints."""

    industry = CodeNameSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    vacancy_count = serializers.IntegerField(read_only=True, allow_null=True)
    published_count = serializers.IntegerField(read_only=True, allow_null=True)
    moves = MovesField()

    class Meta:
        model = Employer
        fields = ["id", "name", "credit_code", "industry", "area", "address", "contact_name", "contact_phone",
                  "introduction", "status", "status_reason", "verified_at", "is_member_unit", "member_since",
                  "created_at", "vacancy_count", "published_count", "moves"]
        read_only_fields = fields


class EmployerCodes(serializers.Serializer):
    """How the API names the records an employer refers to: by code."""

    industry = IndustryCodeField(help_text=_("GB/T 4754 section letter, A–T."))
    area = AreaCodeField(help_text=_("12-digit division code of a community."))


EmployerInput = form_input(EmployerForm, codes=EmployerCodes)
RejectInput = form_input(EmployerRejectForm)
MembershipInput = form_input(MembershipForm)


@scope_exempt("The signed-in employer's own organisation only.")
class EmployerProfileAPIView(APIView):
    """The signed-in employer's organisation: read, register (POST) or change (PUT)."""

    permission_classes = [permissions.IsAuthenticated, IsEmployerAccount]

    def _own(self) -> Employer:
        employer = employer_of_account(fetched_by=self.request.user)
        if employer is None:
            raise NotFound(_("No organisation is registered for this account yet."))
        return employer

    def _answer(self, *, status: int = 200) -> Response:
        return Response(EmployerSerializer(self._own(), context={"request": self.request}).data, status=status)

    def _input(self) -> dict:
        data = EmployerInput(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(responses={200: EmployerSerializer, **ERRORS})
    def get(self, request):
        return self._answer()

    @extend_schema(request=EmployerInput, responses={201: EmployerSerializer, **ERRORS})
    def post(self, request):
        services.employer_register(actor=request.user, **self._input())
        return self._answer(status=status.HTTP_201_CREATED)

    @extend_schema(request=EmployerInput, responses={200: EmployerSerializer, **ERRORS})
    def put(self, request):
        employer = self._own()
        services.employer_update(actor=request.user, employer=employer, **self._input())
        return self._answer()


@scope_exempt("The signed-in employer resubmits its own organisation.")
class EmployerProfileResubmitAPIView(APIView):
    """After correcting its details, a rejected employer asks to be verified again."""

    permission_classes = [permissions.IsAuthenticated, IsEmployerAccount]

    @extend_schema(request=None, responses={200: EmployerSerializer, **ERRORS})
    def post(self, request):
        employer = employer_of_account(fetched_by=request.user)
        if employer is None:
            raise NotFound(_("No organisation is registered for this account yet."))
        services.employer_resubmit(actor=request.user, employer=employer)
        return Response(EmployerSerializer(employer_of_account(fetched_by=request.user),
                                           context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(responses={200: EmployerSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: EmployerSerializer, **ERRORS}),
)
class StaffEmployerViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           ScopedModelViewSet):
    """Employers in the staff member's area: verify or reject them; make member units."""

    model = Employer
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    scope_roles = EMPLOYER_STAFF_ROLES

    def get_base_queryset(self):
        return employers_for_staff(fetched_by=self.request.user)

    @extend_schema(request=None, responses={200: EmployerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self.call(services.employer_verify, record="employer")

    @extend_schema(request=RejectInput, responses={200: EmployerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.call(services.employer_reject, record="employer", input=RejectInput)

    @extend_schema(request=MembershipInput, responses={200: EmployerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def membership(self, request, pk=None):
        return self.call(services.employer_set_membership, record="employer", input=MembershipInput)
