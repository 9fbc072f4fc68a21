"""Routes of hard-to-employ cases, referral commitments, cross-district handovers and follow-up visits
(staff only; a job seeker's own commitment is shown on the persons pages)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from registration.api import cases as cases_api
from registration.api import commitments as commitments_api
from registration.api import handovers as handovers_api
from registration.views import cases, commitments, followups, handovers

public = []

staff = [
    path("cases/", cases.CaseListView.as_view(), name="case-list"),
    path("cases/new/", cases.CaseIntakeView.as_view(), name="case-create"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("commitments/", commitments.CommitmentQueueView.as_view(), name="commitment-list"),
    path("commitments/<int:pk>/", commitments.CommitmentDetailView.as_view(), name="commitment-detail"),
    path("handovers/", handovers.HandoverListView.as_view(), name="handover-list"),
    path("handovers/<int:pk>/", handovers.HandoverDetailView.as_view(), name="handover-detail"),
    path("followups/", followups.FollowUpListView.as_view(), name="followup-list"),
    path("followups/<int:pk>/", followups.FollowUpDetailView.as_view(), name="followup-detail"),
]

api = []

_staff_api = SimpleRouter()
_staff_api.register("cases", cases_api.CaseViewSet, basename="case")
_staff_api.register("commitments", commitments_api.CommitmentViewSet, basename="commitment")
_staff_api.register("followups", commitments_api.FollowUpViewSet, basename="followup")
_staff_api.register("handovers", handovers_api.HandoverViewSet, basename="handover")

staff_api = [*_staff_api.urls]
