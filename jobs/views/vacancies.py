"""Vacancy pages: the employer posts and follows its own; district clerks review, publish and close."""

from __future__ import annotations

import datetime
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, View

from jobs.constants import EmployerStatus, VacancyStatus
from jobs.forms_vacancies import (
    StaffVacancyForm,
    VacancyCloseForm,
    VacancyFilter,
    VacancyForm,
    VacancyReturnForm,
    VacancyReviewFilter,
)
from jobs.models import Vacancy
from jobs.selectors.employers import employer_for_staff, employer_of_account
from jobs.selectors.vacancies import (
    VACANCY_STAFF_ROLES,
    employer_vacancy,
    vacancies_for_staff,
    vacancy_history,
    vacancy_review_queue,
)
from jobs.services import vacancies as services
from jobs.views.employers import EmployerAccountMixin
from portal.pages import FilteredListView, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.scoping import area_in_scope

DEFAULT_OPEN_DAYS = 30


def _vacancy_initial(employer) -> dict:
    """Sensible defaults for a new vacancy of this employer."""
    return {"industry": employer.industry_id, "contact_name": employer.contact_name,
            "contact_phone": employer.contact_phone,
            "closing_date": timezone.localdate() + datetime.timedelta(days=DEFAULT_OPEN_DAYS)}


# --- The employer's own vacancies ---------------------------------------------------------------


class EmployerVacancyPageMixin(EmployerAccountMixin):
    """One of the signed-in employer's own vacancies; another employer's reads as not found."""

    template_name = "jobs/vacancies/employer_detail.html"
    context_object_name = "vacancy"

    def get_object(self, queryset=None) -> Vacancy:
        return employer_vacancy(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = {"history": vacancy_history(vacancy=self.object, fetched_by=self.request.user),
                   "close_form": VacancyCloseForm(), "VacancyStatus": VacancyStatus,
                   "editable": self.object.status in services.EDITABLE_STATUSES}
        context.update(kwargs)
        return super().get_context_data(**context)

    def get_success_url(self) -> str:
        return reverse("jobs:employer-vacancy-detail", kwargs={"pk": self.object.pk})


@scope_exempt("The signed-in employer's own vacancy.")
class EmployerVacancyDetailView(EmployerVacancyPageMixin, DetailView):
    pass


@scope_exempt("The signed-in employer posts a vacancy of its own organisation.")
class EmployerVacancyCreateView(EmployerAccountMixin, FormView):
    template_name = "jobs/vacancies/form.html"
    form_class = VacancyForm

    @cached_property
    def employer(self):
        return employer_of_account(fetched_by=self.request.user)

    def get(self, request, *args, **kwargs):
        if self.employer is None:
            messages.info(request, _("Register your organisation first; you can post vacancies once it is verified."))
            return redirect("jobs:employer-profile")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.employer is None:
            return redirect("jobs:employer-profile")
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return _vacancy_initial(self.employer)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "employer": self.employer, "creating": True,
                "not_verified": self.employer.status != EmployerStatus.VERIFIED,
                "cancel_url": reverse("jobs:employer-home")}

    def form_valid(self, form):
        try:
            vacancy = services.vacancy_post(actor=self.request.user, employer=self.employer, **form.vacancy_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your vacancy is posted. The district employment service will review it "
                                         "before it is public."))
        return redirect("jobs:employer-vacancy-detail", pk=vacancy.pk)


@scope_exempt("The signed-in employer edits its own vacancy.")
class EmployerVacancyEditView(EmployerAccountMixin, FormView):
    template_name = "jobs/vacancies/form.html"
    form_class = VacancyForm

    @cached_property
    def vacancy(self) -> Vacancy:
        return employer_vacancy(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def _not_editable(self):
        messages.error(self.request, _("Only a vacancy awaiting review or returned can be changed."))
        return redirect("jobs:employer-vacancy-detail", pk=self.vacancy.pk)

    def get(self, request, *args, **kwargs):
        if self.vacancy.status not in services.EDITABLE_STATUSES:
            return self._not_editable()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.vacancy.status not in services.EDITABLE_STATUSES:
            return self._not_editable()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return VacancyForm.initial_from(self.vacancy)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "vacancy": self.vacancy, "creating": False,
                "cancel_url": reverse("jobs:employer-vacancy-detail", kwargs={"pk": self.vacancy.pk})}

    def form_valid(self, form):
        try:
            vacancy = services.vacancy_update(actor=self.request.user, vacancy=self.vacancy, **form.vacancy_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        if vacancy.status == VacancyStatus.RETURNED:
            messages.success(self.request, _("Saved. Resubmit the vacancy when it is ready for review."))
        else:
            messages.success(self.request, _("Saved. The vacancy is waiting for review."))
        return redirect("jobs:employer-vacancy-detail", pk=vacancy.pk)


@scope_exempt("The signed-in employer resubmits its own returned vacancy.")
class EmployerVacancyResubmitView(EmployerVacancyPageMixin, RecordActionMixin, View):
    success_message = gettext_lazy("The vacancy is sent for review again.")

    def act(self, data):
        services.vacancy_resubmit(actor=self.request.user, vacancy=self.object)


@scope_exempt("The signed-in employer closes its own vacancy.")
class EmployerVacancyCloseView(EmployerVacancyPageMixin, RecordActionMixin, View):
    form_class = VacancyCloseForm
    form_context_name = "close_form"

    success_message = gettext_lazy("The vacancy is closed.")

    def act(self, data):
        services.vacancy_close(actor=self.request.user, vacancy=self.object, reason=data["reason"])

    def get_success_url(self) -> str:
        # The close buttons of the employer's home page bring the employer back there.
        if self.request.POST.get("next") == "home":
            return reverse("jobs:employer-home")
        return super().get_success_url()


# --- Staff pages --------------------------------------------------------------------------------


class StaffVacancyMixin(StaffScopedViewMixin):
    model = Vacancy
    scope_roles = VACANCY_STAFF_ROLES

    def get_base_queryset(self):
        return vacancies_for_staff(fetched_by=self.request.user)


class StaffVacancyReviewView(StaffVacancyMixin, FilteredListView):
    """Vacancies awaiting review in the clerk's area, the longest waiting first."""

    filterset_class = VacancyReviewFilter
    template_name = "jobs/vacancies/staff_review.html"
    context_object_name = "vacancies"

    def get_base_queryset(self):
        return vacancy_review_queue(fetched_by=self.request.user)


class StaffVacancyListView(StaffVacancyMixin, FilteredListView):
    filterset_class = VacancyFilter
    template_name = "jobs/vacancies/staff_list.html"
    context_object_name = "vacancies"

    def get_base_queryset(self):
        return super().get_base_queryset().order_by("-created_at", "-id")


class StaffVacancyPageMixin(StaffVacancyMixin):
    template_name = "jobs/vacancies/staff_detail.html"
    context_object_name = "vacancy"

    def get_context_data(self, **kwargs):
        vacancy = self.object
        context = {
            "history": vacancy_history(vacancy=vacancy, fetched_by=self.request.user),
            "return_form": VacancyReturnForm(),
            "close_form": VacancyCloseForm(),
            "can_review": area_in_scope(self.request.user, vacancy.area, roles=services.REVIEWER_ROLES,
                                        levels=services.REVIEWER_LEVELS),
            "VacancyStatus": VacancyStatus,
        }
        context.update(kwargs)
        return super().get_context_data(**context)

    def get_success_url(self) -> str:
        return reverse("staff-jobs:vacancy-detail", kwargs={"pk": self.object.pk})


class StaffVacancyDetailView(StaffVacancyPageMixin, DetailView):
    pass


class StaffVacancyPublishView(StaffVacancyPageMixin, RecordActionMixin, View):
    success_message = gettext_lazy("The vacancy is published.")

    def act(self, data):
        services.vacancy_publish(actor=self.request.user, vacancy=self.object)


class StaffVacancyReturnView(StaffVacancyPageMixin, RecordActionMixin, View):
    form_class = VacancyReturnForm
    form_context_name = "return_form"
    success_message = gettext_lazy("The vacancy is returned to the employer with your reason.")

    def act(self, data):
        services.vacancy_return(actor=self.request.user, vacancy=self.object, reason=data["reason"])


class StaffVacancyCloseView(StaffVacancyPageMixin, RecordActionMixin, View):
    form_class = VacancyCloseForm
    form_context_name = "close_form"
    success_message = gettext_lazy("The vacancy is closed.")

    def act(self, data):
        services.vacancy_close(actor=self.request.user, vacancy=self.object, reason=data["reason"])


class StaffVacancyCreateView(StaffVacancyMixin, FormView):
    """A clerk posts a vacancy on behalf of a verified employer in the clerk's area."""

    template_name = "jobs/vacancies/form.html"
    form_class = StaffVacancyForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        employer = employer_for_staff(fetched_by=self.request.user, pk=self.request.GET.get("employer"))
        if employer is None:
            return {"closing_date": timezone.localdate() + datetime.timedelta(days=DEFAULT_OPEN_DAYS)}
        return {**_vacancy_initial(employer), "employer": employer.credit_code}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "creating": True, "on_behalf": True,
                "cancel_url": reverse("staff-jobs:vacancy-list")}

    def form_valid(self, form):
        try:
            vacancy = services.vacancy_post(actor=self.request.user, employer=form.cleaned_data["employer"],
                                            **form.vacancy_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The vacancy is posted for %(employer)s and waits for review.")
                         % {"employer": vacancy.employer.name})
        return redirect("staff-jobs:vacancy-detail", pk=vacancy.pk)
