"""Staff API of referral commitments (the queue, meeting one by a referral) and follow-up visits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.models import Referral, Vacancy
from jobs.selectors.seekers import public_vacancy_by_id
from portal.api import ERRORS
from portal.api_base import AreaBriefSerializer
from portal.constants import StaffRole
from portal.scoped_views import ScopedModelViewSet
from registration.api.cases import CasePersonSerializer
from registration.constants import CommitmentStatus
from registration.forms_cases import FollowUpFilter
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
    level = serializers.IntegerField(help_text=_("0: not overdue; 1: escalated to the street; "
                                                 "2: escalated to the district."))
    label = serializers.CharField()
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
    escalation = EscalationSerializer(read_only=True)

    class Meta:
        model = ReferralCommitment
        fields = ["id", "case", "person", "area", "starts_on", "due_on", "provisional", "status", "met_at",
                  "met_by_referral", "escalation"]


class CommitmentReferSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(help_text=_("A published vacancy."))
    note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)

    def validate_vacancy(self, value):
        vacancy = public_vacancy_by_id(pk=value)
        if vacancy is None:
            raise serializers.ValidationError(_("This vacancy is not open: choose a published vacancy."),
                                              code="not_open")
        return vacancy


@extend_schema_view(
    list=extend_schema(responses={200: CommitmentSerializer(many=True), **ERRORS}, parameters=[
        OpenApiParameter("show", str, enum=["mine", "all"],
                         description="mine (default): the queue the clerk's tiers act on, with escalated ones; "
                                     "all: every commitment in the clerk's area."),
        OpenApiParameter("status", str, enum=CommitmentStatus.values, description="Default: open."),
    ]),
    retrieve=extend_schema(responses={200: CommitmentSerializer, **ERRORS}),
)
class CommitmentViewSet(mixins.RetrieveModelMixin, ScopedModelViewSet):
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

    def get_object(self):
        return attach_escalations([super().get_object()])[0]

    @extend_schema(request=CommitmentReferSerializer, responses={200: CommitmentSerializer, **ERRORS},
                   description="Refer the person to a public vacancy; the commitment is met. A person without a "
                               "job seeker profile gets one (with an inactive account).")
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        commitment = self.get_object()
        data = CommitmentReferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment_refer(actor=request.user, commitment=commitment, **data.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


class FollowUpSerializer(serializers.ModelSerializer):
    person = CasePersonSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    visited_by = serializers.CharField(source="visited_by.username", read_only=True, default=None)

    class Meta:
        model = FollowUpVisit
        fields = ["id", "person", "case", "area", "placed_on", "months_after", "due_on", "status", "visited_on",
                  "visited_by", "still_employed", "notes"]


class FollowUpRecordSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("visited", _("Visited")), ("missed", _("Could not be reached"))])
    visited_on = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text=_("Required for a visit."))
    still_employed = serializers.BooleanField(required=False, allow_null=True, default=None,
                                              help_text=_("Required for a visit."))
    notes = serializers.CharField(allow_blank=True, default="", trim_whitespace=False,
                                  help_text=_("Required when the person could not be reached."))


@extend_schema_view(
    list=extend_schema(responses={200: FollowUpSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: FollowUpSerializer, **ERRORS}),
)
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Follow-up visits (跟踪回访) after placement, soonest due first."""

    queryset = staff_followups()
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    scope_roles = [StaffRole.CLERK]

    @extend_schema(request=FollowUpRecordSerializer, responses={200: FollowUpSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        visit = self.get_object()
        data = FollowUpRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["outcome"] == "missed":
            followup_mark_missed(actor=request.user, visit=visit, notes=values["notes"])
        else:
            followup_record(actor=request.user, visit=visit, visited_on=values["visited_on"],
                            still_employed=values["still_employed"], notes=values["notes"])
        return Response(self.get_serializer(self.get_object()).data)
