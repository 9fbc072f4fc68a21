"""The charts' JSON endpoints under /api/staff/analytics/charts/: the same numbers as the pages'
tables, for the reader's subtree only (another district's area is not found), with the one error
format for bad input."""

from __future__ import annotations

import datetime

import pytest

from analytics.constants import ForecastModel
from analytics.selectors.staffuse import WORK_KINDS
from tests.analytics.dashboard_data import DAY, WUCHANG_UNEMPLOYED, make_dashboard_facts
from tests.analytics.factories_dashboard import backtests, forecast

pytestmark = pytest.mark.django_db

CHARTS = "/api/staff/analytics/charts/"
ENDPOINTS = ("trend/", "areas/", "staff-use/", "forecast/?series=new_employment")


@pytest.fixture
def facts(tree):
    made = make_dashboard_facts(tree)
    for area, point in ((tree.d1, 300.0), (tree.d2, 4321.0)):
        forecast(area, "new_employment", DAY, [point + i for i in range(12)])
        backtests(area, "new_employment", DAY, {ForecastModel.ETS: 0.7, ForecastModel.SEASONAL_NAIVE: 0.9},
                  chosen=ForecastModel.ETS)
    return made


def get(api_client, user, path, **params):
    api_client.force_authenticate(user)
    return api_client.get(CHARTS + path, params)


def test_the_trend_chart_has_new_employment_per_month_and_the_unemployed_at_month_end(api_client, staff, tree,
                                                                                     facts):
    response = get(api_client, staff["official@district"], "trend/", months=3)
    assert response.status_code == 200
    data = response.json()
    assert data["area"] == {"code": tree.d1.code, "name": tree.d1.name, "level": "district"}
    assert data["day"] == DAY.isoformat()
    assert data["categories"] == ["2025-04", "2025-05", "2025-06"]
    series = {s["key"]: s["data"] for s in data["series"]}
    assert series["new_employment"] == [360, 372, 216]
    assert series["unemployed"][-2:] == [5050, 5000]


def test_the_areas_chart_compares_each_street_with_its_target(api_client, staff, tree, facts):
    data = get(api_client, staff["official@district"], "areas/").json()
    assert data["categories"][:2] == [tree.s1.name, tree.s2.name]
    assert tree.d2.name not in data["categories"]
    series = {s["key"]: s["data"] for s in data["series"]}
    assert series["new_employment_year"][:2] == [7 * 169, 5 * 169]
    assert series["target"][:2] == [3000, 2000]


def test_the_city_sees_every_district_in_the_areas_chart(api_client, staff, tree, facts):
    data = get(api_client, staff["official@city"], "areas/").json()
    index = data["categories"].index(tree.d2.name)
    series = {s["key"]: s["data"] for s in data["series"]}
    assert series["new_employment_year"][index] == 41 * 169
    assert series["target"][index] == 12_345


def test_the_forecast_chart_joins_history_and_forecast_with_both_intervals(api_client, staff, tree, facts):
    data = get(api_client, staff["official@district"], "forecast/", series="new_employment").json()
    n = len(data["categories"])
    assert data["categories"][-12:][0] == "2025-07" and data["categories"][-13] == "2025-06"
    assert all(len(values) == n for values in data["bands"].values())
    actual, predicted = (s["data"] for s in data["series"])
    assert len(actual) == len(predicted) == n
    assert actual[-13] == 216 and actual[-1] is None
    assert predicted[-12:] == [300 + i for i in range(12)] and predicted[-13] is None
    assert data["bands"]["lo95"][-12] == 240 and data["bands"]["hi80"][-12] == 330
    assert data["model"] == ForecastModel.ETS


def test_an_unknown_forecast_series_is_not_found(api_client, staff, facts):
    for series in ("", "vacancies", "x" * 500):
        assert get(api_client, staff["official@district"], "forecast/", series=series).status_code == 404


def test_the_staff_use_chart_stacks_the_kinds_of_work_per_window(api_client, staff, facts):
    data = get(api_client, staff["official@district"], "staff-use/").json()
    assert [s["key"] for s in data["series"]] == list(WORK_KINDS)
    assert all(len(s["data"]) == len(data["categories"]) for s in data["series"])


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_chart_of_another_district_is_not_found_for_a_district_official(api_client, staff, tree, facts, path):
    for code in (tree.d2.code, tree.c3.code, tree.city.code, "999999999999"):
        response = get(api_client, staff["official@district"], path, area=code)
        assert response.status_code == 404, (path, code)
        assert response.json()["error"]["code"] == "not_found"
        assert "武昌" not in response.content.decode()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_district_officials_charts_carry_nothing_of_wuchang(api_client, staff, tree, facts, path):
    response = get(api_client, staff["official@district"], path)
    assert response.status_code == 200
    body = response.content.decode()
    for leak in ("武昌", tree.d2.code, str(WUCHANG_UNEMPLOYED), "4321", "12345"):
        assert leak not in body, (path, leak)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_charts_are_for_officials_and_administrators_only(api_client, staff, facts, path):
    assert api_client.get(CHARTS + path).status_code in (401, 403)
    for position in ("clerk@district", "clerk@community"):
        assert get(api_client, staff[position], path).status_code == 403
    assert get(api_client, staff["administrator@district"], path).status_code == 200


@pytest.mark.parametrize(("path", "params", "field"), [
    ("trend/", {"on": "9999-12-31"}, "on"),
    ("trend/", {"on": "0001-01-01"}, "on"),
    ("trend/", {"on": "2025-02-30"}, "on"),
    ("trend/", {"months": "0"}, "months"),
    ("trend/", {"months": "121"}, "months"),
    ("trend/", {"months": "99999999999999999999999"}, "months"),
    ("trend/", {"months": "abc"}, "months"),
    ("areas/", {"on": "\x00"}, "on"),
    ("staff-use/", {"date_from": "2025-06-10", "date_to": "2025-06-01"}, "date_to"),
])
def test_bad_chart_input_answers_400_naming_the_field(api_client, staff, facts, path, params, field):
    response = get(api_client, staff["official@district"], path, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_chart_needs_few_queries(api_client, staff, facts, path, django_assert_max_num_queries):
    api_client.force_authenticate(staff["official@city"])
    with django_assert_max_num_queries(10):
        assert api_client.get(CHARTS + path).status_code in (200, 404)


def test_a_chart_of_a_day_before_any_facts_is_empty_not_an_error(api_client, staff, facts):
    response = get(api_client, staff["official@district"], "trend/", on=datetime.date(2001, 1, 1).isoformat())
    assert response.status_code == 200
    data = response.json()
    assert data["day"] == "2001-01-01" and data["categories"] == []
    assert [s["data"] for s in data["series"]] == [[], []]


def test_the_chart_endpoints_are_in_the_api_schema(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("trend/", "areas/", "forecast/", "staff-use/"):
        assert f"/api/staff/analytics/charts/{path}" in paths
