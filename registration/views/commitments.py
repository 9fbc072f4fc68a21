"""The clerks' commitment queue (承诺10个工作日内推荐就业) and meeting a commitment by a referral."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from jobs.selectors.seekers import public_vacancies_search, public_vacancy_by_id
from portal.constants import StaffRole
from portal.pages import MovesMixin
from portal.scoped_views import StaffScopedViewMixin
from portal.workflow import available_moves
from registration.constants import CommitmentStatus
from registration.forms_cases import CommitmentQueueForm, CommitmentReferForm
from registration.models import ReferralCommitment
from registration.selectors.commitments import (
    attach_escalations,
    commitment_queue,
    staff_commitments,
)
from registration.services.commitments import commitment_refer


class CommitmentQueueView(StaffScopedViewMixin, ListView):
    """Open commitments soonest due first; overdue ones flagged with their escalation level, and a
    link to refer where the clerk may meet the commitment (``moves``)."""

    model = ReferralCommitment
    scope_roles = [StaffRole.CLERK]
    template_name = "registration/commitments/queue.html"
    context_object_name = "commitments"
    paginate_by = 20

    def get_base_queryset(self):
        self.filter_form = CommitmentQueueForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return commitment_queue(fetched_by=self.request.user, everything=data.get("show") == "all",
                                status=data.get("status") or CommitmentStatus.OPEN)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_escalations(context["commitments"])
        today = timezone.localdate()
        for commitment in context["commitments"]:
            commitment.moves = available_moves(self.request.user, commitment)
            commitment.due_today = commitment.status == CommitmentStatus.OPEN and commitment.due_on == today
        query = self.request.GET.copy()
        query.pop("page", None)
        return {**context, "filter_form": self.filter_form, "query": query.urlencode()}


class CommitmentDetailView(MovesMixin, StaffScopedViewMixin, DetailView):
    """One commitment; when the clerk may meet it (``moves.refer``), find a public vacancy and refer
    the person."""

    model = ReferralCommitment
    scope_roles = [StaffRole.CLERK]
    template_name = "registration/commitments/detail.html"
    context_object_name = "commitment"

    def get_base_queryset(self):
        return staff_commitments()

    def _form(self, data=None):
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        self.vacancy_q = params.get("vacancy_q", "").strip()
        vacancies = public_vacancies_search(q=self.vacancy_q)
        chosen = public_vacancy_by_id(pk=params.get("vacancy"))
        if chosen is not None and chosen.pk not in {v.pk for v in vacancies}:
            vacancies.insert(0, chosen)
        return CommitmentReferForm(data, vacancies=vacancies)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self._form()
        attach_escalations([self.object])
        return {**super().get_context_data(**kwargs), "form": form, "vacancy_q": self.vacancy_q}

    def post(self, request, *args, **kwargs):
        self.object = commitment = self.get_object()
        form = self._form(request.POST)
        if form.submit(lambda data: commitment_refer(actor=request.user, commitment=commitment, **data)):
            met = form.result
            messages.success(request, _("%(name)s has been referred to “%(title)s”: the commitment is met.")
                             % {"name": met.case.person.name, "title": met.met_by_referral.vacancy.title})
            return redirect("staff-registration:commitment-detail", pk=commitment.pk)
        return self.render_to_response(self.get_context_data(form=form))
