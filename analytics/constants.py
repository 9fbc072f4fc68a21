"""Choices and limits of decision support: fact kinds, run states, indicators, forecast models."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel, StaffRole


class AnalyticsEvent(models.TextChoices):
    """Audit event types of this app, registered with the kernel in ``apps.py``."""

    RUN_STARTED = "analytics.run_started", _("Nightly facts run started")
    RUN_FINISHED = "analytics.run_finished", _("Nightly facts run finished")
    POPULATION_SAVED = "analytics.population_saved", _("Employed population saved")
    TARGET_SAVED = "analytics.target_saved", _("Target saved")
    TARGETS_DECOMPOSED = "analytics.targets_decomposed", _("Targets decomposed to streets")
    FORECAST_MADE = "analytics.forecast_made", _("Forecast made")
    DISTRICT_TYPE_SAVED = "analytics.district_type_saved", _("District type saved")
    DATA_EXPORTED = "analytics.exported", _("Dashboard data exported")


class FactKind(models.TextChoices):
    """How a fact adds up over time: a flow is counted per day (a month is the sum of its days); a
    stock is a level on the day (a month is its last day's value)."""

    FLOW = "flow", _("Flow (counted per day)")
    STOCK = "stock", _("Stock (level on the day)")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DistrictType(models.TextChoices):
    """Seed 四: indicators differ between the central districts and the outer districts."""

    CENTRAL = "central", _("Central district")
    OUTER = "outer", _("Outer district")


class Indicator(models.TextChoices):
    NEW_EMPLOYMENT = "new_employment", _("New employment")
    REEMPLOYMENT_HARD_TO_EMPLOY = "reemployment_hard_to_employ", _("Re-employment of hard-to-employ people")
    GRADUATE_EMPLOYMENT = "graduate_employment", _("Employment of college graduates")
    RURAL_LABOUR_TRANSFER = "rural_labour_transfer", _("Rural labour transferred")
    RETURNING_MIGRANT_WORKERS = "returning_migrant_workers", _("Returning migrant workers in work")


# Which indicators apply to which kind of district (new employment applies to all).
INDICATORS_BY_DISTRICT_TYPE = {
    DistrictType.CENTRAL: (Indicator.NEW_EMPLOYMENT, Indicator.REEMPLOYMENT_HARD_TO_EMPLOY,
                           Indicator.GRADUATE_EMPLOYMENT),
    DistrictType.OUTER: (Indicator.NEW_EMPLOYMENT, Indicator.RURAL_LABOUR_TRANSFER,
                         Indicator.RETURNING_MIGRANT_WORKERS),
}


class ForecastModel(models.TextChoices):
    SEASONAL_NAIVE = "seasonal_naive", _("Seasonal naive (same month last year)")
    ETS = "ets", _("Exponential smoothing (ETS)")
    SARIMA = "sarima", _("Seasonal ARIMA")


# Forecasts: months ahead, the seasonal period, the least backtest origins, the intervals shown.
FORECAST_HORIZON = 12
SEASONAL_PERIOD = 12
BACKTEST_MIN_ORIGINS = 12
INTERVALS = (80, 95)
# Facts rebuilt every night besides today's: data that arrives late (a registration entered days
# after the event) lands within this window.
LATE_DATA_DAYS = 7
# The nightly run: 02:00 Asia/Shanghai.
NIGHTLY_HOUR, NIGHTLY_MINUTE = 2, 0

# Dashboards (issue point 6): the staff roles that read them (clerks use their own pages), the
# earliest as-of day a dashboard accepts, months of history in a trend chart, export formats.
DASHBOARD_ROLES = ("official", "administrator")  # portal.constants.StaffRole values
DASHBOARD_FIRST_DAY = datetime.date(2000, 1, 1)
TREND_MONTHS = 24
EXPORT_FORMATS = ("csv", "xlsx")


class RunTrigger(models.TextChoices):
    """What started a facts run (``FactRun.trigger``)."""

    NIGHTLY = "nightly", _("Nightly run")
    BACKFILL = "backfill", _("Backfill")
    GENERATED = "generated", _("Generated demo history")


# The earliest day a run builds (no source record is older); a day after yesterday has no facts yet.
FACTS_EARLIEST_DAY = datetime.date(2000, 1, 1)
# A run still marked running after this long died with its worker beyond redelivery: longer than
# the broker's visibility timeout (2 h, settings) plus the time Redis takes to hand a dead worker's
# task to another, which is longer than Celery's hard task time limit (1 h). It is marked failed
# and no longer blocks a new run of its day.
RUN_STALE_AFTER_SECONDS = 3 * 60 * 60

# The employed population (the unemployment rate's denominator): entered by officials for the city
# or a district, with where the figure comes from.
POPULATION_ROLES = (StaffRole.OFFICIAL,)
POPULATION_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT)
POPULATION_YEAR_RANGE = (2000, 2100)
POPULATION_EMPLOYED_MAX = 50_000_000
POPULATION_SOURCE_MAX = 200

# --- Targets, authenticity checks, staff use and forecasts (seed 四, 一(三)3, issue point 5) ---------
# The city's officials and administrators set the districts' types and yearly targets; a district's
# officials and administrators decompose its targets to its streets (a street's to its communities).
TARGET_ROLES = ("official", "administrator")  # portal.constants.StaffRole values
TARGET_SETTER_LEVELS = (AreaLevel.PROVINCE, AreaLevel.CITY)
TARGET_AREA_LEVELS = (AreaLevel.DISTRICT,)  # the city sets targets for districts
TARGET_YEAR_RANGE = (2000, 2100)
TARGET_VALUE_MAX = 10_000_000  # people in a year: far above any district's count
# Authenticity checks: how many records behind a flag a page lists (the count is always whole).
CHECK_RECORDS_SHOWN = 200
# Staff use: the longest period one table covers (days), so one request stays cheap.
STAFF_USE_MAX_DAYS = 731
# The series forecast (facts declared by registration/facts.py) and the day of the month the
# forecasts are made: after the late-data window of the month before has closed.
FORECAST_SERIES = ("new_employment", "unemployed")
FORECAST_DAY_OF_MONTH = LATE_DATA_DAYS + 1
FORECAST_HOUR, FORECAST_MINUTE = 3, 30
