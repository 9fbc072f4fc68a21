"""The maths of the forecasts: models, rolling-origin backtests, the choice of model and the
reconciliation of district forecasts to the city's. Plain numbers in, plain numbers out: no Django
here, so the maths is tested on synthetic series with known answers (tests/analytics/test_forecast*).

Models (monthly series, seasonal period ``m`` = 12):

- ``seasonal_naive``: the same month last year. Intervals from its in-sample residuals
  (y[t] - y[t-m]): sigma_h = sigma * sqrt(k + 1), k = the number of whole years inside the horizon
  before h (Hyndman & Athanasopoulos, *Forecasting: principles and practice*, 5.5).
- ``ets``: statsmodels' ``ETSModel``, additive error, damped additive trend, additive seasonality,
  heuristic initial states (two full years are enough; estimating the 14 initial states as well
  made each fit ~70 times slower for no gain on 3-year series). Analytic prediction intervals.
- ``sarima``: statsmodels' ``SARIMAX`` ARIMA(1,0,0)(0,1,0)[12] with a constant: an AR(1) on the
  change from the same month last year, with drift (a trend in the level). Small on purpose: it is
  estimable from two years, and richer seasonal MA terms were unidentifiable on 24–36 months.

Backtest: rolling origin over the last ``origins`` months (at least 12). From each origin the model
is fitted to the data before it and forecasts up to ``horizon`` months ahead (fewer at the end of
the data); every forecast month that has an actual value is scored.

- MASE: the mean absolute error over all scored points, divided by ONE fixed scale per series: the
  in-sample mean absolute error of seasonal naive on the training data before the first origin,
  mean |y[t] - y[t-m]| for m <= t < first origin. (One scale for every origin, so origins weigh the
  same and models are compared on the same yardstick.) When that scale is 0 (a series that repeats
  its year exactly), MASE is 0 for a model with no error and infinite otherwise.
- Coverage: the share of scored points inside the 80 % and the 95 % interval (bounds included).

Choice: the model with the lowest MASE is used only if it beats seasonal naive (strictly lower
MASE); otherwise seasonal naive is used. Ties keep seasonal naive.

Counts are never negative: point forecasts and lower bounds are clamped at 0, in the backtest too.

Reconciliation (``reconcile_to_total``): district forecasts are scaled to the city's forecast
(top-down by the districts' own forecast proportions). The city's point forecast, rounded to whole
people, is split among the districts in proportion to their point forecasts by largest remainder
(ties go to the lower area code), so the districts add up to the city exactly; each district's
interval is scaled by the same factor as its point.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

SEASONAL_NAIVE = "seasonal_naive"
ETS = "ets"
SARIMA = "sarima"
MODELS_IN_ORDER = (SEASONAL_NAIVE, ETS, SARIMA)

# Normal quantiles of the two-sided intervals shown.
Z = {80: 1.2815515655446004, 95: 1.959963984540054}
# A model's MAE counts as zero below this, relative to the series' size (floating point noise).
ZERO_ERROR = 1e-9
# The least training data a model is fitted on: two full seasons.
MIN_SEASONS = 2


class ForecastError(Exception):
    """A model could not be fitted to the series (too short, or the optimiser failed)."""


@dataclass(frozen=True)
class Forecast:
    """``horizon`` months ahead: the point forecast and the 80 % and 95 % intervals."""

    point: tuple[float, ...]
    lo80: tuple[float, ...]
    hi80: tuple[float, ...]
    lo95: tuple[float, ...]
    hi95: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.point)

    def clamped(self) -> Forecast:
        """Counts are never negative: points and lower bounds below 0 become 0."""
        def floor(values):
            return tuple(max(0.0, v) for v in values)
        return Forecast(floor(self.point), floor(self.lo80), floor(self.hi80), floor(self.lo95), floor(self.hi95))


@dataclass(frozen=True)
class Backtest:
    model: str
    origins: int
    points: int  # forecast months scored
    mae: float
    scale: float
    mase: float
    coverage80: float
    coverage95: float


@dataclass(frozen=True)
class Choice:
    model: str
    backtests: dict[str, Backtest]
    failed: tuple[str, ...] = ()  # models that could not be fitted at some origin (not scored)

    @property
    def beats_naive(self) -> bool:
        return self.model != SEASONAL_NAIVE


@dataclass(frozen=True)
class SeriesForecast:
    choice: Choice
    forecast: Forecast
    history: tuple[float, ...] = field(default=())


def _as_array(y: Sequence[float]) -> np.ndarray:
    values = np.asarray(y, dtype=float)
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise ForecastError("the series must be a flat list of finite numbers")
    return values


def _interval(point: np.ndarray, sigma: np.ndarray) -> Forecast:
    return Forecast(
        point=tuple(point),
        lo80=tuple(point - Z[80] * sigma), hi80=tuple(point + Z[80] * sigma),
        lo95=tuple(point - Z[95] * sigma), hi95=tuple(point + Z[95] * sigma),
    )


def _check_length(y: np.ndarray, m: int) -> None:
    if len(y) < MIN_SEASONS * m:
        raise ForecastError(f"need at least {MIN_SEASONS * m} months, got {len(y)}")


# --- Models -----------------------------------------------------------------------------------------


def seasonal_naive(y: Sequence[float], horizon: int, m: int = 12) -> Forecast:
    """The value of the same month in the last year of data, with residual-based intervals."""
    values = _as_array(y)
    if len(values) < m + 1:
        raise ForecastError(f"need at least {m + 1} months, got {len(values)}")
    n = len(values)
    h = np.arange(1, horizon + 1)
    point = np.array([values[n - m + ((step - 1) % m)] for step in h])
    residuals = values[m:] - values[:-m]
    sigma = math.sqrt(float(np.mean(residuals ** 2)))
    years_before = (h - 1) // m
    return _interval(point, sigma * np.sqrt(years_before + 1))


def _monthly(values: np.ndarray):
    import pandas as pd

    # A monthly index lets statsmodels label its predictions; the calendar months do not matter here.
    return pd.Series(values, index=pd.period_range("2000-01", periods=len(values), freq="M"))


def ets(y: Sequence[float], horizon: int, m: int = 12) -> Forecast:
    """ETS(A,Ad,A) fitted by maximum likelihood, with analytic intervals."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values = _as_array(y)
    _check_length(values, m)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = ETSModel(_monthly(values), error="add", trend="add", damped_trend=True, seasonal="add",
                              seasonal_periods=m, initialization_method="heuristic").fit(disp=False)
            prediction = fitted.get_prediction(start=len(values), end=len(values) + horizon - 1)
            frames = {level: prediction.summary_frame(alpha=1 - level / 100) for level in Z}
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
        raise ForecastError(f"ETS could not be fitted: {exc}") from exc
    point = frames[80]["mean"].to_numpy(dtype=float)
    result = Forecast(point=tuple(point),
                      lo80=tuple(frames[80]["pi_lower"].to_numpy(dtype=float)),
                      hi80=tuple(frames[80]["pi_upper"].to_numpy(dtype=float)),
                      lo95=tuple(frames[95]["pi_lower"].to_numpy(dtype=float)),
                      hi95=tuple(frames[95]["pi_upper"].to_numpy(dtype=float)))
    _check_finite(result, "ETS")
    return result


def sarima(y: Sequence[float], horizon: int, m: int = 12) -> Forecast:
    """ARIMA(1,0,0)(0,1,0)[m] with drift, fitted by maximum likelihood (state space)."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    values = _as_array(y)
    _check_length(values, m)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = SARIMAX(_monthly(values), order=(1, 0, 0), seasonal_order=(0, 1, 0, m), trend="c").fit(
                disp=False)
            prediction = fitted.get_forecast(horizon)
            point = prediction.predicted_mean.to_numpy(dtype=float)
            bounds = {level: prediction.conf_int(alpha=1 - level / 100).to_numpy(dtype=float) for level in Z}
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
        raise ForecastError(f"SARIMA could not be fitted: {exc}") from exc
    result = Forecast(point=tuple(point), lo80=tuple(bounds[80][:, 0]), hi80=tuple(bounds[80][:, 1]),
                      lo95=tuple(bounds[95][:, 0]), hi95=tuple(bounds[95][:, 1]))
    _check_finite(result, "SARIMA")
    return result


def _check_finite(result: Forecast, name: str) -> None:
    for values in (result.point, result.lo80, result.hi80, result.lo95, result.hi95):
        if not all(math.isfinite(v) for v in values):
            raise ForecastError(f"{name} gave a forecast that is not a number")


MODELS: dict[str, Callable[..., Forecast]] = {SEASONAL_NAIVE: seasonal_naive, ETS: ets, SARIMA: sarima}


def forecast(model: str, y: Sequence[float], horizon: int, m: int = 12) -> Forecast:
    """``model``'s forecast of ``y`` ``horizon`` months ahead, clamped at zero."""
    return MODELS[model](y, horizon, m).clamped()


# --- Backtest ---------------------------------------------------------------------------------------


def mase_scale(training: Sequence[float], m: int = 12) -> float:
    """The in-sample mean absolute error of seasonal naive on ``training``: mean |y[t] - y[t-m]|."""
    values = _as_array(training)
    if len(values) <= m:
        raise ForecastError(f"need more than {m} months for the scale, got {len(values)}")
    return float(np.mean(np.abs(values[m:] - values[:-m])))


def scaled_error(mae: float, scale: float, size: float) -> float:
    """MAE / scale; with a zero scale, 0 for no error (to floating point) and infinity otherwise."""
    if scale > 0:
        return mae / scale
    return 0.0 if mae <= ZERO_ERROR * (1.0 + size) else math.inf


def min_length(origins: int, m: int = 12) -> int:
    """The shortest series that can be backtested over ``origins`` origins (two seasons before the first)."""
    return MIN_SEASONS * m + origins


def backtest(model: str, y: Sequence[float], *, origins: int = 12, horizon: int = 12, m: int = 12) -> Backtest:
    """Rolling-origin backtest of ``model`` over the last ``origins`` months of ``y`` (see the module)."""
    values = _as_array(y)
    n = len(values)
    if origins < 1 or n < min_length(origins, m):
        raise ForecastError(f"need at least {min_length(origins, m)} months for {origins} origins, got {n}")
    first = n - origins
    scale = mase_scale(values[:first], m)
    errors: list[float] = []
    inside80 = inside95 = 0
    for origin in range(first, n):
        steps = min(horizon, n - origin)
        predicted = forecast(model, values[:origin], steps, m)
        actual = values[origin:origin + steps]
        for k in range(steps):
            errors.append(abs(actual[k] - predicted.point[k]))
            inside80 += predicted.lo80[k] <= actual[k] <= predicted.hi80[k]
            inside95 += predicted.lo95[k] <= actual[k] <= predicted.hi95[k]
    mae = float(np.mean(errors))
    size = float(np.mean(np.abs(values)))
    return Backtest(model=model, origins=origins, points=len(errors), mae=mae, scale=scale,
                    mase=scaled_error(mae, scale, size),
                    coverage80=inside80 / len(errors), coverage95=inside95 / len(errors))


def choose(backtests: Mapping[str, Backtest], failed: Sequence[str] = ()) -> Choice:
    """The model to use: the lowest MASE if it beats seasonal naive, else seasonal naive."""
    naive = backtests[SEASONAL_NAIVE]
    best = naive
    for name in MODELS_IN_ORDER:
        candidate = backtests.get(name)
        if candidate is not None and candidate.mase < best.mase:
            best = candidate
    return Choice(model=best.model, backtests=dict(backtests), failed=tuple(failed))


def forecast_series(y: Sequence[float], *, horizon: int = 12, origins: int = 12, m: int = 12,
                    models: Sequence[str] = MODELS_IN_ORDER) -> SeriesForecast:
    """Backtest every model on ``y``, choose one, and forecast ``horizon`` months with it."""
    values = _as_array(y)
    backtests: dict[str, Backtest] = {}
    failed: list[str] = []
    for name in models:
        try:
            backtests[name] = backtest(name, values, origins=origins, horizon=horizon, m=m)
        except ForecastError:
            if name == SEASONAL_NAIVE:
                raise
            failed.append(name)
    choice = choose(backtests, failed)
    try:
        final = forecast(choice.model, values, horizon, m)
    except ForecastError:
        # The chosen model fitted at every origin but not on the whole series: fall back honestly.
        choice = choose({SEASONAL_NAIVE: backtests[SEASONAL_NAIVE]}, [*failed, choice.model])
        final = forecast(SEASONAL_NAIVE, values, horizon, m)
    return SeriesForecast(choice=choice, forecast=final, history=tuple(values))


# --- Reconciliation --------------------------------------------------------------------------------


def largest_remainder(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split the whole number ``total`` in proportion to ``weights`` so the parts add up exactly.

    Each part gets the floor of its exact share; the units left go to the largest remainders, ties to
    the lower key. Weights that are all zero share equally. Exact arithmetic (fractions), no float drift.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    keys = sorted(weights)
    if not keys:
        if total:
            raise ValueError("nothing to split the total among")
        return {}
    exact_weights = {key: Fraction(max(0.0, float(weights[key]))) for key in keys}
    whole = sum(exact_weights.values())
    if whole == 0:
        exact_weights = {key: Fraction(1) for key in keys}
        whole = Fraction(len(keys))
    shares = {key: Fraction(total) * exact_weights[key] / whole for key in keys}
    parts = {key: math.floor(share) for key, share in shares.items()}
    left = total - sum(parts.values())
    by_remainder = sorted(keys, key=lambda key: (-(shares[key] - parts[key]), key))
    for key in by_remainder[:left]:
        parts[key] += 1
    return parts


def reconcile_to_total(total: Forecast, parts: Mapping[str, Forecast]) -> dict[str, Forecast]:
    """District forecasts scaled to the city's (see the module docstring): for each month the
    points are whole numbers adding up to the city's rounded point exactly."""
    keys = sorted(parts)
    horizon = len(total)
    if any(len(parts[key]) != horizon for key in keys):
        raise ValueError("every part must have the horizon of the total")
    columns: dict[str, dict[str, list[float]]] = {key: {"point": [], "lo80": [], "hi80": [], "lo95": [], "hi95": []}
                                                  for key in keys}
    for k in range(horizon):
        city = int(round(max(0.0, total.point[k])))
        split = largest_remainder(city, {key: parts[key].point[k] for key in keys})
        for key in keys:
            own = parts[key].point[k]
            factor = split[key] / own if own > 0 else 1.0
            column = columns[key]
            column["point"].append(float(split[key]))
            for bound in ("lo80", "hi80", "lo95", "hi95"):
                value = getattr(parts[key], bound)[k] * factor
                column[bound].append(value)
            # An interval keeps its point inside it after scaling (a zero forecast given a share).
            column["lo80"][-1] = min(column["lo80"][-1], split[key])
            column["lo95"][-1] = min(column["lo95"][-1], split[key])
            column["hi80"][-1] = max(column["hi80"][-1], split[key])
            column["hi95"][-1] = max(column["hi95"][-1], split[key])
    return {key: Forecast(**{name: tuple(values) for name, values in column.items()})
            for key, column in columns.items()}
