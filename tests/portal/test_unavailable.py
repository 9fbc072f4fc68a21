"""The database not answering (a restart, a network cut, no free connection) is a 503 the user can
act on, not a 500: the portal's page or the API's error shape, with Retry-After, and the next request
works again without a restart (bench/fault_drills.py restarts a real PostgreSQL under load)."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

import jobs.api.search
import jobs.views.search

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(jobs.views.search, "vacancy_search", refuse)
    monkeypatch.setattr(jobs.api.search, "vacancy_search", refuse)


def test_a_page_whose_database_does_not_answer_is_a_503_page_in_chinese(database_down, tree):
    response = Client(raise_request_exception=False).get("/jobs/", {"q": "司机"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "服务暂时不可用" in page and "请半分钟后再试" in page and "尚未保存" in page
    assert response["Content-Type"].startswith("text/html")


def test_the_api_answers_503_in_its_error_shape(database_down, tree):
    response = Client(raise_request_exception=False).get("/api/jobs/vacancies/", {"q": "司机"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "unavailable"


def test_a_closed_connection_is_a_503_too_and_other_errors_stay_500(monkeypatch, tree):
    client = Client(raise_request_exception=False)

    def closed(**kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(jobs.views.search, "vacancy_search", closed)
    assert client.get("/jobs/").status_code == 503

    def broken(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(jobs.views.search, "vacancy_search", broken)
    response = client.get("/jobs/")
    assert response.status_code == 500 and "Retry-After" not in response
