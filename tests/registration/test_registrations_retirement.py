"""Statutory retirement age under the gradual rules in force since 2025-01-01, at the boundaries."""

import datetime

import pytest

from registration.constants import Sex
from registration.retirement import statutory_retirement_age, statutory_retirement_date

D = datetime.date


@pytest.mark.parametrize("birth, expected", [
    (D(1964, 12, 15), (60, 0)),   # before the first affected month: unchanged
    (D(1965, 1, 1), (60, 1)),     # first month affected
    (D(1965, 4, 30), (60, 1)),    # the same four-month band
    (D(1965, 5, 1), (60, 2)),     # next band
    (D(1970, 1, 10), (61, 4)),    # 60 months after 1965-01: 15 bands + 1
    (D(1976, 8, 31), (62, 11)),
    (D(1976, 9, 1), (63, 0)),     # reaches the ceiling
    (D(1990, 6, 1), (63, 0)),     # never above 63
])
def test_men_from_60_to_63_one_month_every_four_months(birth, expected):
    assert statutory_retirement_age(birth, Sex.MALE) == expected


@pytest.mark.parametrize("birth, expected", [
    (D(1969, 12, 31), (55, 0)),
    (D(1970, 1, 1), (55, 1)),
    (D(1970, 5, 1), (55, 2)),
    (D(1981, 8, 1), (57, 11)),
    (D(1981, 9, 1), (58, 0)),
    (D(1995, 1, 1), (58, 0)),
])
def test_women_originally_55_to_58_one_month_every_four_months(birth, expected):
    assert statutory_retirement_age(birth, Sex.FEMALE, 55) == expected


@pytest.mark.parametrize("birth, expected", [
    (D(1974, 12, 31), (50, 0)),
    (D(1975, 1, 1), (50, 1)),
    (D(1975, 2, 28), (50, 1)),    # two-month bands
    (D(1975, 3, 1), (50, 2)),
    (D(1984, 10, 1), (54, 11)),
    (D(1984, 11, 1), (55, 0)),
    (D(2000, 1, 1), (55, 0)),
])
def test_women_originally_50_to_55_one_month_every_two_months(birth, expected):
    assert statutory_retirement_age(birth, Sex.FEMALE, 50) == expected


def test_women_without_a_recorded_original_age_follow_the_workers_rule_of_50():
    assert statutory_retirement_age(D(1975, 3, 1), Sex.FEMALE) == (50, 2)
    assert statutory_retirement_age(D(1975, 3, 1), Sex.FEMALE, None) == (50, 2)


def test_men_ignore_an_original_age():
    assert statutory_retirement_age(D(1965, 1, 1), Sex.MALE, 55) == (60, 1)


def test_retirement_date_adds_years_and_months_to_the_birth_date():
    assert statutory_retirement_date(D(1964, 12, 15), Sex.MALE) == D(2024, 12, 15)
    assert statutory_retirement_date(D(1965, 1, 15), Sex.MALE) == D(2025, 2, 15)
    assert statutory_retirement_date(D(1976, 9, 1), Sex.MALE) == D(2039, 9, 1)
    assert statutory_retirement_date(D(1975, 1, 10), Sex.FEMALE) == D(2025, 2, 10)
    assert statutory_retirement_date(D(1970, 1, 10), Sex.FEMALE, 55) == D(2025, 2, 10)


def test_retirement_date_on_a_day_the_month_lacks_is_that_months_last_day():
    assert statutory_retirement_date(D(1965, 1, 31), Sex.MALE) == D(2025, 2, 28)
