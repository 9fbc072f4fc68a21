"""Authenticity checks of new-employment counts (seed 四(三)): a flag per district with the records
behind it."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from analytics.constants import RunTrigger
from analytics.selectors.checks import (
    COUNTED_TWICE,
    COUNTS_MATCH,
    LEDGER_COMPLETE,
    MISSING_CARD,
    MISSING_EMPLOYER,
    SOURCES_ADD_UP,
    authenticity_checks,
)
from registration.constants import EmploymentKind
from tests.analytics.factories import DailyFactFactory, FactRunFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
ON = datetime.date(YEAR, 6, 30)
MARCH = datetime.date(YEAR, 3, 1)


def carded(area, n):
    return PersonFactory(area=area, employment_card_number=f"4201020000{n:06d}")


def record(area, day=datetime.date(YEAR, 3, 10), kind=EmploymentKind.ENTERPRISE_HIRE, person=None, **kwargs):
    person = person or carded(area, record.n)
    record.n += 1
    return EmploymentRegistrationFactory(person=person, area=area, kind=kind, started_on=day, **kwargs)


record.n = 0


def report(area, day, value, kind=None, street=None):
    """What the nightly facts run would report: the total and the source, at district and street level."""
    keys = ["new_employment"] + ([f"new_employment_{kind}"] if kind else [])
    for key in keys:
        DailyFactFactory(area=area, day=day, fact=key, value=value)
        if street is not None:
            DailyFactFactory(area=street, day=day, fact=key, value=value)


def test_a_district_whose_ledger_and_reports_agree_has_no_flags(tree, staff):
    record(tree.c1)
    record(tree.c1, kind=EmploymentKind.FLEXIBLE)
    day = datetime.date(YEAR, 3, 10)
    for area in (tree.d1, tree.s1):
        DailyFactFactory(area=area, day=day, fact="new_employment", value=2)
        DailyFactFactory(area=area, day=day, fact="new_employment_enterprise_hire", value=1)
        DailyFactFactory(area=area, day=day, fact="new_employment_flexible", value=1)
    checks = authenticity_checks(fetched_by=staff["official@district"], year=YEAR, on_date=ON)
    [district] = checks.districts
    assert district.district == tree.d1
    assert (district.ledger_total, district.reported_total) == (2, 2)
    assert [c.ok for c in district.checks] == [True, True, True]
    assert not district.flagged and checks.flagged == 0


def test_records_without_card_or_employer_or_counted_twice_flag_the_ledger_with_the_records(tree, staff):
    no_card = record(tree.c1, person=PersonFactory(area=tree.c1, employment_card_number=None))
    no_employer = record(tree.c1, employer_name="")
    twice = carded(tree.c2, 999)
    first = record(tree.c2, person=twice, day=datetime.date(YEAR, 2, 1), kind=EmploymentKind.FLEXIBLE)
    second = record(tree.c2, person=twice, day=datetime.date(YEAR, 5, 1), kind=EmploymentKind.FLEXIBLE)
    fine = record(tree.c1)
    record(tree.c1, person=PersonFactory(area=tree.c1, employment_card_number=None),
           day=datetime.date(YEAR - 1, 12, 31))  # last year: not this year's count
    checks = authenticity_checks(fetched_by=staff["official@district"], year=YEAR, on_date=ON)
    ledger = checks.detail.check(LEDGER_COMPLETE)
    assert not ledger.ok and ledger.count == 4
    problems = {row.registration.pk: row.problems for row in ledger.rows}
    assert problems == {no_card.pk: [MISSING_CARD], no_employer.pk: [MISSING_EMPLOYER], first.pk: [COUNTED_TWICE],
                        second.pk: [COUNTED_TWICE]}
    assert fine.pk not in problems


def test_ledger_and_reported_counts_that_differ_flag_the_district_with_street_and_month(tree, staff):
    record(tree.c1)
    record(tree.c1)
    report(tree.d1, datetime.date(YEAR, 3, 10), 3, street=tree.s1)  # reported 3, ledger 2
    checks = authenticity_checks(fetched_by=staff["official@district"], year=YEAR, on_date=ON)
    counts = checks.detail.check(COUNTS_MATCH)
    assert not counts.ok
    rows = {(row.area, row.month): (row.ledger, row.reported, row.difference) for row in counts.rows}
    assert rows == {(tree.d1, MARCH): (2, 3, 1), (tree.s1, MARCH): (2, 3, 1)}


def test_sources_that_do_not_add_up_to_the_total_are_flagged_by_month_and_source(tree, staff):
    record(tree.c1)
    DailyFactFactory(area=tree.d1, day=datetime.date(YEAR, 3, 10), fact="new_employment", value=1)
    DailyFactFactory(area=tree.s1, day=datetime.date(YEAR, 3, 10), fact="new_employment", value=1)
    DailyFactFactory(area=tree.d1, day=datetime.date(YEAR, 3, 10), fact="new_employment_self_employed", value=1)
    checks = authenticity_checks(fetched_by=staff["official@district"], year=YEAR, on_date=ON)
    sources = checks.detail.check(SOURCES_ADD_UP)
    assert not sources.ok
    rows = {(row.source, row.month): (row.ledger, row.reported) for row in sources.rows}
    # the sources sum to 1 like the total, but the ledger's one record is an enterprise hire
    assert rows == {("enterprise_hire", MARCH): (1, 0), ("self_employed", MARCH): (0, 1)}
    assert checks.detail.check(COUNTS_MATCH).ok


def test_a_district_official_sees_only_their_district_and_never_a_siblings_records(tree, staff):
    record(tree.c3, person=PersonFactory(area=tree.c3, employment_card_number=None))
    report(tree.d2, datetime.date(YEAR, 3, 10), 50)
    checks = authenticity_checks(fetched_by=staff["official@district"], year=YEAR, on_date=ON)
    assert [d.district for d in checks.districts] == [tree.d1]
    assert all(check.ok for check in checks.detail.checks)
    with pytest.raises(Http404):
        authenticity_checks(fetched_by=staff["official@district"], year=YEAR, on_date=ON, detail=tree.d2)
    city = authenticity_checks(fetched_by=staff["official@city"], year=YEAR, on_date=ON, detail=tree.d2)
    assert city.detail.district == tree.d2
    assert city.detail.check(LEDGER_COMPLETE).count == 1
    assert len(city.districts) == 13
    assert city.flagged == 1


def test_the_city_page_lists_every_district_in_a_fixed_number_of_queries(tree, staff, django_assert_max_num_queries):
    for area in (tree.c1, tree.c3):
        record(area)
    with django_assert_max_num_queries(10):
        checks = authenticity_checks(fetched_by=staff["official@city"], year=YEAR, on_date=ON, detail=tree.d1)
    assert checks.flagged == 2  # both ledgers have a record the facts never reported


def test_generated_demo_history_is_said_so(tree, staff):
    FactRunFactory(day=datetime.date(YEAR, 3, 10), trigger=RunTrigger.GENERATED)
    checks = authenticity_checks(fetched_by=staff["official@city"], year=YEAR, on_date=ON)
    assert checks.generated_days
    assert not authenticity_checks(fetched_by=staff["official@city"], year=YEAR - 1, on_date=ON).generated_days


def test_the_period_runs_to_yesterday_within_the_year(tree, staff):
    checks = authenticity_checks(fetched_by=staff["official@city"], year=YEAR, on_date=datetime.date(YEAR + 1, 3, 1))
    assert (checks.date_from, checks.date_to) == (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
