"""Statutory retirement age under the gradual rules in force since 2025-01-01.

全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13), with its table of
ages by month of birth:

- men, originally 60: raised by one month for every four months of birth from January 1965,
  up to 63 (born September 1976 or later);
- women originally 55 (cadres and staff): one month per four months from January 1970, up to 58
  (born September 1981 or later);
- women originally 50 (workers): one month per two months from January 1975, up to 55
  (born November 1984 or later).

Whoever was born before the first month of a rule keeps the original age. A person reaches the
statutory retirement age on the day ``age`` years and ``months`` months after the birth date
(the month's last day when the birth day does not exist in that month).

The Person model records the original age of women (50 or 55) in ``original_retirement_age``;
when it is not recorded the worker's 50 applies, the most common case at the windows.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from registration.constants import Sex


class FemaleRetirementCategory(models.IntegerChoices):
    WORKER = 50, _("Worker (original retirement age 50)")
    CADRE = 55, _("Cadre or staff member (original retirement age 55)")


DEFAULT_FEMALE_ORIGINAL_AGE = FemaleRetirementCategory.WORKER

# original age → (first birth month affected, months of birth per month of delay, maximum delay in months)
_RULES = {
    (Sex.MALE, 60): (datetime.date(1965, 1, 1), 4, 36),
    (Sex.FEMALE, 55): (datetime.date(1970, 1, 1), 4, 36),
    (Sex.FEMALE, 50): (datetime.date(1975, 1, 1), 2, 60),
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statutory_retirement_age(birth_date: datetime.date, sex: str, original_age: int | None = None) -> tuple[int, int]:
    """(years, months) of the statutory retirement age for this birth date."""
    if sex == Sex.MALE:
        original_age = 60
    elif original_age not in (50, 55):
        original_age = DEFAULT_FEMALE_ORIGINAL_AGE
    start, step, cap = _RULES[(sex, original_age)]
    months_after = (birth_date.year - start.year) * 12 + (birth_date.month - start.month)
    delay = 0 if months_after < 0 else min(months_after // step + 1, cap)
    return original_age + delay // 12, delay % 12


def statutory_retirement_date(birth_date: datetime.date, sex: str, original_age: int | None = None) -> datetime.date:
    """The day the person reaches the statutory retirement age."""
    years, months = statutory_retirement_age(birth_date, sex, original_age)
    return add_months(birth_date, years * 12 + months)
