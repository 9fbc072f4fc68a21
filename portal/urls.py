from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from jobs import urls as jobs_urls
from policy import urls as policy_urls
from registration import urls as registration_urls
from portal import api, views

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
]

api_patterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("staff/jobs/", include((jobs_urls.staff_api, "staff-jobs"))),
    path("staff/registration/", include((registration_urls.staff_api, "staff-registration"))),
    path("staff/policy/", include((policy_urls.staff_api, "staff-policy"))),
    path("staff/", include((staff_router.urls, "api-staff"))),
    path("jobs/", include((jobs_urls.api, "jobs"))),
    path("registration/", include((registration_urls.api, "registration"))),
    path("policy/", include((policy_urls.api, "policy"))),
    path("schema/", api.SchemaView.as_view(), name="schema"),
    path("docs/", api.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

admin.site.site_header = "公共就业服务平台 · 系统管理"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.SignUpView.as_view(), name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/jobs/", include((jobs_urls.staff, "staff-jobs"))),
    path("staff/registration/", include((registration_urls.staff, "staff-registration"))),
    path("staff/policy/", include((policy_urls.staff, "staff-policy"))),
    path("staff/", include((staff_patterns, "staff"))),
    path("jobs/", include((jobs_urls.public, "jobs"))),
    path("registration/", include((registration_urls.public, "registration"))),
    path("policy/", include((policy_urls.public, "policy"))),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]
