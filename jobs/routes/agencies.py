"""Agency routes (see jobs/routes/__init__.py for where each list is mounted)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import agencies as agency_api
from jobs.views import agencies as views

public = [
    path("agencies/", views.AgencyListView.as_view(), name="agency-list"),
]

staff = [
    path("agencies/", views.StaffAgencyListView.as_view(), name="agency-list"),
    path("agencies/new/", views.StaffAgencyCreateView.as_view(), name="agency-create"),
    path("agencies/<int:pk>/", views.StaffAgencyDetailView.as_view(), name="agency-detail"),
    path("agencies/<int:pk>/status/", views.StaffAgencyStatusView.as_view(), name="agency-status"),
    path("agencies/<int:pk>/supervise/", views.StaffAgencySuperviseView.as_view(), name="agency-supervise"),
]

_public_router = SimpleRouter()
_public_router.register("agencies", agency_api.AgencyViewSet, basename="agency")
api = _public_router.urls

_staff_router = SimpleRouter()
_staff_router.register("agencies", agency_api.StaffAgencyViewSet, basename="agency")
staff_api = _staff_router.urls
