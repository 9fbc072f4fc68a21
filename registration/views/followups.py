"""Follow-up visits (跟踪回访): the clerks' list by due date and recording one visit."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from portal.constants import StaffRole
from portal.pages import FilteredListView, MovesMixin
from portal.scoped_views import StaffScopedViewMixin
from registration.forms_cases import FollowUpFilter, FollowUpForm
from registration.models import FollowUpVisit
from registration.selectors.followups import staff_followups
from registration.services.followups import followup_mark_missed, followup_record


class FollowUpListView(StaffScopedViewMixin, FilteredListView):
    model = FollowUpVisit
    scope_roles = [StaffRole.CLERK]
    filterset_class = FollowUpFilter
    template_name = "registration/followups/list.html"
    context_object_name = "visits"

    def get_base_queryset(self):
        return staff_followups()


class FollowUpDetailView(MovesMixin, StaffScopedViewMixin, DetailView):
    """One visit; the form shows while the clerk may record it (``moves``)."""

    model = FollowUpVisit
    scope_roles = [StaffRole.CLERK]
    template_name = "registration/followups/detail.html"
    context_object_name = "visit"

    def get_base_queryset(self):
        return staff_followups()

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or FollowUpForm()
        return {**super().get_context_data(**kwargs), "form": form}

    def post(self, request, *args, **kwargs):
        self.object = visit = self.get_object()
        form = FollowUpForm(request.POST)

        def record(data):
            if data["outcome"] == FollowUpForm.MISSED:
                return followup_mark_missed(actor=request.user, visit=visit, notes=data["notes"])
            return followup_record(actor=request.user, visit=visit, visited_on=data["visited_on"],
                                   still_employed=data["still_employed"], notes=data["notes"])

        if form.submit(record):
            messages.success(request, _("The follow-up visit has been recorded."))
            return redirect("staff-registration:followup-detail", pk=visit.pk)
        return self.render_to_response(self.get_context_data(form=form))
