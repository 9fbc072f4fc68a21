"""Reads of the stored forecasts: the latest forecast of a series for an area with the backtest of every
model (and which one is used), and the scoring of earlier forecasts against what happened.

Plain data for the dashboards. Everything through ``visible_to(fetched_by, roles=DASHBOARD_ROLES)``:
a district official reads their district's forecast, never the city's or a sibling's.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from analytics.constants import DASHBOARD_ROLES, FORECAST_SERIES, ForecastModel
from analytics.models import Backtest, Forecast
from analytics.services.forecasts import monthly_history
from portal.models import Area, User
from portal.scoping import OutOfScope, area_in_scope


@dataclass
class ForecastMonth:
    month: datetime.date
    point: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


@dataclass
class ModelScore:
    model: str
    label: str
    origins: int
    mase: float | None  # None: not defined (an exact series scored against a zero scale)
    coverage80: float
    coverage95: float
    chosen: bool


@dataclass
class AreaForecast:
    area: Area
    series: str
    made_on: datetime.date
    model: str
    model_label: str
    reconciled: bool
    months: list[ForecastMonth] = field(default_factory=list)
    scores: list[ModelScore] = field(default_factory=list)

    @property
    def beats_naive(self) -> bool:
        return self.model != ForecastModel.SEASONAL_NAIVE

    @property
    def naive(self) -> ModelScore | None:
        return next((s for s in self.scores if s.model == ForecastModel.SEASONAL_NAIVE), None)


def _finite(value: float) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def latest_forecast(*, fetched_by: User, area: Area, series: str = FORECAST_SERIES[0]) -> AreaForecast | None:
    """The most recent forecast of ``series`` for ``area`` with its backtests, or None. Three queries."""
    if not area_in_scope(fetched_by, area, roles=DASHBOARD_ROLES):
        raise OutOfScope()
    forecasts = Forecast.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES).filter(area=area, series=series)
    made_on = forecasts.aggregate(last=Max("made_on"))["last"]
    if made_on is None:
        return None
    rows = list(forecasts.filter(made_on=made_on).order_by("month"))
    scores = [ModelScore(model=b.model, label=str(ForecastModel(b.model).label), origins=b.origins,
                         mase=_finite(b.mase), coverage80=b.coverage80, coverage95=b.coverage95, chosen=b.chosen)
              for b in Backtest.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES)
              .filter(area=area, series=series, made_on=made_on).order_by("model")]
    model = rows[0].model
    return AreaForecast(area=area, series=series, made_on=made_on, model=model,
                        model_label=str(ForecastModel(model).label), reconciled=rows[0].reconciled,
                        months=[ForecastMonth(r.month, r.point, r.lo80, r.hi80, r.lo95, r.hi95) for r in rows],
                        scores=scores)


@dataclass
class ScoredMonth:
    made_on: datetime.date
    month: datetime.date
    point: float
    actual: int
    error: float
    inside80: bool
    inside95: bool


def forecast_accuracy(*, fetched_by: User, area: Area, series: str = FORECAST_SERIES[0],
                      until: datetime.date | None = None) -> list[ScoredMonth]:
    """Earlier forecasts of ``area`` scored against what happened: every stored forecast month that is
    complete by ``until`` (the month before today), with the actual value from the facts. Four queries."""
    if not area_in_scope(fetched_by, area, roles=DASHBOARD_ROLES):
        raise OutOfScope()
    until = until or timezone.localdate()
    last_month = (until.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    stored = list(Forecast.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES)
                  .filter(area=area, series=series, month__lte=last_month).order_by("made_on", "month"))
    if not stored:
        return []
    history = monthly_history(area_codes=[area.code], fact=series, last_month=last_month).get(area.code, [])
    # The history ends at last_month: month k before it is history[-1 - k].
    actual: dict[datetime.date, int] = {}
    month = last_month
    for value in reversed(history):
        actual[month] = value
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return [ScoredMonth(made_on=f.made_on, month=f.month, point=f.point, actual=actual[f.month],
                        error=actual[f.month] - f.point, inside80=f.lo80 <= actual[f.month] <= f.hi80,
                        inside95=f.lo95 <= actual[f.month] <= f.hi95)
            for f in stored if f.month in actual]
