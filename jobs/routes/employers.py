"""Routes of employers: the employer's own pages and API, and the staff's scoped pages and API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import employers as api_views
from jobs.views import employers as views

public = [
    path("employer/", views.EmployerHomeView.as_view(), name="employer-home"),
    path("employer/profile/", views.EmployerProfileView.as_view(), name="employer-profile"),
    path("employer/resubmit/", views.EmployerResubmitView.as_view(), name="employer-resubmit"),
]

staff = [
    path("employers/", views.StaffEmployerListView.as_view(), name="employer-list"),
    path("employers/<int:pk>/", views.StaffEmployerDetailView.as_view(), name="employer-detail"),
    path("employers/<int:pk>/verify/", views.StaffEmployerVerifyView.as_view(), name="employer-verify"),
    path("employers/<int:pk>/reject/", views.StaffEmployerRejectView.as_view(), name="employer-reject"),
    path("employers/<int:pk>/membership/", views.StaffEmployerMembershipView.as_view(), name="employer-membership"),
]

api = [
    path("employer/profile/", api_views.EmployerProfileAPIView.as_view(), name="employer-profile"),
    path("employer/profile/resubmit/", api_views.EmployerProfileResubmitAPIView.as_view(),
         name="employer-profile-resubmit"),
]

_staff_router = SimpleRouter()
_staff_router.register("employers", api_views.StaffEmployerViewSet, basename="employer")
staff_api = _staff_router.urls
