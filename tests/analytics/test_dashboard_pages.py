"""The officials' dashboard pages: what a district official of 江岸区 sees (and never of 武昌区), the
drill-down with its breadcrumb, the run log's warnings, forecasts with their backtests, the report,
bad input, and at most 10 queries a page at every tier."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from analytics.constants import ForecastModel, RunStatus, RunTrigger
from tests.analytics.dashboard_data import DAY, WUCHANG_UNEMPLOYED, make_dashboard_facts
from tests.analytics.factories_dashboard import backtests, forecast, run

pytestmark = pytest.mark.django_db

OVERVIEW = "/staff/analytics/"


@pytest.fixture
def facts(tree):
    return make_dashboard_facts(tree)


def main(response) -> str:
    body = response.content.decode()
    return body[body.find("<main"):body.find("</main>")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pages(tree) -> list[str]:
    """Every dashboard page of the district official's own district."""
    d1 = tree.d1.code
    return [OVERVIEW, f"/staff/analytics/areas/{d1}/", f"/staff/analytics/areas/{tree.s1.code}/",
            f"/staff/analytics/areas/{tree.c1.code}/", f"/staff/analytics/forecasts/?area={d1}",
            f"/staff/analytics/staff-use/?area={d1}", "/staff/analytics/runs/",
            f"/staff/analytics/report/?area={d1}&month=2025-06"]


def wuchang_forecast(tree):
    forecast(tree.d2, "new_employment", DAY, [4321.0] * 12)
    backtests(tree.d2, "new_employment", DAY, {ForecastModel.ETS: 0.5, ForecastModel.SEASONAL_NAIVE: 0.9},
              chosen=ForecastModel.ETS)


def test_the_overview_shows_the_district_officials_key_figures_and_streets(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["area"] == tree.d1
    html = main(response)
    value = re.search(r'id="figure-new_employment".*?<span class="value">([^<]+)</span>', html, re.S).group(1)
    assert value == "216"
    assert 'id="figure-unemployment_rate"' in html and "5.00 %" in html
    assert f'href="/staff/analytics/areas/{tree.s1.code}/"' in html
    assert tree.s1.name in html and tree.s2.name in html


@pytest.mark.parametrize("position", ["official@district", "administrator@district"])
def test_no_dashboard_page_of_a_jiangan_reader_shows_anything_of_wuchang(client, tree, staff, facts, position):
    wuchang_forecast(tree)
    run(DAY, RunStatus.FAILED, error="武昌区 source failed", tasks=[(tree.d2, RunStatus.FAILED, "武昌区 task")])
    client.force_login(staff[position])
    for url in pages(tree):
        response = client.get(url)
        assert response.status_code == 200, url
        html = main(response)
        for leak in ("武昌", tree.d2.code, f"{WUCHANG_UNEMPLOYED:,}", str(WUCHANG_UNEMPLOYED), "4,321", "12,345",
                     "555,555", "5,555.55", tree.c3.name):
            assert leak not in html, (url, leak)


def test_every_page_and_its_area_of_wuchang_is_not_found_for_a_jiangan_official(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    for url in (f"/staff/analytics/areas/{tree.d2.code}/", f"/staff/analytics/areas/{tree.c3.code}/",
                f"/staff/analytics/areas/{tree.city.code}/", f"/staff/analytics/?area={tree.d2.code}",
                f"/staff/analytics/forecasts/?area={tree.d2.code}", f"/staff/analytics/staff-use/?area={tree.d2.code}",
                f"/staff/analytics/report/?area={tree.d2.code}",
                f"/staff/analytics/areas/{tree.d2.code}/?export=areas&format=csv",
                f"/staff/analytics/report/?area={tree.d2.code}&export=figures&format=xlsx"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "武昌" not in response.content.decode(), url


def test_an_unknown_area_reads_as_not_found_like_one_out_of_scope(client, tree, staff, facts):
    client.force_login(staff["official@city"])
    for code in ("999999999999", "4201", "abc", "420102000000%00", "４２０１０２０００００"):
        assert client.get(f"/staff/analytics/areas/{code}/").status_code == 404
        assert client.get(OVERVIEW, {"area": code}).status_code == 404


def test_clerks_may_not_use_the_dashboards_and_visitors_must_log_in(client, tree, staff, facts):
    for url in pages(tree):
        assert client.get(url).status_code == 302, url
    client.force_login(staff["clerk@district"])
    for url in pages(tree):
        assert client.get(url).status_code == 403, url


def test_the_drill_down_goes_city_district_street_community_with_a_breadcrumb(client, tree, staff, facts):
    client.force_login(staff["official@city"])
    city = client.get(OVERVIEW)
    assert f'href="/staff/analytics/areas/{tree.d1.code}/"' in main(city)

    district = main(client.get(f"/staff/analytics/areas/{tree.d1.code}/"))
    crumbs = district[district.find('class="breadcrumb"'):district.find("</nav>")]
    assert f'href="/staff/analytics/areas/{tree.city.code}/"' in crumbs
    assert f'<span aria-current="location">{tree.d1.name}</span>' in crumbs
    assert f'href="/staff/analytics/areas/{tree.s1.code}/"' in district

    street = main(client.get(f"/staff/analytics/areas/{tree.s1.code}/"))
    crumbs = street[street.find('class="breadcrumb"'):street.find("</nav>")]
    assert [name for name in re.findall(r">([^<>]+)</(?:a|span)>", crumbs)] == [
        tree.province.name, tree.city.name, tree.d1.name, tree.s1.name]
    assert f'href="/staff/analytics/areas/{tree.c1.code}/"' in street

    community = client.get(f"/staff/analytics/areas/{tree.c1.code}/")
    assert community.status_code == 200
    assert community.context["overview"].children == []
    assert 'id="areas-title"' not in main(community)


def test_a_district_officials_breadcrumb_names_the_city_without_linking_it(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    html = main(client.get(f"/staff/analytics/areas/{tree.s1.code}/"))
    crumbs = html[html.find('class="breadcrumb"'):html.find("</nav>")]
    assert f"<span>{tree.city.name}</span>" in crumbs
    assert f'href="/staff/analytics/areas/{tree.city.code}/"' not in crumbs
    assert f'href="/staff/analytics/areas/{tree.d1.code}/"' in crumbs


@pytest.mark.parametrize(("position", "url"), [
    ("official@city", OVERVIEW),
    ("official@city", "/staff/analytics/forecasts/"),
    ("official@city", "/staff/analytics/report/?month=2025-06"),
    ("official@district", OVERVIEW),
    ("official@district", "/staff/analytics/runs/"),
    ("official@district", "/staff/analytics/staff-use/"),
    ("administrator@street", OVERVIEW),
    ("administrator@street", "/staff/analytics/report/"),
    ("official@district", "drill-community"),
    ("official@city", "drill-street"),
])
def test_a_dashboard_page_needs_at_most_ten_queries_at_any_tier(client, tree, staff, facts, position, url,
                                                                  django_assert_max_num_queries):
    wuchang_forecast(tree)
    forecast(tree.city, "new_employment", DAY, [9000.0] * 12)
    backtests(tree.city, "new_employment", DAY, {ForecastModel.SARIMA: 0.6, ForecastModel.SEASONAL_NAIVE: 0.8},
              chosen=ForecastModel.SARIMA)
    for day in range(1, 8):
        run(datetime.date(2025, 6, day), RunStatus.DONE, tasks=[(tree.d1, RunStatus.DONE, ""), (None, "done", "")])
    url = {"drill-community": f"/staff/analytics/areas/{tree.c1.code}/",
           "drill-street": f"/staff/analytics/areas/{tree.s1.code}/"}.get(url, url)
    client.force_login(staff[position])
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


def test_a_failed_run_shows_on_the_overview_until_the_day_is_built_again(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    assert 'id="run-failed"' not in main(client.get(OVERVIEW))
    run(DAY, RunStatus.FAILED, error="connection lost")
    html = main(client.get(OVERVIEW))
    alert = html[html.find('id="run-failed"'):]
    assert 'role="alert"' in html and DAY.isoformat() in alert[:600]
    assert 'href="/staff/analytics/runs/"' in alert[:800]
    run(DAY, RunStatus.DONE)
    assert 'id="run-failed"' not in main(client.get(OVERVIEW))


def test_the_overview_says_when_the_history_is_generated(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    assert 'id="generated-history"' not in main(client.get(OVERVIEW))
    run(datetime.date(2024, 1, 1), RunStatus.DONE, trigger=RunTrigger.GENERATED)
    run(datetime.date(2024, 12, 31), RunStatus.DONE, trigger=RunTrigger.GENERATED)
    html = main(client.get(OVERVIEW))
    notice = html[html.find('id="generated-history"'):][:400]
    assert "2024-01-01" in notice and "2024-12-31" in notice


def test_the_run_log_shows_a_district_its_own_part_and_the_city_everything(client, tree, staff, facts):
    run(DAY, RunStatus.FAILED, rows=777, error="roll-up: 武昌区 failed",
        tasks=[(tree.d1, RunStatus.DONE, ""), (tree.d2, RunStatus.FAILED, "武昌区 timeout"),
               (None, RunStatus.FAILED, "roll-up stopped")])
    client.force_login(staff["official@district"])
    response = client.get("/staff/analytics/runs/")
    table = response.context["runs_table"]
    assert [row["part"] for row in table.rows][1:] == [tree.d1.name]
    assert table.rows[0]["rows"] is None and "武昌" not in table.rows[0]["error"]
    client.force_login(staff["official@city"])
    rows = client.get("/staff/analytics/runs/").context["runs_table"].rows
    assert rows[0]["rows"] == 777 and rows[0]["error"] == "roll-up: 武昌区 failed"
    assert {row["error"] for row in rows[1:]} == {"", "武昌区 timeout", "roll-up stopped"}


def test_the_forecasts_page_shows_the_model_used_and_its_backtest(client, tree, staff, facts):
    forecast(tree.d1, "new_employment", DAY, [300.0 + i for i in range(12)], model=ForecastModel.ETS, reconciled=True)
    backtests(tree.d1, "new_employment", DAY, {ForecastModel.ETS: 0.71, ForecastModel.SARIMA: 0.83,
                                               ForecastModel.SEASONAL_NAIVE: 0.95}, chosen=ForecastModel.ETS)
    forecast(tree.d1, "unemployed", DAY, [5000.0] * 12, model=ForecastModel.SEASONAL_NAIVE)
    backtests(tree.d1, "unemployed", DAY, {ForecastModel.ETS: 1.3, ForecastModel.SEASONAL_NAIVE: 1.1},
              chosen=ForecastModel.SEASONAL_NAIVE)
    client.force_login(staff["official@district"])
    response = client.get("/staff/analytics/forecasts/")
    html = main(response)
    used = text_of(html[html.find('id="model-new_employment"'):][:700])
    assert "0.71" in used and "0.95" in used and str(ForecastModel.ETS.label) in used
    naive = text_of(html[html.find('id="model-unemployed"'):][:700])
    assert "1.10" in naive and str(ForecastModel.SEASONAL_NAIVE.label) in naive
    tables = {t.key: t for t in response.context["tables"]}
    assert [r["month"] for r in tables["forecast-new_employment"].rows if r.get("point") is not None][0] == \
        datetime.date(2025, 7, 1)
    assert tables["forecast-new_employment"].rows[-1]["point"] == 311
    assert [(r["model"], r["chosen"]) for r in tables["backtest-new_employment"].rows] == [
        (ForecastModel.ETS.label, True), (ForecastModel.SARIMA.label, False),
        (ForecastModel.SEASONAL_NAIVE.label, False)]
    # The history the chart ends with is in the table too.
    assert [r["actual"] for r in tables["forecast-new_employment"].rows if r.get("actual") is not None][-1] == 216


def test_the_city_forecasts_page_lists_the_model_each_district_uses(client, tree, staff, facts):
    wuchang_forecast(tree)
    client.force_login(staff["official@city"])
    response = client.get("/staff/analytics/forecasts/")
    assert [(r["area"], r["model"]) for r in response.context["models_table"].rows] == [
        (tree.d2.name, ForecastModel.ETS.label)]


def test_the_monthly_report_covers_the_month_with_its_figures_areas_trend_and_forecasts(client, tree, staff,
                                                                                       facts):
    forecast(tree.d1, "new_employment", DAY, [300.0] * 12)
    backtests(tree.d1, "new_employment", DAY, {ForecastModel.ETS: 0.7, ForecastModel.SEASONAL_NAIVE: 0.9},
              chosen=ForecastModel.ETS)
    client.force_login(staff["official@district"])
    response = client.get("/staff/analytics/report/", {"month": "2025-05"})
    assert response.status_code == 200
    assert response.context["day"] == datetime.date(2025, 5, 31) and response.context["complete"] is True
    figures = response.context["overview"].summary.figures
    assert figures["new_employment"].value == 12 * 31
    assert figures["unemployed"].value == 5_050
    html = main(response)
    for section in ("r1", "r2", "r3", "r4", "r5"):
        assert f'id="{section}"' in html
    assert "2025" in text_of(html[html.find('id="report-title"'):][:300])
    assert len(response.context["trend"]) == 13
    # The month of the last facts, so far.
    latest = client.get("/staff/analytics/report/")
    assert latest.context["day"] == DAY and latest.context["complete"] is False


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2025-02-30", "1999-12-31",
                                   "x" * 5000, "99999999999999999999", "2025-6-1"])
def test_a_bad_day_is_explained_on_the_page_and_the_last_day_is_shown(client, tree, staff, facts, value):
    client.force_login(staff["official@district"])
    for url in (OVERVIEW, f"/staff/analytics/areas/{tree.s1.code}/"):
        response = client.get(url, {"on": value})
        assert response.status_code == 200
        if value != "2025-6-1":  # a short date Django reads as 1 June 2025
            assert response.context["form"].errors["on"], value
            assert response.context["day"] == DAY


@pytest.mark.parametrize("value", ["0000-01", "2025-13", "9999-12", "1999-12", "may", "2" * 300])
def test_a_bad_report_month_is_explained_and_the_last_month_is_reported(client, tree, staff, facts, value):
    client.force_login(staff["official@district"])
    response = client.get("/staff/analytics/report/", {"month": value})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert response.context["day"] == DAY


def test_a_report_month_after_the_last_facts_says_there_is_nothing_yet(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    response = client.get("/staff/analytics/report/", {"month": "2025-08"})
    assert response.status_code == 200 and response.context["day"] is None
    assert DAY.isoformat() in text_of(main(response))


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2025-06-10", "date_to": "2025-06-01"}, "date_to"),
    ({"date_from": "2000-01-01", "date_to": "2025-06-01"}, "date_from"),
    ({"date_from": "9999-12-31"}, "date_from"),
    ({"date_to": "0001-01-01"}, "date_to"),
])
def test_a_bad_staff_use_period_is_explained_on_the_page(client, tree, staff, params, field):
    client.force_login(staff["official@district"])
    response = client.get("/staff/analytics/staff-use/", params)
    assert response.status_code == 200
    assert response.context["form"].errors[field]


def test_pages_without_facts_say_so_instead_of_failing(client, tree, staff):
    client.force_login(staff["official@city"])
    for url in (OVERVIEW, f"/staff/analytics/areas/{tree.d1.code}/", "/staff/analytics/forecasts/",
                "/staff/analytics/report/", "/staff/analytics/runs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="empty"' in main(response), url


def test_the_dashboards_are_in_the_officials_navigation_only(client, tree, staff):
    url = reverse("staff-analytics:overview")
    client.force_login(staff["official@district"])
    assert f'href="{url}"' in client.get("/").content.decode()
    client.force_login(staff["clerk@district"])
    assert f'href="{url}"' not in client.get("/").content.decode()
