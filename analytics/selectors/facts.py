"""Reading the daily facts for the dashboards: an area's monthly series, the rows of an area's
children for a month (a level's rows, for drill-down), totals over a period, the two figures derived
when read (vacancies per job seeker, the registered unemployment rate), the run log and whether the
history is generated.

Rules every reader here follows:

- Only the analytics tables are read, through ``visible_to(fetched_by)``; an area outside the
  reader's subtree raises ``OutOfScope`` (a 404), the same as a missing one. The run log shows a
  district reader only its own districts' tasks; totals and errors of the whole city only to
  readers of the whole city.
- Facts are stored only where they are not zero. A day counts as built when a run of it finished
  (``FactRun`` done, generated demo history included); inside built days a missing row is zero,
  a month with no built day is unknown (``None``).
- A flow (new employment …) over a month is the sum of its days; a stock (registered unemployed …)
  is its value on the month's last built day (``analytics.constants.FactKind``).
- A few grouped queries per call, never one per area or month.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth

from analytics.constants import DASHBOARD_ROLES, FactKind, RunStatus, RunTrigger
from analytics.facts import all_facts
from analytics.models import DailyFact, EmployedPopulation, FactRun, FactTaskRun
from portal.models import Area, User
from portal.scoping import ALL_AREAS, assert_in_scope, scope_paths

# The stored facts the derived figures read (declared by registration and jobs in their facts.py).
UNEMPLOYED = "unemployed"
VACANCY_POSITIONS = "vacancy_positions"
ACTIVE_SEEKERS = "active_seekers"
VACANCIES_PER_SEEKER = "vacancies_per_seeker"
UNEMPLOYMENT_RATE = "unemployment_rate"


def fact_catalogue() -> list[dict]:
    """Every declared fact: key, label, kind (flow or stock) and unit, in the apps' order."""
    return [{"key": f.key, "label": f.label, "kind": f.kind, "unit": f.unit} for f in all_facts()]


def _kinds(facts: Iterable[str]) -> tuple[list[str], list[str]]:
    kinds = {f.key: f.kind for f in all_facts()}
    unknown = [key for key in facts if key not in kinds]
    if unknown:
        raise KeyError(f"unknown facts {unknown}")
    return ([k for k in facts if kinds[k] == FactKind.FLOW], [k for k in facts if kinds[k] == FactKind.STOCK])


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def built_days_by_month(first: datetime.date, last: datetime.date) -> dict[datetime.date, datetime.date]:
    """Month → its last built day, for the months from ``first`` to ``last`` that have one (one query).
    Runs are not area data: a day is built for every area at once."""
    rows = (FactRun.objects.filter(status=RunStatus.DONE, day__gte=month_start(first), day__lte=last)
            .annotate(month=TruncMonth("day")).values("month").annotate(last=Max("day")).order_by())
    return {row["month"]: row["last"] for row in rows}


def _scoped(fetched_by: User, roles):
    return DailyFact.objects.visible_to(fetched_by, roles=roles)


def fact_monthly_series(*, fetched_by: User, area: Area, facts: Iterable[str], first: datetime.date,
                        last: datetime.date, roles=DASHBOARD_ROLES) -> dict[str, list[tuple[datetime.date, int | None]]]:
    """Each fact's monthly values for ``area`` from ``first``'s month to ``last``'s: flows summed over
    the month's days, stocks on its last built day; ``None`` where no day of the month is built.
    Three queries."""
    assert_in_scope(fetched_by, area, roles=roles)
    facts = list(facts)
    flows, stocks = _kinds(facts)
    months = months_between(first, last)
    built = built_days_by_month(first, last)
    rows = _scoped(fetched_by, roles).filter(area=area)
    values: dict[tuple[str, datetime.date], int] = {}
    if flows:
        for row in (rows.filter(fact__in=flows, day__gte=month_start(first), day__lte=last)
                    .annotate(month=TruncMonth("day")).values("fact", "month").annotate(total=Sum("value")).order_by()):
            values[(row["fact"], row["month"])] = row["total"]
    if stocks and built:
        for fact_key, day, value in (rows.filter(fact__in=stocks, day__in=list(built.values()))
                                     .values_list("fact", "day", "value")):
            values[(fact_key, month_start(day))] = value
    return {key: [(month, values.get((key, month), 0) if month in built else None) for month in months]
            for key in facts}


def fact_level_rows(*, fetched_by: User, parent: Area, facts: Iterable[str], month: datetime.date,
                    roles=DASHBOARD_ROLES) -> list[dict]:
    """The rows of ``parent``'s children for one month (drill-down): ``{"area": child, key: value …}``
    in code order; values are ``None`` when the month has no built day. Four queries."""
    assert_in_scope(fetched_by, parent, roles=roles)
    facts = list(facts)
    flows, stocks = _kinds(facts)
    start, end = month_start(month), next_month(month) - datetime.timedelta(days=1)
    last_built = built_days_by_month(start, end).get(start)
    children = list(Area.objects.filter(parent=parent).order_by("code"))
    values: dict[str, dict[str, int]] = defaultdict(dict)
    if last_built is not None:
        wanted = Q(fact__in=flows, day__gte=start, day__lte=end) | Q(fact__in=stocks, day=last_built)
        for row in (_scoped(fetched_by, roles).filter(area__in=children).filter(wanted)
                    .values("area_id", "fact").annotate(total=Sum("value")).order_by()):
            values[row["area_id"]][row["fact"]] = row["total"]
    return [{"area": child, **{key: (values[child.code].get(key, 0) if last_built else None) for key in facts}}
            for child in children]


def fact_totals(*, fetched_by: User, area: Area, facts: Iterable[str], first: datetime.date, last: datetime.date,
                roles=DASHBOARD_ROLES) -> dict[str, int | None]:
    """Each fact for ``area`` over ``first``–``last``: flows summed over the built days, stocks on the
    last built day; ``None`` when no day in the period is built. Three queries."""
    assert_in_scope(fetched_by, area, roles=roles)
    facts = list(facts)
    flows, stocks = _kinds(facts)
    last_built = (FactRun.objects.filter(status=RunStatus.DONE, day__gte=first, day__lte=last)
                  .aggregate(last=Max("day"))["last"])
    if last_built is None:
        return {key: None for key in facts}
    wanted = Q(fact__in=flows, day__gte=first, day__lte=last) | Q(fact__in=stocks, day=last_built)
    totals = dict(_scoped(fetched_by, roles).filter(area=area).filter(wanted)
                  .values("fact").annotate(total=Sum("value")).values_list("fact", "total").order_by())
    return {key: totals.get(key, 0) for key in facts}


# --- Derived when read ---------------------------------------------------------------------------


def ratio(numerator: int | None, denominator: int | None, places: int = 2) -> Decimal | None:
    """``numerator ÷ denominator`` rounded half up to ``places`` (None when either is missing or zero)."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def vacancies_per_seeker(positions: int | None, seekers: int | None) -> Decimal | None:
    """求人倍率: positions open ÷ active job seekers, two places."""
    return ratio(positions, seekers)


def unemployment_rate(unemployed: int | None, employed: int | None) -> Decimal | None:
    """登记失业率 in per cent: registered unemployed ÷ (employed + registered unemployed), two places."""
    if unemployed is None or not employed:
        return None
    return ratio(unemployed * 100, employed + unemployed)


def employed_population(*, fetched_by: User, area: Area, years: Iterable[int],
                        roles=DASHBOARD_ROLES) -> dict[int, dict]:
    """The employed population of ``area`` per year: the figure entered for the area itself, else
    the sum of the figures entered for its children that year (saying how many), else the latest
    earlier year's own figure; ``None`` when there is nothing. Two queries."""
    assert_in_scope(fetched_by, area, roles=roles)
    years = sorted(set(years))
    if not years:
        return {}
    scoped = EmployedPopulation.objects.visible_to(fetched_by, roles=roles)
    own = dict(scoped.filter(area=area, year__lte=years[-1]).values_list("year", "employed"))
    children = {row["year"]: row for row in scoped.filter(area__parent=area, year__in=years)
                .values("year").annotate(total=Sum("employed"), parts=Count("id")).order_by()}
    out: dict[int, dict] = {}
    for year in years:
        if year in own:
            out[year] = {"employed": own[year], "source": "entered", "parts": 1}
        elif year in children:
            out[year] = {"employed": children[year]["total"], "source": "children", "parts": children[year]["parts"]}
        else:
            earlier = [y for y in own if y < year]
            out[year] = ({"employed": own[max(earlier)], "source": "earlier_year", "parts": 1, "year": max(earlier)}
                         if earlier else None)
    return out


def derived_monthly_series(*, fetched_by: User, area: Area, first: datetime.date, last: datetime.date,
                           roles=DASHBOARD_ROLES) -> dict[str, list[tuple[datetime.date, Decimal | None]]]:
    """Vacancies per job seeker and the registered unemployment rate (per cent) of ``area`` per month,
    from the stored stocks on each month's last built day and the employed population of its year."""
    series = fact_monthly_series(fetched_by=fetched_by, area=area, facts=[UNEMPLOYED, VACANCY_POSITIONS,
                                                                          ACTIVE_SEEKERS],
                                 first=first, last=last, roles=roles)
    months = [month for month, _ in series[UNEMPLOYED]]
    employed = employed_population(fetched_by=fetched_by, area=area, years={m.year for m in months}, roles=roles)
    positions, seekers, unemployed = (dict(series[k]) for k in (VACANCY_POSITIONS, ACTIVE_SEEKERS, UNEMPLOYED))
    return {
        VACANCIES_PER_SEEKER: [(m, vacancies_per_seeker(positions[m], seekers[m])) for m in months],
        UNEMPLOYMENT_RATE: [(m, unemployment_rate(unemployed[m], (employed.get(m.year) or {}).get("employed")))
                            for m in months],
    }


# --- The run log ---------------------------------------------------------------------------------


def _city_wide(fetched_by: User, roles) -> bool:
    """Does the reader's scope hold every district (a city grant, or the system administrator)?"""
    paths = scope_paths(fetched_by, roles)
    if ALL_AREAS in paths:
        return True
    districts = Area.objects.filter(level="district").values_list("path", flat=True)
    return all(any(path.startswith(prefix) for prefix in paths) for path in districts)


def fact_runs(*, fetched_by: User, limit: int = 30, roles=DASHBOARD_ROLES) -> list[dict]:
    """The latest runs, newest first, each with its tasks in the reader's scope: day, status, trigger,
    start, end, seconds, rows and error. A reader of part of the city sees its districts' tasks and
    their rows only (the run's own total and error name other districts). Four queries at most."""
    paths = scope_paths(fetched_by, roles)
    if not paths:
        return []
    whole = _city_wide(fetched_by, roles)
    runs = list(FactRun.objects.order_by("-started_at", "-id")[: max(1, min(int(limit), 500))])
    tasks = FactTaskRun.objects.filter(run__in=runs).select_related("district").order_by("run", "district")
    if ALL_AREAS not in paths:
        condition = Q(district__isnull=True) if whole else Q(pk__in=[])
        for prefix in paths:
            condition |= Q(district__path__startswith=prefix)
        tasks = tasks.filter(condition)
    by_run: dict[int, list[dict]] = defaultdict(list)
    for task in tasks:
        by_run[task.run_id].append({
            "district": task.district, "status": task.status, "started_at": task.started_at,
            "finished_at": task.finished_at, "rows": task.rows, "error": task.error, "worker": task.worker,
            "seconds": _seconds(task.started_at, task.finished_at)})
    out = []
    for run in runs:
        visible = by_run.get(run.pk, [])
        out.append({
            "id": run.pk, "day": run.day, "status": run.status, "trigger": run.trigger,
            "generated": run.trigger == RunTrigger.GENERATED, "started_at": run.started_at,
            "finished_at": run.finished_at, "seconds": _seconds(run.started_at, run.finished_at),
            "rows": run.rows if whole else sum(t["rows"] for t in visible if t["district"] is not None),
            "error": run.error if whole else "", "tasks": visible,
        })
    return out


def _seconds(start, end) -> float | None:
    return round((end - start).total_seconds(), 1) if start and end else None


def failed_runs(*, fetched_by: User, since: datetime.date | None = None, roles=DASHBOARD_ROLES) -> list[dict]:
    """Days whose latest run failed (a later successful run of the day clears it), newest first:
    what the overview warns about. Two queries."""
    if not scope_paths(fetched_by, roles):
        return []
    whole = _city_wide(fetched_by, roles)
    latest = FactRun.objects.exclude(status=RunStatus.RUNNING)
    if since is not None:
        latest = latest.filter(day__gte=since)
    latest = latest.order_by("day", "-started_at", "-id")
    if connection.vendor == "postgresql":
        latest = latest.distinct("day")
    else:  # no DISTINCT ON on the embedded SQLite: the first run of each day, in Python
        latest = list({run.day: run for run in reversed(list(latest))}.values())
    return sorted(({"id": run.pk, "day": run.day, "started_at": run.started_at, "finished_at": run.finished_at,
                    "error": run.error if whole else ""}
                   for run in latest if run.status == RunStatus.FAILED), key=lambda r: r["day"], reverse=True)


def generated_history(*, fetched_by: User, roles=DASHBOARD_ROLES) -> dict | None:
    """The span of days holding generated demo history (so a dashboard can say so), or None. One query."""
    if not scope_paths(fetched_by, roles):
        return None
    span = (FactRun.objects.filter(trigger=RunTrigger.GENERATED, status=RunStatus.DONE)
            .aggregate(first=Min("day"), last=Max("day"), days=Count("day", distinct=True)))
    return span if span["days"] else None
