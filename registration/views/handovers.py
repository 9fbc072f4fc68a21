"""Cross-district help (异地帮扶): incoming and outgoing handovers, and the receiving district's answer.

A handover belongs to the sending district (its ``area``) and is addressed to the receiving one
(``to_path``); both see it, through ``registration.selectors.cases.handovers_for_staff``. Who may
accept or decline is ``HANDOVER_WORKFLOW``'s: the page shows the forms ``available_moves`` offers.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from portal.constants import StaffRole
from portal.scoped_views import StaffScopedViewMixin
from portal.workflow import available_moves
from registration.forms_cases import HandoverAcceptForm, HandoverDeclineForm
from registration.models import CaseHandover
from registration.selectors.cases import (
    handling_areas,
    handover_for_staff,
    handovers_incoming,
    handovers_outgoing,
)
from registration.services.handovers import handover_accept, handover_decline

BOXES = ("incoming", "outgoing")


class HandoverListView(StaffScopedViewMixin, ListView):
    model = CaseHandover
    scope_roles = [StaffRole.CLERK]
    template_name = "registration/handovers/list.html"
    context_object_name = "handovers"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.box = request.GET.get("box") if request.GET.get("box") in BOXES else "incoming"
        selector = handovers_incoming if self.box == "incoming" else handovers_outgoing
        self.object_list = selector(fetched_by=request.user)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "box": self.box, "query": f"box={self.box}"}


class HandoverDetailView(StaffScopedViewMixin, TemplateView):
    model = CaseHandover
    scope_roles = [StaffRole.CLERK]
    template_name = "registration/handovers/detail.html"

    def _handover(self, pk) -> CaseHandover:
        handover = handover_for_staff(fetched_by=self.request.user, pk=pk)
        if handover is None:
            raise Http404(_("Not found."))
        return handover

    def _accept_form(self, handover, data=None):
        return HandoverAcceptForm(data, areas=handling_areas(district=handover.to_district))

    def get_context_data(self, **kwargs):
        handover = self.handover
        moves = available_moves(self.request.user, handover)
        accept_form = kwargs.pop("accept_form", None) or (self._accept_form(handover) if "accept" in moves else None)
        decline_form = kwargs.pop("decline_form", None) or HandoverDeclineForm()
        return {**super().get_context_data(**kwargs), "handover": handover, "moves": moves,
                "accept_form": accept_form, "decline_form": decline_form}

    def get(self, request, *args, **kwargs):
        self.handover = self._handover(kwargs["pk"])
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.handover = handover = self._handover(kwargs["pk"])
        if request.POST.get("action") == "decline":
            form, name = HandoverDeclineForm(request.POST), "decline_form"
            done = _("The handover has been declined.")

            def act(data):
                return handover_decline(actor=request.user, handover=handover, reason=data["decision_note"])
        else:
            form, name = self._accept_form(handover, request.POST), "accept_form"
            done = _("The case is now handled by your district.")

            def act(data):
                return handover_accept(actor=request.user, handover=handover, handling_area=data["handling_area"],
                                       note=data["decision_note"])
        if form.submit(act):
            messages.success(request, done)
            return redirect("staff-registration:handover-detail", pk=handover.pk)
        return self.render_to_response(self.get_context_data(**{name: form}))
