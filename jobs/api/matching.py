"""Matching API: vacancies for the signed-in job seeker; candidate job seekers for a vacancy (clerks,
scoped). Both ranked in SQL (jobs/selectors/matching.py), at most 50 rows, paginated."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets

from jobs.api.seekers import IsJobSeeker, OccupationBriefSerializer, VacancyBriefSerializer
from jobs.models import SeekerProfile
from jobs.selectors.matching import candidate_matches, staff_vacancy_for_candidates, vacancy_matches
from jobs.selectors.seekers import seeker_profile_of, staff_seekers
from portal.api_base import ERRORS, AreaBriefSerializer
from portal.constants import StaffRole
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class VacancyMatchSerializer(VacancyBriefSerializer):
    occupation = OccupationBriefSerializer(read_only=True)
    score = serializers.IntegerField(source="match_score", read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)
    already_applied = serializers.BooleanField(read_only=True)

    class Meta(VacancyBriefSerializer.Meta):
        fields = [*VacancyBriefSerializer.Meta.fields, "occupation", "score", "reasons", "already_applied"]


@scope_exempt("Matches for the signed-in job seeker's own profile.")
class MyMatchesViewSet(viewsets.GenericViewSet):
    """Public vacancies ranked by fit for my profile, with the reasons (at most 50)."""

    serializer_class = VacancyMatchSerializer
    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]
    filter_backends = []

    @extend_schema(responses={200: VacancyMatchSerializer(many=True), **ERRORS})
    def list(self, request):
        profile = seeker_profile_of(fetched_by=request.user)
        if profile is None:
            raise Http404(_("You have no profile yet."))
        page = self.paginate_queryset(vacancy_matches(fetched_by=request.user, seeker=profile))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="account.display_name", read_only=True)
    username = serializers.CharField(source="account.username", read_only=True)
    area = AreaBriefSerializer(read_only=True)
    score = serializers.IntegerField(source="match_score", read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)
    referral_pending = serializers.BooleanField(read_only=True)
    already_applied = serializers.BooleanField(read_only=True)

    class Meta:
        model = SeekerProfile
        fields = ["id", "name", "username", "area", "education", "experience_years", "expected_salary",
                  "is_graduate", "score", "reasons", "referral_pending", "already_applied"]


class CandidateQuerySerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(help_text=_("A vacancy in your area."))


class CandidateViewSet(mixins.ListModelMixin, ScopedModelViewSet):
    """Job seekers in the clerk's area ranked by fit for a vacancy in the clerk's area (at most 50)."""

    queryset = staff_seekers()
    serializer_class = CandidateSerializer
    scope_roles = [StaffRole.CLERK]
    filter_backends = []

    @extend_schema(parameters=[CandidateQuerySerializer], responses={200: CandidateSerializer(many=True), **ERRORS})
    def list(self, request):
        params = CandidateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        vacancy = staff_vacancy_for_candidates(fetched_by=request.user, pk=params.validated_data["vacancy"])
        if vacancy is None:
            raise Http404(_("Not found."))
        page = self.paginate_queryset(candidate_matches(fetched_by=request.user, vacancy=vacancy))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
