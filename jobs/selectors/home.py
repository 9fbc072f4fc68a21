"""What the HR market shows on the public home page: the search box, the newest vacancies near the
reader and this week's job fairs. Each section's context, from the public selectors only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from jobs.filters_search import VacancySearchFilterSet
from jobs.selectors.fairs import fairs_this_week
from jobs.selectors.search import vacancies_latest_near
from portal.models import Area, User


def home_search(*, fetched_by: User | None) -> dict:
    """The search page's own keyword field, so the box sends what the search reads."""
    return {"form": VacancySearchFilterSet().form}


def home_vacancies(*, fetched_by: User | None, area: Area | None) -> dict:
    nearby = vacancies_latest_near(fetched_by=fetched_by, area=area)
    more_url = reverse("jobs:search")
    if nearby.district is not None:
        more_url += "?" + urlencode({"area": nearby.district.code})
    return {"district": nearby.district, "near": nearby.near, "vacancies": nearby.vacancies, "more_url": more_url}


def home_fairs(*, fetched_by: User | None) -> dict:
    return {"fairs": fairs_this_week(fetched_by=fetched_by)}
