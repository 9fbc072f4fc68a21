"""Agency pages: the public register of licensed agencies, and the staff pages where district
clerks record licences, change their status and record inspections.

Any staff role reads agencies in its subtree. What the agency page offers (the status change, the
inspection form, the edit form) comes from the agency's moves (``LICENCE_WORKFLOW``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from jobs.forms_agencies import AgencyForm, AgencyPublicFilter, AgencyStatusForm, StaffAgencyFilter, SupervisionForm
from jobs.models import Agency
from jobs.selectors.agencies import (
    LicenceBadge,
    agency_public_list,
    agency_staff_base,
    agency_supervision_records,
    may_license_agencies,
)
from jobs.services import agencies as services
from portal.pages import FilteredListView, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.selectors import audit_history


@scope_exempt("Public register of licensed private employment agencies.")
class AgencyListView(FilteredListView):
    template_name = "jobs/agencies/list.html"
    filterset_class = AgencyPublicFilter
    context_object_name = "agencies"

    def get_queryset(self):
        return agency_public_list(fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "badges": LicenceBadge}


# --- Staff pages ------------------------------------------------------------------------------


class StaffAgencyMixin(StaffScopedViewMixin):
    """Any staff role reads agencies in its subtree; the workflow says who changes them."""

    model = Agency

    def get_base_queryset(self):
        return agency_staff_base()


class StaffAgencyListView(StaffAgencyMixin, FilteredListView):
    template_name = "jobs/agencies/staff_list.html"
    filterset_class = StaffAgencyFilter
    context_object_name = "agencies"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_license": may_license_agencies(fetched_by=self.request.user),
                "badges": LicenceBadge}


class StaffAgencyCreateView(StaffAgencyMixin, View):
    template_name = "jobs/agencies/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_license_agencies(fetched_by=request.user):
            raise PermissionDenied(_("Only district clerks record agency licences."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": AgencyForm(picked_by=request.user)})

    def post(self, request):
        form = AgencyForm(request.POST, picked_by=request.user)
        if form.submit(lambda data: services.agency_license(actor=request.user, **data)):
            agency = form.result
            messages.success(request, _("The agency licence is recorded."))
            return redirect("staff-jobs:agency-detail", pk=agency.pk)
        return render(request, self.template_name, {"form": form})


class AgencyPageMixin(StaffAgencyMixin, RecordActionMixin):
    """The staff page of one agency, re-shown with whichever of its forms was rejected: each form is
    there when its move is (``edit``, ``supervise``, a status step)."""

    template_name = "jobs/agencies/staff_detail.html"
    context_object_name = "agency"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agency, moves, user = self.object, context["moves"], self.request.user
        if "edit" in moves and context.get("form") is None:
            context["form"] = AgencyForm(initial=AgencyForm.initial_for(agency), picked_by=user)
        if "supervise" in moves and context.get("supervision_form") is None:
            context["supervision_form"] = SupervisionForm(initial={"inspected_on": timezone.localdate()})
        status_form = context.get("status_form") or AgencyStatusForm(moves=moves)
        context["status_form"] = status_form if status_form.fields["status"].choices else None
        return {"form": None, "supervision_form": None, **context, "badges": LicenceBadge,
                "records": agency_supervision_records(agency=agency, fetched_by=user),
                "history": audit_history(obj=agency, fetched_by=user)}

    def get_success_url(self) -> str:
        return reverse("staff-jobs:agency-detail", kwargs={"pk": self.object.pk})


class StaffAgencyDetailView(AgencyPageMixin, View):
    """An agency for staff (GET); correcting its details (POST, the ``edit`` action)."""

    success_message = gettext_lazy("The agency details have been saved.")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def get_form(self):
        return AgencyForm(self.request.POST, picked_by=self.request.user)

    def act(self, data):
        services.agency_update(actor=self.request.user, agency=self.object, **data)


class StaffAgencyStatusView(AgencyPageMixin, View):
    form_context_name = "status_form"
    success_message = gettext_lazy("The licence status has been changed.")

    def get_form(self):
        return AgencyStatusForm(self.request.POST, moves=self.get_moves())

    def act(self, data):
        services.agency_status_change(actor=self.request.user, agency=self.object, to=data["status"],
                                      reason=data["reason"])


class StaffAgencySuperviseView(AgencyPageMixin, View):
    form_class = SupervisionForm
    form_context_name = "supervision_form"
    success_message = gettext_lazy("The inspection is recorded.")

    def act(self, data):
        services.agency_supervise(actor=self.request.user, agency=self.object, **data)
