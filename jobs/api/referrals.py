"""Staff API of referrals (职业介绍): clerks refer job seekers of their area to public vacancies and
record the outcome. Scoped: a referral belongs to the seeker's residence area."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from jobs.api.seekers import HistoryField, HistoryListMixin
from jobs.constants import REFERRAL_NOTE_MAX
from jobs.forms_seekers import ReferralApiFilter, ReferralOutcomeForm
from jobs.models import Referral, SeekerProfile, Vacancy
from jobs.selectors.seekers import public_vacancy_by_id, seeker_for_staff, staff_referrals
from jobs.services.referrals import referral_create, referral_outcome_record
from portal.api_base import ERRORS, AreaBriefSerializer, MovesField, ServiceActionMixin
from portal.api_forms import form_input
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
    history = HistoryField()
    moves = MovesField()

    class Meta:
        model = Referral
        fields = ["id", "seeker", "vacancy", "area", "referred_by", "referred_at", "status", "outcome_on",
                  "refused_by", "refusal_reason", "note", "history", "moves"]


class ReferralCreateSerializer(serializers.Serializer):
    """The API names the job seeker and the vacancy by id (the page finds them by keyword)."""

    seeker = serializers.IntegerField(help_text=_("A job seeker profile in your area."))
    vacancy = serializers.IntegerField(help_text=_("A published vacancy."))
    note = serializers.CharField(allow_blank=True, default="", max_length=REFERRAL_NOTE_MAX)

    def validate_vacancy(self, value):
        vacancy = public_vacancy_by_id(pk=value)
        if vacancy is None:
            raise serializers.ValidationError(_("This vacancy is not open: choose a published vacancy."),
                                              code="not_open")
        return vacancy


ReferralOutcomeInput = form_input(ReferralOutcomeForm)


@extend_schema_view(
    list=extend_schema(responses={200: ReferralSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: ReferralSerializer, **ERRORS}),
)
class ReferralViewSet(ServiceActionMixin, HistoryListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      ScopedModelViewSet):
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
        return self.answer(referral, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferralOutcomeInput, responses={200: ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        # The referral is looked up first: out of scope answers 404 before anything else is said.
        return self.call(referral_outcome_record, record="referral", input=ReferralOutcomeInput)
