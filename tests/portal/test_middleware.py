"""What the kernel's middleware adds to every answer: ``Cache-Control: no-store`` wherever personal
data may show (staff pages, the API, anything a signed-in user sees), and nothing forced on the
public pages an anonymous visitor reads."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cache_control(response) -> str:
    return response.get("Cache-Control", "")


def test_staff_pages_are_not_stored(tree):
    client = signed_in(make_staff(StaffRole.CLERK, tree.c1))
    for url in ("/staff/registration/persons/", "/staff/registration/cases/", "/staff/"):
        response = client.get(url)
        assert response.status_code in (200, 302) and cache_control(response) == "no-store", url
    # Signed out, the staff page's redirect to the login page is not kept either.
    assert cache_control(Client().get("/staff/registration/persons/")) == "no-store"


def test_api_answers_are_not_stored(tree):
    api = APIClient()
    api.force_authenticate(make_staff(StaffRole.CLERK, tree.c1))
    response = api.get("/api/staff/registration/persons/")
    assert response.status_code == 200 and cache_control(response) == "no-store"
    anonymous = APIClient().get("/api/me/")
    assert anonymous.status_code in (401, 403) and cache_control(anonymous) == "no-store"


def test_a_job_seekers_pages_are_not_stored(tree):
    client = signed_in(UserFactory())
    for url in ("/me/", "/registration/me/", "/"):
        response = client.get(url)
        assert response.status_code == 200 and cache_control(response) == "no-store", url


def test_the_public_home_page_is_not_forced_to_no_store(tree):
    for url in ("/", "/jobs/", "/policy/"):
        response = Client().get(url)
        assert response.status_code == 200 and "no-store" not in cache_control(response), url


def test_a_view_that_says_more_than_no_store_keeps_its_header(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from portal.middleware import PrivateResponseMiddleware

    def answer(value):
        def view(request):
            response = HttpResponse("x")
            if value:
                response["Cache-Control"] = value
            return response
        return view

    request = rf.get("/api/jobs/vacancies/")
    request.user = AnonymousUser()
    kept = PrivateResponseMiddleware(answer("private, no-store"))(request)
    assert kept["Cache-Control"] == "private, no-store"
    public = PrivateResponseMiddleware(answer("public, max-age=60"))(request)
    assert public["Cache-Control"] == "public, max-age=60"  # an anonymous public API answer may be cached
    request.user = UserFactory.build()
    signed = PrivateResponseMiddleware(answer("public, max-age=60"))(request)
    assert signed["Cache-Control"] == "no-store"  # …but never one to a signed-in user
