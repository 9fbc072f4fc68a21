"""Making, storing and reconciling the forecasts from the facts; the monthly task and its schedule."""

from __future__ import annotations

import calendar
import datetime

import numpy as np
import pytest
from django.http import Http404
from django.utils import timezone

from analytics.constants import FORECAST_DAY_OF_MONTH, AnalyticsEvent, ForecastModel
from analytics.models import Backtest, DailyFact, FactRun, Forecast
from analytics.selectors.forecasts import forecast_accuracy, latest_forecast
from analytics.services.forecasts import forecasts_make, forecasts_make_monthly, forecasts_request, monthly_history
from portal import registry
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db
SEASON = np.array([50, 40, 80, 90, 100, 120, 150, 140, 100, 90, 80, 70], dtype=float)
FIRST = datetime.date(2022, 1, 1)
MADE_ON = datetime.date(2025, 1, 8)  # history: January 2022 to December 2024, 36 months


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months(n: int) -> list[datetime.date]:
    return [datetime.date(FIRST.year + (FIRST.month - 1 + k) // 12, (FIRST.month - 1 + k) % 12 + 1, 1)
            for k in range(n)]


def load(series_by_area: dict, fact: str = "new_employment", n: int = 36):
    """One row per month on the month's last day (a flow's whole month; a stock's month-end level), and
    finished runs of the month's first and last days, so every month counts as built whole."""
    rows = []
    for month in months(n):
        for day in (month, month_end(month)):
            FactRun.objects.get_or_create(day=day, defaults={"status": "done"})
    for area, values in series_by_area.items():
        for month, value in zip(months(n), values, strict=False):
            rows.append(DailyFact(day=month_end(month), fact=fact, area=area, area_path=area.path, level=area.level,
                                  value=int(value)))
    DailyFact.objects.bulk_create(rows, ignore_conflicts=True)


@pytest.fixture
def history(tree):
    """江岸区 grows (trend and season), 武昌区 repeats its year exactly; the city is their sum."""
    t = np.arange(36)
    d1 = 200 + 5 * t + np.tile(SEASON, 3)
    d2 = np.tile(SEASON * 2, 3)
    load({tree.d1: d1, tree.d2: d2, tree.city: d1 + d2})
    return {"d1": d1, "d2": d2}


def test_monthly_history_reads_flows_by_month_from_the_facts(tree, history):
    found = monthly_history(area_codes=[tree.d1.code, tree.city.code], fact="new_employment",
                            last_month=datetime.date(2024, 12, 1))
    assert found[tree.d1.code] == [int(v) for v in history["d1"]]
    assert len(found[tree.city.code]) == 36


def test_forecasts_are_made_stored_and_reconciled_so_districts_add_up_to_the_city(tree, history):
    run = forecasts_make(made_on=MADE_ON, series=("new_employment",))
    assert run.reconciled == {"new_employment": True}
    city = list(Forecast.objects.filter(area=tree.city, made_on=MADE_ON).order_by("month"))
    assert [f.month for f in city] == [datetime.date(2025, m, 1) for m in range(1, 13)]
    for forecast in city:
        districts = Forecast.objects.filter(month=forecast.month, made_on=MADE_ON, area__in=[tree.d1, tree.d2])
        assert sum(d.point for d in districts) == round(forecast.point)
        assert all(d.reconciled for d in districts)
        assert all(d.point == int(d.point) for d in districts)
    assert Backtest.objects.filter(made_on=MADE_ON).count() == 9  # three models for three areas
    for area in (tree.city, tree.d1, tree.d2):
        assert Backtest.objects.filter(area=area, chosen=True).count() == 1
    event = AuditEvent.objects.get(event_type=AnalyticsEvent.FORECAST_MADE)
    assert event.actor is None and event.new_values["models"][tree.d2.code] == ForecastModel.SEASONAL_NAIVE


def test_a_model_is_used_only_where_it_beats_seasonal_naive(tree, history):
    forecasts_make(made_on=MADE_ON, series=("new_employment",))
    trend = Backtest.objects.get(area=tree.d1, chosen=True)
    naive_trend = Backtest.objects.get(area=tree.d1, model=ForecastModel.SEASONAL_NAIVE)
    assert trend.model != ForecastModel.SEASONAL_NAIVE and trend.mase < naive_trend.mase
    exact = Backtest.objects.get(area=tree.d2, chosen=True)
    assert exact.model == ForecastModel.SEASONAL_NAIVE and exact.mase == 0
    assert {b.origins for b in Backtest.objects.all()} == {12}


def test_making_the_forecasts_again_the_same_day_replaces_them_exactly(tree, history):
    forecasts_make(made_on=MADE_ON, series=("new_employment",))
    first = sorted(Forecast.objects.values_list("area_id", "month", "model", "point", "lo95", "hi95"))
    forecasts_make(made_on=MADE_ON, series=("new_employment",))
    assert sorted(Forecast.objects.values_list("area_id", "month", "model", "point", "lo95", "hi95")) == first
    assert Backtest.objects.count() == 9


def test_an_area_with_too_little_history_is_skipped_and_not_reconciled(tree):
    load({tree.d1: np.tile(SEASON, 3)[:30], tree.city: np.tile(SEASON, 3)[:30]}, n=30)
    run = forecasts_make(made_on=datetime.date(2024, 7, 8), series=("new_employment",))
    assert not Forecast.objects.exists()
    assert {o.area_code: o.skipped for o in run.outcomes} == {
        tree.city.code: "30 months of history; 36 needed", tree.d1.code: "30 months of history; 36 needed"}


def test_districts_are_not_reconciled_when_one_with_recent_history_has_no_forecast(tree):
    d1 = np.tile(SEASON, 3)
    d2 = np.concatenate([np.zeros(12), np.tile(SEASON, 2)])  # a district counted from 2023 only: 24 months
    load({tree.d1: d1, tree.d2: d2, tree.city: d1 + d2})
    run = forecasts_make(made_on=MADE_ON, series=("new_employment",))
    assert run.reconciled == {"new_employment": False}
    assert tree.d2.code in run.notes[0]
    assert not Forecast.objects.filter(area=tree.d2).exists()
    assert not Forecast.objects.filter(area=tree.d1, reconciled=True).exists()
    assert Forecast.objects.filter(area=tree.d1).count() == 12


def test_a_stock_series_reads_the_month_end_level(tree):
    load({tree.d1: np.tile(SEASON, 3) + 1000, tree.city: np.tile(SEASON, 3) + 1000}, fact="unemployed")
    run = forecasts_make(made_on=MADE_ON, series=("unemployed",))
    assert {o.model for o in run.outcomes} == {ForecastModel.SEASONAL_NAIVE}
    assert Forecast.objects.get(area=tree.d1, month=datetime.date(2025, 1, 1)).point == 1050


def test_only_the_city_makes_forecasts_by_hand(tree, staff, history):
    with pytest.raises(Http404):
        forecasts_make(actor=staff["official@district"], made_on=MADE_ON)
    with pytest.raises(Http404):
        forecasts_request(actor=staff["official@district"])
    made_on, queued = forecasts_request(actor=staff["official@city"])  # in-process here: run at once
    assert made_on == timezone.localdate() and queued is True


def test_the_monthly_task_makes_the_forecasts_and_is_on_the_beat_schedule(tree, history):
    result = forecasts_make_monthly.delay(MADE_ON.isoformat()).get()
    assert result["made_on"] == MADE_ON.isoformat() and result["last_month"] == "2024-12-01"
    assert Forecast.objects.filter(made_on=MADE_ON).count() == 36
    entry = registry.schedule()["analytics-forecasts-monthly"]
    assert entry["task"] == "analytics.forecasts_make_monthly"
    assert entry["schedule"].day_of_month == {FORECAST_DAY_OF_MONTH}


def test_the_latest_forecast_is_read_with_every_models_score_within_scope(tree, staff, history):
    forecasts_make(made_on=MADE_ON, series=("new_employment",))
    found = latest_forecast(fetched_by=staff["official@district"], area=tree.d1)
    assert found.made_on == MADE_ON and len(found.months) == 12
    assert {s.model for s in found.scores} == set(ForecastModel.values)
    assert sum(s.chosen for s in found.scores) == 1 and found.beats_naive
    with pytest.raises(Http404):
        latest_forecast(fetched_by=staff["official@district"], area=tree.city)


def test_earlier_forecasts_are_scored_against_what_happened(tree, staff):
    d1 = np.tile(SEASON, 4)
    load({tree.d1: d1[:36], tree.city: d1[:36]})
    forecasts_make(made_on=MADE_ON, series=("new_employment",))
    load({tree.d1: d1, tree.city: d1}, n=48)  # the year 2025 happened … (existing months are skipped)
    scored = forecast_accuracy(fetched_by=staff["official@city"], area=tree.d1, until=datetime.date(2026, 1, 8))
    assert len(scored) == 12 and all(s.error == 0 and s.inside80 for s in scored)
