"""The project's URLs: the kernel's own pages and API, and every app's patterns as the app
registered them (``portal.registry.register_urls``), so adding an app changes nothing here."""

from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from portal import api, registry, views
from portal.reference import views as reference_views

router = DefaultRouter()
router.register("areas", api.AreaViewSet, basename="area")

staff_router = SimpleRouter()  # no browsable root: everything under api/staff/ is scoped
staff_router.register("grants", api.RoleGrantViewSet, basename="grant")
staff_router.register("audit-events", api.AuditEventViewSet, basename="audit-event")

staff_patterns = [
    path("", views.WorkbenchView.as_view(), name="workbench"),
    path("accounts/", views.StaffAccountListView.as_view(), name="grant-list"),
    path("accounts/new/", views.StaffAccountCreateView.as_view(), name="grant-create"),
    path("accounts/<int:pk>/", views.StaffAccountDetailView.as_view(), name="grant-detail"),
    path("accounts/<int:pk>/revoke/", views.StaffAccountRevokeView.as_view(), name="grant-revoke"),
    path("audit/", views.AuditEventListView.as_view(), name="audit-list"),
    path("calendar/", reference_views.CalendarView.as_view(), name="calendar"),
]

# Each app's module names four lists: ``public`` (/<prefix>/), ``staff`` (/staff/<prefix>/, scoped
# pages), ``api`` (/api/<prefix>/) and ``staff_api`` (/api/staff/<prefix>/, scoped viewsets).
app_urls = [(mount.prefix, import_module(mount.module)) for mount in registry.url_mounts()]

api_patterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("auth/token/", api.TokenView.as_view(), name="token"),
    *[path(f"staff/{prefix}/", include((module.staff_api, f"staff-{prefix}"))) for prefix, module in app_urls],
    path("staff/", include((staff_router.urls, "api-staff"))),
    *[path(f"{prefix}/", include((module.api, prefix))) for prefix, module in app_urls],
    path("schema/", api.SchemaView.as_view(), name="schema"),
    path("docs/", api.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

admin.site.site_header = "公共就业服务平台 · 系统管理"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("me/", views.OwnPageView.as_view(), name="me"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationMarkReadView.as_view(), name="notifications-read"),
    path("notifications/unread.json", views.NotificationCountView.as_view(), name="notifications-count"),
    path("accounts/signup/", views.SignUpView.as_view(), name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    *[path(f"staff/{prefix}/", include((module.staff, f"staff-{prefix}"))) for prefix, module in app_urls],
    path("staff/", include((staff_patterns, "staff"))),
    *[path(f"{prefix}/", include((module.public, prefix))) for prefix, module in app_urls],
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

# Answers in the API's JSON error shape under /api/, the portal's pages elsewhere.
handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
