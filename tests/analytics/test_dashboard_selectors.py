"""The dashboards' reads: periods compared, key figures and their changes, trends, the run log's
status, all from hand-made fact rows with known answers."""

from __future__ import annotations

import datetime

import pytest

from analytics.constants import RunStatus, RunTrigger
from analytics.facts import all_facts
from analytics.selectors.dashboard import (
    FLOW_FACTS,
    STOCK_FACTS,
    Periods,
    area_overview,
    dashboard_area,
    dashboard_home_area,
    fact_runs,
    fact_runs_queryset,
    monthly_trend,
    runs_status,
    shift_months,
)
from portal.scoping import OutOfScope
from tests.analytics.dashboard_data import DAY, LAST_YEAR, WUCHANG_UNEMPLOYED, make_dashboard_facts
from tests.analytics.factories_dashboard import fact_days, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def facts(tree):
    return make_dashboard_facts(tree)


def test_the_facts_the_dashboards_read_are_declared_by_the_source_apps():
    declared = {fact.key for fact in all_facts()}
    assert set(FLOW_FACTS + STOCK_FACTS) <= declared


@pytest.mark.parametrize(("day", "months", "expected"), [
    (datetime.date(2025, 3, 31), -1, datetime.date(2025, 2, 28)),
    (datetime.date(2024, 3, 31), -1, datetime.date(2024, 2, 29)),
    (datetime.date(2024, 2, 29), -12, datetime.date(2023, 2, 28)),
    (datetime.date(2025, 1, 15), -1, datetime.date(2024, 12, 15)),
    (datetime.date(2025, 12, 31), 1, datetime.date(2026, 1, 31)),
])
def test_shifting_by_months_keeps_the_day_or_clamps_it_to_the_month_end(day, months, expected):
    assert shift_months(day, months) == expected


def test_periods_compare_the_same_days_of_last_month_and_of_last_year():
    p = Periods.on(datetime.date(2025, 3, 31))
    assert (p.month_start, p.last_month_start, p.last_month_day) == (
        datetime.date(2025, 3, 1), datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
    assert (p.last_year_month_start, p.last_year_day, p.year_start, p.last_year_start) == (
        datetime.date(2024, 3, 1), datetime.date(2024, 3, 31), datetime.date(2025, 1, 1), datetime.date(2024, 1, 1))


def test_key_figures_of_a_district_count_its_own_rows_with_their_changes(tree, staff, facts):
    overview = area_overview(fetched_by=staff["official@district"], area=tree.d1)
    assert overview.periods.day == DAY
    f = overview.summary.figures
    ne = f["new_employment"]
    assert (ne.value, ne.last_month, ne.last_year, ne.year, ne.year_last_year) == (
        facts.d1_month, facts.d1_last_month, facts.d1_last_year_month, facts.d1_year, facts.d1_last_year_to_date)
    assert ne.change_year == 36 and ne.relative_year == pytest.approx(0.2)
    assert ne.change_year_to_date == 2028 - 1700
    assert (f["unemployed"].value, f["unemployed"].change_month, f["unemployed"].change_year) == (5_000, -100, -500)
    # 5,000 ÷ (95,000 + 5,000); a year ago 5,500 ÷ (94,500 + 5,500).
    assert f["unemployment_rate"].value == pytest.approx(0.05)
    assert f["unemployment_rate"].change_year == pytest.approx(-0.005)
    assert f["vacancies_per_seeker"].value == pytest.approx(1.5)
    assert f["vacancies_per_seeker"].last_year == pytest.approx(0.75)
    assert f["subsidy_amount_paid"].value == 100_000 and f["subsidy_amount_paid"].year == 100_000
    assert overview.summary.target == 5_000
    assert overview.summary.progress == pytest.approx(2028 / 5000)


def test_children_are_the_next_level_down_each_with_its_own_figures_and_target(tree, staff, facts):
    overview = area_overview(fetched_by=staff["official@district"], area=tree.d1)
    children = {c.area.code: c for c in overview.children}
    assert set(children) == set(tree.d1.children.values_list("code", flat=True))
    assert children[tree.s1.code].figures["new_employment"].value == 7 * 18
    assert children[tree.s1.code].target == 3_000
    assert children[tree.s2.code].figures["unemployed"].value == 2_000
    assert tree.d2.code not in children


def test_the_city_target_is_the_sum_of_the_districts_when_it_has_none_of_its_own(tree, staff, facts):
    overview = area_overview(fetched_by=staff["official@city"], area=tree.city)
    assert overview.summary.target == 5_000 + 12_345
    assert overview.summary.target_from_parts is True
    children = {c.area.code: c for c in overview.children}
    assert children[tree.d2.code].figures["unemployed"].value == WUCHANG_UNEMPLOYED


def test_a_figure_before_the_first_day_with_facts_is_unknown_not_zero(tree, staff, facts):
    overview = area_overview(fetched_by=staff["official@district"], area=tree.d1, day=datetime.date(2024, 1, 20))
    ne = overview.summary.figures["new_employment"]
    assert ne.value == 10 * 20
    assert ne.last_month is None and ne.last_year is None and ne.change_month is None
    assert overview.summary.figures["unemployed"].value == 0  # inside the span: no row means none


def test_an_area_without_facts_has_no_figures(tree, staff):
    overview = area_overview(fetched_by=staff["official@district"], area=tree.d1)
    assert overview.has_facts is False and overview.periods is None


def test_the_trend_sums_flows_per_month_and_reads_stocks_at_month_end(tree, staff, facts):
    trend = monthly_trend(fetched_by=staff["official@district"], area=tree.d1, day=DAY,
                          first_day=datetime.date(2024, 1, 1), last_day=DAY, months=3)
    assert [m.month for m in trend] == [datetime.date(2025, 4, 1), datetime.date(2025, 5, 1), datetime.date(2025, 6, 1)]
    assert [m.new_employment for m in trend] == [12 * 30, 12 * 31, 12 * 18]
    assert trend[1].unemployed == 5_050 and trend[2].unemployed == 5_000  # 31 May, and the as-of day
    assert trend[2].partial is True and trend[1].partial is False
    assert trend[2].vacancies_per_seeker == pytest.approx(1.5)


def test_a_month_before_the_first_day_with_facts_is_left_out_of_the_trend(tree, staff):
    fact_days(tree.d1, datetime.date(2025, 5, 10), datetime.date(2025, 6, 5), new_employment=1)
    trend = monthly_trend(fetched_by=staff["official@district"], area=tree.d1, day=datetime.date(2025, 6, 5),
                          first_day=datetime.date(2025, 5, 10), last_day=datetime.date(2025, 6, 5))
    assert [(m.month.month, m.new_employment) for m in trend] == [(5, None), (6, 5)]


def test_a_district_official_cannot_read_another_district_or_its_streets(tree, staff):
    official = staff["official@district"]
    for area in (tree.d2, tree.c3, tree.city):
        with pytest.raises(OutOfScope):
            dashboard_area(fetched_by=official, code=area.code)
    for bad in ("", "4201", "42010200000x", "420102000000\x00", "9" * 12):
        if bad:
            with pytest.raises(OutOfScope):
                dashboard_area(fetched_by=official, code=bad)
    area, crumbs = dashboard_area(fetched_by=official, code=tree.s1.code)
    assert area == tree.s1
    assert [(c.area.code, c.linked) for c in crumbs] == [
        (tree.province.code, False), (tree.city.code, False), (tree.d1.code, True), (tree.s1.code, True)]


def test_clerks_have_no_dashboard_area(tree, staff):
    assert dashboard_home_area(fetched_by=staff["clerk@district"]) is None
    with pytest.raises(OutOfScope):
        dashboard_area(fetched_by=staff["clerk@district"], code=None)


def test_a_district_official_reads_figures_of_the_district_only_even_given_a_wider_queryset(tree, staff, facts):
    # The official's own figures never include 武昌区's, whatever the area asked.
    overview = area_overview(fetched_by=staff["official@district"], area=tree.d1)
    assert all(c.figures["unemployed"].value != WUCHANG_UNEMPLOYED for c in overview.children)
    assert overview.summary.figures["unemployed"].value == 5_000


def test_runs_status_lists_days_whose_latest_run_failed_and_the_generated_history(tree, staff):
    day1, day2 = datetime.date(2025, 6, 1), datetime.date(2025, 6, 2)
    run(day1, RunStatus.FAILED, error="boom")
    run(day2, RunStatus.FAILED, error="boom")
    run(day2, RunStatus.DONE)  # a later successful run clears the day
    run(LAST_YEAR, RunStatus.DONE, trigger=RunTrigger.GENERATED)
    status = runs_status(fetched_by=staff["official@district"])
    assert status.failed_days == [day1]
    assert (status.generated_first, status.generated_last) == (LAST_YEAR, LAST_YEAR)
    assert runs_status(fetched_by=staff["clerk@district"]).failed_days == []


def test_a_district_official_sees_the_own_district_part_of_a_run_not_the_others(tree, staff):
    made = run(DAY, RunStatus.FAILED, error="武昌区: source query failed",
               tasks=[(tree.d1, RunStatus.DONE, ""), (tree.d2, RunStatus.FAILED, "武昌区 task error"),
                      (None, RunStatus.FAILED, "roll-up error")])
    [entry] = fact_runs(fetched_by=staff["official@district"], runs=list(fact_runs_queryset()))
    assert entry.run == made
    assert [t.district for t in entry.tasks] == [tree.d1]
    assert entry.whole is False and entry.failed_elsewhere is True
    [city_entry] = fact_runs(fetched_by=staff["official@city"], runs=[made])
    assert city_entry.whole is True
    assert {t.district_id for t in city_entry.tasks} == {tree.d1.code, tree.d2.code, None}
