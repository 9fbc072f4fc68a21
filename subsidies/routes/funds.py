"""Routes of the employment funds and the fund-use evaluation (staff only; see subsidies/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from subsidies.api import funds as funds_api
from subsidies.views import evaluation, funds

public = []

staff = [
    path("funds/", funds.FundListView.as_view(), name="fund-list"),
    path("funds/new/", funds.FundCreateView.as_view(), name="fund-create"),
    path("funds/<int:pk>/", funds.FundDetailView.as_view(), name="fund-detail"),
    path("funds/<int:pk>/edit/", funds.FundEditView.as_view(), name="fund-edit"),
    path("funds/<int:pk>/allocate/", funds.FundAllocateView.as_view(), name="fund-allocate"),
    path("evaluation/", evaluation.EvaluationView.as_view(), name="evaluation"),
    path("evaluation/targets/", evaluation.EvaluationTargetView.as_view(), name="evaluation-targets"),
    path("evaluation/export/", evaluation.EvaluationExportView.as_view(), name="evaluation-export"),
]

api = []

_staff_api = SimpleRouter()
_staff_api.register("funds", funds_api.StaffFundViewSet, basename="fund")
_staff_api.register("evaluation", funds_api.EvaluationViewSet, basename="evaluation")
staff_api = _staff_api.urls
