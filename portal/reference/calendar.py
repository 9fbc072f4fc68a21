"""Working days on the official Chinese calendar: the 10-working-day referral commitment, step deadlines.

Three sources, in this order:

1. The maintained ``chinesecalendar`` package (module ``chinese_calendar``) for the years it covers
   (2004–2026 in 1.11.0; it raises ``NotImplementedError`` outside). It knows the State Council's
   public holidays and the weekend days made working days (调休).
2. The ``HolidayDay`` table that city staff fill for later years: a row with ``is_working_day``
   False is a holiday, True a weekend day worked. A year counts as filled once it has any row.
3. A year covered by neither is counted Monday to Friday and the answer is marked provisional,
   never an error: the due date is recomputed once the year's calendar is published.

Counting rule: the start day itself is never counted; the first working day AFTER the start day
is day 1. So a case approved on Monday 2025-09-01 has its 10th working day on 2025-09-15, and a
start on a holiday or a weekend changes nothing but which day comes next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

import chinese_calendar

from portal.reference.models import HolidayDay

ONE_DAY = datetime.timedelta(days=1)
# Far more calendar days than any working-day count we ask for could need; a guard, not a rule.
MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class WorkingDayResult:
    due_on: datetime.date
    # True when any day counted lies in a year that neither the package nor the table covers.
    provisional: bool


@cache
def package_covers(year: int) -> bool:
    """Does the installed holiday package know this year's official calendar?"""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def package_years() -> tuple[int, int]:
    """The first and last year the package covers (for messages on the calendar page)."""
    years = [day.year for day in chinese_calendar.constants.holidays]
    return min(years), max(years)


class _Calendar:
    """One lookup of the staff table per year asked about, for the length of one computation."""

    def __init__(self):
        self._tables: dict[int, dict[datetime.date, bool] | None] = {}

    def _table(self, year: int) -> dict[datetime.date, bool] | None:
        if year not in self._tables:
            rows = dict(HolidayDay.objects.filter(day__year=year).values_list("day", "is_working_day"))
            self._tables[year] = rows or None
        return self._tables[year]

    def status(self, day: datetime.date) -> tuple[bool, bool]:
        """(is it a working day, is the answer official)."""
        if package_covers(day.year):
            return chinese_calendar.is_workday(day), True
        table = self._table(day.year)
        if table is not None:
            return table.get(day, day.weekday() < 5), True
        return day.weekday() < 5, False


def is_working_day(day: datetime.date) -> bool:
    """Is the day a working day (Monday to Friday for a year nobody has filled yet)?"""
    return _Calendar().status(day)[0]


def add_working_days(start: datetime.date, n: int) -> WorkingDayResult:
    """The n-th working day after ``start`` (the start day is not counted; see the module docstring)."""
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = _Calendar()
    day, counted, provisional = start, 0, False
    while counted < n:
        day += ONE_DAY
        if (day - start).days > MAX_SPAN_DAYS:
            raise ValueError("working-day count out of range")
        working, official = calendar.status(day)
        provisional = provisional or not official
        if working:
            counted += 1
    return WorkingDayResult(due_on=day, provisional=provisional)


def working_days_between(after: datetime.date, until: datetime.date) -> int:
    """How many working days lie in (after, until]: 0 when ``until`` is not after ``after``."""
    calendar = _Calendar()
    day, counted = after, 0
    while day < until and (day - after).days <= MAX_SPAN_DAYS:
        day += ONE_DAY
        if calendar.status(day)[0]:
            counted += 1
    return counted


def nth_working_day_back(day: datetime.date, n: int) -> datetime.date:
    """The n-th latest working day on or before ``day`` (n=1: ``day`` itself if it is a working day)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    calendar = _Calendar()
    found = 0
    while True:
        if calendar.status(day)[0]:
            found += 1
            if found == n:
                return day
        day -= ONE_DAY
