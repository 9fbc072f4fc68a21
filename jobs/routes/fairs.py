"""Job fair routes (see jobs/routes/__init__.py for where each list is mounted)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import fairs as fair_api
from jobs.views import fairs as views

public = [
    path("fairs/", views.FairListView.as_view(), name="fair-list"),
    path("fairs/my-interviews/", views.MyInterviewsView.as_view(), name="my-interviews"),
    path("fairs/<int:pk>/", views.FairDetailView.as_view(), name="fair-detail"),
    path("fairs/<int:pk>/signup/", views.FairSignUpView.as_view(), name="fair-signup"),
    path("fairs/<int:pk>/join/", views.FairJoinView.as_view(), name="fair-join"),
    path("fairs/<int:pk>/slots/new/", views.SlotOfferView.as_view(), name="fair-slot-offer"),
    path("slots/<int:pk>/book/", views.SlotBookView.as_view(), name="slot-book"),
]

staff = [
    path("fairs/", views.StaffFairListView.as_view(), name="fair-list"),
    path("fairs/new/", views.StaffFairCreateView.as_view(), name="fair-create"),
    path("fairs/<int:pk>/", views.StaffFairDetailView.as_view(), name="fair-detail"),
    path("fairs/<int:pk>/publish/", views.StaffFairPublishView.as_view(), name="fair-publish"),
    path("fairs/<int:pk>/cancel/", views.StaffFairCancelView.as_view(), name="fair-cancel"),
]

_public_router = SimpleRouter()
_public_router.register("fairs", fair_api.FairViewSet, basename="fair")
_public_router.register("slots", fair_api.SlotViewSet, basename="slot")
api = _public_router.urls

_staff_router = SimpleRouter()
_staff_router.register("fairs", fair_api.StaffFairViewSet, basename="fair")
staff_api = _staff_router.urls
