"""Staff API of referrals (职业介绍): clerks refer job seekers of their area to public vacancies and
record the outcome. Scoped: a referral belongs to the seeker's residence area."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.api.seekers import HistoryListMixin, StatusChangeSerializer
from jobs.constants import ReferralOutcome, RefusalBy
from jobs.forms_seekers import ReferralApiFilter
from jobs.models import Referral, SeekerProfile, Vacancy
from jobs.selectors.seekers import attach_histories, public_vacancy_by_id, seeker_for_staff, staff_referrals
from jobs.services.referrals import referral_create, referral_outcome_record
from portal.api import ERRORS
from portal.api_base import AreaBriefSerializer
from portal.constants import StaffRole
from portal.scoped_views import ScopedModelViewSet


class ReferralSeekerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="account.display_name", read_only=True)
    username = serializers.CharField(source="account.username", read_only=True)

    class Meta:
        model = SeekerProfile
        fields = ["id", "name", "username"]


class ReferralVacancySerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "employer"]


class ReferralSerializer(serializers.ModelSerializer):
    seeker = ReferralSeekerSerializer(read_only=True)
    vacancy = ReferralVacancySerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    referred_by = serializers.CharField(source="referred_by.username", read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "seeker", "vacancy", "area", "referred_by", "referred_at", "status", "outcome_on",
                  "refused_by", "refusal_reason", "note", "history"]


class ReferralCreateSerializer(serializers.Serializer):
    seeker = serializers.IntegerField(help_text=_("A job seeker profile in your area."))
    vacancy = serializers.IntegerField(help_text=_("A published vacancy."))
    note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)

    def validate_vacancy(self, value):
        vacancy = public_vacancy_by_id(pk=value)
        if vacancy is None:
            raise serializers.ValidationError(_("This vacancy is not open: choose a published vacancy."),
                                              code="not_open")
        return vacancy


class ReferralOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices)
    outcome_on = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text=_("Required for a hire; today if left out."))
    refused_by = serializers.ChoiceField(choices=[("", "—"), *RefusalBy.choices], default="",
                                         help_text=_("Required for a refusal."))
    refusal_reason = serializers.CharField(allow_blank=True, default="", trim_whitespace=False,
                                           help_text=_("Required for a refusal."))
    note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)


@extend_schema_view(
    list=extend_schema(responses={200: ReferralSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: ReferralSerializer, **ERRORS}),
)
class ReferralViewSet(HistoryListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Referrals of job seekers living in the clerk's area."""

    queryset = staff_referrals().order_by("-referred_at", "-id")
    serializer_class = ReferralSerializer
    filterset_class = ReferralApiFilter
    scope_roles = [StaffRole.CLERK]

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer, **ERRORS},
                   description="A job seeker outside your area answers 404, the same as a missing one.")
    def create(self, request):
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seeker = seeker_for_staff(fetched_by=request.user, pk=data.validated_data["seeker"])
        if seeker is None:
            raise Http404(_("Not found."))
        referral = referral_create(actor=request.user, seeker=seeker, vacancy=data.validated_data["vacancy"],
                                   note=data.validated_data["note"])
        record = attach_histories([self.get_queryset().get(pk=referral.pk)])[0]
        return Response(ReferralSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferralOutcomeSerializer, responses={200: ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        referral = self.get_object()  # out of scope: 404 before anything else is said
        data = ReferralOutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral_outcome_record(actor=request.user, referral=referral, **data.validated_data)
        record = attach_histories([self.get_object()])[0]
        return Response(ReferralSerializer(record).data)
