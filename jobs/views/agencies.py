"""Agency pages: the public register of licensed agencies, and the staff pages where district
clerks record licences, change their status and record inspections."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from jobs.forms_agencies import AgencyForm, AgencyPublicFilter, AgencyStatusForm, StaffAgencyFilter, SupervisionForm
from jobs.models import Agency
from jobs.selectors.agencies import (
    EXPIRING_WITHIN_DAYS,
    LicenceBadge,
    agency_public_list,
    agency_staff_base,
    agency_supervision_records,
)
from jobs.services import agencies as services
from jobs.services.agencies import AGENCY_STAFF_LEVELS, AGENCY_STAFF_ROLES
from portal.pages import FilteredListView
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.scoping import area_in_scope, has_staff_role
from portal.selectors import audit_history


@scope_exempt("Public register of licensed private employment agencies.")
class AgencyListView(FilteredListView):
    template_name = "jobs/agencies/list.html"
    filterset_class = AgencyPublicFilter
    context_object_name = "agencies"

    def get_queryset(self):
        return agency_public_list(fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "badges": LicenceBadge,
                "expiring_days": EXPIRING_WITHIN_DAYS}


# --- Staff pages ------------------------------------------------------------------------------


class StaffAgencyMixin(StaffScopedViewMixin):
    """Any staff role reads agencies in its subtree; only district clerks change them."""

    model = Agency

    def get_base_queryset(self):
        return agency_staff_base()

    def may_manage(self, agency: Agency | None = None) -> bool:
        user = self.request.user
        if agency is None:
            return has_staff_role(user, AGENCY_STAFF_ROLES, AGENCY_STAFF_LEVELS)
        return area_in_scope(user, agency.area, roles=AGENCY_STAFF_ROLES, levels=AGENCY_STAFF_LEVELS)


class StaffAgencyListView(StaffAgencyMixin, FilteredListView):
    template_name = "jobs/agencies/staff_list.html"
    filterset_class = StaffAgencyFilter
    context_object_name = "agencies"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_manage": self.may_manage(), "badges": LicenceBadge}


class StaffAgencyCreateView(StaffAgencyMixin, View):
    template_name = "jobs/agencies/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.may_manage():
            raise PermissionDenied(_("Only district clerks record agency licences."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": AgencyForm(user=request.user)})

    def post(self, request):
        form = AgencyForm(request.POST, user=request.user)
        if form.submit(lambda data: services.agency_license(actor=request.user, **data)):
            agency = form.result
            messages.success(request, _("The agency licence is recorded."))
            return redirect("staff-jobs:agency-detail", pk=agency.pk)
        return render(request, self.template_name, {"form": form})


class AgencyPageMixin(StaffAgencyMixin):
    """The staff page of one agency, re-shown with whichever of its forms was rejected."""

    template_name = "jobs/agencies/staff_detail.html"

    def get_agency(self, pk) -> Agency:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def render_page(self, agency: Agency, *, form=None, status_form=None, supervision_form=None):
        request = self.request
        may_manage = self.may_manage(agency)
        if may_manage:
            form = form or AgencyForm(initial=AgencyForm.initial_for(agency), user=request.user)
            status_form = status_form or AgencyStatusForm(agency=agency)
            supervision_form = supervision_form or SupervisionForm()
        return render(request, self.template_name, {
            "agency": agency, "may_manage": may_manage, "form": form, "status_form": status_form,
            "supervision_form": supervision_form, "badges": LicenceBadge,
            "records": agency_supervision_records(agency=agency, fetched_by=request.user),
            "history": audit_history(obj=agency, fetched_by=request.user),
        })


class StaffAgencyDetailView(AgencyPageMixin, View):
    """An agency for staff: details (editable by district clerks), status with reason, inspections."""

    def get(self, request, pk):
        return self.render_page(self.get_agency(pk))

    def post(self, request, pk):
        agency = self.get_agency(pk)
        form = AgencyForm(request.POST, user=request.user)
        if form.submit(lambda data: services.agency_update(actor=request.user, agency=agency, **data)):
            messages.success(request, _("The agency details have been saved."))
            return redirect("staff-jobs:agency-detail", pk=agency.pk)
        return self.render_page(agency, form=form)


class StaffAgencyStatusView(AgencyPageMixin, View):
    def post(self, request, pk):
        agency = self.get_agency(pk)
        form = AgencyStatusForm(request.POST, agency=agency)
        if form.submit(lambda data: services.agency_status_change(actor=request.user, agency=agency, to=data["status"],
                                              reason=data["reason"])):
            messages.success(request, _("The licence status has been changed."))
            return redirect("staff-jobs:agency-detail", pk=agency.pk)
        return self.render_page(agency, status_form=form)


class StaffAgencySuperviseView(AgencyPageMixin, View):
    def post(self, request, pk):
        agency = self.get_agency(pk)
        form = SupervisionForm(request.POST)
        if form.submit(lambda data: services.agency_supervise(actor=request.user, agency=agency, **data)):
            messages.success(request, _("The inspection is recorded."))
            return redirect("staff-jobs:agency-detail", pk=agency.pk)
        return self.render_page(agency, supervision_form=form)
