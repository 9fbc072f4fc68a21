"""Reads of the officials' dashboards (issue point 6): key figures, drill-down, trends, target
progress, forecasts with their backtests and the run log, for the reader's subtree.

Only the analytics tables are read (``DailyFact``, ``EmployedPopulation``, ``Target``, ``Forecast``,
``Backtest`` and the run log), always through ``visible_to(fetched_by, roles=DASHBOARD_ROLES)``, so a
district official's figures, totals and charts are made of their district's rows alone. An area
outside the reader's subtree is not found (``OutOfScope``, a 404), the same as an unknown code.

Each page's figures come from a handful of grouped queries (one for an area and all its children,
one for a trend), never one query per area: a page stays within 10 queries at any tier.

Facts are stored only where they are not zero, so a missing row inside the span of days the area
has facts for counts as zero; outside that span a figure is unknown (shown as "—").
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from analytics.constants import DASHBOARD_ROLES, TREND_MONTHS, ForecastModel, Indicator, RunStatus, RunTrigger
from analytics.models import Backtest, DailyFact, EmployedPopulation, FactRun, FactTaskRun, Forecast, Target
from portal.constants import LEVEL_ORDER, LEVEL_PREFIX_WIDTH, AreaLevel
from portal.models import Area, User
from portal.scoping import ALL_AREAS, OutOfScope, area_in_scope, scope_paths

# The facts the dashboards read, as the source apps declare them (registration/facts.py,
# jobs/facts.py, subsidies/facts.py); tests/analytics/test_dashboard_selectors.py checks they exist.
NEW_EMPLOYMENT = "new_employment"
UNEMPLOYED = "unemployed"
POSITIONS = "vacancy_positions"  # the headcount open vacancies ask for: 求人倍率 = positions ÷ seekers
ACTIVE_SEEKERS = "active_seekers"
SUBSIDY_APPROVED = "subsidy_amount_approved"
SUBSIDY_PAID = "subsidy_amount_paid"
FLOW_FACTS = (NEW_EMPLOYMENT, SUBSIDY_APPROVED, SUBSIDY_PAID)
STOCK_FACTS = (UNEMPLOYED, POSITIONS, ACTIVE_SEEKERS)


@dataclass(frozen=True)
class FigureSpec:
    """A key figure: ``unit`` is a table kind (int, money, percent, ratio); a flow is counted over a
    period (this month, this year), a stock is read on the day."""

    key: str
    label: Any
    unit: str
    flow: bool


FIGURES = (
    FigureSpec(NEW_EMPLOYMENT, _("New employment"), "int", True),
    FigureSpec(UNEMPLOYED, _("Registered unemployed"), "int", False),
    FigureSpec("unemployment_rate", _("Registered unemployment rate"), "percent", False),
    FigureSpec("vacancies_per_seeker", _("Vacancies per job seeker"), "ratio", False),
    FigureSpec(SUBSIDY_APPROVED, _("Subsidies approved (yuan)"), "money", True),
    FigureSpec(SUBSIDY_PAID, _("Subsidies paid (yuan)"), "money", True),
)
FIGURES_BY_KEY = {spec.key: spec for spec in FIGURES}


# --- Periods ------------------------------------------------------------------------------------


def shift_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months away, clamped to the month's end (31 March − 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Periods:
    """The periods a figure on ``day`` is compared over: this month and this year so far, the same
    days of last month, and the same days of the month and of the year a year ago."""

    day: datetime.date
    month_start: datetime.date
    last_month_day: datetime.date
    last_month_start: datetime.date
    last_year_day: datetime.date
    last_year_month_start: datetime.date
    year_start: datetime.date
    last_year_start: datetime.date

    @classmethod
    def on(cls, day: datetime.date) -> Periods:
        last_month = shift_months(day, -1)
        last_year = shift_months(day, -12)
        return cls(day=day, month_start=day.replace(day=1), last_month_day=last_month,
                   last_month_start=last_month.replace(day=1), last_year_day=last_year,
                   last_year_month_start=last_year.replace(day=1), year_start=day.replace(month=1, day=1),
                   last_year_start=last_year.replace(month=1, day=1))

    @property
    def year_elapsed(self) -> float:
        """The share of the year gone by the end of ``day`` (for progress against an annual target)."""
        days = 366 if calendar.isleap(self.day.year) else 365
        return self.day.timetuple().tm_yday / days


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureValue:
    """A key figure of one area: ``value`` this month so far (a flow) or on the day (a stock), the
    same for last month and for a year ago, and for flows the year so far and a year ago."""

    spec: FigureSpec
    value: float | int | None
    last_month: float | int | None = None
    last_year: float | int | None = None
    year: float | int | None = None
    year_last_year: float | int | None = None

    @staticmethod
    def _change(now, then):
        return None if now is None or then is None else now - then

    @staticmethod
    def _relative(now, then):
        return None if now is None or not then else (now - then) / then

    @property
    def change_month(self):
        return self._change(self.value, self.last_month)

    @property
    def change_year(self):
        return self._change(self.value, self.last_year)

    @property
    def change_year_to_date(self):
        return self._change(self.year, self.year_last_year)

    @property
    def relative_month(self):
        return self._relative(self.value, self.last_month)

    @property
    def relative_year(self):
        return self._relative(self.value, self.last_year)

    @property
    def relative_year_to_date(self):
        return self._relative(self.year, self.year_last_year)

    @property
    def change_kind(self) -> str:
        """The table kind of a change: points for a rate, a signed ratio for a quotient."""
        return {"percent": "points", "ratio": "signed_ratio", "money": "signed_money"}.get(self.spec.unit, "signed")


@dataclass
class AreaSummary:
    """An area's key figures, with its employed population and its new-employment target."""

    area: Area
    figures: dict[str, FigureValue]
    employed: int | None = None
    target: int | None = None
    target_from_parts: bool = False  # the target is the sum of the children's (no own row)

    @property
    def new_employment_year(self):
        return self.figures[NEW_EMPLOYMENT].year

    @property
    def progress(self) -> float | None:
        achieved = self.new_employment_year
        return None if achieved is None or not self.target else achieved / self.target


@dataclass
class Overview:
    area: Area
    periods: Periods | None
    first_day: datetime.date | None
    last_day: datetime.date | None
    summary: AreaSummary | None
    children: list[AreaSummary] = field(default_factory=list)
    child_level: str | None = None

    @property
    def has_facts(self) -> bool:
        return self.summary is not None


# --- Areas in scope -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    area: Area
    linked: bool  # within the reader's subtree (an ancestor above it is named, not linked)


def _roles_visible(queryset, fetched_by: User):
    return queryset.visible_to(fetched_by, roles=DASHBOARD_ROLES)


def dashboard_home_area(*, fetched_by: User) -> Area | None:
    """The widest area the reader reads dashboards for (the city for the system administrator)."""
    paths = scope_paths(fetched_by, roles=DASHBOARD_ROLES)
    if not paths:
        return None
    if ALL_AREAS in paths:
        return Area.objects.filter(level=AreaLevel.CITY).order_by("code").first()
    areas = sorted(Area.objects.filter(path__in=paths), key=lambda a: (LEVEL_ORDER.index(a.level), a.code))
    return areas[0] if areas else None


def dashboard_area(*, fetched_by: User, code: str | None) -> tuple[Area, list[Crumb]]:
    """The area a dashboard is asked for (its home area when no code is given) and the breadcrumb
    from the top of the tree down to it, in one query. Unknown or out of scope: ``OutOfScope``."""
    if not code:
        area = dashboard_home_area(fetched_by=fetched_by)
        if area is None:
            raise OutOfScope()
        return area, [Crumb(area, True)]
    code = str(code)
    if len(code) != 12 or not (code.isascii() and code.isdigit()):
        raise OutOfScope()
    candidates = {code[:width].ljust(12, "0") for width in LEVEL_PREFIX_WIDTH.values()} | {code}
    found = {a.code: a for a in Area.objects.filter(code__in=candidates)}
    area = found.get(code)
    if area is None or not area_in_scope(fetched_by, area, roles=DASHBOARD_ROLES):
        raise OutOfScope()
    lineage = sorted((a for a in found.values() if area.path.startswith(a.path)), key=lambda a: len(a.path))
    return area, [Crumb(a, area_in_scope(fetched_by, a, roles=DASHBOARD_ROLES)) for a in lineage]


def child_level_of(area: Area) -> str | None:
    index = LEVEL_ORDER.index(area.level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def facts_span(*, fetched_by: User, area: Area) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last day the area has facts for (None, None when it has none)."""
    span = _roles_visible(DailyFact.objects, fetched_by).filter(area=area).aggregate(first=Min("day"),
                                                                                    last=Max("day"))
    return span["first"], span["last"]


# --- Key figures of an area and its children ----------------------------------------------------


_SUM_COLUMNS = ("month", "last_month", "last_year_month", "year", "last_year_to_date", "on_day",
                "on_last_month_day", "on_last_year_day")


def _period_sums(queryset, periods: Periods, facts: tuple[str, ...]):
    """One grouped query: per area and fact, the sums over each period (flows) and the values on
    each compared day (stocks)."""
    p = periods
    days = [p.day, p.last_month_day, p.last_year_day]
    flows = [key for key in facts if key not in STOCK_FACTS]
    stocks = [key for key in facts if key in STOCK_FACTS]
    wanted = (Q(fact__in=flows, day__gte=min(p.last_year_start, p.last_month_start), day__lte=p.day)
              | Q(fact__in=stocks, day__in=days))
    return (queryset.filter(wanted).values("area_id", "fact").order_by().annotate(
        month=Sum("value", filter=Q(day__gte=p.month_start)),
        last_month=Sum("value", filter=Q(day__gte=p.last_month_start, day__lte=p.last_month_day)),
        last_year_month=Sum("value", filter=Q(day__gte=p.last_year_month_start, day__lte=p.last_year_day)),
        year=Sum("value", filter=Q(day__gte=p.year_start)),
        last_year_to_date=Sum("value", filter=Q(day__gte=p.last_year_start, day__lte=p.last_year_day)),
        on_day=Sum("value", filter=Q(day=p.day)),
        on_last_month_day=Sum("value", filter=Q(day=p.last_month_day)),
        on_last_year_day=Sum("value", filter=Q(day=p.last_year_day)),
    ))


class _Covered:
    """Is a period inside the span of days with facts? Inside, a missing row is a zero."""

    def __init__(self, first: datetime.date | None, last: datetime.date | None):
        self.first, self.last = first, last

    def __call__(self, start: datetime.date, end: datetime.date | None = None) -> bool:
        end = end or start
        return self.first is not None and self.first <= start and end <= self.last


def _rate(unemployed, employed):
    if unemployed is None or not employed:
        return None
    return unemployed / (employed + unemployed)


def _quotient(numerator, denominator):
    return None if numerator is None or not denominator else numerator / denominator


def figures_from_sums(sums: dict[str, dict], periods: Periods, covered: _Covered,
                      employed: int | None, employed_last_year: int | None) -> dict[str, FigureValue]:
    """The key figures of one area from its period sums (fact → column → value)."""
    p = periods

    def flow(fact, column, start, end):
        return (sums.get(fact, {}).get(column) or 0) if covered(start, end) else None

    def stock(fact, column, day):
        return (sums.get(fact, {}).get(column) or 0) if covered(day) else None

    figures = {}
    for key in FLOW_FACTS:
        figures[key] = FigureValue(
            FIGURES_BY_KEY[key],
            value=flow(key, "month", p.month_start, p.day),
            last_month=flow(key, "last_month", p.last_month_start, p.last_month_day),
            last_year=flow(key, "last_year_month", p.last_year_month_start, p.last_year_day),
            year=flow(key, "year", p.year_start, p.day),
            year_last_year=flow(key, "last_year_to_date", p.last_year_start, p.last_year_day))
    on = {column: {key: stock(key, column, day) for key in STOCK_FACTS}
          for column, day in (("on_day", p.day), ("on_last_month_day", p.last_month_day),
                              ("on_last_year_day", p.last_year_day))}
    figures[UNEMPLOYED] = FigureValue(FIGURES_BY_KEY[UNEMPLOYED], value=on["on_day"][UNEMPLOYED],
                                      last_month=on["on_last_month_day"][UNEMPLOYED],
                                      last_year=on["on_last_year_day"][UNEMPLOYED])
    last_month_employed = employed if p.last_month_day.year == p.day.year else employed_last_year
    figures["unemployment_rate"] = FigureValue(
        FIGURES_BY_KEY["unemployment_rate"], value=_rate(on["on_day"][UNEMPLOYED], employed),
        last_month=_rate(on["on_last_month_day"][UNEMPLOYED], last_month_employed),
        last_year=_rate(on["on_last_year_day"][UNEMPLOYED], employed_last_year))
    figures["vacancies_per_seeker"] = FigureValue(
        FIGURES_BY_KEY["vacancies_per_seeker"],
        **{name: _quotient(on[column][POSITIONS], on[column][ACTIVE_SEEKERS])
           for name, column in (("value", "on_day"), ("last_month", "on_last_month_day"),
                                ("last_year", "on_last_year_day"))})
    return {spec.key: figures[spec.key] for spec in FIGURES}


def _areas_with_reference(*, fetched_by: User, area: Area, year: int) -> list[Area]:
    """The area and its children with their employed population (the latest year up to ``year``
    and up to the year before) and their new-employment target of ``year``: one query."""
    def employed_up_to(last_year: int):
        return Subquery(_roles_visible(EmployedPopulation.objects, fetched_by)
                        .filter(area=OuterRef("pk"), year__lte=last_year).order_by("-year").values("employed")[:1])

    target = (_roles_visible(Target.objects, fetched_by)
              .filter(area=OuterRef("pk"), year=year, indicator=Indicator.NEW_EMPLOYMENT).values("value")[:1])
    return list(_roles_visible(Area.objects, fetched_by).filter(Q(pk=area.pk) | Q(parent=area))
                .annotate(employed=employed_up_to(year), employed_last_year=employed_up_to(year - 1),
                          target=Subquery(target)).order_by("code"))


def area_overview(*, fetched_by: User, area: Area, day: datetime.date | None = None,
                  span: tuple[datetime.date | None, datetime.date | None] | None = None) -> Overview:
    """Key figures of an area and of each of its children on ``day`` (the last day with facts when
    not given), each with its changes, employed population and target. Three queries (two when the
    caller has read the facts' ``span`` already)."""
    first, last = span if span is not None else facts_span(fetched_by=fetched_by, area=area)
    day = day or last
    child_level = child_level_of(area)
    if day is None:
        return Overview(area=area, periods=None, first_day=first, last_day=last, summary=None,
                        child_level=child_level)
    periods = Periods.on(day)
    areas = _areas_with_reference(fetched_by=fetched_by, area=area, year=day.year)
    scoped = _roles_visible(DailyFact.objects, fetched_by)
    # The area and its children by code: read through the (area, fact, day) index, a few ranges per
    # area, where "level and path prefix" made PostgreSQL combine large bitmaps of the whole table.
    in_reach = Q(area_id__in=sorted({area.code} | {a.code for a in areas}))
    sums: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in _period_sums(scoped.filter(in_reach), periods, FLOW_FACTS + STOCK_FACTS):
        sums[row["area_id"]][row["fact"]] = row
    covered = _Covered(first, min(last, day) if last else None)

    def summary(a: Area) -> AreaSummary:
        return AreaSummary(area=a, employed=a.employed, target=a.target,
                           figures=figures_from_sums(sums.get(a.code, {}), periods, covered, a.employed,
                                                     a.employed_last_year))

    own = next((a for a in areas if a.pk == area.pk), area)
    if not hasattr(own, "employed"):  # not returned (cannot happen for an area in scope): nothing known
        own.employed = own.employed_last_year = own.target = None
    children = [summary(a) for a in areas if a.pk != area.pk]
    result = summary(own)
    if result.target is None and any(c.target for c in children):
        result.target, result.target_from_parts = sum(c.target or 0 for c in children), True
    return Overview(area=area, periods=periods, first_day=first, last_day=last, summary=result,
                    children=children, child_level=child_level)


# --- Trends -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendMonth:
    month: datetime.date
    new_employment: int | None
    unemployed: int | None  # on the month's last day (or on the as-of day in its month)
    positions: int | None
    seekers: int | None
    partial: bool = False  # the as-of month, counted so far

    @property
    def vacancies_per_seeker(self):
        return _quotient(self.positions, self.seekers)


def monthly_trend(*, fetched_by: User, area: Area, day: datetime.date, first_day: datetime.date | None,
                  last_day: datetime.date | None, months: int = TREND_MONTHS) -> list[TrendMonth]:
    """New employment per month and the stocks at each month's end, for the ``months`` months up to
    ``day`` (its month counted so far): one query."""
    start = shift_months(day.replace(day=1), -(months - 1))
    if first_day is not None:
        start = max(start, first_day.replace(day=1))
    ends = []
    cursor = start
    while cursor <= day:
        ends.append(min(month_end(cursor), day))
        cursor = shift_months(cursor, 1)
    rows = (_roles_visible(DailyFact.objects, fetched_by)
            .filter(Q(fact=NEW_EMPLOYMENT, day__gte=start, day__lte=day)
                    | Q(fact__in=STOCK_FACTS, day__in=ends), area=area)
            .annotate(month=TruncMonth("day")).values("month", "fact").order_by().annotate(total=Sum("value")))
    by_month: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_month[row["month"]][row["fact"]] = row["total"]

    def known(month_first: datetime.date, end: datetime.date, key: str):
        """A flow needs its whole month (so far) within the facts' span; a stock, its last day."""
        if first_day is None or last_day is None or end > last_day or first_day > end:
            return None
        if key == NEW_EMPLOYMENT and first_day > month_first:
            return None
        return by_month.get(month_first, {}).get(key, 0)

    trend = []
    for end in ends:
        first = end.replace(day=1)
        trend.append(TrendMonth(month=first, new_employment=known(first, end, NEW_EMPLOYMENT),
                                unemployed=known(first, end, UNEMPLOYED), positions=known(first, end, POSITIONS),
                                seekers=known(first, end, ACTIVE_SEEKERS), partial=end != month_end(end)))
    return trend


# --- Forecasts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A model's backtest score on a series (MASE against seasonal naive: below 1 beats it)."""

    model: str
    mase: float

    @property
    def label(self):
        return ForecastModel(self.model).label


@dataclass
class SeriesForecast:
    """The latest forecast of one series for an area, the model it uses with its score, the
    seasonal-naive baseline's score, and (when asked for) every backtest of that day."""

    series: str
    made_on: datetime.date | None
    months: list[Forecast]
    backtests: list[Backtest]
    chosen: Score | None = None
    baseline: Score | None = None

    @property
    def label(self):
        spec = FIGURES_BY_KEY.get(self.series)
        if spec is not None:
            return spec.label
        from analytics.facts import all_facts

        return next((f.label for f in all_facts() if f.key == self.series), self.series)

    @property
    def model(self) -> str | None:
        return self.months[0].model if self.months else None

    @property
    def reconciled(self) -> bool:
        return any(m.reconciled for m in self.months)


def _latest_made(model, fetched_by: User):
    return Subquery(_roles_visible(model.objects, fetched_by)
                    .filter(area=OuterRef("area"), series=OuterRef("series"))
                    .order_by("-made_on").values("made_on")[:1])


def _score_of(fetched_by: User, column: str, **which):
    """A backtest's column for the same area, series and day as the outer forecast row."""
    return Subquery(_roles_visible(Backtest.objects, fetched_by)
                    .filter(area=OuterRef("area"), series=OuterRef("series"), made_on=OuterRef("made_on"), **which)
                    .values(column)[:1])


def area_forecasts(*, fetched_by: User, area: Area, with_backtests: bool = True) -> list[SeriesForecast]:
    """The latest forecast of each series of the area, each with the score of the model it uses and of
    seasonal naive (one query), and with every backtest of that day when asked (a second query)."""
    months = list(_roles_visible(Forecast.objects, fetched_by).filter(area=area)
                  .filter(made_on=_latest_made(Forecast, fetched_by))
                  .annotate(chosen_model=_score_of(fetched_by, "model", chosen=True),
                            chosen_mase=_score_of(fetched_by, "mase", chosen=True),
                            baseline_mase=_score_of(fetched_by, "mase", model=ForecastModel.SEASONAL_NAIVE))
                  .order_by("series", "month"))
    tests = (list(_roles_visible(Backtest.objects, fetched_by).filter(area=area)
                  .filter(made_on=_latest_made(Backtest, fetched_by)).order_by("series", "model"))
             if with_backtests else [])
    series = sorted({m.series for m in months} | {b.series for b in tests},
                    key=lambda key: (key not in FIGURES_BY_KEY, key))
    found = []
    for key in series:
        rows = [m for m in months if m.series == key]
        own_tests = [b for b in tests if b.series == key]
        first = rows[0] if rows else None
        chosen = next((Score(b.model, b.mase) for b in own_tests if b.chosen), None)
        baseline = next((Score(b.model, b.mase) for b in own_tests if b.model == ForecastModel.SEASONAL_NAIVE), None)
        if first is not None and chosen is None and first.chosen_model:
            chosen = Score(first.chosen_model, first.chosen_mase)
        if first is not None and baseline is None and first.baseline_mase is not None:
            baseline = Score(ForecastModel.SEASONAL_NAIVE, first.baseline_mase)
        found.append(SeriesForecast(series=key, made_on=first.made_on if first else None, months=rows,
                                    backtests=own_tests, chosen=chosen, baseline=baseline))
    return found


def children_models(*, fetched_by: User, area: Area) -> list[Backtest]:
    """The model each child area's forecasts use (the chosen backtest of the latest day): one query."""
    return list(_roles_visible(Backtest.objects, fetched_by).filter(area__parent=area, chosen=True)
                .filter(made_on=_latest_made(Backtest, fetched_by)).select_related("area")
                .order_by("area_path", "series"))


# --- Run log ------------------------------------------------------------------------------------


@dataclass
class RunEntry:
    run: FactRun
    tasks: list[FactTaskRun]
    whole: bool  # the reader's subtree is the whole tree the run built: totals and errors are theirs

    @property
    def failed_elsewhere(self) -> bool:
        """Failed, but not in a part the reader sees."""
        return self.run.status == RunStatus.FAILED and not any(t.status == RunStatus.FAILED for t in self.tasks)


def _reads_whole_tree(fetched_by: User) -> bool:
    home = dashboard_home_area(fetched_by=fetched_by)
    return home is not None and LEVEL_ORDER.index(home.level) <= LEVEL_ORDER.index(AreaLevel.CITY)


def fact_runs(*, fetched_by: User, runs: list[FactRun]) -> list[RunEntry]:
    """The given runs with the parts the reader may see: a district's own task, and the roll-up and
    the run's totals and error only for readers of the whole city."""
    whole = _reads_whole_tree(fetched_by)
    districts = _roles_visible(Area.objects, fetched_by).filter(level=AreaLevel.DISTRICT)
    tasks = FactTaskRun.objects.filter(run__in=runs).filter(
        Q(district__in=districts) | Q(district__isnull=True) if whole else Q(district__in=districts))
    by_run = defaultdict(list)
    for task in tasks.select_related("district").order_by("run", "district__code"):
        by_run[task.run_id].append(task)
    return [RunEntry(run=run, tasks=by_run.get(run.pk, []), whole=whole) for run in runs]


def fact_runs_queryset():
    """Every run, newest first (a run builds the whole tree; ``fact_runs`` trims what a reader sees)."""
    return FactRun.objects.order_by("-started_at", "-id")


@dataclass(frozen=True)
class RunsStatus:
    """What the overview says about the runs: days whose latest run failed (a later successful run of
    the day clears it), and the span of days whose facts are generated demo history."""

    failed_days: list[datetime.date]
    generated_first: datetime.date | None
    generated_last: datetime.date | None


def runs_status(*, fetched_by: User) -> RunsStatus:
    """One query over the run log (two on SQLite)."""
    if not scope_paths(fetched_by, roles=DASHBOARD_ROLES):
        return RunsStatus([], None, None)
    redone = FactRun.objects.filter(day=OuterRef("day"), started_at__gt=OuterRef("started_at"),
                                    status=RunStatus.DONE)
    runs = FactRun.objects.annotate(redone=Exists(redone))
    failed = Q(status=RunStatus.FAILED, redone=False)
    generated = {"generated_first": Min("day", filter=Q(trigger=RunTrigger.GENERATED)),
                 "generated_last": Max("day", filter=Q(trigger=RunTrigger.GENERATED))}
    if connection.vendor == "postgresql":
        found = runs.aggregate(failed=ArrayAgg("day", filter=failed, distinct=True, default=[]), **generated)
    else:  # no array_agg on the embedded SQLite: a second query
        found = runs.aggregate(**generated)
        found["failed"] = list(runs.filter(failed).order_by().values_list("day", flat=True).distinct())
    return RunsStatus(sorted(found["failed"], reverse=True), found["generated_first"], found["generated_last"])
