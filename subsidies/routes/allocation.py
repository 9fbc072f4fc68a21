"""Routes of the allocations: runs, weights, inputs, comparisons, exports and a district's own share
(staff only; see subsidies/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from subsidies.api import allocation as allocation_api
from subsidies.views import allocation

public = []

staff = [
    path("allocation/", allocation.AllocationIndexView.as_view(), name="allocation"),
    path("allocation/weights/", allocation.WeightsView.as_view(), name="allocation-weights"),
    path("allocation/inputs/", allocation.InputListView.as_view(), name="allocation-inputs"),
    path("allocation/inputs/new/", allocation.InputFormView.as_view(), name="allocation-input-create"),
    path("allocation/inputs/performance/", allocation.InputPerformanceView.as_view(),
         name="allocation-inputs-performance"),
    path("allocation/inputs/<int:pk>/", allocation.InputDetailView.as_view(), name="allocation-input-detail"),
    path("allocation/runs/new/", allocation.RunCreateView.as_view(), name="allocation-run-create"),
    path("allocation/runs/<int:pk>/", allocation.RunDetailView.as_view(), name="allocation-run-detail"),
    path("allocation/runs/<int:pk>/what-if/", allocation.RunWhatIfView.as_view(), name="allocation-run-what-if"),
    path("allocation/runs/<int:pk>/export/", allocation.RunExportView.as_view(), name="allocation-run-export"),
    path("allocation/compare/", allocation.CompareView.as_view(), name="allocation-compare"),
    path("allocation/compare/export/", allocation.CompareExportView.as_view(), name="allocation-compare-export"),
    path("allocation/shares/<int:pk>/", allocation.ShareDetailView.as_view(), name="allocation-share-detail"),
]

api = []

_staff_api = SimpleRouter()
_staff_api.register("allocation-weights", allocation_api.WeightsViewSet, basename="allocation-weights")
_staff_api.register("allocation-inputs", allocation_api.InputViewSet, basename="allocation-input")
_staff_api.register("allocation-runs", allocation_api.RunViewSet, basename="allocation-run")
_staff_api.register("allocation-shares", allocation_api.ShareViewSet, basename="allocation-share")
staff_api = _staff_api.urls
