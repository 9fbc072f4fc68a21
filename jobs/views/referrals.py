"""Clerks' pages: referrals (职业介绍) and the job seekers of their area.

Every page is built on ``StaffScopedViewMixin``: a clerk sees the referrals and seekers of their
own area's subtree only; anything else is not found.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView

from jobs.forms_seekers import ReferralCreateForm, ReferralFilter, ReferralOutcomeForm, SeekerFilter
from jobs.models import Referral, SeekerProfile
from jobs.selectors.seekers import (
    attach_histories,
    public_vacancies_search,
    public_vacancy_by_id,
    seeker_applications_for_staff,
    seeker_for_staff,
    seeker_referrals_for_staff,
    seekers_search_for_staff,
    staff_referrals,
    staff_seeker_detail,
    staff_seekers,
)
from jobs.services.referrals import referral_create, referral_outcome_record
from portal.constants import StaffRole
from portal.pages import FilteredListView, MovesMixin
from portal.scoped_views import StaffScopedViewMixin
from portal.workflow import available_moves


class ReferralListView(StaffScopedViewMixin, FilteredListView):
    model = Referral
    scope_roles = [StaffRole.CLERK]
    filterset_class = ReferralFilter
    template_name = "jobs/referrals/referral_list.html"
    context_object_name = "referrals"

    def get_base_queryset(self):
        return staff_referrals().order_by("-referred_at", "-id")


class ReferralCreateView(StaffScopedViewMixin, FormView):
    """Find a job seeker in scope and a public vacancy, then refer."""

    model = Referral
    scope_roles = [StaffRole.CLERK]
    form_class = ReferralCreateForm
    template_name = "jobs/referrals/referral_form.html"

    def _params(self):
        return self.request.POST if self.request.method == "POST" else self.request.GET

    def _choices(self):
        params = self._params()
        user = self.request.user
        seeker_q, vacancy_q = params.get("seeker_q", "").strip(), params.get("vacancy_q", "").strip()
        seekers = seekers_search_for_staff(fetched_by=user, q=seeker_q)
        vacancies = public_vacancies_search(q=vacancy_q)
        # A seeker or vacancy chosen elsewhere (the candidates page, a seeker's page) is offered too.
        chosen_seeker = seeker_for_staff(fetched_by=user, pk=params.get("seeker"))
        if chosen_seeker is not None and chosen_seeker.pk not in {s.pk for s in seekers}:
            seekers.insert(0, chosen_seeker)
        chosen_vacancy = public_vacancy_by_id(pk=params.get("vacancy"))
        if chosen_vacancy is not None and chosen_vacancy.pk not in {v.pk for v in vacancies}:
            vacancies.insert(0, chosen_vacancy)
        return seeker_q, vacancy_q, seekers, vacancies

    def get_form_kwargs(self):
        seeker_q, vacancy_q, seekers, vacancies = self._choices()
        self.searched = {"seeker_q": seeker_q, "vacancy_q": vacancy_q}
        kwargs = {**super().get_form_kwargs(), "seekers": seekers, "vacancies": vacancies}
        if self.request.method == "GET":
            kwargs["initial"] = {**self.searched, "seeker": self.request.GET.get("seeker"),
                                 "vacancy": self.request.GET.get("vacancy")}
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.searched}

    def form_valid(self, form):
        if not form.submit(lambda data: referral_create(actor=self.request.user, seeker=form.seekers[data["seeker"]],
                                                        vacancy=form.vacancies[data["vacancy"]], note=data["note"])):
            return self.form_invalid(form)
        referral = form.result
        messages.success(self.request, _("%(name)s has been referred to “%(title)s”.") % {
            "name": referral.seeker.account.display_name, "title": referral.vacancy.title})
        return redirect("staff-jobs:referral-detail", pk=referral.pk)


class ReferralDetailView(StaffScopedViewMixin, MovesMixin, DetailView):
    """One referral, its history, and the form for its outcome (POST), offering the outcomes its
    moves allow."""

    model = Referral
    scope_roles = [StaffRole.CLERK]
    template_name = "jobs/referrals/referral_detail.html"
    context_object_name = "referral"

    def get_base_queryset(self):
        return staff_referrals()

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ReferralOutcomeForm(referral=self.object, moves=self.get_moves())
        attach_histories([self.object])
        return {**super().get_context_data(**kwargs), "form": form}

    def post(self, request, *args, **kwargs):
        self.object = referral = self.get_object()
        form = ReferralOutcomeForm(request.POST, referral=referral, moves=available_moves(request.user, referral))
        if form.submit(lambda data: referral_outcome_record(actor=request.user, referral=referral, **data)):
            messages.success(request, _("The outcome has been recorded."))
            return redirect("staff-jobs:referral-detail", pk=referral.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SeekerListView(StaffScopedViewMixin, FilteredListView):
    model = SeekerProfile
    scope_roles = [StaffRole.CLERK]
    filterset_class = SeekerFilter
    template_name = "jobs/referrals/seeker_list.html"
    context_object_name = "seekers"

    def get_base_queryset(self):
        return staff_seekers()


class SeekerDetailView(StaffScopedViewMixin, DetailView):
    model = SeekerProfile
    scope_roles = [StaffRole.CLERK]
    template_name = "jobs/referrals/seeker_detail.html"
    context_object_name = "seeker"

    def get_base_queryset(self):
        return staff_seeker_detail()

    def get_context_data(self, **kwargs):
        user, seeker = self.request.user, self.object
        return {**super().get_context_data(**kwargs),
                "applications": seeker_applications_for_staff(fetched_by=user, seeker=seeker),
                "referrals": seeker_referrals_for_staff(fetched_by=user, seeker=seeker)}
