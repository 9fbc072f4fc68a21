"""Staff API of referral commitments (the queue, meeting one by a referral) and follow-up visits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from jobs.models import Referral, Vacancy
from portal.api_base import ERRORS, AreaBriefSerializer, MovesField, ServiceActionMixin
from portal.api_forms import clean_with_form, form_input, form_schema
from portal.constants import StaffRole
from portal.scoped_views import ScopedModelViewSet
from registration.api.cases import CasePersonSerializer
from registration.constants import CommitmentStatus
from registration.forms_cases import CommitmentReferForm, FollowUpFilter, FollowUpForm
from registration.models import FollowUpVisit, ReferralCommitment
from registration.selectors.commitments import (
    attach_escalations,
    commitment_queue,
    staff_commitments,
)
from registration.selectors.followups import staff_followups
from registration.services.commitments import commitment_refer
from registration.services.followups import followup_mark_missed, followup_record


class EscalationSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text=_("The tier the commitment is escalated to (written nightly): "
                                                 "0 none, 1 the street, 2 the district."))
    label = serializers.CharField()
    overdue = serializers.BooleanField(help_text=_("Open and past its due date."))
    working_days_overdue = serializers.IntegerField()


class MetVacancySerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "employer"]


class MetReferralSerializer(serializers.ModelSerializer):
    vacancy = MetVacancySerializer(read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "vacancy", "referred_at", "status"]


class CommitmentSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    person = CasePersonSerializer(source="case.person", read_only=True)
    area = AreaBriefSerializer(read_only=True)
    met_by_referral = MetReferralSerializer(read_only=True, allow_null=True)
    escalation = serializers.SerializerMethodField()
    moves = MovesField()

    class Meta:
        model = ReferralCommitment
        fields = ["id", "case", "person", "area", "starts_on", "due_on", "provisional", "status", "met_at",
                  "met_by_referral", "escalation", "escalated_at", "moves"]

    @extend_schema_field(EscalationSerializer)
    def get_escalation(self, commitment) -> dict:
        if not hasattr(commitment, "escalation"):
            attach_escalations([commitment])
        return EscalationSerializer(commitment.escalation).data


@extend_schema_view(
    list=extend_schema(responses={200: CommitmentSerializer(many=True), **ERRORS}, parameters=[
        OpenApiParameter("show", str, enum=["mine", "all"],
                         description="mine (default): the queue the clerk's tiers act on, with escalated ones; "
                                     "all: every commitment in the clerk's area."),
        OpenApiParameter("status", str, enum=CommitmentStatus.values, description="Default: open."),
    ]),
    retrieve=extend_schema(responses={200: CommitmentSerializer, **ERRORS}),
)
class CommitmentViewSet(ServiceActionMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Referral commitments in the clerk's area, soonest due first, with their escalation."""

    queryset = staff_commitments()
    serializer_class = CommitmentSerializer
    scope_roles = [StaffRole.CLERK]

    def list(self, request):
        status = request.query_params.get("status")
        queryset = commitment_queue(fetched_by=request.user, everything=request.query_params.get("show") == "all",
                                    status=status if status in CommitmentStatus.values else CommitmentStatus.OPEN)
        page = attach_escalations(list(self.paginate_queryset(queryset)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=form_schema(CommitmentReferForm, "CommitmentRefer", form_kwargs={"vacancies": []}, extra={
                       "vacancy": serializers.IntegerField(help_text=_("A published vacancy."))}),
                   responses={200: CommitmentSerializer, **ERRORS},
                   description="Refer the person to a public vacancy; the commitment is met. A person without a "
                               "job seeker profile gets one (with an inactive account).")
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        return self.call(commitment_refer, record="commitment",
                         input=form_input(CommitmentReferForm, form_kwargs=lambda request: {"vacancies": []}))


class FollowUpSerializer(serializers.ModelSerializer):
    person = CasePersonSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    visited_by = serializers.CharField(source="visited_by.username", read_only=True, default=None)
    moves = MovesField()

    class Meta:
        model = FollowUpVisit
        fields = ["id", "person", "case", "area", "placed_on", "months_after", "due_on", "status", "visited_on",
                  "visited_by", "still_employed", "notes", "moves"]


@extend_schema_view(
    list=extend_schema(responses={200: FollowUpSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: FollowUpSerializer, **ERRORS}),
)
class FollowUpViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Follow-up visits (跟踪回访) after placement, soonest due first."""

    queryset = staff_followups()
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    scope_roles = [StaffRole.CLERK]

    @extend_schema(request=form_schema(FollowUpForm, "FollowUpRecord"), responses={200: FollowUpSerializer, **ERRORS},
                   description="A visit (outcome visited: date and whether still employed) or a person who could "
                               "not be reached (outcome missed: notes required).")
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        visit = self.get_object()  # out of scope answers 404 before the body is read
        data = clean_with_form(FollowUpForm, request.data)
        if data["outcome"] == FollowUpForm.MISSED:
            return self.call(followup_mark_missed, visit=visit, notes=data["notes"])
        return self.call(followup_record, visit=visit, visited_on=data["visited_on"],
                         still_employed=data["still_employed"], notes=data["notes"])
