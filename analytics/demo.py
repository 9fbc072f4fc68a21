"""Demo history for decision support: GENERATED daily facts, not counts of real records.

Forecasts need years of history to mean anything, and the demo's handful of records gives none, so
this builds at least 36 months of daily facts (from the first day of the month 36 months before the
current one to yesterday) for the two demo districts (江岸区, 武昌区), their streets and the city:
new employment by source, registered unemployed, vacancies and positions open, and active job
seekers. The series have

- a trend (new employment and vacancies grow a few per cent a year, the unemployed shrink),
- the Spring Festival dip, on the festival's own dates from the lunar calendar (``chinese_calendar``
  knows the official holidays; a small table of lunar new year dates covers later years): few
  registrations during the holiday and the weeks around it, then the hiring surge after it,
- the graduation peak (June–July: new employment and job seekers up, the unemployed up after it),
- working days: registrations happen on working days (调休 included), a few on other days.

Rows go straight into ``DailyFact`` at street level and are summed exactly to the districts and the
city (a district's daily figure is split among its streets by fixed weights, largest remainder), so
every level adds up. Each generated day gets a ``FactRun`` with trigger ``generated``: the dashboards
say the history is generated, the nightly run leaves these days alone, and a rerun of the demo adds
nothing (a day that already has any run is skipped). The same day always gets the same numbers (a
fixed seed, each series walked from a fixed epoch).
"""

from __future__ import annotations

import datetime
import io
import math
import os
import random
from collections.abc import Callable

import chinese_calendar
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from analytics.constants import RunStatus, RunTrigger
from analytics.models import DailyFact, FactRun
from analytics.services.population import employed_population_save
from jobs.facts import ACTIVE_SEEKERS, VACANCIES, VACANCY_POSITIONS
from portal.constants import AreaLevel
from portal.demo import DEMO_DISTRICTS
from portal.models import Area, User
from registration.constants import EmploymentKind
from registration.facts import NEW_EMPLOYMENT, NEW_EMPLOYMENT_BY_KIND, UNEMPLOYED

HISTORY_MONTHS = 36
# Fewer months for a quicker load (the test that builds the whole demo on SQLite); the demo keeps 36.
HISTORY_MONTHS_ENV = "ANALYTICS_DEMO_HISTORY_MONTHS"
EPOCH = datetime.date(2020, 1, 1)  # every series is walked from here, so a day's value never changes
SEED = 20091138  # 武政办〔2009〕138号

# Per district: new employment a year, registered unemployed, vacancies open, positions per vacancy,
# active job seekers, employed population (the unemployment rate's denominator, entered as reference).
PROFILES = {
    "420102000000": {"new_per_year": 17_000, "unemployed": 12_500, "vacancies": 2_400, "positions_each": 2.6,
                     "seekers": 4_000, "employed": 460_000},
    "420106000000": {"new_per_year": 19_500, "unemployed": 13_600, "vacancies": 2_900, "positions_each": 2.5,
                     "seekers": 4_700, "employed": 520_000},
}
# Sources of new employment (enterprise hires, self-employed, flexible, public-welfare posts).
SOURCE_SHARES = {EmploymentKind.ENTERPRISE_HIRE: 0.56, EmploymentKind.SELF_EMPLOYED: 0.14,
                 EmploymentKind.FLEXIBLE: 0.25, EmploymentKind.PUBLIC_WELFARE: 0.05}
# Month factors besides the Spring Festival (which moves with the lunar calendar): the graduation
# peak in June and July, the National Day week in October.
NEW_EMPLOYMENT_MONTHS = {1: 0.95, 2: 1.0, 3: 1.12, 4: 1.05, 5: 1.0, 6: 1.32, 7: 1.45, 8: 1.1, 9: 1.02, 10: 0.88,
                         11: 0.97, 12: 0.92}
SEEKER_MONTHS = {1: 0.92, 2: 1.0, 3: 1.12, 4: 1.0, 5: 1.02, 6: 1.28, 7: 1.35, 8: 1.08, 9: 1.0, 10: 0.9, 11: 0.95,
                 12: 0.9}
UNEMPLOYED_MONTHS = {1: 1.0, 2: 1.02, 3: 1.04, 4: 1.01, 5: 0.98, 6: 0.97, 7: 1.03, 8: 1.07, 9: 1.06, 10: 1.02,
                     11: 0.99, 12: 0.98}
VACANCY_MONTHS = {1: 0.95, 2: 1.0, 3: 1.18, 4: 1.1, 5: 1.0, 6: 1.02, 7: 1.0, 8: 0.98, 9: 1.06, 10: 0.94, 11: 0.96,
                  12: 0.9}
TREND_PER_YEAR = {"new": 0.04, "unemployed": -0.03, "vacancies": 0.025, "seekers": 0.01}
# Lunar new year's day for years the holiday package does not cover yet (the holiday is taken as the
# eve and the seven days from new year's day).
LUNAR_NEW_YEAR = {2027: datetime.date(2027, 2, 6), 2028: datetime.date(2028, 1, 26),
                  2029: datetime.date(2029, 2, 13), 2030: datetime.date(2030, 2, 3)}

DEMO_FACTS = (NEW_EMPLOYMENT, *NEW_EMPLOYMENT_BY_KIND.values(), UNEMPLOYED, VACANCIES, VACANCY_POSITIONS,
              ACTIVE_SEEKERS)


def history_months() -> int:
    """HISTORY_MONTHS, unless the environment's ANALYTICS_DEMO_HISTORY_MONTHS asks for fewer (at least 1)."""
    asked = os.environ.get(HISTORY_MONTHS_ENV, "").strip()
    return max(1, min(int(asked), HISTORY_MONTHS)) if asked.isdigit() else HISTORY_MONTHS


def history_range(today: datetime.date, months: int = HISTORY_MONTHS) -> tuple[datetime.date, datetime.date]:
    """First and last day of the generated history: ``months`` (36) whole months before this month,
    then to yesterday."""
    first = today.replace(day=1)
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, today - datetime.timedelta(days=1)


def spring_festival(year: int) -> tuple[datetime.date, datetime.date]:
    """The official Spring Festival holiday of a year (first and last day off)."""
    try:
        days = [day for day in (datetime.date(year, 1, 10) + datetime.timedelta(days=n) for n in range(60))
                if chinese_calendar.get_holiday_detail(day)[1] == chinese_calendar.Holiday.spring_festival.value]
    except NotImplementedError:
        days = []
    if days:
        return min(days), max(days)
    new_year = LUNAR_NEW_YEAR.get(year, datetime.date(year, 2, 1))
    return new_year - datetime.timedelta(days=1), new_year + datetime.timedelta(days=6)


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _festival_factors(day: datetime.date, festivals: dict[int, tuple[datetime.date, datetime.date]]):
    """(flow factor, market factor) around the Spring Festival: registrations slow before it and
    stop during it; vacancies and seekers dip during it and surge in the weeks after (春风行动)."""
    first, last = festivals[day.year]
    before = (first - day).days
    after = (day - last).days
    if first <= day <= last:
        return 0.05, 0.7
    if 0 < before <= 10:
        return 0.6, 0.85
    if 0 < after <= 7:
        return 0.7, 1.1
    if 7 < after <= 35:
        return 1.15, 1.25
    return 1.0, 1.0


def _smooth_month(factors: dict[int, float], day: datetime.date) -> float:
    """A month factor interpolated between mid-months, so a stock moves gradually."""
    mid = datetime.date(day.year, day.month, 15)
    other = (mid + datetime.timedelta(days=31)) if day >= mid else (mid - datetime.timedelta(days=31))
    weight = abs((day - mid).days) / 30.5
    return factors[day.month] * (1 - weight) + factors[other.month] * weight


def district_series(code: str, days: list[datetime.date]) -> dict[str, dict[datetime.date, int]]:
    """Each demo fact's daily value for one district on ``days`` (walked from EPOCH for continuity)."""
    profile = PROFILES[code]
    rng = random.Random(f"{SEED}-{code}")
    wanted = set(days)
    out: dict[str, dict[datetime.date, int]] = {key: {} for key in DEMO_FACTS}
    festivals = {year: spring_festival(year) for year in range(EPOCH.year, days[-1].year + 1)} if days else {}
    noise = {"unemployed": 0.0, "vacancies": 0.0, "seekers": 0.0}
    day = EPOCH
    while days and day <= days[-1]:
        years = (day - EPOCH).days / 365.25
        flow_factor, market_factor = _festival_factors(day, festivals)
        for name in noise:  # slowly wandering deviations (AR(1)), so stocks are not pure curves
            noise[name] = 0.97 * noise[name] + rng.gauss(0, 0.006)
        per_workday = profile["new_per_year"] / 250
        expected = (per_workday * (1 + TREND_PER_YEAR["new"]) ** years * NEW_EMPLOYMENT_MONTHS[day.month]
                    * flow_factor * (1.0 if is_workday(day) else 0.12))
        total = max(0, round(rng.gauss(expected, math.sqrt(expected)))) if expected > 0 else 0
        unemployed = (profile["unemployed"] * (1 + TREND_PER_YEAR["unemployed"]) ** years
                      * _smooth_month(UNEMPLOYED_MONTHS, day) * (1 + noise["unemployed"]))
        vacancies = (profile["vacancies"] * (1 + TREND_PER_YEAR["vacancies"]) ** years
                     * _smooth_month(VACANCY_MONTHS, day) * market_factor * (1 + noise["vacancies"]))
        seekers = (profile["seekers"] * (1 + TREND_PER_YEAR["seekers"]) ** years
                   * _smooth_month(SEEKER_MONTHS, day) * market_factor * (1 + noise["seekers"]))
        positions_each = profile["positions_each"] * (1 + rng.gauss(0, 0.02))
        if day in wanted:
            sources = _largest_remainder(total, {kind: share for kind, share in SOURCE_SHARES.items()}, rng)
            out[NEW_EMPLOYMENT][day] = total
            for kind, value in sources.items():
                out[NEW_EMPLOYMENT_BY_KIND[kind]][day] = value
            out[UNEMPLOYED][day] = round(unemployed)
            out[VACANCIES][day] = round(vacancies)
            out[VACANCY_POSITIONS][day] = round(vacancies * positions_each)
            out[ACTIVE_SEEKERS][day] = round(seekers)
        day += datetime.timedelta(days=1)
    return out


def _largest_remainder(total: int, weights: dict, rng: random.Random | None = None) -> dict:
    """Split ``total`` by ``weights`` into whole parts that add up exactly (largest remainder; ties go
    to the earlier key). With ``rng``, the weights wobble a little, as a day's mix does."""
    if rng is not None:
        weights = {key: weight * (1 + rng.gauss(0, 0.15)) for key, weight in weights.items()}
        weights = {key: max(weight, 0.0001) for key, weight in weights.items()}
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    parts = {key: math.floor(value) for key, value in exact.items()}
    order = sorted(exact, key=lambda key: (-(exact[key] - parts[key]), list(weights).index(key)))
    for key in order[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def street_weights(district: Area) -> dict[str, float]:
    """Fixed shares of a district's figures for each of its streets."""
    rng = random.Random(f"{SEED}-streets-{district.code}")
    streets = list(Area.objects.filter(parent=district, level=AreaLevel.STREET).order_by("code")
                   .values_list("code", flat=True))
    return {code: 0.5 + rng.random() for code in streets}


def build(*, scale: int, log: Callable, today: datetime.date | None = None) -> int:
    """Write the generated history (days that have no run yet); returns the rows written."""
    today = today or timezone.localdate()
    months = history_months()
    first, last = history_range(today, months)
    log(gettext("GENERATED history (not real records): %(months)d+ months of daily facts, %(first)s to %(last)s, "
                "for the demo districts, their streets and the city") % {"months": months, "first": first, "last": last})
    city = Area.objects.get(level=AreaLevel.CITY, code="420100000000")
    districts = list(Area.objects.filter(code__in=DEMO_DISTRICTS.values()).order_by("code"))
    _population(districts, first.year, last.year, log)
    taken = set(FactRun.objects.filter(day__range=(first, last)).values_list("day", flat=True))
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    days = [day for day in days if day not in taken]
    if not days:
        log(gettext("generated history: already there, nothing added"))
        return 0
    areas = {area.code: area for area in Area.objects.filter(
        code__in=[city.code, *[d.code for d in districts]]) | Area.objects.filter(parent__in=districts)}
    rows: list[tuple] = []
    city_totals: dict[tuple[str, datetime.date], int] = {}
    for district in districts:
        series = district_series(district.code, days)
        weights = street_weights(district)
        for key, values in series.items():
            for day, value in values.items():
                rows.append((day, key, district.code, value))
                city_totals[(key, day)] = city_totals.get((key, day), 0) + value
                for street, part in _largest_remainder(value, weights).items():
                    rows.append((day, key, street, part))
    rows += [(day, key, city.code, value) for (key, day), value in city_totals.items()]
    written = _copy(rows, areas, days)
    log(gettext("generated history: %(rows)s daily fact rows over %(days)s days written (GENERATED, not real)")
        % {"rows": f"{written:,}", "days": f"{len(days):,}"})
    return written


def _copy(rows: list[tuple], areas: dict[str, Area], days: list[datetime.date]) -> int:
    """Write the rows (zeros left out, as the nightly run stores them) and one run per day: COPY on
    PostgreSQL, batched inserts on the embedded SQLite default."""
    kept = [(day, key, code, value) for day, key, code, value in rows if value]
    per_day: dict[datetime.date, int] = {}
    for day, _key, _code, _value in kept:
        per_day[day] = per_day.get(day, 0) + 1
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for day, key, code, value in kept:
                area = areas[code]
                buffer.write(f"{day.isoformat()}\t{key}\t{code}\t{area.path}\t{area.level}\t{value}\n")
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {DailyFact._meta.db_table} (day, fact, area_id, area_path, level, value) FROM STDIN", buffer)
        else:
            DailyFact.objects.bulk_create(
                (DailyFact(day=day, fact=key, area_id=code, area_path=areas[code].path, level=areas[code].level,
                           value=value) for day, key, code, value in kept), batch_size=2000)
        FactRun.objects.bulk_create([
            FactRun(day=day, status=RunStatus.DONE, trigger=RunTrigger.GENERATED, started_at=now, finished_at=now,
                    rows=per_day.get(day, 0), error="")
            for day in days
        ])
    return len(kept)


def _population(districts: list[Area], first_year: int, last_year: int, log: Callable) -> None:
    """The employed population of the demo districts for each year of the history (reference data an
    official enters; here the city official, with the source saying it is made up)."""
    official = User.objects.filter(username="city_official").first()
    if official is None:
        log(gettext("employed population: no city official account, skipped"))
        return
    from analytics.models import EmployedPopulation

    added = 0
    for district in districts:
        for year in range(first_year, last_year + 1):
            if not EmployedPopulation.objects.filter(area=district, year=year).exists():
                employed = round(PROFILES[district.code]["employed"] * (1.01 ** (year - first_year)))
                employed_population_save(actor=official, area=district, year=year, employed=employed,
                                         source="演示数据（生成，非真实统计）")
                added += 1
    log(gettext("employed population of the demo districts: %(added)d years added (GENERATED)") % {"added": added})

