"""Working days on the official calendar: the package's years, the staff table, and provisional counts."""

from __future__ import annotations

import datetime

import pytest

from portal.reference.calendar import (
    add_working_days,
    is_working_day,
    nth_working_day_back,
    package_covers,
    working_days_between,
)
from portal.reference.models import HolidayDay
from tests.factories import UserFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def fill(*days: tuple[datetime.date, bool, str]) -> None:
    user = UserFactory()
    for day, working, name in days:
        HolidayDay.objects.create(day=day, is_working_day=working, name=name, created_by=user)


def test_the_start_day_is_not_counted_and_the_next_working_day_is_day_one():
    assert add_working_days(D(2025, 9, 1), 1).due_on == D(2025, 9, 2)  # Monday → Tuesday
    assert add_working_days(D(2025, 9, 5), 1).due_on == D(2025, 9, 8)  # Friday → Monday
    assert add_working_days(D(2025, 9, 1), 10).due_on == D(2025, 9, 15)


def test_a_start_on_a_holiday_counts_from_the_next_working_day():
    # 2025-10-03 is inside the National Day holiday (10-01 … 10-08); 10-09 is the first working day after it.
    result = add_working_days(D(2025, 10, 3), 1)
    assert result == add_working_days(D(2025, 10, 3), 1) and result.due_on == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 3), 3).due_on == D(2025, 10, 11)  # Saturday 10-11 is worked (调休)
    assert not result.provisional


def test_ten_working_days_across_national_day_2025():
    # 2025-09-30 (Tue) + 10: 10-01…08 off, Sunday 09-28 and Saturday 10-11 worked.
    # Counted: 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16, 10-17, 10-20, 10-21.
    result = add_working_days(D(2025, 9, 30), 10)
    assert result.due_on == D(2025, 10, 21) and result.provisional is False
    assert is_working_day(D(2025, 9, 28)) and is_working_day(D(2025, 10, 11))
    assert not any(is_working_day(D(2025, 10, day)) for day in range(1, 9))


def test_a_sunday_made_a_working_day_is_counted():
    # Sunday 2025-09-28 is a 调休 working day: from Saturday 09-27, day 1 is that Sunday.
    assert add_working_days(D(2025, 9, 27), 1).due_on == D(2025, 9, 28)
    assert is_working_day(D(2025, 9, 28)) and D(2025, 9, 28).weekday() == 6


def test_the_package_covers_2026_but_not_2027():
    assert package_covers(2026) and not package_covers(2027)


def test_a_deadline_running_into_an_unfilled_year_is_counted_monday_to_friday_and_provisional():
    # 2026-12-24 (Thu) + 10: 12-25, 12-28…12-31 from the package (5), then 2027 counted Monday to
    # Friday: 01-01 (Fri, 6), 01-04 … 01-07 (10), marked provisional.
    result = add_working_days(D(2026, 12, 24), 10)
    assert result.due_on == D(2027, 1, 7) and result.provisional is True
    # A count that stays inside the covered year is not provisional.
    assert add_working_days(D(2026, 12, 24), 5) == add_working_days(D(2026, 12, 24), 5)
    assert add_working_days(D(2026, 12, 24), 5).provisional is False
    assert is_working_day(D(2027, 1, 1))  # unknown year: a Friday counts


def test_the_same_deadline_with_the_year_filled_by_staff_is_official():
    fill((D(2027, 1, 1), False, "元旦"), (D(2027, 1, 2), False, "元旦"), (D(2027, 1, 3), False, "元旦"),
         (D(2027, 1, 9), True, "元旦调休"))
    result = add_working_days(D(2026, 12, 24), 10)
    # 01-01 is now a holiday: 12-25(1) 12-28(2) 12-29(3) 12-30(4) 12-31(5) 01-04(6) … 01-08(10).
    assert result.due_on == D(2027, 1, 8) and result.provisional is False
    # With a further working Saturday the count moves: from 01-07, day 2 is Saturday 01-09.
    assert add_working_days(D(2027, 1, 7), 2).due_on == D(2027, 1, 9)
    assert not is_working_day(D(2027, 1, 1)) and is_working_day(D(2027, 1, 9))


def test_a_filled_year_without_a_given_day_uses_the_weekday():
    fill((D(2027, 10, 1), False, "国庆节"))
    assert is_working_day(D(2027, 3, 3)) and not is_working_day(D(2027, 3, 6))
    assert add_working_days(D(2027, 3, 5), 1) == add_working_days(D(2027, 3, 5), 1)
    assert add_working_days(D(2027, 3, 5), 1).provisional is False


def test_working_days_between_and_counting_back():
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 9)) == 0
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 1)) == 0
    assert nth_working_day_back(D(2025, 10, 9), 1) == D(2025, 10, 9)
    assert nth_working_day_back(D(2025, 10, 9), 2) == D(2025, 9, 30)


def test_zero_working_days_is_the_start_and_negative_is_refused():
    assert add_working_days(D(2025, 10, 1), 0).due_on == D(2025, 10, 1)
    with pytest.raises(ValueError):
        add_working_days(D(2025, 10, 1), -1)
