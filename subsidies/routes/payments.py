"""Routes of payment cycles (staff only): the cycles of my area, one cycle, generating a month's list,
the bank disbursement file and the bank's result file; and the same in the staff API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from subsidies.api import payments as payments_api
from subsidies.views import payments

public = []

staff = [
    path("cycles/", payments.CycleListView.as_view(), name="cycle-list"),
    path("cycles/generate/", payments.CycleGenerateView.as_view(), name="cycle-generate"),
    path("cycles/<int:pk>/", payments.CycleDetailView.as_view(), name="cycle-detail"),
    path("cycles/<int:pk>/export/", payments.CycleExportView.as_view(), name="cycle-export"),
    path("cycles/<int:pk>/import/", payments.CycleImportView.as_view(), name="cycle-import"),
]

api = []

_staff_api = SimpleRouter()
_staff_api.register("cycles", payments_api.CycleViewSet, basename="cycle")
_staff_api.register("payments", payments_api.PaymentViewSet, basename="payment")

staff_api = [*_staff_api.urls]
