"""Routes of subsidy programmes: the public list, the staff pages and the API (by programme code)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from subsidies.api import programmes as api_views
from subsidies.views import programmes as views

public = [
    path("", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:code>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
]

staff = [
    path("programmes/", views.StaffProgrammeListView.as_view(), name="programme-list"),
    path("programmes/new/", views.StaffProgrammeCreateView.as_view(), name="programme-create"),
    path("programmes/<slug:code>/", views.StaffProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<slug:code>/versions/new/", views.StaffVersionCreateView.as_view(), name="programme-version"),
]

_public_router = SimpleRouter()
_public_router.register("programmes", api_views.ProgrammeViewSet, basename="programme")
api = [*_public_router.urls]

_staff_router = SimpleRouter()
_staff_router.register("programmes", api_views.StaffProgrammeViewSet, basename="programme")
staff_api = [*_staff_router.urls]
