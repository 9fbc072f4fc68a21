"""Core pages: home, accounts, the staff workbench, staff accounts and the audit trail."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from portal import services
from portal.api_base import api_error_body
from portal.audit import client_ip
from portal.celery import app as celery_app
from portal.constants import StaffRole
from portal.context_processors import home_url_for, is_staff_member
from portal.filters import AuditEventFilter, RoleGrantFilter
from portal.input_limits import is_api_path
from portal.forms import LoginForm, PortalPasswordChangeForm, SignUpForm, StaffAccountForm
from portal.models import AuditEvent, RoleGrant
from portal.notifications import notification_mark_read, notifications_of, unread_count
from portal.pages import FilteredListView, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.selectors import audit_history, home_page_sections, own_page_panels, todo_counters, user_active_grants
from portal.throttling import ThrottledPageMixin


@scope_exempt("Public home page.")
class HomeView(TemplateView):
    """A job seeker's front door: the search box, the newest vacancies near them, this week's job
    fairs, the newest policies and the service guides (sections the apps register), then the
    doors for employers and staff."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sections": home_page_sections(user=self.request.user)}


@scope_exempt("Public sign-up for job seekers and employers.")
class SignUpView(ThrottledPageMixin, FormView):
    template_name = "registration/signup.html"
    form_class = SignUpForm
    throttle_scope = "signup"
    throttle_methods = ("POST",)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.submit(lambda data: services.user_sign_up(
                username=data["username"], password=data["password1"], account_type=data["account_type"],
                full_name=data["full_name"], phone=data["phone"], email=data["email"],
                ip_address=client_ip(request))):
            return self.form_invalid(form)
        user = form.result
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.display_name})
        # Signing up logs in: the new account lands on its own home, as after any login.
        return redirect(home_url_for(user))


@scope_exempt("Login page.")
class LoginView(ThrottledPageMixin, auth_views.LoginView):
    """After login each role lands on its own home (unless the login was asked for by a page).

    Repeated failures lock the account and the address (django-axes: its middleware answers a
    locked-out attempt with portal.lockout.lockout_response)."""

    form_class = LoginForm
    throttle_scope = "login"
    throttle_methods = ("POST",)

    def get_default_redirect_url(self):
        return home_url_for(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_login_record(user=form.get_user(), ip_address=client_ip(self.request))
        return response

    def form_invalid(self, form):
        services.user_login_failed_record(username=form.data.get("username", ""), ip_address=client_ip(self.request),
                                          channel="form",
                                          locked_out=bool(getattr(self.request, "axes_locked_out", False)))
        return super().form_invalid(form)


@scope_exempt("The signed-in account's own page: its panels read only the account's own records.")
class OwnPageView(LoginRequiredMixin, TemplateView):
    """A job seeker's (or employer's) own page: the panels apps register — my applications, my
    registration … Staff have the workbench instead."""

    template_name = "portal/me.html"

    def get(self, request, *args, **kwargs):
        if is_staff_member(request.user):
            return redirect("staff:workbench")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "panels": own_page_panels(user=self.request.user)}


@scope_exempt("Ends the user's own session.")
class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.user_logout_record(user=request.user, ip_address=client_ip(request))
        return super().post(request, *args, **kwargs)


@scope_exempt("Changes the user's own password.")
class PasswordChangeView(LoginRequiredMixin, FormView):
    template_name = "registration/password_change.html"
    form_class = PortalPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.submit(lambda data: services.user_password_change(
                user=request.user, old_password=data["old_password"], new_password=data["new_password1"],
                ip_address=client_ip(request))):
            return self.form_invalid(form)
        update_session_auth_hash(request, form.result)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(home_url_for(request.user))


@scope_exempt("Reports the health of the database and the task broker; no records.")
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means unhealthy; say which
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    if celery_app.conf.task_always_eager:
        checks["broker"] = {"ok": True, "mode": "in-process"}
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = {"ok": True, "mode": "redis"}
        except Exception as exc:
            checks["broker"] = {"ok": False, "mode": "redis", "error": exc.__class__.__name__}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


# --- Staff pages ------------------------------------------------------------------------------


class WorkbenchView(StaffScopedViewMixin, TemplateView):
    """The staff landing page: my to-do counters (overdue first), my roles and areas, my tools."""

    model = RoleGrant
    template_name = "staff/workbench.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        counters = todo_counters(user=user)
        # Counters with work in them are the to-do; the empty ones stay as quiet links to their queues.
        return {**super().get_context_data(**kwargs), "grants": user_active_grants(user=user),
                "counters": counters, "counters_waiting": [counter for counter in counters if counter.count],
                "counters_clear": [counter for counter in counters if not counter.count]}


class StaffAccountListView(StaffScopedViewMixin, FilteredListView):
    model = RoleGrant
    scope_roles = [StaffRole.ADMINISTRATOR]
    filterset_class = RoleGrantFilter
    template_name = "staff/grant_list.html"
    context_object_name = "grants"

    def get_base_queryset(self):
        return RoleGrant.objects.select_related("user", "area", "granted_by")


class StaffAccountCreateView(StaffScopedViewMixin, FormView):
    model = RoleGrant
    scope_roles = [StaffRole.ADMINISTRATOR]
    form_class = StaffAccountForm
    template_name = "staff/grant_form.html"

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.submit(lambda data: services.staff_account_create(
                actor=request.user, username=data["username"], password=data["password1"],
                full_name=data["full_name"], phone=data["phone"], email=data["email"], role=data["role"],
                area=data["area"], valid_from=data["valid_from"], valid_to=data["valid_to"])):
            return self.form_invalid(form)
        grant = form.result
        messages.success(self.request, _("Staff account %(username)s created.") % {"username": grant.user.username})
        return redirect("staff:grant-detail", pk=grant.pk)


class StaffAccountDetailView(StaffScopedViewMixin, DetailView):
    model = RoleGrant
    scope_roles = [StaffRole.ADMINISTRATOR]
    template_name = "staff/grant_detail.html"
    context_object_name = "grant"

    def get_base_queryset(self):
        return RoleGrant.objects.select_related("user", "area", "granted_by", "revoked_by")

    def get_context_data(self, **kwargs):
        grant = self.object
        history = audit_history(obj=grant, fetched_by=self.request.user)
        return {**super().get_context_data(**kwargs), "history": history}


class StaffAccountRevokeView(StaffScopedViewMixin, RecordActionMixin, View):
    model = RoleGrant
    scope_roles = [StaffRole.ADMINISTRATOR]
    success_message = gettext_lazy("The role has been revoked.")

    def act(self, data):
        services.role_grant_revoke(actor=self.request.user, grant=self.object)

    def get_success_url(self) -> str:
        return reverse("staff:grant-detail", kwargs={"pk": self.object.pk})


class AuditEventListView(StaffScopedViewMixin, FilteredListView):
    model = AuditEvent
    scope_roles = [StaffRole.ADMINISTRATOR]
    filterset_class = AuditEventFilter
    template_name = "staff/audit_list.html"
    context_object_name = "events"

    def get_base_queryset(self):
        return AuditEvent.objects.select_related("actor", "area")



# --- Notifications (portal/notifications.py) ----------------------------------------------------


@scope_exempt("The signed-in account's own notifications.")
class NotificationListView(LoginRequiredMixin, ListView):
    """What the portal told this account, newest first; unread ones marked, each can be marked read."""

    template_name = "portal/notifications.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return notifications_of(fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "unread": unread_count(self.request.user)}


@scope_exempt("Marks the signed-in account's own notifications read.")
class NotificationMarkReadView(LoginRequiredMixin, View):
    """POST ``notification`` (an id) marks one read, nothing marks all; then back to the list, or to
    the notification's link with ``open``."""

    def post(self, request):
        raw = request.POST.get("notification", "")
        notification_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
        if raw and notification_id is None:
            raise Http404(_("Not found."))
        notification_mark_read(actor=request.user, notification_id=notification_id)
        if notification_id is not None and request.POST.get("open"):
            link = notifications_of(fetched_by=request.user).filter(pk=notification_id).values_list(
                "link", flat=True).first()
            if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
                return redirect(link)
        return redirect("notifications")


@scope_exempt("The signed-in account's own unread count, for the header.")
class NotificationCountView(View):
    """``{"unread": n}``: the header asks after the page has loaded, so pages cost no query for it."""

    def get(self, request):
        response = JsonResponse({"unread": unread_count(request.user)})
        response["Cache-Control"] = "private, no-store"
        return response


# --- Error answers (handler400/404/500 in portal/urls.py) ---------------------------------------
# Under /api/ they answer in the API's JSON error shape (portal/api_base.py), elsewhere with the
# portal's Chinese pages: a path no route matches, a 500 outside DRF's own handling.


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(api_error_body(status=status, code=code, message=message), status=status)


def bad_request(request, exception):
    if is_api_path(request.path):
        if isinstance(exception, RequestDataTooBig):
            return _api_error(400, "too_large", _("The request body is larger than %(size)s KB.")
                              % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024})
        return _api_error(400, "bad_request", _("The portal could not understand this request."))
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if is_api_path(request.path):
        return _api_error(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


# How long a client is asked to wait when the database does not answer (a restart takes seconds).
UNAVAILABLE_RETRY_AFTER = 30


def server_error(request):
    """A 500, or a 503 when the cause is the database not answering (restarting, unreachable, out of
    connections): the request failed cleanly and can be sent again; the next one opens a fresh
    connection, so the portal recovers without a restart."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        if is_api_path(request.path):
            response = _api_error(503, "unavailable", _("The portal is briefly unavailable; please try again shortly."))
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    if is_api_path(request.path):
        return _api_error(500, "server_error", _("Something went wrong on the portal; please try again later."))
    return defaults.server_error(request)
