"""Staff API of hard-to-employ identification: create (community intake), review (street), approve
or reject (district), end (district). Reads include cases the clerk's area handed to another
district (``read_only`` true); every action needs the case itself in scope and the step's tier."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import ERRORS
from portal.api_base import AreaBriefSerializer, MovesField
from portal.constants import StaffRole
from portal.models import StatusChange
from portal.scoped_views import ScopedModelViewSet
from registration.forms_cases import CaseFilter
from registration.models import (
    HardshipCase,
    HardshipCategory,
    Person,
    ReferralCommitment,
)
from registration.selectors.cases import (
    case_for_staff,
    case_history,
    case_in_scope,
    cases_visible_to,
    hardship_categories_by_codes,
    person_for_intake,
    staff_cases,
)
from registration.services import hardship as services


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = HardshipCategory
        fields = ["code", "name"]


class CasePersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "id_masked"]


class CaseCommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralCommitment
        fields = ["id", "starts_on", "due_on", "provisional", "status"]


class CaseHistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_at", "actor", "note"]


class CaseSerializer(serializers.ModelSerializer):
    person = CasePersonSerializer(read_only=True)
    categories = CategorySerializer(many=True, read_only=True)
    area = AreaBriefSerializer(read_only=True)
    commitment = CaseCommitmentSerializer(read_only=True, allow_null=True)
    read_only = serializers.SerializerMethodField(help_text=_("True for a case handed to another district: "
                                                                "visible as history, no actions."))
    moves = MovesField()

    class Meta:
        model = HardshipCase
        fields = ["id", "person", "categories", "status", "circumstances", "area", "submitted_at", "approved_on",
                  "ended_on", "end_reason", "decision_note", "commitment", "read_only", "moves"]

    def get_read_only(self, case) -> bool:
        request = self.context.get("request")
        return not case_in_scope(user=request.user, case=case) if request is not None else True


class CaseDetailSerializer(CaseSerializer):
    history = CaseHistorySerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "history"]


class CaseCreateSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text=_("A person living in your community."))
    categories = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=True,
                                       help_text=_("Category codes (see the hard-to-employ categories)."))
    circumstances = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)

    def validate_categories(self, value):
        found = hardship_categories_by_codes(codes=value)
        unknown = sorted(set(value) - {c.code for c in found})
        if unknown:
            raise serializers.ValidationError(_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)},
                                              code="unknown")
        return found


class CaseDecisionSerializer(serializers.Serializer):
    decision_note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False,
                                          help_text=_("Required to reject or end a case."))


@extend_schema_view(
    list=extend_schema(responses={200: CaseSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: CaseDetailSerializer, **ERRORS}),
)
class CaseViewSet(ScopedModelViewSet):
    """Hard-to-employ cases in the clerk's area (and, read-only, those it handed to another district)."""

    queryset = staff_cases()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    scope_roles = [StaffRole.CLERK]

    def _detail(self, pk) -> Response:
        case = case_for_staff(fetched_by=self.request.user, pk=pk)
        if case is None:
            raise Http404(_("Not found."))
        case.history = case_history(case=case)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    def list(self, request):
        queryset = self.filter_queryset(cases_visible_to(fetched_by=request.user))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer, **ERRORS},
                   description="Community intake. A person outside your community answers 404.")
    def create(self, request):
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_for_intake(fetched_by=request.user, pk=data.validated_data["person"])
        if person is None:
            raise Http404(_("Not found."))
        case = services.hardship_case_submit(actor=request.user, person=person,
                                             categories=data.validated_data["categories"],
                                             circumstances=data.validated_data["circumstances"])
        response = self._detail(case.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _decide(self, request, service, argument: str) -> Response:
        case = self.get_object()  # strictly in scope: out of scope or history-only answers 404 first
        data = CaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(actor=request.user, case=case, **{argument: data.validated_data["decision_note"]})
        return self._detail(case.pk)

    @extend_schema(request=CaseDecisionSerializer, responses={200: CaseDetailSerializer, **ERRORS},
                   description="Street review of an intake (a street-level clerk).")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._decide(request, services.hardship_case_review, "note")

    @extend_schema(request=CaseDecisionSerializer, responses={200: CaseDetailSerializer, **ERRORS},
                   description="District approval; opens the 10-working-day referral commitment.")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.hardship_case_approve, "note")

    @extend_schema(request=CaseDecisionSerializer, responses={200: CaseDetailSerializer, **ERRORS},
                   description="Rejection with a reason: the street rejects an intake, the district a reviewed case.")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.hardship_case_reject, "reason")

    @extend_schema(request=CaseDecisionSerializer, responses={200: CaseDetailSerializer, **ERRORS},
                   description="The district ends an approved case, with a reason.")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._decide(request, services.hardship_case_end, "note")
