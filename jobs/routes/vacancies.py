"""Routes of vacancy posting and review: the employer's own pages and API, the staff's scoped ones."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import vacancies as api_views
from jobs.views import vacancies as views

public = [
    path("employer/vacancies/new/", views.EmployerVacancyCreateView.as_view(), name="employer-vacancy-create"),
    path("employer/vacancies/<int:pk>/", views.EmployerVacancyDetailView.as_view(), name="employer-vacancy-detail"),
    path("employer/vacancies/<int:pk>/edit/", views.EmployerVacancyEditView.as_view(), name="employer-vacancy-edit"),
    path("employer/vacancies/<int:pk>/resubmit/", views.EmployerVacancyResubmitView.as_view(),
         name="employer-vacancy-resubmit"),
    path("employer/vacancies/<int:pk>/close/", views.EmployerVacancyCloseView.as_view(),
         name="employer-vacancy-close"),
]

staff = [
    path("vacancies/review/", views.StaffVacancyReviewView.as_view(), name="vacancy-review"),
    path("vacancies/", views.StaffVacancyListView.as_view(), name="vacancy-list"),
    path("vacancies/new/", views.StaffVacancyCreateView.as_view(), name="vacancy-create"),
    path("vacancies/<int:pk>/", views.StaffVacancyDetailView.as_view(), name="vacancy-detail"),
    path("vacancies/<int:pk>/publish/", views.StaffVacancyPublishView.as_view(), name="vacancy-publish"),
    path("vacancies/<int:pk>/return/", views.StaffVacancyReturnView.as_view(), name="vacancy-return"),
    path("vacancies/<int:pk>/close/", views.StaffVacancyCloseView.as_view(), name="vacancy-close"),
]

_router = SimpleRouter()
_router.register("employer/vacancies", api_views.EmployerVacancyViewSet, basename="employer-vacancy")
api = _router.urls

_staff_router = SimpleRouter()
_staff_router.register("vacancies", api_views.StaffVacancyViewSet, basename="vacancy")
staff_api = _staff_router.urls
