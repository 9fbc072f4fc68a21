"""Staff pages of unemployment registrations (the confirmation queue of online applications,
confirm / not confirm / cancel) and the small row actions of a person's page (end an employment,
complete a training, end an agency service)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from portal.pages import FilteredListView, refusal_as_messages
from portal.scoped_views import StaffScopedViewMixin
from portal.selectors import audit_history
from portal.workflow import available_moves
from registration.constants import UnemploymentStatus
from registration.forms_persons import EndDateForm, TrainingCompleteForm
from registration.forms_registrations import (
    CancelForm,
    ConfirmForm,
    RejectForm,
    UnemploymentFilter,
)
from registration.models import (
    AgencyService,
    EmploymentRegistration,
    TrainingEnrolment,
    UnemploymentRegistration,
)
from registration.selectors.registrations import (
    agency_service_staff_base,
    employment_staff_base,
    training_staff_base,
    unemployment_staff_base,
    unemployment_status_history,
)
from registration.services import records as record_services
from registration.services import registrations as services
from registration.views.persons import PersonPageMixin


class StaffUnemploymentMixin(StaffScopedViewMixin):
    model = UnemploymentRegistration

    def get_base_queryset(self):
        return unemployment_staff_base()


class UnemploymentListView(StaffUnemploymentMixin, FilteredListView):
    """Unemployment registrations of my area; ``?status=pending`` is the confirmation queue."""

    template_name = "registration/registrations/list.html"
    filterset_class = UnemploymentFilter
    context_object_name = "registrations"


class UnemploymentToConfirmView(UnemploymentListView):
    """The confirmation queue: online applications awaiting a clerk (where the workbench's counter
    leads); the same list with the status filter set."""

    def get_filterset_kwargs(self, filterset_class):
        data = self.request.GET.copy()
        data.setdefault("status", UnemploymentStatus.PENDING)
        return {**super().get_filterset_kwargs(filterset_class), "data": data}


class UnemploymentPageMixin(StaffUnemploymentMixin):
    template_name = "registration/registrations/detail.html"

    def get_registration(self, pk) -> UnemploymentRegistration:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def render_page(self, registration, **forms):
        request = self.request
        context = {"registration": registration, "person": registration.person,
                   "moves": available_moves(request.user, registration),
                   "changes": unemployment_status_history(registration=registration, fetched_by=request.user),
                   "history": audit_history(obj=registration, fetched_by=request.user),
                   "confirm_form": forms.get("confirm_form") or ConfirmForm(),
                   "reject_form": forms.get("reject_form") or RejectForm(),
                   "cancel_form": forms.get("cancel_form") or CancelForm()}
        return render(request, self.template_name, context)


class UnemploymentDetailView(UnemploymentPageMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_registration(pk))


class _UnemploymentActionView(UnemploymentPageMixin, View):
    step = ""
    form_class = None
    form_name = ""
    success_message = ""

    def act(self, registration, data):
        raise NotImplementedError

    def post(self, request, pk):
        registration = self.get_registration(pk)
        form = self.form_class(request.POST)
        if form.submit(lambda data: self.act(registration, data)):
            messages.success(request, self.success_message)
            return redirect("staff-registration:unemployment-detail", pk=registration.pk)
        # Another clerk may have decided the registration meanwhile: the page shows it as it is now.
        registration = self.get_registration(pk)
        refusal_as_messages(request, form, drawn=self.step in available_moves(request.user, registration))
        return self.render_page(registration, **{self.form_name: form})


class UnemploymentConfirmView(_UnemploymentActionView):
    step = "confirm"
    form_class, form_name = ConfirmForm, "confirm_form"
    success_message = _("The registration is confirmed.")

    def act(self, registration, data):
        services.unemployment_confirm(actor=self.request.user, registration=registration, note=data["note"])


class UnemploymentRejectView(_UnemploymentActionView):
    step = "reject"
    form_class, form_name = RejectForm, "reject_form"
    success_message = _("The registration is not confirmed; the applicant sees your reason.")

    def act(self, registration, data):
        services.unemployment_reject(actor=self.request.user, registration=registration, note=data["note"])


class UnemploymentCancelView(_UnemploymentActionView):
    step = "cancel"
    form_class, form_name = CancelForm, "cancel_form"
    success_message = _("The registration is cancelled.")

    def act(self, registration, data):
        services.unemployment_cancel(actor=self.request.user, registration=registration,
                                     reason=data["cancel_reason"], cancelled_on=data["cancelled_on"],
                                     note=data["note"])


class _PersonRowActionView(PersonPageMixin, View):
    """A form on one row of a person's page; re-shows the person's page when it is rejected."""

    row_model = None
    form_class = None
    row_name = ""
    success_message = ""

    def get_base_queryset(self):
        return self.row_base()

    def row_base(self):
        raise NotImplementedError

    def act(self, row, data):
        raise NotImplementedError

    def post(self, request, pk):
        row = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.form_class(request.POST)
        if form.submit(lambda data: self.act(row, data)):
            messages.success(request, self.success_message)
            return redirect("staff-registration:person-detail", pk=row.person_id)
        person = get_object_or_404(PersonPageMixin.get_base_queryset(self).visible_to(request.user),
                                   pk=row.person_id)
        return self.render_page(person, row_error={"kind": self.row_name, "pk": row.pk, "form": form})


class EmploymentEndView(_PersonRowActionView):
    model = EmploymentRegistration
    form_class, row_name = EndDateForm, "employment"
    success_message = _("The end of the employment is recorded.")

    def row_base(self):
        return employment_staff_base()

    def act(self, row, data):
        services.employment_end(actor=self.request.user, registration=row, ended_on=data["ended_on"])


class TrainingCompleteView(_PersonRowActionView):
    model = TrainingEnrolment
    form_class, row_name = TrainingCompleteForm, "training"
    success_message = _("The training enrolment has been updated.")

    def row_base(self):
        return training_staff_base()

    def act(self, row, data):
        record_services.training_enrolment_complete(actor=self.request.user, enrolment=row, **data)


class AgencyServiceEndView(_PersonRowActionView):
    model = AgencyService
    form_class, row_name = EndDateForm, "agency"
    success_message = _("The end of the service is recorded.")

    def row_base(self):
        return agency_service_staff_base()

    def act(self, row, data):
        record_services.agency_service_end(actor=self.request.user, service=row, ended_on=data["ended_on"])
