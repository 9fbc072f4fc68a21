"""Clerks' pages of hard-to-employ identification: the case list, intake, and one case with its steps.

Reading goes through ``cases_visible_to`` (the clerk's subtree, plus cases it handed to another
district, shown read-only). Every POST finds the case through the strictly scoped queryset, so a
case seen only as history answers 404 to any action; the services check the step's tier again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from portal.constants import StaffRole
from portal.lookups import EXPIRED, lookup_redirect, search_from_address
from portal.pages import FilteredListView
from portal.scoped_views import StaffScopedViewMixin
from portal.workflow import available_moves
from registration.forms_cases import (
    CaseDecisionForm,
    CaseFilter,
    CaseIntakeForm,
    HandoverProposeForm,
)
from registration.identity import identity_number_like
from registration.models import HardshipCase
from registration.selectors.cases import (
    case_for_staff,
    case_handovers,
    case_history,
    case_in_scope,
    cases_visible_to,
    districts_except,
    hardship_categories,
    person_for_intake,
    persons_for_intake,
    staff_cases,
)
from registration.selectors.commitments import attach_escalations
from registration.services import handovers as handover_services
from registration.services import hardship as services


class CaseListView(StaffScopedViewMixin, FilteredListView):
    model = HardshipCase
    scope_roles = [StaffRole.CLERK]
    filterset_class = CaseFilter
    template_name = "registration/cases/list.html"
    context_object_name = "cases"

    def get_base_queryset(self):
        return staff_cases()

    def get_filterset_kwargs(self, filterset_class):
        # The list includes cases this area handed to another district (read-only), hence the selector.
        return {**super().get_filterset_kwargs(filterset_class),
                "queryset": cases_visible_to(fetched_by=self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for case in context["cases"]:
            case.in_scope = case_in_scope(user=user, case=case)
        return context


class CaseIntakeView(StaffScopedViewMixin, FormView):
    """Community intake: find a person of the community, choose categories, describe the circumstances."""

    model = HardshipCase
    scope_roles = [StaffRole.CLERK]
    form_class = CaseIntakeForm
    template_name = "registration/cases/intake.html"
    q = ""

    def _params(self):
        return self.request.POST if self.request.method == "POST" else self.request.GET

    def get(self, request, *args, **kwargs):
        q = search_from_address(request, refuse=identity_number_like)
        if q is None:
            messages.info(request, EXPIRED)
            return redirect("staff-registration:case-create")
        self.q = q
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        params, user = self._params(), self.request.user
        persons = persons_for_intake(fetched_by=user, q=self.q)
        chosen = person_for_intake(fetched_by=user, pk=params.get("person"))
        if chosen is not None and chosen.pk not in {p.pk for p in persons}:
            persons.insert(0, chosen)
        kwargs = {**super().get_form_kwargs(), "persons": persons, "categories": hardship_categories(),
                  "find_person": lambda pk: person_for_intake(fetched_by=user, pk=pk)}
        if self.request.method == "GET" and chosen is not None:
            kwargs["initial"] = {"person": chosen.pk}
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "q": self.q}

    def post(self, request, *args, **kwargs):
        if "find" in request.POST:  # step 1 posts its search, so an identity number stays out of the address
            return lookup_redirect(request, request.POST.get("q", ""), person=request.GET.get("person"))
        self.q = request.POST.get("q", "").strip()
        form = self.get_form()
        if form.submit(lambda data: services.hardship_case_submit(actor=request.user, **data)):
            messages.success(request, _("%(name)s has been submitted for street review.")
                             % {"name": form.result.person.name})
            return redirect("staff-registration:case-detail", pk=form.result.pk)
        return self.form_invalid(form)


ACTIONS = {
    "review": (services.hardship_case_review, "note", gettext_lazy("Reviewed: the case goes to the district.")),
    "approve": (services.hardship_case_approve, "note", gettext_lazy("Approved: the referral commitment is open.")),
    "reject": (services.hardship_case_reject, "reason", gettext_lazy("The case has been rejected.")),
    "end": (services.hardship_case_end, "note", gettext_lazy("The case has been ended.")),
}


class CaseDetailView(StaffScopedViewMixin, TemplateView):
    """One case: facts, commitment, handovers, history, and the step forms the clerk may use."""

    model = HardshipCase
    scope_roles = [StaffRole.CLERK]
    template_name = "registration/cases/detail.html"

    def get_context_data(self, **kwargs):
        case = self.case
        user = self.request.user
        moves = available_moves(user, case)
        commitment = getattr(case, "commitment", None)
        if commitment is not None:
            attach_escalations([commitment])
        forms = kwargs.pop("forms", {})
        handover_form = forms.get("handover")
        if "hand_over" in moves and handover_form is None:
            handover_form = HandoverProposeForm(districts=districts_except(area=case.area))
        return {**super().get_context_data(**kwargs), "case": case, "moves": moves,
                "read_only": not case_in_scope(user=user, case=case), "commitment": commitment,
                "history": case_history(case=case), "handovers": case_handovers(case=case),
                "decision_form": forms.get("decision") or CaseDecisionForm(),
                "failed_action": forms.get("action"), "handover_form": handover_form}

    def get(self, request, *args, **kwargs):
        self.case = case_for_staff(fetched_by=request.user, pk=kwargs["pk"])
        if self.case is None:
            raise Http404(_("Not found."))
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        # Actions only on cases in scope: a case seen as history answers 404 like a missing one.
        case = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        action = request.POST.get("action", "")
        if action == "handover":
            return self._handover(case)
        if action not in ACTIONS:
            raise Http404(_("Not found."))
        service, argument, done = ACTIONS[action]
        form = CaseDecisionForm(request.POST)
        if form.submit(lambda data: service(actor=request.user, case=case, **{argument: data["decision_note"]})):
            messages.success(request, done)
            return redirect("staff-registration:case-detail", pk=case.pk)
        self.case = case_for_staff(fetched_by=request.user, pk=case.pk)
        return self.render_to_response(self.get_context_data(forms={"decision": form, "action": action}))

    def _handover(self, case):
        form = HandoverProposeForm(self.request.POST, districts=districts_except(area=case.area))
        if form.submit(lambda data: handover_services.handover_propose(actor=self.request.user, case=case, **data)):
            handover = form.result
            messages.success(self.request, _("The handover to %(district)s awaits their answer.")
                             % {"district": handover.to_district.name})
            return redirect("staff-registration:case-detail", pk=case.pk)
        self.case = case_for_staff(fetched_by=self.request.user, pk=case.pk)
        return self.render_to_response(self.get_context_data(forms={"handover": form, "action": "handover"}))
