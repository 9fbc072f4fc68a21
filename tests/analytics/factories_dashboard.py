"""Rows the dashboards read, made directly (the facts run and the forecasts have their own tests):
daily facts of an area, targets, employed population, forecasts with backtests, runs."""

from __future__ import annotations

import datetime

from analytics.constants import ForecastModel, Indicator, RunStatus
from analytics.models import Backtest, DailyFact, EmployedPopulation, FactRun, FactTaskRun, Forecast, Target
from analytics.selectors.dashboard import shift_months
from portal.models import Area
from tests.factories import UserFactory


def fact_rows(area: Area, day: datetime.date, **values: int) -> list[DailyFact]:
    """``fact_rows(area, day, new_employment=3, unemployed=120)``: one row per fact, at the area's level."""
    return DailyFact.objects.bulk_create([
        DailyFact(day=day, fact=key, area=area, area_path=area.path, level=area.level, value=value)
        for key, value in values.items()])


def fact_days(area: Area, first: datetime.date, last: datetime.date, **values: int) -> int:
    """The same values on every day from ``first`` to ``last`` (a flow of ``n`` a day, a flat stock)."""
    rows = []
    day = first
    while day <= last:
        rows.extend(DailyFact(day=day, fact=key, area=area, area_path=area.path, level=area.level, value=value)
                    for key, value in values.items())
        day += datetime.timedelta(days=1)
    DailyFact.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def target(area: Area, year: int, value: int, indicator: str = Indicator.NEW_EMPLOYMENT, parent=None) -> Target:
    return Target.objects.create(area=area, year=year, indicator=indicator, value=value, parent=parent,
                                 set_by=UserFactory())


def employed(area: Area, year: int, value: int) -> EmployedPopulation:
    return EmployedPopulation.objects.create(area=area, year=year, employed=value, source="test")


def forecast(area: Area, series: str, made_on: datetime.date, points: list[float], *,
             model: str = ForecastModel.ETS, reconciled: bool = False) -> list[Forecast]:
    first = shift_months(made_on.replace(day=1), 1)
    return Forecast.objects.bulk_create([
        Forecast(area=area, area_path=area.path, series=series, made_on=made_on, model=model,
                 month=shift_months(first, i), point=p, lo80=p * 0.9, hi80=p * 1.1, lo95=p * 0.8, hi95=p * 1.2,
                 reconciled=reconciled)
        for i, p in enumerate(points)])


def backtests(area: Area, series: str, made_on: datetime.date, scores: dict[str, float], chosen: str) -> list:
    return Backtest.objects.bulk_create([
        Backtest(area=area, area_path=area.path, series=series, made_on=made_on, model=model, origins=12, mase=mase,
                 coverage80=0.8, coverage95=0.95, chosen=model == chosen)
        for model, mase in scores.items()])


def run(day: datetime.date, status: str = RunStatus.DONE, *, rows: int = 10, error: str = "",
        tasks: list[tuple[Area | None, str, str]] = (), **fields) -> FactRun:
    """A run of ``day`` with its tasks as (district or None for the roll-up, status, error)."""
    made = FactRun.objects.create(day=day, status=status, rows=rows, error=error, **fields)
    for district, task_status, task_error in tasks:
        FactTaskRun.objects.create(run=made, district=district, status=task_status, error=task_error, rows=5)
    return made
