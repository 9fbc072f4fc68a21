"""Routes of the public vacancy search (see jobs/routes/__init__.py for where each list is mounted)."""

from django.urls import path

from jobs.api.search import VacancySearchViewSet
from jobs.views.search import VacancyDetailView, VacancySearchView

public = [
    path("", VacancySearchView.as_view(), name="search"),
    path("vacancies/<int:pk>/", VacancyDetailView.as_view(), name="vacancy-detail"),
]
staff = []
api = [
    path("vacancies/", VacancySearchViewSet.as_view({"get": "list"}), name="vacancy-search"),
    path("vacancies/<int:pk>/", VacancySearchViewSet.as_view({"get": "retrieve"}), name="vacancy-search-detail"),
]
staff_api = []
