"""Decision support's tables: daily facts per area with their roll-ups, the run log, the area
structure, the employed population, targets, and forecasts with their backtests.

Dashboards read only these tables (through ``visible_to``), never the source apps' tables.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.constants import DistrictType, ForecastModel, Indicator, RunStatus
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import AreaOwnedModel


class AreaStructure(models.Model):
    """One row per area with the code of each of its ancestors (DHIS2's organisation-unit structure):
    a figure for any level is one group-by. Rebuilt from ``portal.Area`` by every run."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, primary_key=True, related_name="+",
                                verbose_name=_("area"))
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    city = models.CharField(_("city"), max_length=12, blank=True)
    district = models.CharField(_("district"), max_length=12, blank=True)
    street = models.CharField(_("street"), max_length=12, blank=True)
    community = models.CharField(_("community"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("area structure")
        verbose_name_plural = _("area structure")


class DailyFact(AreaOwnedModel):
    """The value of one fact on one day in one area. Rows of the lowest level come from the source
    apps' facts; street, district and city rows are their roll-ups, written in the same run."""

    # The nightly run rewrites a day's rows in a table of millions: every index costs on each row
    # written, so the area's own indexes give way to the series index that leads with it, and the
    # path keeps only the prefix index its subtree filters use.
    area = models.ForeignKey("portal.Area", on_delete=models.PROTECT, verbose_name=_("area"), related_name="+",
                             db_index=False)
    area_path = models.CharField(_("area path"), max_length=12, editable=False)
    day = models.DateField(_("day"))
    fact = models.CharField(_("fact"), max_length=60)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    value = models.BigIntegerField(_("value"))

    class Meta:
        ordering = ["day", "fact", "area_path"]
        verbose_name = _("daily fact")
        verbose_name_plural = _("daily facts")
        constraints = [models.UniqueConstraint(fields=["day", "fact", "area"], name="daily_fact_one_per_day_area")]
        indexes = [
            models.Index(fields=["fact", "level", "day"], name="daily_fact_level_day"),
            models.Index(fields=["area", "fact", "day"], name="daily_fact_area_series"),
            models.Index(fields=["area_path"], name="daily_fact_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.fact} {self.area_id} {self.value}"


class FactRun(models.Model):
    """One build of the facts of one day: when, how it went, how many rows. A failed run shows on the
    dashboard; rerunning the day replaces its rows exactly."""

    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("started by"), max_length=16, default="nightly")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("facts run")
        verbose_name_plural = _("facts runs")
        indexes = [models.Index(fields=["day", "-started_at"], name="fact_run_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.status}"


class FactTaskRun(models.Model):
    """One district's part of a run (one Celery task), or the roll-up (``district`` empty)."""

    run = models.ForeignKey(FactRun, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("run"))
    district = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"))
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)

    class Meta:
        ordering = ["run", "district"]
        verbose_name = _("facts task")
        verbose_name_plural = _("facts tasks")
        # One task per district of a run and one roll-up (district empty): two partial constraints,
        # which every database enforces (NULLS NOT DISTINCT is PostgreSQL 15's alone).
        constraints = [
            models.UniqueConstraint(fields=["run", "district"], condition=models.Q(district__isnull=False),
                                    name="fact_task_one_per_district"),
            models.UniqueConstraint(fields=["run"], condition=models.Q(district__isnull=True),
                                    name="fact_task_one_roll_up"),
        ]


class StagedFact(models.Model):
    """A row of a run being built, beside the live table: each district task writes its community
    (and street) rows here; the roll-up moves a run's rows, with their roll-ups, into ``DailyFact`` in
    one transaction and deletes them. Readers never look here."""

    run = models.ForeignKey(FactRun, on_delete=models.CASCADE, related_name="+", verbose_name=_("run"))
    district = models.CharField(_("district"), max_length=12)
    fact = models.CharField(_("fact"), max_length=60)
    area_code = models.CharField(_("area"), max_length=12)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("staged fact")
        verbose_name_plural = _("staged facts")
        indexes = [models.Index(fields=["run", "district"], name="staged_fact_run_district")]


class EmployedPopulation(AreaOwnedModel):
    """Reference data officials edit: the employed population of an area in a year, the
    denominator of the registered unemployment rate (unemployed ÷ (employed + unemployed))."""

    year = models.PositiveSmallIntegerField(_("year"))
    employed = models.PositiveIntegerField(_("employed population"))
    source = models.CharField(_("source"), max_length=200)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-year", "area_path"]
        verbose_name = _("employed population")
        verbose_name_plural = _("employed population")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="employed_population_one_per_year")]

    def __str__(self) -> str:  # the audit log names the record by it
        return f"{self.area} {self.year}"


class DistrictProfile(AreaOwnedModel):
    """A district's type (central or outer), which decides its indicators (seed 四)."""

    district_type = models.CharField(_("district type"), max_length=16, choices=DistrictType.choices)

    class Meta:
        ordering = ["area_path"]
        verbose_name = _("district profile")
        verbose_name_plural = _("district profiles")
        constraints = [models.UniqueConstraint(fields=["area"], name="district_profile_one_per_district")]


class Target(AreaOwnedModel):
    """A year's target of one indicator for an area: set by the city for a district, decomposed by
    the district to its streets (the streets' parts must add up to the district's target)."""

    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    value = models.PositiveIntegerField(_("target"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="parts",
                               verbose_name=_("decomposed from"))
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        ordering = ["-year", "indicator", "area_path"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["area", "year", "indicator"], name="target_one_per_area")]


class Forecast(AreaOwnedModel):
    """One month's forecast of a series (a fact) for an area, with its intervals, stored with the day
    it was made so it can be scored later against what happened."""

    series = models.CharField(_("series"), max_length=60)
    made_on = models.DateField(_("made on"))
    model = models.CharField(_("model"), max_length=24, choices=ForecastModel.choices)
    month = models.DateField(_("month"))
    point = models.FloatField(_("forecast"))
    lo80 = models.FloatField()
    hi80 = models.FloatField()
    lo95 = models.FloatField()
    hi95 = models.FloatField()
    reconciled = models.BooleanField(_("reconciled"), default=False)

    class Meta:
        ordering = ["series", "area_path", "made_on", "month"]
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [models.UniqueConstraint(fields=["series", "area", "made_on", "month"],
                                               name="forecast_one_per_month")]


class Backtest(AreaOwnedModel):
    """How a model did on a series by rolling origin: MASE (seasonal period 12, one fixed scale per
    series) and interval coverage, and whether the dashboard uses it (it beats seasonal naive)."""

    series = models.CharField(_("series"), max_length=60)
    made_on = models.DateField(_("made on"))
    model = models.CharField(_("model"), max_length=24, choices=ForecastModel.choices)
    origins = models.PositiveSmallIntegerField(_("origins"))
    mase = models.FloatField(_("MASE"))
    # xgettext:no-python-format
    coverage80 = models.FloatField(_("80 % interval coverage"))
    # xgettext:no-python-format
    coverage95 = models.FloatField(_("95 % interval coverage"))
    chosen = models.BooleanField(_("used"), default=False)

    class Meta:
        ordering = ["series", "area_path", "-made_on", "model"]
        verbose_name = _("backtest")
        verbose_name_plural = _("backtests")
        constraints = [
            models.UniqueConstraint(fields=["series", "area", "made_on", "model"], name="backtest_one_per_model"),
            models.UniqueConstraint(fields=["series", "area", "made_on"], condition=Q(chosen=True),
                                    name="backtest_one_chosen"),
        ]
