"""Making the monthly forecasts (issue point 5): for each forecast series (new employment, registered
unemployed) of the city and of each of its districts, backtest every model, use the one that beats
seasonal naive, forecast 12 months ahead, reconcile the districts to the city, and store the
forecasts and the backtests with the day they were made. The maths is ``analytics.forecasting``.

History: monthly values from ``DailyFact`` (a flow summed over the month, a stock on the month's last
built day: ``analytics.selectors.facts``' rules), complete months only, up to the month before the day
the forecast is made. A month with no built day breaks the history: only the months after the last
gap are used; an area's series starts at its first month with a count. An area needs two years
before the first of the ``BACKTEST_MIN_ORIGINS`` origins (36 months with 12 origins); an area with
less is skipped and the summary says so.

Reconciliation: the districts' forecasts are scaled to the city's forecast (``reconcile_to_total``:
the city's whole-number point split in proportion to the districts' points by largest remainder, so
they add up exactly; intervals scaled alike) and stored with ``reconciled`` set. It is done only when
every district with history in the last year has a forecast; otherwise the districts keep their own
forecasts (``reconciled`` False) and the summary says why.

Made by the monthly task (``forecasts_make_monthly``, on ``FORECAST_DAY_OF_MONTH`` after the facts
run: the late-data window of the month before has closed), or by a city official or administrator.
A second run on the same day replaces that day's rows exactly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from celery import shared_task
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from analytics import forecasting
from analytics.constants import (
    BACKTEST_MIN_ORIGINS,
    FORECAST_DAY_OF_MONTH,
    FORECAST_HORIZON,
    FORECAST_HOUR,
    FORECAST_MINUTE,
    FORECAST_SERIES,
    SEASONAL_PERIOD,
    TARGET_ROLES,
    TARGET_SETTER_LEVELS,
    AnalyticsEvent,
    FactKind,
    RunStatus,
)
from analytics.facts import all_facts
from analytics.models import Backtest, DailyFact, FactRun, Forecast
from analytics.selectors.facts import built_days_by_month, month_start, months_between, next_month
from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.outbox import task_send
from portal.scoping import assert_in_scope


@dataclass
class SeriesOutcome:
    series: str
    area_code: str
    model: str | None = None
    months: int = 0
    skipped: str = ""  # why no forecast was made


@dataclass
class ForecastRun:
    made_on: datetime.date
    last_month: datetime.date | None
    outcomes: list[SeriesOutcome] = field(default_factory=list)
    reconciled: dict[str, bool] = field(default_factory=dict)  # series → districts reconciled to the city
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"made_on": self.made_on.isoformat(),
                "last_month": self.last_month.isoformat() if self.last_month else None,
                "forecasts": [o.__dict__ for o in self.outcomes if not o.skipped],
                "skipped": [o.__dict__ for o in self.outcomes if o.skipped],
                "reconciled": self.reconciled, "notes": self.notes}


def month_add(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def monthly_history(*, area_codes: list[str], fact: str, last_month: datetime.date) -> dict[str, list[int]]:
    """Each area's monthly values of ``fact`` up to ``last_month`` (its first day), after the last month
    without a built day. For the task, which reads every district (no reader: not a page's selector).
    Four queries."""
    kind = {f.key: f.kind for f in all_facts()}[fact]
    last_day = next_month(last_month) - datetime.timedelta(days=1)
    first_day = (DailyFact.objects.filter(fact=fact, area_id__in=area_codes, day__lte=last_day)
                 .order_by("day").values_list("day", flat=True).first())
    if first_day is None:
        return {}
    # The first month the facts were built from its first day on is the first whole month.
    first_built = (FactRun.objects.filter(status=RunStatus.DONE, day__gte=month_start(first_day), day__lte=last_day)
                   .order_by("day").values_list("day", flat=True).first())
    if first_built is None:
        return {}
    first_month = first_built if first_built.day == 1 else next_month(first_built)
    built = built_days_by_month(first_month, last_day)
    months = months_between(first_month, last_day)
    rows = DailyFact.objects.filter(fact=fact, area_id__in=area_codes)
    values: dict[tuple[str, datetime.date], int] = {}
    if kind == FactKind.FLOW:
        for row in (rows.filter(day__gte=month_start(first_day), day__lte=last_day).annotate(month=TruncMonth("day"))
                    .values("area_id", "month").annotate(total=Sum("value")).order_by()):
            month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
            values[(row["area_id"], month)] = int(row["total"])
    else:
        for code, day, value in rows.filter(day__in=list(built.values())).values_list("area_id", "day", "value"):
            values[(code, month_start(day))] = int(value)
    history: dict[str, list[int]] = {}
    for code in area_codes:
        series: list[int] = []
        for month in months:
            if month not in built:
                series = []  # a gap: only the months after it make a series
                continue
            series.append(values.get((code, month), 0))
        # An area's series starts at its first month with a count (a district counted from a later
        # year is not taken to have had years of zeros).
        while series and series[0] == 0:
            series.pop(0)
        history[code] = series
    return history


def _districts(city: Area) -> list[Area]:
    return list(Area.objects.filter(parent=city, level=AreaLevel.DISTRICT).order_by("code"))


def _rows(series: str, area: Area, made_on: datetime.date, last_month: datetime.date,
          result: forecasting.Forecast, model: str, reconciled: bool) -> list[Forecast]:
    return [Forecast(series=series, area=area, area_path=area.path, made_on=made_on,
                     model=model, month=month_add(last_month, k + 1), point=result.point[k], lo80=result.lo80[k],
                     hi80=result.hi80[k], lo95=result.lo95[k], hi95=result.hi95[k], reconciled=reconciled)
            for k in range(len(result))]


def forecasts_make(*, actor: User | None = None, made_on: datetime.date | None = None,
                   series: tuple[str, ...] = FORECAST_SERIES, origins: int = BACKTEST_MIN_ORIGINS) -> ForecastRun:
    """Make and store the forecasts of every city and its districts (see the module). ``actor`` None is
    the monthly task; a person must be a city official or administrator."""
    made_on = made_on or timezone.localdate()
    cities = list(Area.objects.filter(level=AreaLevel.CITY).order_by("code"))
    if actor is not None:
        for city in cities:
            assert_in_scope(actor, city, roles=TARGET_ROLES, levels=TARGET_SETTER_LEVELS)
    origins = max(origins, BACKTEST_MIN_ORIGINS)
    last_month = month_add(made_on.replace(day=1), -1)
    run = ForecastRun(made_on=made_on, last_month=last_month)
    needed = forecasting.min_length(origins, SEASONAL_PERIOD)
    for city in cities:
        areas = {area.code: area for area in [city, *_districts(city)]}
        districts = [code for code in areas if code != city.code]
        for key in series:
            history = monthly_history(area_codes=[city.code, *districts], fact=key, last_month=last_month)
            if not history or not any(history.values()):
                continue
            made: dict[str, forecasting.SeriesForecast] = {}
            for code in [city.code, *districts]:
                values = history.get(code, [])
                outcome = SeriesOutcome(series=key, area_code=code, months=len(values))
                if not any(values):
                    continue  # no facts at all in this area: nothing to forecast
                if len(values) < needed:
                    outcome.skipped = f"{len(values)} months of history; {needed} needed"
                else:
                    made[code] = forecasting.forecast_series(values, horizon=FORECAST_HORIZON, origins=origins,
                                                             m=SEASONAL_PERIOD)
                    outcome.model = made[code].choice.model
                run.outcomes.append(outcome)
            reconciled = _reconcile(run, key, city, districts, history, made)
            _store(actor=actor, run=run, series=key, city=city, areas=areas, made=made, reconciled=reconciled)
    return run


def _reconcile(run: ForecastRun, key: str, city: Area, districts: list[str], history: dict[str, list[int]],
               made: dict[str, forecasting.SeriesForecast]) -> dict[str, forecasting.Forecast]:
    """The districts' forecasts scaled to the city's, or {} when that cannot be done honestly."""
    with_recent = [code for code in districts if any(history.get(code, [])[-SEASONAL_PERIOD:])]
    missing = [code for code in with_recent if code not in made]
    if city.code not in made or not with_recent:
        run.reconciled[key] = False
        return {}
    if missing:
        run.reconciled[key] = False
        run.notes.append(f"{key}: districts not reconciled to {city.code}; too little history in {', '.join(missing)}")
        return {}
    run.reconciled[key] = True
    return forecasting.reconcile_to_total(made[city.code].forecast,
                                          {code: made[code].forecast for code in with_recent})


@transaction.atomic
def _store(*, actor: User | None, run: ForecastRun, series: str, city: Area, areas: dict[str, Area],
           made: dict[str, forecasting.SeriesForecast], reconciled: dict[str, forecasting.Forecast]) -> None:
    codes = list(made)
    prefix = city.path
    Forecast.objects.filter(series=series, made_on=run.made_on, area_path__startswith=prefix).delete()
    Backtest.objects.filter(series=series, made_on=run.made_on, area_path__startswith=prefix).delete()
    forecasts, backtests = [], []
    for code in codes:
        result = made[code]
        own = reconciled.get(code)
        forecasts += _rows(series, areas[code], run.made_on, run.last_month, own or result.forecast,
                           result.choice.model, reconciled=own is not None)
        for name, scored in result.choice.backtests.items():
            backtests.append(Backtest(series=series, area=areas[code], area_path=areas[code].path,
                                      made_on=run.made_on, model=name, origins=scored.origins,
                                      mase=scored.mase, coverage80=scored.coverage80,
                                      coverage95=scored.coverage95, chosen=name == result.choice.model))
    Forecast.objects.bulk_create(forecasts)
    Backtest.objects.bulk_create(backtests)
    if codes:
        audit_record(event_type=AnalyticsEvent.FORECAST_MADE, actor=actor, area=city,
                     new={"series": series, "made_on": run.made_on, "last_month": run.last_month,
                          "models": {code: made[code].choice.model for code in codes},
                          "reconciled": bool(reconciled)})


def forecasts_request(*, actor: User) -> tuple[datetime.date, bool]:
    """A city official or administrator asks for the forecasts to be made again now: the monthly task
    is sent and makes them as the system. Returns the day made and whether the task was sent; when
    the broker is down it is kept and sent once the broker answers (``portal.outbox``)."""
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("code").first()
    assert_in_scope(actor, city, roles=TARGET_ROLES, levels=TARGET_SETTER_LEVELS)
    made_on = timezone.localdate()
    return made_on, task_send(forecasts_make_monthly, args=[made_on.isoformat()])


@shared_task(name="analytics.forecasts_make_monthly")
def forecasts_make_monthly(made_on: str | None = None) -> dict:
    """The monthly task: make every forecast as of ``made_on`` (ISO date; today by default)."""
    day = datetime.date.fromisoformat(made_on) if made_on else None
    return forecasts_make(actor=None, made_on=day).as_dict()


def schedule() -> dict:
    """The beat entry of the monthly task (registered in ``apps.py``): on ``FORECAST_DAY_OF_MONTH`` at
    ``FORECAST_HOUR:FORECAST_MINUTE``, after that night's facts run and once the late-data window of
    the month before has closed."""
    from celery.schedules import crontab

    return {"task": forecasts_make_monthly.name,
            "schedule": crontab(day_of_month=FORECAST_DAY_OF_MONTH, hour=FORECAST_HOUR, minute=FORECAST_MINUTE)}
