"""Training course routes (see policy/routes/__init__.py for where each list is mounted)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from policy.api import courses as api_views
from policy.views import courses as views

public = [
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
]

staff = [
    path("courses/", views.StaffCourseListView.as_view(), name="course-list"),
    path("courses/new/", views.StaffCourseCreateView.as_view(), name="course-create"),
    path("courses/<int:pk>/", views.StaffCourseDetailView.as_view(), name="course-detail"),
    path("courses/<int:pk>/publish/", views.StaffCoursePublishView.as_view(), name="course-publish"),
    path("courses/<int:pk>/cancel/", views.StaffCourseCancelView.as_view(), name="course-cancel"),
]

_public_router = SimpleRouter()
_public_router.register("courses", api_views.CourseViewSet, basename="course")
api = _public_router.urls

_staff_router = SimpleRouter()
_staff_router.register("courses", api_views.StaffCourseViewSet, basename="course")
staff_api = _staff_router.urls
