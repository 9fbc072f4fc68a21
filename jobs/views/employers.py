"""Employer pages: the employer's own organisation, and the staff's employer list and verification.

Which buttons a page shows comes from the record's moves (``EMPLOYER_WORKFLOW`` through
``portal.workflow.available_moves``); the services check the same steps on the locked row."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, View

from jobs.constants import EmployerStatus, VacancyStatus
from jobs.forms_employers import EmployerFilter, EmployerForm, EmployerRejectForm, MembershipForm
from jobs.forms_vacancies import VacancyCloseForm
from jobs.models import Employer
from jobs.selectors.employers import (
    EMPLOYER_STAFF_ROLES,
    employer_history,
    employer_of_account,
    employers_for_staff,
)
from jobs.selectors.vacancies import VACANCY_STAFF_ROLES, employer_vacancies
from jobs.services import employers as services
from portal.constants import AccountType
from portal.pages import FilteredListView, MovesMixin, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.scoping import has_staff_role
from portal.workflow import available_moves

# --- Shared by the employer's pages ------------------------------------------------------------


class EmployerAccountMixin(LoginRequiredMixin):
    """Pages of an employer account; other accounts are turned away (their own records are elsewhere)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.account_type != AccountType.EMPLOYER:
            raise PermissionDenied(_("This page is for employer accounts."))
        return super().dispatch(request, *args, **kwargs)


# --- The employer's own pages ------------------------------------------------------------------


@scope_exempt("The signed-in employer's own organisation and its own vacancies.")
class EmployerHomeView(EmployerAccountMixin, ListView):
    template_name = "jobs/employers/home.html"
    context_object_name = "vacancies"
    paginate_by = 20

    def get_queryset(self):
        return employer_vacancies(fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        employer = employer_of_account(fetched_by=user)
        context = super().get_context_data(**kwargs)
        for vacancy in context["vacancies"]:
            vacancy.moves = available_moves(user, vacancy)
        return {**context, "employer": employer, "close_form": VacancyCloseForm(),
                "moves": available_moves(user, employer) if employer is not None else {},
                "EmployerStatus": EmployerStatus, "VacancyStatus": VacancyStatus}


@scope_exempt("The signed-in employer registers or edits its own organisation.")
class EmployerProfileView(EmployerAccountMixin, FormView):
    template_name = "jobs/employers/profile_form.html"
    form_class = EmployerForm

    def dispatch(self, request, *args, **kwargs):
        self.employer = employer_of_account(fetched_by=request.user) if request.user.is_authenticated else None
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return EmployerForm.initial_from(self.employer) if self.employer else {}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.employer is not None and self.employer.status == EmployerStatus.VERIFIED:
            form.lock_verified_fields()
        return form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "employer": self.employer}

    def form_valid(self, form):
        user = self.request.user
        if self.employer is None:
            if not form.submit(lambda data: services.employer_register(actor=user, **data)):
                return self.form_invalid(form)
            messages.success(self.request, _("Your organisation is registered. The district employment service "
                                             "will verify it; you can post vacancies after that."))
        else:
            if not form.submit(lambda data: services.employer_update(actor=user, employer=self.employer, **data)):
                return self.form_invalid(form)
            messages.success(self.request, _("Your organisation's details are saved."))
        return redirect("jobs:employer-home")


@scope_exempt("The signed-in employer resubmits its own organisation for verification.")
class EmployerResubmitView(EmployerAccountMixin, RecordActionMixin, View):
    success_message = gettext_lazy("Your organisation has been sent for verification again.")

    def get_object(self, queryset=None):
        return employer_of_account(fetched_by=self.request.user)

    def post(self, request, *args, **kwargs):
        if employer_of_account(fetched_by=request.user) is None:
            return redirect("jobs:employer-profile")
        return super().post(request, *args, **kwargs)

    def act(self, data):
        services.employer_resubmit(actor=self.request.user, employer=self.object)

    def get_success_url(self) -> str:
        return reverse("jobs:employer-home")


# --- Staff pages --------------------------------------------------------------------------------


class StaffEmployerMixin(StaffScopedViewMixin):
    model = Employer
    scope_roles = EMPLOYER_STAFF_ROLES

    def get_base_queryset(self):
        return employers_for_staff(fetched_by=self.request.user)


class VacancyLinksMixin:
    """Whether the reader may use the vacancy pages these pages link to (review, post for an
    employer): administrators see the employers but hold no clerk's grant, so no link leads them to a 403."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_handle_vacancies"] = has_staff_role(self.request.user, VACANCY_STAFF_ROLES)
        return context


class StaffEmployerListView(VacancyLinksMixin, StaffEmployerMixin, FilteredListView):
    filterset_class = EmployerFilter
    template_name = "jobs/employers/staff_list.html"
    context_object_name = "employers"


class StaffEmployerPageMixin(VacancyLinksMixin, StaffEmployerMixin, MovesMixin):
    """One employer with the steps the staff member may take on it (``moves.verify`` …)."""

    template_name = "jobs/employers/staff_detail.html"
    context_object_name = "employer"

    def get_context_data(self, **kwargs):
        context = {
            "reject_form": EmployerRejectForm(),
            "membership_form": MembershipForm(),
            "history": employer_history(employer=self.object, fetched_by=self.request.user),
            "EmployerStatus": EmployerStatus,
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class StaffEmployerDetailView(StaffEmployerPageMixin, DetailView):
    pass


class StaffEmployerActionView(StaffEmployerPageMixin, RecordActionMixin, View):
    def get_success_url(self) -> str:
        return reverse("staff-jobs:employer-detail", kwargs={"pk": self.object.pk})


class StaffEmployerVerifyView(StaffEmployerActionView):
    def act(self, data):
        services.employer_verify(actor=self.request.user, employer=self.object)
        self.success_message = _("The employer is verified; its vacancies can now be published.")


class StaffEmployerRejectView(StaffEmployerActionView):
    form_class = EmployerRejectForm
    form_context_name = "reject_form"

    def act(self, data):
        services.employer_reject(actor=self.request.user, employer=self.object, reason=data["reason"])
        self.success_message = _("The employer was not verified; it sees your reason.")


class StaffEmployerMembershipView(StaffEmployerActionView):
    form_class = MembershipForm
    form_context_name = "membership_form"

    def act(self, data):
        services.employer_set_membership(actor=self.request.user, employer=self.object,
                                         is_member=data["is_member"], member_since=data.get("member_since"))
        self.success_message = (_("The employer is now a member unit.") if data["is_member"]
                                else _("The employer's membership has ended."))
