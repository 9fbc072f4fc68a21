"""Employer API: an employer account's own organisation, and the staff's scoped employer endpoints."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.codes import AreaCodeMixin, IndustryCodeMixin
from jobs.forms_employers import EmployerFilter
from jobs.models import Employer
from jobs.selectors.employers import EMPLOYER_STAFF_ROLES, employer_of_account, employers_for_staff
from jobs.services import employers as services
from portal.api_base import ErrorSerializer
from portal.constants import AccountType
from portal.models import Area
from portal.scoped_views import ScopedModelViewSet, scope_exempt

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class IsEmployerAccount(permissions.BasePermission):
    message = _("This endpoint is for employer accounts.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated
                    and request.user.account_type == AccountType.EMPLOYER)


class PostingCodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PostingAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "level"]


class EmployerSerializer(serializers.ModelSerializer):
    """One shape for the employer's own profile and the staff's endpoints."""

    industry = PostingCodeNameSerializer(read_only=True)
    area = PostingAreaSerializer(read_only=True)
    vacancy_count = serializers.IntegerField(read_only=True, allow_null=True)
    published_count = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Employer
        fields = ["id", "name", "credit_code", "industry", "area", "address", "contact_name", "contact_phone",
                  "introduction", "status", "status_reason", "verified_at", "is_member_unit", "member_since",
                  "created_at", "vacancy_count", "published_count"]
        read_only_fields = fields


class EmployerInputSerializer(AreaCodeMixin, IndustryCodeMixin, serializers.Serializer):
    """What an employer sends to register or change its organisation. Codes, not ids."""

    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=40, help_text=_("Unified social credit code, 18 characters."))
    industry = serializers.CharField(max_length=1, help_text=_("GB/T 4754 section letter, A–T."))
    area = serializers.CharField(max_length=12, help_text=_("12-digit division code of a community."))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=40)
    contact_phone = serializers.CharField(max_length=20)
    introduction = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class MembershipSerializer(serializers.Serializer):
    is_member = serializers.BooleanField(help_text=_("true: make a member unit; false: end the membership."))
    member_since = serializers.DateField(required=False, allow_null=True)


@scope_exempt("The signed-in employer's own organisation only.")
class EmployerProfileAPIView(APIView):
    """The signed-in employer's organisation: read, register (POST) or change (PUT)."""

    permission_classes = [permissions.IsAuthenticated, IsEmployerAccount]

    def _own(self) -> Employer:
        employer = employer_of_account(fetched_by=self.request.user)
        if employer is None:
            raise NotFound(_("No organisation is registered for this account yet."))
        return employer

    @extend_schema(responses={200: EmployerSerializer, **ERRORS})
    def get(self, request):
        return Response(EmployerSerializer(self._own()).data)

    @extend_schema(request=EmployerInputSerializer, responses={201: EmployerSerializer, **ERRORS})
    def post(self, request):
        data = EmployerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.employer_register(actor=request.user, **data.validated_data)
        return Response(EmployerSerializer(self._own()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EmployerInputSerializer, responses={200: EmployerSerializer, **ERRORS})
    def put(self, request):
        employer = self._own()
        data = EmployerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.employer_update(actor=request.user, employer=employer, **data.validated_data)
        return Response(EmployerSerializer(self._own()).data)


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
        return Response(EmployerSerializer(employer_of_account(fetched_by=request.user)).data)


@extend_schema_view(
    list=extend_schema(responses={200: EmployerSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: EmployerSerializer, **ERRORS}),
)
class StaffEmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Employers in the staff member's area: verify or reject them; make member units."""

    model = Employer
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    scope_roles = EMPLOYER_STAFF_ROLES

    def get_base_queryset(self):
        return employers_for_staff(fetched_by=self.request.user)

    def _respond(self, employer: Employer) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=employer.pk)).data)

    @extend_schema(request=None, responses={200: EmployerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        employer = services.employer_verify(actor=request.user, employer=self.get_object())
        return self._respond(employer)

    @extend_schema(request=ReasonSerializer, responses={200: EmployerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        employer = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employer = services.employer_reject(actor=request.user, employer=employer, reason=data.validated_data["reason"])
        return self._respond(employer)

    @extend_schema(request=MembershipSerializer, responses={200: EmployerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def membership(self, request, pk=None):
        employer = self.get_object()
        data = MembershipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employer = services.employer_set_membership(
            actor=request.user, employer=employer, is_member=data.validated_data["is_member"],
            member_since=data.validated_data.get("member_since"))
        return self._respond(employer)
