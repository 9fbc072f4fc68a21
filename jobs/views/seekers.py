"""Pages of the job seeker (profile, applying, my applications) and of the employer's applicants.

None of these is a staff page: each is marked ``scope_exempt`` and shows only the signed-in user's
own records. A job seeker reaches only their own profile and applications, an employer only the
applicants to its own vacancies; anything else is not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, View

from jobs.forms_seekers import ApplicantMoveForm, ApplicantStatusFilter, ApplyForm, SeekerProfileForm
from jobs.selectors.seekers import (
    attach_histories,
    employer_applicant,
    employer_applicants,
    employer_vacancy,
    public_vacancy,
    seeker_application,
    seeker_application_for_vacancy,
    seeker_applications,
    seeker_has_profile,
    seeker_profile_of,
)
from jobs.services.applications import ApplicationExists, application_move, application_submit, application_withdraw
from jobs.services.seekers import seeker_profile_save
from portal.constants import AccountType
from portal.pages import FilteredListView, RecordActionMixin
from portal.scoped_views import scope_exempt
from portal.workflow import available_moves


def vacancy_detail_url(pk: int) -> str:
    """The public vacancy page (built by the vacancies module), with its known path as a fallback."""
    try:
        return reverse("jobs:vacancy-detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return f"/jobs/vacancies/{pk}/"


def my_application_url(application) -> str:
    return f"{reverse('jobs:my-applications')}#application-{application.pk}"


class AccountTypeRequiredMixin(LoginRequiredMixin):
    """Login, then the one account type the page is for (403 for the others)."""

    account_type: str = AccountType.JOB_SEEKER
    wrong_account_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.account_type != self.account_type:
            raise PermissionDenied(self.wrong_account_message or _("This page is for job seekers."))
        return super().dispatch(request, *args, **kwargs)


class SeekerRequiredMixin(AccountTypeRequiredMixin):
    account_type = AccountType.JOB_SEEKER


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


@scope_exempt("The signed-in job seeker's own profile.")
class SeekerProfileView(SeekerRequiredMixin, FormView):
    template_name = "jobs/seekers/profile_form.html"
    form_class = SeekerProfileForm

    def get_initial(self):
        self.profile = seeker_profile_of(fetched_by=self.request.user)
        return SeekerProfileForm.initial_from(self.profile)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "profile": self.profile, "next": _safe_next(self.request)}

    def form_valid(self, form):
        if not form.submit(lambda data: seeker_profile_save(actor=self.request.user, **data)):
            return self.form_invalid(form)
        messages.success(self.request, _("Your profile has been saved."))
        return redirect(_safe_next(self.request) or reverse("jobs:my-profile"))


@scope_exempt("A job seeker applies for a public vacancy as themselves.")
class VacancyApplyView(SeekerRequiredMixin, FormView):
    """GET: the apply form for one public vacancy; POST: apply (once)."""

    template_name = "jobs/seekers/apply.html"
    form_class = ApplyForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.vacancy = public_vacancy(pk=kwargs["pk"])
        if self.vacancy is None:
            raise Http404(_("This vacancy is not open for applications."))
        return super().dispatch(request, *args, **kwargs)

    def _without_profile(self):
        messages.info(self.request, _("Fill in your profile first; then you can apply."))
        return redirect(f"{reverse('jobs:my-profile')}?next={vacancy_detail_url(self.vacancy.pk)}")

    def get(self, request, *args, **kwargs):
        if not seeker_has_profile(fetched_by=request.user):
            return self._without_profile()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        existing = seeker_application_for_vacancy(fetched_by=self.request.user, vacancy=self.vacancy)
        return {**super().get_context_data(**kwargs), "vacancy": self.vacancy, "existing": existing,
                "vacancy_url": vacancy_detail_url(self.vacancy.pk)}

    def form_valid(self, form):
        if not seeker_has_profile(fetched_by=self.request.user):
            return self._without_profile()
        existing = []

        def apply(data):
            try:
                return application_submit(actor=self.request.user, vacancy=self.vacancy, **data)
            except ApplicationExists as exc:  # applied before: show that application instead
                existing.append(exc)
                return None

        if not form.submit(apply):
            return self.form_invalid(form)
        if existing:
            messages.info(self.request, existing[0].messages[0])
            return redirect(my_application_url(existing[0].application))
        application = form.result
        messages.success(self.request, _("You have applied for “%(title)s”. Follow it here.")
                         % {"title": self.vacancy.title})
        return redirect(my_application_url(application))


@scope_exempt("The signed-in job seeker's own applications.")
class MyApplicationsView(SeekerRequiredMixin, ListView):
    template_name = "jobs/seekers/my_applications.html"
    context_object_name = "applications"
    paginate_by = 20

    def get_queryset(self):
        return seeker_applications(fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["applications"] = attach_histories(list(context["applications"]))
        for application in context["applications"]:
            application.vacancy_url = vacancy_detail_url(application.vacancy_id)
            application.moves = available_moves(self.request.user, application)
        context["has_profile"] = seeker_has_profile(fetched_by=self.request.user)
        return context


@scope_exempt("A job seeker withdraws their own application.")
class ApplicationWithdrawView(SeekerRequiredMixin, RecordActionMixin, View):
    def get_object(self, queryset=None):
        application = seeker_application(fetched_by=self.request.user, pk=self.kwargs["pk"])
        if application is None:
            raise Http404(_("Not found."))
        return application

    def act(self, data):
        application_withdraw(actor=self.request.user, application=self.object)
        self.success_message = (_("Your application for “%(title)s” has been withdrawn.")
                                % {"title": self.object.vacancy.title})

    def get_success_url(self) -> str:
        return my_application_url(self.object)


@scope_exempt("An employer's applicants to its own vacancy; anyone else gets 404.")
class VacancyApplicantsView(AccountTypeRequiredMixin, FilteredListView):
    """Applicants of one of the employer's own vacancies, each with a form for the next step."""

    account_type = AccountType.EMPLOYER
    template_name = "jobs/seekers/applicants.html"
    context_object_name = "applications"
    filterset_class = ApplicantStatusFilter
    bound_form = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Another employer's vacancy, a missing one, or a visitor who is no employer: not found.
        self.vacancy = employer_vacancy(fetched_by=request.user, pk=kwargs["pk"])
        if self.vacancy is None:
            raise Http404(_("Not found."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return employer_applicants(fetched_by=self.request.user, vacancy=self.vacancy)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = attach_histories(list(context["applications"]))
        for application in page:
            bound = self.bound_form
            application.move_form = (bound if bound is not None and bound.application_id == application.pk
                                     else ApplicantMoveForm(application=application,
                                                            moves=available_moves(self.request.user, application)))
        return {**context, "applications": page, "vacancy": self.vacancy}

    def post(self, request, *args, **kwargs):
        application = employer_applicant(fetched_by=request.user, pk=_int(request.POST.get("application")))
        if application is None or application.vacancy_id != self.vacancy.pk:
            raise Http404(_("Not found."))
        form = ApplicantMoveForm(request.POST, application=application,
                                 moves=available_moves(request.user, application))
        if form.submit(lambda data: application_move(actor=request.user, application=application, to=data["status"],
                                                     hired_on=data["hired_on"], note=data["note"])):
            messages.success(request, _("%(name)s: moved to “%(status)s”.") % {
                "name": application.seeker.account.display_name,
                "status": dict(form.fields["status"].choices)[form.cleaned_data["status"]]})
            query = request.GET.urlencode()
            return HttpResponseRedirect(f"{request.path}{'?' + query if query else ''}"
                                        f"#applicant-{application.pk}")
        form.application_id = application.pk
        self.bound_form = form
        messages.error(request, _("%(name)s was not moved; see the message at the applicant.")
                       % {"name": application.seeker.account.display_name})
        return self.get(request, *args, **kwargs)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
