"""subsidies/facts.py against hand-made records: applications by their state at the end of the day
(from the status history), amounts approved and paid on the day (from the fund ledger), in fen; a
武昌区 record never counts in 江岸区."""

from __future__ import annotations

import datetime

import pytest

from portal.models import StatusChange
from subsidies import facts
from subsidies.constants import ApplicationStatus, FundEntryKind
from subsidies.models import FundEntry
from tests.analytics.factories import answers, at
from tests.registration.factories import PersonFactory
from tests.subsidies.factories import ApplicationFactory, FundFactory

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 3, 10)
ONE = datetime.timedelta(days=1)


def _application(area, submitted_at, *moves):
    """An application with its status history: ``moves`` are (moment, new status)."""
    last = moves[-1][1] if moves else ApplicationStatus.SUBMITTED
    application = ApplicationFactory(person=PersonFactory(area=area), submitted_at=submitted_at, status=last)
    previous = ApplicationStatus.SUBMITTED
    for moment, status in moves:
        StatusChange.objects.create(area=area, object_type="subsidies.application", object_id=str(application.pk),
                                    from_status=previous, to_status=status, changed_at=moment)
        previous = status
    return application


def test_applications_are_counted_in_the_state_they_were_in_at_the_end_of_the_day(tree):
    _application(tree.c1, at(D - 5 * ONE, 9), (at(D - 3 * ONE, 10), ApplicationStatus.ACCEPTED),
                 (at(D + ONE, 10), ApplicationStatus.STREET_REVIEWED))  # accepted on D, reviewed later
    _application(tree.c1, at(D - ONE, 9))  # submitted, no step yet
    _application(tree.c1, at(D - 9 * ONE, 9), (at(D - 8 * ONE, 9), ApplicationStatus.ACCEPTED),
                 (at(D, 10), ApplicationStatus.REJECTED))  # rejected during D
    _application(tree.c1, at(D + ONE, 9))  # submitted after the day
    _application(tree.c3, at(D - ONE, 9))  # 武昌区

    found = answers(facts.FACTS, D, tree.d1.path)
    assert {k: v for k, v in found.items() if k[1].startswith("subsidy_applications_")} == {
        (tree.c1.code, "subsidy_applications_accepted"): 1,
        (tree.c1.code, "subsidy_applications_submitted"): 1,
        (tree.c1.code, "subsidy_applications_rejected"): 1,
    }
    later = answers(facts.FACTS, D + ONE, tree.d1.path)
    assert later[(tree.c1.code, "subsidy_applications_street_reviewed")] == 1
    assert later[(tree.c1.code, "subsidy_applications_submitted")] == 2
    assert answers(facts.FACTS, D, tree.d2.path) == {(tree.c3.code, "subsidy_applications_submitted"): 1}


def test_amounts_approved_and_paid_on_the_day_come_from_the_fund_ledger_in_fen(tree):
    fund = FundFactory(area=tree.d1, year=D.year)
    wuchang_fund = FundFactory(area=tree.d2, year=D.year)
    first = _application(tree.c1, at(D - 9 * ONE, 9))
    second = _application(tree.c2, at(D - 9 * ONE, 9))

    def entry(application, kind, amount, moment, on=fund):
        FundEntry.objects.create(fund=on, area=on.area, kind=kind, amount_fen=amount, application=application,
                                 created_at=moment)

    entry(first, FundEntryKind.RESERVED, 120_000, at(D, 10))
    entry(first, FundEntryKind.PAID, 40_000, at(D, 16))
    entry(first, FundEntryKind.PAID, 40_001, at(D + ONE, 0, 5))  # the next day
    entry(second, FundEntryKind.RESERVED, 90_000, at(D - ONE, 23, 59))  # the day before
    entry(second, FundEntryKind.RELEASED, 90_000, at(D, 11))  # a release is neither approved nor paid
    entry(second, FundEntryKind.ALLOCATED, 5_000_000, at(D, 8))
    entry(_application(tree.c3, at(D - 9 * ONE, 9)), FundEntryKind.PAID, 7_777, at(D, 10), on=wuchang_fund)

    found = answers(facts.FACTS, D, tree.d1.path)
    assert {k: v for k, v in found.items() if k[1] in ("subsidy_amount_approved", "subsidy_amount_paid")} == {
        (tree.c1.code, "subsidy_amount_approved"): 120_000,
        (tree.c1.code, "subsidy_amount_paid"): 40_000,
    }
    assert answers(facts.FACTS, D, tree.d2.path)[(tree.c3.code, "subsidy_amount_paid")] == 7_777
