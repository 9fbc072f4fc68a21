"""The forecasting maths on synthetic series with known answers (no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics import forecasting as f
from analytics.constants import ForecastModel

SEASON = np.array([50, 40, 80, 90, 100, 120, 150, 140, 100, 90, 80, 70], dtype=float)


def test_model_names_are_the_stored_choices():
    assert set(f.MODELS) == set(ForecastModel.values)
    assert f.SEASONAL_NAIVE == ForecastModel.SEASONAL_NAIVE


def test_seasonal_naive_repeats_the_last_year_with_widening_intervals_after_a_year():
    y = np.concatenate([SEASON, SEASON + 10, SEASON + 20])
    result = f.seasonal_naive(y, 24)
    assert result.point[:12] == tuple(SEASON + 20)
    assert result.point[12:] == tuple(SEASON + 20)
    # residuals y[t] - y[t-12] are all 10: sigma 10; the second year's intervals are sqrt(2) wider
    assert result.hi80[0] - result.point[0] == pytest.approx(f.Z[80] * 10)
    assert result.hi95[12] - result.point[12] == pytest.approx(f.Z[95] * 10 * math.sqrt(2))


def test_pure_seasonal_series_seasonal_naive_is_exact_and_scores_mase_zero():
    y = np.tile(SEASON, 4)
    scored = f.backtest(f.SEASONAL_NAIVE, y, origins=12)
    assert scored.scale == 0
    assert scored.mae == 0
    assert scored.mase == 0
    assert scored.coverage80 == 1.0 and scored.coverage95 == 1.0
    assert scored.points == 78  # 12 + 11 + … + 1 forecast months scored from 12 origins


def test_pure_seasonal_series_keeps_seasonal_naive_since_nothing_beats_exact():
    result = f.forecast_series(np.tile(SEASON, 4))
    assert result.choice.model == f.SEASONAL_NAIVE
    assert not result.choice.beats_naive
    assert result.forecast.point == tuple(SEASON)


def test_trend_with_season_ets_beats_seasonal_naive():
    t = np.arange(48)
    y = 200 + 5 * t + np.tile(SEASON, 4)
    naive = f.backtest(f.SEASONAL_NAIVE, y)
    ets = f.backtest(f.ETS, y)
    # seasonal naive is a year behind a trend of 5 a month: every error is 60, and so is the scale
    assert naive.mae == pytest.approx(60)
    assert naive.mase == pytest.approx(1.0)
    assert ets.mase < 0.5 * naive.mase
    result = f.forecast_series(y)
    assert result.choice.model in (f.ETS, f.SARIMA)
    assert result.choice.backtests[result.choice.model].mase < naive.mase
    # the forecast continues the trend: next January about 200 + 5*48 + 50
    assert result.forecast.point[0] == pytest.approx(200 + 5 * 48 + 50, rel=0.05)


def test_mase_uses_one_scale_from_the_training_data_before_the_first_origin():
    y = np.concatenate([SEASON, SEASON + 12, SEASON + 24, SEASON + 100])
    scored = f.backtest(f.SEASONAL_NAIVE, y, origins=12)
    # before the first origin (month 36): differences of 12 in months 12..35, whatever comes after
    assert scored.scale == pytest.approx(12)
    assert scored.mase == pytest.approx(scored.mae / 12)


def test_interval_coverage_of_a_known_noise_series_is_near_nominal():
    coverage80, coverage95 = [], []
    for seed in range(24):
        rng = np.random.default_rng(seed)
        y = 500 + np.tile(SEASON, 5) + rng.normal(0, 10, 60)
        scored = f.backtest(f.SEASONAL_NAIVE, y, origins=24)
        coverage80.append(scored.coverage80)
        coverage95.append(scored.coverage95)
    assert np.mean(coverage80) == pytest.approx(0.80, abs=0.05)
    assert np.mean(coverage95) == pytest.approx(0.95, abs=0.03)


def test_backtest_needs_two_seasons_before_the_first_origin():
    with pytest.raises(f.ForecastError):
        f.backtest(f.SEASONAL_NAIVE, np.tile(SEASON, 3)[:35], origins=12)
    assert f.min_length(12) == 36
    assert f.backtest(f.SEASONAL_NAIVE, np.tile(SEASON, 3), origins=12).origins == 12


def test_forecasts_of_counts_are_never_negative():
    y = np.concatenate([np.tile(SEASON, 2), np.tile(SEASON, 1) - 45])  # falling hard
    result = f.forecast_series(y)
    assert min(result.forecast.point) >= 0
    assert min(result.forecast.lo95) >= 0


def test_a_scale_of_zero_with_errors_scores_infinite_mase():
    assert f.scaled_error(0.0, 0.0, 100) == 0
    assert math.isinf(f.scaled_error(1.0, 0.0, 100))
    assert f.scaled_error(3.0, 2.0, 100) == 1.5


def test_largest_remainder_adds_up_exactly_and_breaks_ties_by_key():
    parts = f.largest_remainder(10, {"b": 1, "a": 1, "c": 1})
    assert sum(parts.values()) == 10
    assert parts == {"a": 4, "b": 3, "c": 3}
    assert f.largest_remainder(7, {"x": 0, "y": 0}) == {"x": 4, "y": 3}
    assert f.largest_remainder(100, {"x": 1 / 3, "y": 2 / 3}) == {"x": 33, "y": 67}


def test_reconciliation_scales_districts_to_the_city_and_adds_up_exactly():
    def flat(value, spread, n=12):
        return f.Forecast(point=(value,) * n, lo80=(value - spread,) * n, hi80=(value + spread,) * n,
                          lo95=(value - 2 * spread,) * n, hi95=(value + 2 * spread,) * n)

    city = f.Forecast(point=tuple(1000.4 + k for k in range(12)), lo80=(900.0,) * 12, hi80=(1100.0,) * 12,
                      lo95=(800.0,) * 12, hi95=(1200.0,) * 12)
    districts = {"420102000000": flat(300.0, 30), "420106000000": flat(600.0, 40), "420104000000": flat(101.3, 5)}
    reconciled = f.reconcile_to_total(city, districts)
    for k in range(12):
        assert sum(r.point[k] for r in reconciled.values()) == round(city.point[k])
        for r in reconciled.values():
            assert r.point[k] == int(r.point[k])
            assert r.lo95[k] <= r.lo80[k] <= r.point[k] <= r.hi80[k] <= r.hi95[k]
    # proportions kept: 300 : 600 : 101.3 of 1000 (the city's first month rounds to 1000)
    # shares 299.61, 101.17, 599.22: floors 999, the unit left goes to the largest remainder (.61)
    assert {c: reconciled[c].point[0] for c in reconciled} == {"420102000000": 300, "420104000000": 101,
                                                              "420106000000": 599}
    # an interval is scaled by the district's own factor
    factor = reconciled["420106000000"].point[0] / 600.0
    assert reconciled["420106000000"].hi80[0] == pytest.approx(640.0 * factor)


def test_reconciliation_with_all_district_forecasts_zero_shares_the_city_equally():
    zero = f.Forecast(point=(0.0,), lo80=(0.0,), hi80=(0.0,), lo95=(0.0,), hi95=(0.0,))
    total = f.Forecast(point=(5.0,), lo80=(3.0,), hi80=(7.0,), lo95=(2.0,), hi95=(8.0,))
    reconciled = f.reconcile_to_total(total, {"a": zero, "b": zero})
    assert reconciled["a"].point == (3.0,) and reconciled["b"].point == (2.0,)
    assert reconciled["a"].hi95[0] >= 3.0


def test_a_series_with_text_or_missing_values_is_refused():
    with pytest.raises(f.ForecastError):
        f.forecast_series([1.0, float("nan")] * 20)
