"""The tables of the dashboards, once: a page draws them, a chart's numbers follow as them, and the
CSV and XLSX exports write them (``analytics.exports``), so a figure reads the same everywhere.

A table holds raw values (integers, fen, ratios, dates); a column's ``kind`` says how to show one:

- ``int`` a count; ``signed`` a change of a count (+12 / -3);
- ``money`` an amount in fen, shown in yuan with two places (exported as yuan); ``signed_money`` its change;
- ``percent`` a share (0.0345 → 3.45 %); ``signed_pct`` a relative change (+5.3 %);
- ``points`` a change of a percentage in percentage points (0.0012 → +0.12 pp);
- ``ratio`` a quotient with two places (vacancies per seeker); ``signed_ratio`` its change;
- ``decimal`` a score with two places (MASE); ``date``, ``month``, ``datetime``, ``text``, ``bool``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

NUMERIC_KINDS = {"int", "signed", "money", "signed_money", "percent", "signed_pct", "points", "ratio", "signed_ratio",
                 "decimal"}
PERCENT_KINDS = {"percent", "signed_pct", "points"}  # exported as numbers of percent (or of points)
MISSING = "—"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass
class Table:
    """A table of a page: ``key`` names it in export links (``?export=<key>``)."""

    key: str
    title: Any
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    # Links of the first column's cells (drill-down), by row index; not exported.
    links: dict[int, str] = field(default_factory=dict)
    note: Any = ""
    # Kinds of single cells where a row's unit differs from its column's (key figures: people,
    # yuan, a rate), by row index.
    row_kinds: list[dict] = field(default_factory=list)

    def kind(self, index: int, column: Column) -> str:
        if index < len(self.row_kinds):
            return self.row_kinds[index].get(column.key, column.kind)
        return column.kind

    def cells(self):
        """Rows as lists of (formatted text, column, link) for templates."""
        first = self.columns[0].key if self.columns else None
        for index, row in enumerate(self.rows):
            yield [(format_cell(row.get(column.key), self.kind(index, column)), column,
                    self.links.get(index) if column.key == first else None) for column in self.columns]


def _places(value, places: int = 2) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yuan(fen: int) -> Decimal:
    """An amount in fen as yuan with two places, exactly."""
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def _grouped(number: Decimal | int, places: int = 0) -> str:
    """Thousands grouped by commas in every language (zh-Hans formats group nothing, and a table of
    six-figure counts needs it)."""
    return f"{number:,.{places}f}"


def _signed(text: str, negative: bool, zero: bool) -> str:
    if zero:
        return text.lstrip("-")
    return text if negative else "+" + text


def format_cell(value, kind: str) -> str:
    """A value as a page shows it (and as CSV writes it)."""
    if value is None or value == "":
        return MISSING
    if kind == "int":
        return _grouped(int(value))
    if kind == "signed":
        return _signed(_grouped(int(value)), value < 0, value == 0)
    if kind == "money":
        return _grouped(yuan(value), 2)
    if kind == "signed_money":
        return _signed(_grouped(yuan(value), 2), value < 0, value == 0)
    if kind == "percent":
        return f"{_grouped(_places(value * 100), 2)} %"
    if kind == "signed_pct":
        amount = _places(value * 100, 1)
        return _signed(f"{_grouped(amount, 1)} %", amount < 0, amount == 0)
    if kind == "points":
        amount = _places(value * 100, 2)
        return _signed(_("%(points)s pp") % {"points": _grouped(amount, 2)}, amount < 0, amount == 0)
    if kind in ("ratio", "decimal"):
        return _grouped(_places(value), 2)
    if kind == "signed_ratio":
        amount = _places(value)
        return _signed(_grouped(amount, 2), amount < 0, amount == 0)
    if kind == "date":
        return value.isoformat()
    if kind == "month":
        return f"{value:%Y-%m}"
    if kind == "datetime":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime.datetime) else str(value)
    if kind == "bool":
        return _("Yes") if value else _("No")
    return str(value)


def export_value(value, kind: str):
    """A value as an export cell: numbers stay numbers (money in yuan), the rest is text."""
    if value is None or value == "":
        return None
    if kind in ("int", "signed"):
        return int(value)
    if kind in ("money", "signed_money"):
        return yuan(value)
    if kind in PERCENT_KINDS:
        return float(_places(value * 100, 2))
    if kind in ("ratio", "signed_ratio", "decimal"):
        return float(_places(value, 4))
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind in ("date", "month", "datetime"):
        return format_cell(value, kind)
    return str(value)


# --- The dashboards' tables, built from the selectors' plain data -----------------------------------

def key_figures_table(summary, *, compact: bool = False) -> Table:
    """An area's key figures with their changes (``selectors.dashboard.AreaSummary``); ``compact``
    leaves out the compared values themselves (the printed report: it fits an A4 page)."""
    columns = [
        Column("figure", _("Figure")),
        Column("value", _("This month so far, or on the day"), "int"),
        Column("last_month", _("Last month, same days"), "int"),
        Column("change_month", _("Change from last month"), "signed"),
        Column("relative_month", _("Change from last month (%)"), "signed_pct"),
        Column("last_year", _("A year ago"), "int"),
        Column("change_year", _("Change from a year ago"), "signed"),
        Column("relative_year", _("Change from a year ago (%)"), "signed_pct"),
        Column("year", _("This year so far"), "int"),
        Column("year_last_year", _("Last year, same days"), "int"),
        Column("change_year_to_date", _("Change of the year so far"), "signed"),
    ]
    if compact:
        columns = [c for c in columns if c.key not in ("last_month", "last_year", "year_last_year")]
    table = Table("figures", _("Key figures"), columns)
    for figure in summary.figures.values():
        unit, change = figure.spec.unit, figure.change_kind
        label = str(figure.spec.label)
        if unit == "percent":
            label = _("%(figure)s (%%; changes in percentage points)") % {"figure": label}
        table.rows.append({
            "figure": label, "value": figure.value, "last_month": figure.last_month,
            "change_month": figure.change_month, "relative_month": figure.relative_month,
            "last_year": figure.last_year, "change_year": figure.change_year,
            "relative_year": figure.relative_year,
            "year": figure.year if figure.spec.flow else None,
            "year_last_year": figure.year_last_year if figure.spec.flow else None,
            "change_year_to_date": figure.change_year_to_date if figure.spec.flow else None,
        })
        table.row_kinds.append({"value": unit, "last_month": unit, "last_year": unit, "year": unit,
                                "year_last_year": unit, "change_month": change, "change_year": change,
                                "change_year_to_date": change})
    return table


def children_table(overview, link) -> Table:
    """Each child area's figures (``link(area)`` is its drill-down page)."""
    from analytics.selectors.dashboard import NEW_EMPLOYMENT, SUBSIDY_PAID, UNEMPLOYED

    table = Table("areas", _("By area"), [
        Column("area", _("Area")),
        Column("new_employment", _("New employment this month"), "int"),
        Column("new_employment_year", _("New employment this year"), "int"),
        Column("target", _("Target this year"), "int"),
        Column("progress", _("Share of target"), "percent"),
        Column("unemployed", _("Registered unemployed"), "int"),
        Column("unemployment_rate", _("Registered unemployment rate"), "percent"),
        Column("vacancies_per_seeker", _("Vacancies per job seeker"), "ratio"),
        Column("subsidy_paid_year", _("Subsidies paid this year (yuan)"), "money"),
    ])
    for index, child in enumerate(overview.children):
        f = child.figures
        table.rows.append({
            "area": child.area.name, "new_employment": f[NEW_EMPLOYMENT].value,
            "new_employment_year": f[NEW_EMPLOYMENT].year, "target": child.target, "progress": child.progress,
            "unemployed": f[UNEMPLOYED].value, "unemployment_rate": f["unemployment_rate"].value,
            "vacancies_per_seeker": f["vacancies_per_seeker"].value, "subsidy_paid_year": f[SUBSIDY_PAID].year,
        })
        if link:
            table.links[index] = link(child.area)
    return table


def trend_table(trend) -> Table:
    table = Table("trend", _("Month by month"), [
        Column("month", _("Month"), "month"),
        Column("new_employment", _("New employment"), "int"),
        Column("unemployed", _("Registered unemployed at month end"), "int"),
        Column("positions", _("Positions open at month end"), "int"),
        Column("seekers", _("Active job seekers at month end"), "int"),
        Column("vacancies_per_seeker", _("Vacancies per job seeker"), "ratio"),
    ], note=_("The last month is counted so far.") if trend and trend[-1].partial else "")
    for month in trend:
        table.rows.append({"month": month.month, "new_employment": month.new_employment,
                           "unemployed": month.unemployed, "positions": month.positions, "seekers": month.seekers,
                           "vacancies_per_seeker": month.vacancies_per_seeker})
    return table


def forecast_table(forecast, history=()) -> Table:
    """The months of history the chart shows last (what happened), then the forecast months."""
    table = Table(f"forecast-{forecast.series}", _("Forecast: %(series)s") % {"series": forecast.label}, [
        Column("month", _("Month"), "month"),
        *([Column("actual", _("Actual"), "int")] if history else []),
        Column("point", _("Forecast"), "int"),
        # The labels are not format strings ("% i" only looks like one to xgettext).
        # xgettext:no-python-format
        Column("lo80", _("80 % interval from"), "int"),
        # xgettext:no-python-format
        Column("hi80", _("80 % interval to"), "int"),
        # xgettext:no-python-format
        Column("lo95", _("95 % interval from"), "int"),
        # xgettext:no-python-format
        Column("hi95", _("95 % interval to"), "int"),
    ])
    first_forecast = forecast.months[0].month if forecast.months else None
    for month in history:
        if first_forecast is None or month.month < first_forecast:
            table.rows.append({"month": month.month, "actual": getattr(month, forecast.series, None)})
    for m in forecast.months:
        table.rows.append({"month": m.month, "point": round(m.point), "lo80": round(m.lo80), "hi80": round(m.hi80),
                           "lo95": round(m.lo95), "hi95": round(m.hi95)})
    return table


def backtest_table(forecast) -> Table:
    from analytics.models import Backtest

    table = Table(f"backtest-{forecast.series}", _("Backtest: %(series)s") % {"series": forecast.label}, [
        Column("model", _("Model")),
        Column("origins", _("Origins"), "int"),
        Column("mase", _("MASE (lower is better)"), "decimal"),
        Column("coverage80", Backtest._meta.get_field("coverage80").verbose_name, "percent"),
        Column("coverage95", Backtest._meta.get_field("coverage95").verbose_name, "percent"),
        Column("chosen", _("Used"), "bool"),
    ])
    for b in forecast.backtests:
        table.rows.append({"model": b.get_model_display(), "origins": b.origins, "mase": b.mase,
                           "coverage80": b.coverage80, "coverage95": b.coverage95, "chosen": b.chosen})
    return table


def children_models_table(backtests, link=None) -> Table:
    table = Table("models", _("Model used by area"), [
        Column("area", _("Area")),
        Column("series", _("Series")),
        Column("model", _("Model used")),
        Column("mase", _("MASE"), "decimal"),
        Column("made_on", _("Made on"), "date"),
    ])
    from analytics.selectors.dashboard import FIGURES_BY_KEY

    for index, b in enumerate(backtests):
        spec = FIGURES_BY_KEY.get(b.series)
        table.rows.append({"area": b.area.name, "series": str(spec.label) if spec else b.series,
                           "model": b.get_model_display(), "mase": b.mase, "made_on": b.made_on})
        if link:
            table.links[index] = link(b.area)
    return table


def runs_table(entries) -> Table:
    table = Table("runs", _("Facts runs"), [
        Column("day", _("Day built"), "date"),
        Column("part", _("Part")),
        Column("trigger", _("Started by")),
        Column("status", _("Status")),
        Column("started_at", _("Started at"), "datetime"),
        Column("finished_at", _("Finished at"), "datetime"),
        Column("rows", _("Rows"), "int"),
        Column("error", _("Error")),
    ])
    from analytics.constants import RunTrigger

    for entry in entries:
        run = entry.run
        trigger = RunTrigger(run.trigger).label if run.trigger in RunTrigger.values else run.trigger
        table.rows.append({"day": run.day, "part": str(_("Whole run")), "trigger": str(trigger),
                           "status": run.get_status_display(),
                           "started_at": run.started_at, "finished_at": run.finished_at,
                           "rows": run.rows if entry.whole else None,
                           "error": run.error if entry.whole else
                           (str(_("Failed in a part outside your area")) if entry.failed_elsewhere else "")})
        for task in entry.tasks:
            table.rows.append({"day": run.day,
                               "part": task.district.name if task.district else str(_("Roll-up")),
                               "status": task.get_status_display(), "started_at": task.started_at,
                               "finished_at": task.finished_at, "rows": task.rows, "error": task.error})
    return table


def _workload_columns():
    from analytics.selectors.staffuse import WORK_KINDS

    return [Column(kind, label, "int") for kind, label in WORK_KINDS.items()] + [Column("total", _("Total"), "int")]


def _workload_cells(workload) -> dict:
    from analytics.selectors.staffuse import WORK_KINDS

    return {**{kind: getattr(workload, kind) for kind in WORK_KINDS}, "total": workload.total}


def staff_windows_table(use) -> Table:
    table = Table("windows", _("Workload per window"), [
        Column("window", _("Window")), Column("clerks", _("Clerks"), "int"), *_workload_columns()])
    for row in use.windows:
        table.rows.append({"window": row.area_name or str(_("(no window)")), "clerks": row.clerks,
                           **_workload_cells(row.workload)})
    return table


def staff_clerks_table(use) -> Table:
    table = Table("clerks", _("Workload and processing time per clerk"), [
        Column("clerk", _("Clerk")), Column("window", _("Window")), *_workload_columns(),
        Column("steps", _("Workflow steps taken"), "int"),
        Column("median", _("Median working days per step"), "decimal"),
        Column("p90", _("90th percentile working days"), "decimal"),
    ], note=_("Working days on the official calendar, from the record's previous step (or its creation) to "
              "the step; the starting day is not counted."))
    for row in use.clerks:
        table.rows.append({"clerk": f"{row.name} ({row.username})", "window": row.window_name,
                           **_workload_cells(row.workload), "steps": row.steps, "median": row.median_days,
                           "p90": row.p90_days})
    return table


def staff_steps_table(use) -> Table:
    table = Table("steps", _("Processing time per workflow step"), [
        Column("step", _("Step")), Column("count", _("Times taken"), "int"),
        Column("median", _("Median working days"), "decimal"), Column("p90", _("90th percentile working days"), "decimal"),
    ])
    for row in use.steps:
        table.rows.append({"step": row.label, "count": row.count, "median": row.median_days, "p90": row.p90_days})
    return table


def staff_overdue_table(use) -> Table:
    table = Table("overdue", _("Overdue work by area"), [
        Column("area", _("Area")),
        Column("commitments_overdue", _("Referral commitments overdue now"), "int"),
        Column("commitments_met_late", _("Commitments met late in the period"), "int"),
        Column("applications_overdue", _("Subsidy applications overdue now"), "int"),
        Column("total", _("Total"), "int"),
    ])
    for row in use.overdue:
        table.rows.append({"area": row.area_name, "commitments_overdue": row.commitments_overdue,
                           "commitments_met_late": row.commitments_met_late,
                           "applications_overdue": row.applications_overdue, "total": row.total})
    return table
