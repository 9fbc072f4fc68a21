"""Vacancy pages: the employer posts and follows its own; district clerks review, publish and close.

Which buttons a page shows comes from the vacancy's moves (``VACANCY_WORKFLOW`` through
``portal.workflow.available_moves``); the services check the same steps on the locked row."""

from __future__ import annotations

import datetime
from functools import cached_property

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, View

from jobs.constants import VACANCY_OPEN_DAYS_DEFAULT, EmployerStatus, VacancyStatus
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
from portal.pages import FilteredListView, MovesMixin, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.workflow import available_moves

# --- The employer's own vacancies ---------------------------------------------------------------


class EmployerVacancyPageMixin(EmployerAccountMixin, MovesMixin):
    """One of the signed-in employer's own vacancies; another employer's reads as not found."""

    template_name = "jobs/vacancies/employer_detail.html"
    context_object_name = "vacancy"

    def get_object(self, queryset=None) -> Vacancy:
        return employer_vacancy(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = {"history": vacancy_history(vacancy=self.object, fetched_by=self.request.user),
                   "close_form": VacancyCloseForm(), "VacancyStatus": VacancyStatus}
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
        return VacancyForm.initial_for(self.employer)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "employer": self.employer, "creating": True,
                "not_verified": self.employer.status != EmployerStatus.VERIFIED,
                "cancel_url": reverse("jobs:employer-home")}

    def form_valid(self, form):
        if not form.submit(lambda data: services.vacancy_post(actor=self.request.user, employer=self.employer,
                                                              **form.vacancy_fields())):
            return self.form_invalid(form)
        messages.success(self.request, _("Your vacancy is posted. The district employment service will review it "
                                         "before it is public."))
        return redirect("jobs:employer-vacancy-detail", pk=form.result.pk)


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

    def _editable(self) -> bool:
        """The edit page is offered only while editing is one of the vacancy's moves."""
        return "edit" in available_moves(self.request.user, self.vacancy)

    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs) if self._editable() else self._not_editable()

    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs) if self._editable() else self._not_editable()

    def get_initial(self):
        return VacancyForm.initial_from(self.vacancy)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "vacancy": self.vacancy, "creating": False,
                "cancel_url": reverse("jobs:employer-vacancy-detail", kwargs={"pk": self.vacancy.pk})}

    def form_valid(self, form):
        if not form.submit(lambda data: services.vacancy_update(actor=self.request.user, vacancy=self.vacancy,
                                                                **form.vacancy_fields())):
            return self.form_invalid(form)
        vacancy = form.result
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


class StaffVacancyPageMixin(StaffVacancyMixin, MovesMixin):
    """One vacancy with the steps the clerk may take on it (``moves.publish`` …)."""

    template_name = "jobs/vacancies/staff_detail.html"
    context_object_name = "vacancy"

    def get_context_data(self, **kwargs):
        context = {
            "history": vacancy_history(vacancy=self.object, fetched_by=self.request.user),
            "return_form": VacancyReturnForm(),
            "close_form": VacancyCloseForm(),
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
            return {"closing_date": timezone.localdate() + datetime.timedelta(days=VACANCY_OPEN_DAYS_DEFAULT)}
        return {**VacancyForm.initial_for(employer), "employer": employer.credit_code}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "creating": True, "on_behalf": True,
                "cancel_url": reverse("staff-jobs:vacancy-list")}

    def form_valid(self, form):
        if not form.submit(lambda data: services.vacancy_post(actor=self.request.user, employer=data["employer"],
                                                              **form.vacancy_fields())):
            return self.form_invalid(form)
        vacancy = form.result
        messages.success(self.request, _("The vacancy is posted for %(employer)s and waits for review.")
                         % {"employer": vacancy.employer.name})
        return redirect("staff-jobs:vacancy-detail", pk=vacancy.pk)
