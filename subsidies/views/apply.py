"""Pages of applying for a subsidy.

- The applicant's own pages (``/subsidies/``): choose a programme, apply online (a job seeker for
  themselves, an employer for its employee), "my subsidy applications" with each application's
  timeline, what is missing, the reasons when returned or rejected, and the buttons its ``moves``
  allow (correct, resubmit, withdraw, add a document).
- The community window (``/staff/subsidies/window/``): a clerk finds a person of the community and
  enters an application for them (an employer's or an agency's too), and corrects or resubmits a
  returned application the window entered.
Every write is one service call; the services judge.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from portal.constants import AccountType, StaffRole
from portal.lookups import EXPIRED, lookup_redirect, search_from_address
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.workflow import available_moves
from registration.identity import identity_number_like
from registration.selectors.persons import person_of_user
from subsidies.constants import APPLICANT_TYPE, ApplicantType, ApplicationStatus
from subsidies.forms_apply import EMPLOYER, SEEKER, WINDOW, ApplyForm, CorrectForm, DocumentForm, NoteForm
from subsidies.models import Application
from subsidies.selectors.applications import (
    application_page,
    employer_of,
    my_application,
    my_applications,
    window_person,
    window_persons,
)
from subsidies.selectors.programmes import programme_open, programmes_open_for
from subsidies.services import applications as services
from subsidies.services.documents import document_add

ONLINE_KINDS = {SEEKER: ApplicantType.PERSON, EMPLOYER: ApplicantType.EMPLOYER}


def _kinds_for(applicant_type: str) -> list[str]:
    return [kind for kind, who in APPLICANT_TYPE.items() if who == applicant_type]


def _who(user) -> str | None:
    if not user.is_authenticated:
        return None
    return {AccountType.JOB_SEEKER: SEEKER, AccountType.EMPLOYER: EMPLOYER}.get(user.account_type)


def _programme_for(code: str, kinds):
    programme = programme_open(code=code, kinds=kinds)
    if programme is None:
        raise Http404(_("Not found."))
    return programme


def _submit(form, programme, user):
    """The service call of an application form; a duplicate keeps the open application to link to it."""
    def call(data):
        try:
            return services.application_submit(actor=user, programme=programme, **form.service_arguments())
        except services.ApplicationExists as exc:
            form.existing = exc.application
            raise
    return form.submit(call)


def may_apply_online(user) -> bool:
    """Whether the online application pages are for this visitor: job seekers and employers, and
    visitors not signed in (they are asked to); the public pages show their links only then."""
    return not user.is_authenticated or _who(user) is not None


class ApplicantMixin(LoginRequiredMixin):
    """Job seekers and employers apply online; other accounts are sent where they belong."""

    def dispatch(self, request, *args, **kwargs):
        if not may_apply_online(request.user):
            raise PermissionDenied(_("Online applications are made by job seekers and employers; service windows "
                                     "enter applications on their staff pages."))
        return super().dispatch(request, *args, **kwargs)


# --- Applying online ---------------------------------------------------------------------------


@scope_exempt("The signed-in job seeker or employer chooses a programme to apply for.")
class ApplyStartView(ApplicantMixin, TemplateView):
    template_name = "subsidies/apply/start.html"

    def get_context_data(self, **kwargs):
        who = _who(self.request.user)
        programmes = programmes_open_for(kinds=_kinds_for(ONLINE_KINDS[who]))
        blocker = None
        if who == SEEKER and person_of_user(fetched_by=self.request.user) is None:
            blocker = "not_linked"
        elif who == EMPLOYER and employer_of(fetched_by=self.request.user) is None:
            blocker = "no_employer"
        return {**super().get_context_data(**kwargs), "programmes": programmes, "who": who, "blocker": blocker}


@scope_exempt("The signed-in job seeker or employer applies online for themselves or their employee.")
class ApplyView(ApplicantMixin, View):
    template_name = "subsidies/apply/form.html"

    def setup_page(self, request, code):
        self.who = _who(request.user)
        self.programme = _programme_for(code, _kinds_for(ONLINE_KINDS[self.who]))

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {
            "form": form, "programme": self.programme, "who": self.who,
            "person": person_of_user(fetched_by=self.request.user) if self.who == SEEKER else None,
            "employer": employer_of(fetched_by=self.request.user) if self.who == EMPLOYER else None,
            "required_documents": self.programme.current.parameters.get("required_documents", [])}, status=status)

    def get(self, request, code):
        self.setup_page(request, code)
        person = person_of_user(fetched_by=request.user) if self.who == SEEKER else None
        initial = {"payee_name": person.name} if person else {}
        return self.render_form(ApplyForm(kind=self.programme.kind, who=self.who, user=request.user, initial=initial))

    def post(self, request, code):
        self.setup_page(request, code)
        form = ApplyForm(request.POST, kind=self.programme.kind, who=self.who, user=request.user)
        if _submit(form, self.programme, request.user):
            messages.success(request, _("Your application No. %(number)s is submitted. Add the supporting documents "
                                        "below; your community's service window takes it in next.")
                             % {"number": form.result.pk})
            return redirect("subsidies:my-application", pk=form.result.pk)
        existing = getattr(form, "existing", None)
        if existing is not None and my_application(fetched_by=request.user, pk=existing.pk) is not None:
            form.existing_url = reverse("subsidies:my-application", args=[existing.pk])
        return self.render_form(form)


# --- My applications ---------------------------------------------------------------------------


@scope_exempt("The signed-in applicant's own subsidy applications.")
class MyApplicationListView(LoginRequiredMixin, ListView):
    template_name = "subsidies/apply/my_list.html"
    context_object_name = "applications"
    paginate_by = 20

    def get_queryset(self):
        rows = my_applications(fetched_by=self.request.user)
        status = self.request.GET.get("status", "")
        return rows.filter(status=status) if status in ApplicationStatus.values else rows

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "who": _who(self.request.user),
                "statuses": ApplicationStatus.choices, "status": self.request.GET.get("status", "")}


def _render_application(request, application, template, *, correct_form=None, document_form=None,
                        note_form=None, failed=None, status=200):
    """An application's page for its applicant or its window: the timeline, what is missing and the
    forms of the moves the viewer may take (``failed`` names the one whose form came back)."""
    page = application_page(application=application)
    moves = available_moves(request.user, application)
    if "correct" in moves and correct_form is None:
        correct_form = CorrectForm(kind=application.programme.kind, initial=CorrectForm.initial_for(application))
    return render(request, template, {
        "application": application, "page": page, "moves": moves,
        "correct_form": correct_form if "correct" in moves else None,
        "document_form": document_form or (DocumentForm() if "add_document" in moves else None),
        "note_form": note_form or NoteForm(), "failed": failed}, status=status)


def _render_my_application(request, application, **forms):
    return _render_application(request, application, "subsidies/apply/my_detail.html", **forms)


class OwnApplicationMixin(LoginRequiredMixin):
    def get_application(self, pk) -> Application:
        application = my_application(fetched_by=self.request.user, pk=pk)
        if application is None:
            raise Http404(_("Not found."))
        return application


@scope_exempt("The signed-in applicant's own subsidy application, its timeline and documents.")
class MyApplicationDetailView(OwnApplicationMixin, View):
    def get(self, request, pk):
        return _render_my_application(request, self.get_application(pk))


@scope_exempt("The signed-in applicant corrects their own returned application.")
class MyApplicationCorrectView(OwnApplicationMixin, View):
    def post(self, request, pk):
        application = self.get_application(pk)
        form = CorrectForm(request.POST, kind=application.programme.kind)
        if form.submit(lambda data: services.application_correct(actor=request.user, application=application,
                                                                 **form.service_arguments())):
            messages.success(request, _("The application is corrected. Resubmit it when everything is right."))
            return redirect("subsidies:my-application", pk=application.pk)
        return _render_my_application(request, self.get_application(pk), correct_form=form, failed="correct")


class _StepView(OwnApplicationMixin, View):
    service = None
    done = ""
    step = ""

    def post(self, request, pk):
        application = self.get_application(pk)
        form = NoteForm(request.POST)
        if form.submit(lambda data: type(self).service(actor=request.user, application=application, **data)):
            messages.success(request, self.done)
            return redirect("subsidies:my-application", pk=application.pk)
        return _render_my_application(request, self.get_application(pk), note_form=form, failed=self.step)


@scope_exempt("The signed-in applicant resubmits their own returned application.")
class MyApplicationResubmitView(_StepView):
    service = services.application_resubmit
    step = "resubmit"

    @property
    def done(self):
        return _("The application is submitted again; the community takes it in next.")


@scope_exempt("The signed-in applicant withdraws their own application.")
class MyApplicationWithdrawView(_StepView):
    service = services.application_withdraw
    step = "withdraw"

    @property
    def done(self):
        return _("The application is withdrawn.")


@scope_exempt("The signed-in applicant adds a supporting document to their own application.")
class MyDocumentAddView(OwnApplicationMixin, View):
    def post(self, request, pk):
        application = self.get_application(pk)
        form = DocumentForm(request.POST, request.FILES)
        if form.submit(lambda data: document_add(actor=request.user, application=application, kind=data["kind"],
                                                 upload=data["file"])):
            messages.success(request, _("The document “%(name)s” is added.") % {"name": form.result.original_name})
            return redirect("subsidies:my-application", pk=application.pk)
        return _render_my_application(request, self.get_application(pk), document_form=form, failed="add_document",
                                      status=400)


# --- The community window ----------------------------------------------------------------------


class WindowMixin(StaffScopedViewMixin):
    model = Application
    scope_roles = [StaffRole.CLERK]


class WindowStartView(WindowMixin, TemplateView):
    """Choose the programme (every kind: the window applies for persons, employers and agencies)."""

    template_name = "subsidies/apply/window_start.html"

    def get_context_data(self, **kwargs):
        programmes = programmes_open_for(kinds=list(APPLICANT_TYPE))
        for programme in programmes:
            programme.applicant_label = ApplicantType(APPLICANT_TYPE[programme.kind]).label
        return {**super().get_context_data(**kwargs), "programmes": programmes,
                "is_window": services.is_window_clerk(self.request.user)}


class WindowApplyView(WindowMixin, View):
    """Find the person of the community (identity number, name or phone), then enter the application."""

    template_name = "subsidies/apply/window_form.html"
    q = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_window_clerk(request.user) \
                and not request.user.is_superuser:
            raise PermissionDenied(_("Applications are entered at the community's service window."))
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        persons = window_persons(fetched_by=self.request.user, q=self.q)
        chosen = window_person(fetched_by=self.request.user, pk=params.get("person"))
        if chosen is not None and chosen.pk not in {p.pk for p in persons}:
            persons.insert(0, chosen)
        initial = {"person": chosen.pk, "payee_name": chosen.name} if chosen and data is None else None
        return ApplyForm(data, kind=self.programme.kind, who=WINDOW, user=self.request.user, persons=persons,
                         initial=initial)

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {
            "form": form, "programme": self.programme, "q": self.q,
            "applicant_label": ApplicantType(APPLICANT_TYPE[self.programme.kind]).label,
            "required_documents": self.programme.current.parameters.get("required_documents", [])}, status=status)

    def get(self, request, code):
        self.programme = _programme_for(code, list(APPLICANT_TYPE))
        q = search_from_address(request, refuse=identity_number_like)
        if q is None:
            messages.info(request, EXPIRED)
            return redirect("staff-subsidies:window-apply", code=code)
        self.q = q[:40]
        return self.render_form(self._form())

    def post(self, request, code):
        self.programme = _programme_for(code, list(APPLICANT_TYPE))
        if "find" in request.POST:  # step 1 posts its search, so an identity number stays out of the address
            return lookup_redirect(request, request.POST.get("q", "")[:40], person=request.GET.get("person"))
        self.q = request.POST.get("q", "").strip()[:40]
        form = self._form(request.POST)
        if _submit(form, self.programme, request.user):
            messages.success(request, _("Application No. %(number)s is entered; add the supporting documents.")
                             % {"number": form.result.pk})
            return redirect("staff-subsidies:window-application", pk=form.result.pk)
        existing = getattr(form, "existing", None)
        if existing is not None and self.get_queryset().filter(pk=existing.pk).exists():
            form.existing_url = reverse("staff-subsidies:window-application", args=[existing.pk])
        return self.render_form(form)


def _render_window_application(request, application, **forms):
    return _render_application(request, application, "subsidies/apply/window_application.html", **forms)


class WindowApplicationMixin(WindowMixin):
    def get_application(self, pk) -> Application:
        return get_object_or_404(self.get_queryset().select_related("programme", "version", "person", "employer",
                                                                    "agency", "area"), pk=pk)


class WindowApplicationView(WindowApplicationMixin, View):
    """An application as the window sees it after entering it: documents to add, what is missing, the
    timeline, and correct / resubmit when it was returned."""

    def get(self, request, pk):
        return _render_window_application(request, self.get_application(pk))


class WindowCorrectView(WindowApplicationMixin, View):
    def post(self, request, pk):
        application = self.get_application(pk)
        form = CorrectForm(request.POST, kind=application.programme.kind)
        if form.submit(lambda data: services.application_correct(actor=request.user, application=application,
                                                                 **form.service_arguments())):
            messages.success(request, _("The application is corrected. Resubmit it when everything is right."))
            return redirect("staff-subsidies:window-application", pk=application.pk)
        return _render_window_application(request, self.get_application(pk), correct_form=form, failed="correct")


class WindowResubmitView(WindowApplicationMixin, View):
    def post(self, request, pk):
        application = self.get_application(pk)
        form = NoteForm(request.POST)
        if form.submit(lambda data: services.application_resubmit(actor=request.user, application=application,
                                                                  **data)):
            messages.success(request, _("The application is submitted again; the community takes it in next."))
            return redirect("staff-subsidies:window-application", pk=application.pk)
        return _render_window_application(request, self.get_application(pk), note_form=form, failed="resubmit")


class WindowDocumentAddView(WindowApplicationMixin, View):
    def post(self, request, pk):
        application = self.get_application(pk)
        form = DocumentForm(request.POST, request.FILES)
        if form.submit(lambda data: document_add(actor=request.user, application=application, kind=data["kind"],
                                                 upload=data["file"])):
            messages.success(request, _("The document “%(name)s” is added.") % {"name": form.result.original_name})
            return redirect("staff-subsidies:window-application", pk=application.pk)
        return _render_window_application(request, self.get_application(pk), document_form=form,
                                          failed="add_document", status=400)
