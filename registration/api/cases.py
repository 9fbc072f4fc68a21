"""Staff API of hard-to-employ identification: create (community intake), review (street), approve
or reject (district), end (district). Reads include cases the clerk's area handed to another
district (``read_only`` true); every action needs the case itself in scope and the step's tier."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer, MovesField, ServiceActionMixin
from portal.api_forms import FormInput, clean_with_form, form_input, form_schema
from portal.constants import StaffRole
from portal.models import StatusChange
from portal.scoped_views import ScopedModelViewSet
from portal.scoping import OutOfScope
from portal.workflow import with_previous_actor
from registration.forms_cases import CaseDecisionForm, CaseFilter, CaseIntakeForm
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
    hardship_categories,
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
        fields = ["id", "starts_on", "due_on", "provisional", "status", "escalation_level", "escalated_at"]


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
    history = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "history"]

    @extend_schema_field(CaseHistorySerializer(many=True))
    def get_history(self, case) -> list:
        return CaseHistorySerializer(case_history(case=case), many=True).data


# Request bodies for the schema, read from the forms the actions validate with.
CASE_CREATE_BODY = form_schema(CaseIntakeForm, "CaseCreate", form_kwargs={"persons": [], "categories": [], "find_person": None}, extra={
    "person": serializers.IntegerField(help_text=_("A person living in your community.")),
    "categories": serializers.ListField(child=serializers.CharField(),
                                        help_text=_("Category codes (see the hard-to-employ categories)."))})
CASE_DECISION_BODY = form_schema(CaseDecisionForm, "CaseDecision")
# The decision note is the services' ``note``, or their ``reason`` for a rejection.
AS_NOTE = form_input(CaseDecisionForm, rename={"decision_note": "note"})
AS_REASON = form_input(CaseDecisionForm, rename={"decision_note": "reason"})


@extend_schema_view(
    list=extend_schema(responses={200: CaseSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: CaseDetailSerializer, **ERRORS}),
)
class CaseViewSet(ServiceActionMixin, ScopedModelViewSet):
    """Hard-to-employ cases in the clerk's area (and, read-only, those it handed to another district)."""

    queryset = staff_cases()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    scope_roles = [StaffRole.CLERK]

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def list(self, request):
        queryset = self.filter_queryset(with_previous_actor(cases_visible_to(fetched_by=request.user)))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        case = case_for_staff(fetched_by=request.user, pk=pk)
        if case is None:
            raise OutOfScope()
        return Response(self.get_serializer(case).data)

    @extend_schema(request=CASE_CREATE_BODY, responses={201: CaseDetailSerializer, **ERRORS},
                   description="Community intake. A person outside your community answers 404.")
    def create(self, request):
        data = clean_with_form(CaseIntakeForm, request.data, not_found={"person": "unknown"}, persons=[],
                          categories=hardship_categories(),
                          find_person=lambda pk: person_for_intake(fetched_by=request.user, pk=pk))
        return self.call(services.hardship_case_submit, status=201, **data)

    def _decide(self, service, decision: type[FormInput]) -> Response:
        # The case comes strictly from the clerk's scope: one seen only as history answers 404.
        return self.call(service, record="case", input=decision)

    @extend_schema(request=CASE_DECISION_BODY, responses={200: CaseDetailSerializer, **ERRORS},
                   description="Street review of an intake (a street-level clerk).")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._decide(services.hardship_case_review, AS_NOTE)

    @extend_schema(request=CASE_DECISION_BODY, responses={200: CaseDetailSerializer, **ERRORS},
                   description="District approval; opens the 10-working-day referral commitment.")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(services.hardship_case_approve, AS_NOTE)

    @extend_schema(request=CASE_DECISION_BODY, responses={200: CaseDetailSerializer, **ERRORS},
                   description="Rejection with a reason: the street rejects an intake, the district a reviewed case.")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(services.hardship_case_reject, AS_REASON)

    @extend_schema(request=CASE_DECISION_BODY, responses={200: CaseDetailSerializer, **ERRORS},
                   description="The district ends an approved case, with a reason.")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._decide(services.hardship_case_end, AS_NOTE)
