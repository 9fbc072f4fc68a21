"""Clerks' pages of the review: the queue (with bulk approval) and one application with its steps.

Reading goes through the scoped bases (the reader's subtree); every POST finds the application
through the same scoped queryset, so one out of reach answers 404 before a service runs, and the
services check the step's tier and maker ≠ checker again on the locked row. Buttons come from
``moves`` (``portal.workflow.available_moves``), never from a rule restated here.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from portal.pages import FilteredListView, refusal_as_messages
from portal.scoped_views import StaffScopedViewMixin
from portal.selectors import audit_history
from portal.workflow import available_moves
from subsidies.constants import BULK_MAX
from subsidies.forms_review import ApplicationFilter, BulkApproveForm, DecisionForm, StepForm
from subsidies.models import Application
from subsidies.selectors.review import (
    application_for_staff,
    application_fund_entries,
    application_timeline,
    details_in_words,
    queue_annotate,
    staff_applications,
)
from subsidies.services import review as services

BULK_STEPS = ("approve", "approve_for_city")
# What the window does to an application open to the applicant: on the applying pages.
WINDOW_MOVES = ("correct", "add_document", "resubmit")


class ApplicationQueueView(StaffScopedViewMixin, FilteredListView):
    """Applications in the reader's subtree, what waits for their step first, then by due date."""

    model = Application
    filterset_class = ApplicationFilter
    template_name = "subsidies/review/queue.html"
    context_object_name = "applications"

    def get_base_queryset(self):
        return queue_annotate(staff_applications(), fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for application in context["applications"]:
            application.moves = available_moves(user, application)
            application.bulk = any(step in application.moves for step in BULK_STEPS)
        return {**context, "bulk_possible": any(a.bulk for a in context["applications"]), "bulk_max": BULK_MAX,
                "bulk_form": BulkApproveForm()}


class ApplicationBulkApproveView(StaffScopedViewMixin, View):
    """Approve the rows selected on the queue: each in a transaction of its own, each with its result."""

    model = Application
    template_name = "subsidies/review/bulk_result.html"

    def get_base_queryset(self):
        return staff_applications()

    def post(self, request, *args, **kwargs):
        form = BulkApproveForm(request.POST)
        results = []
        if form.submit(lambda data: services.application_approve_bulk(actor=request.user, **data)):
            results = form.result
        named = self.get_queryset().in_bulk([r.id for r in results])
        rows = [{"result": r, "application": named.get(r.id)} for r in results]
        return TemplateResponse(request, self.template_name, {
            "form": form, "rows": rows, "approved": sum(r.approved for r in results),
            "refused": sum(not r.approved for r in results)})


def _step(service, form_class, done):
    return {"service": service, "form": form_class, "done": done}


ACTIONS = {
    "accept": _step(services.application_accept, StepForm, gettext_lazy("Taken in: the application goes to the street.")),
    "review": _step(services.application_review, StepForm, gettext_lazy("Reviewed: the application goes to the district.")),
    "approve": _step(partial(services.application_approve, step="approve"), StepForm,
                     gettext_lazy("Approved: the amount is reserved on the district's fund.")),
    "approve_for_city": _step(partial(services.application_approve, step="approve_for_city"), StepForm,
                              gettext_lazy("Approved and sent to the city: the amount is reserved on the "
                                           "district's fund.")),
    "city_approve": _step(services.application_city_approve, StepForm, gettext_lazy("Approved for the city.")),
    "disburse": _step(services.application_disburse, StepForm, gettext_lazy("The disbursement has been recorded.")),
    "return": _step(services.application_return, DecisionForm,
                    gettext_lazy("Returned for correction: the applicant has been told why.")),
    "reject": _step(services.application_reject, DecisionForm, gettext_lazy("The application has been rejected.")),
}


class ApplicationDetailView(StaffScopedViewMixin, TemplateView):
    """One application: the applicant's facts, the eligibility snapshot in words, documents, the
    timeline with due dates, the money on the district fund, the audit trail, and the step forms."""

    model = Application
    template_name = "subsidies/review/detail.html"

    def get_context_data(self, **kwargs):
        application = self.application
        user = self.request.user
        moves = available_moves(user, application)
        failed = kwargs.pop("failed", None)  # (action, bound form) of a refused step
        forms = [{"move": moves[name], "form": failed[1] if failed and failed[0] == name else spec["form"](prefix=name),
                  "danger": name in ("return", "reject"),
                  "waits": services.disbursement_waits(application) if name == "disburse" else None}
                 for name, spec in ACTIONS.items() if name in moves]
        return {**super().get_context_data(**kwargs), "application": application, "moves": moves,
                "step_forms": forms, "window_moves": [name for name in WINDOW_MOVES if name in moves],
                "failed_action": failed[0] if failed else None,
                "snapshot": application.eligibility or {},
                "timeline": application_timeline(application=application),
                "fund_entries": application_fund_entries(application=application),
                "documents": list(application.documents.all()),
                "details": details_in_words(application),
                "history": audit_history(obj=application, fetched_by=user)}

    def get(self, request, *args, **kwargs):
        self.application = application_for_staff(fetched_by=request.user, pk=kwargs["pk"])
        if self.application is None:
            raise Http404(_("Not found."))
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        application = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404(_("Not found."))
        spec = ACTIONS[action]
        form = spec["form"](request.POST, prefix=action)
        if form.submit(lambda data: spec["service"](actor=request.user, application=application, **data)):
            messages.success(request, spec["done"])
            return redirect("staff-subsidies:application-detail", pk=application.pk)
        self.application = application_for_staff(fetched_by=request.user, pk=application.pk)
        refusal_as_messages(request, form, drawn=action in available_moves(request.user, self.application))
        return self.render_to_response(self.get_context_data(failed=(action, form)))
