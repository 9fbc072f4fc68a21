"""Matching pages: vacancies for the signed-in job seeker, candidate seekers for a vacancy (clerks)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from jobs.models import Vacancy
from jobs.selectors.matching import (
    MATCH_LIMIT,
    candidate_matches,
    vacancies_for_candidates,
    vacancy_is_public,
    vacancy_matches,
)
from jobs.selectors.seekers import seeker_profile_of
from jobs.views.seekers import SeekerRequiredMixin, vacancy_detail_url
from portal.constants import StaffRole
from portal.scoped_views import StaffScopedViewMixin, scope_exempt


@scope_exempt("Matches for the signed-in job seeker's own profile.")
class MyMatchesView(SeekerRequiredMixin, TemplateView):
    template_name = "jobs/matching/my_matches.html"

    def get(self, request, *args, **kwargs):
        self.profile = seeker_profile_of(fetched_by=request.user)
        if self.profile is None:
            messages.info(request, _("Fill in your profile first; matching uses it."))
            return redirect(f"{reverse('jobs:my-profile')}?next={reverse('jobs:my-matches')}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        matches = vacancy_matches(fetched_by=self.request.user, seeker=self.profile)
        for vacancy in matches:
            vacancy.detail_url = vacancy_detail_url(vacancy.pk)
        return {**super().get_context_data(**kwargs), "profile": self.profile, "matches": matches,
                "limit": MATCH_LIMIT}


class VacancyCandidatesView(StaffScopedViewMixin, DetailView):
    """Job seekers in the clerk's scope ranked for a vacancy in scope, each with a refer button."""

    model = Vacancy
    scope_roles = [StaffRole.CLERK]
    template_name = "jobs/matching/candidates.html"
    context_object_name = "vacancy"

    def get_base_queryset(self):
        return vacancies_for_candidates()

    def get_context_data(self, **kwargs):
        vacancy = self.object
        return {**super().get_context_data(**kwargs),
                "candidates": candidate_matches(fetched_by=self.request.user, vacancy=vacancy),
                "is_public": vacancy_is_public(vacancy), "limit": MATCH_LIMIT}

