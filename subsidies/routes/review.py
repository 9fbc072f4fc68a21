"""Routes of the review (staff only): the queue with bulk approval, one application with its steps,
and the same in the staff API. The applicant's own pages are in ``routes/apply.py``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from subsidies.api import review as review_api
from subsidies.views import review

public = []

staff = [
    path("applications/", review.ApplicationQueueView.as_view(), name="application-list"),
    path("applications/bulk-approve/", review.ApplicationBulkApproveView.as_view(), name="application-bulk-approve"),
    path("applications/<int:pk>/", review.ApplicationDetailView.as_view(), name="application-detail"),
]

api = []

_staff_api = SimpleRouter()
_staff_api.register("applications", review_api.ApplicationViewSet, basename="application")

staff_api = [*_staff_api.urls]
