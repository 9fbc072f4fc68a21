"""Service guide and window routes (see policy/routes/__init__.py for where each list is mounted)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from policy.api import guides as api_views
from policy.views import guides as views

public = [
    path("guides/", views.GuideListView.as_view(), name="guide-list"),
    path("guides/<slug:service>/", views.GuideDetailView.as_view(), name="guide-detail"),
]

staff = [
    path("guides/", views.StaffGuideListView.as_view(), name="guide-list"),
    path("guides/new/", views.StaffGuideCreateView.as_view(), name="guide-create"),
    path("guides/<int:pk>/", views.StaffGuideDetailView.as_view(), name="guide-detail"),
    path("windows/", views.StaffWindowListView.as_view(), name="window-list"),
    path("windows/new/", views.StaffWindowCreateView.as_view(), name="window-create"),
    path("windows/<int:pk>/", views.StaffWindowDetailView.as_view(), name="window-detail"),
]

_public_router = SimpleRouter()
_public_router.register("guides", api_views.GuideViewSet, basename="guide")
api = _public_router.urls

_staff_router = SimpleRouter()
_staff_router.register("guides", api_views.StaffGuideViewSet, basename="guide")
_staff_router.register("windows", api_views.StaffWindowViewSet, basename="window")
staff_api = _staff_router.urls
