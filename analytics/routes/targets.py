"""Routes of targets (seed 四), district types, authenticity checks and the employed population: pages
under /staff/analytics/, the staff API under /api/staff/analytics/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from analytics.api import targets as targets_api
from analytics.views import population, targets

public = []

staff = [
    path("targets/", targets.TargetListView.as_view(), name="targets"),
    path("targets/set/", targets.TargetSetView.as_view(), name="target-set"),
    path("targets/<int:pk>/", targets.TargetDetailView.as_view(), name="target-detail"),
    path("district-types/", targets.DistrictTypesView.as_view(), name="district-types"),
    path("checks/", targets.ChecksView.as_view(), name="checks"),
    path("population/", population.PopulationView.as_view(), name="population"),
]

api = []

_staff_api = SimpleRouter()
_staff_api.register("targets", targets_api.TargetViewSet, basename="target")
_staff_api.register("district-types", targets_api.DistrictTypeViewSet, basename="district-type")
_staff_api.register("checks", targets_api.ChecksViewSet, basename="check")
_staff_api.register("staff-use", targets_api.StaffUseViewSet, basename="staff-use")
_staff_api.register("forecast-runs", targets_api.ForecastRunViewSet, basename="forecast-run")
staff_api = [*_staff_api.urls]
