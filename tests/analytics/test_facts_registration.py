"""registration/facts.py against hand-made records: each fact counts what it says on the day asked,
at the record's area, and a 武昌区 record never counts in 江岸区."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import StatusChange
from registration import facts
from registration.constants import (
    CancellationReason,
    CommitmentStatus,
    EmploymentKind,
    HardshipStatus,
    UnemploymentStatus,
)
from tests.analytics.factories import answers, at
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory, UnemploymentRegistrationFactory
from tests.registration.factories_cases import ApprovedCaseFactory, HardshipCaseFactory, ReferralCommitmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 3, 10)  # a Tuesday
ONE = datetime.timedelta(days=1)


def test_new_employment_counts_registrations_started_that_day_by_source_and_in_total(tree):
    for kind in (EmploymentKind.ENTERPRISE_HIRE, EmploymentKind.ENTERPRISE_HIRE, EmploymentKind.FLEXIBLE):
        EmploymentRegistrationFactory(person=PersonFactory(area=tree.c1), kind=kind, started_on=D)
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c2), kind=EmploymentKind.PUBLIC_WELFARE, started_on=D)
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c1), started_on=D - ONE)  # the day before
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c3), kind=EmploymentKind.SELF_EMPLOYED, started_on=D)

    assert answers(facts.FACTS, D, tree.d1.path) == {
        (tree.c1.code, "new_employment"): 3,
        (tree.c1.code, "new_employment_enterprise_hire"): 2,
        (tree.c1.code, "new_employment_flexible"): 1,
        (tree.c2.code, "new_employment"): 1,
        (tree.c2.code, "new_employment_public_welfare"): 1,
    }
    # The 武昌区 record counts in 武昌区 only.
    assert answers(facts.FACTS, D, tree.d2.path) == {
        (tree.c3.code, "new_employment"): 1,
        (tree.c3.code, "new_employment_self_employed"): 1,
    }


def _unemployed(area, registered_on, status=UnemploymentStatus.OPEN, cancelled_on=None):
    return UnemploymentRegistrationFactory(
        person=PersonFactory(area=area), registered_on=registered_on, status=status, cancelled_on=cancelled_on,
        cancel_reason=CancellationReason.FOUND_WORK if status == UnemploymentStatus.CANCELLED else "")


def test_registered_unemployed_stock_inflow_and_outflow_add_up_from_day_to_day(tree):
    _unemployed(tree.c1, D - 10 * ONE)  # open all along
    _unemployed(tree.c1, D)  # registered on the day: inflow and stock
    _unemployed(tree.c1, D - 20 * ONE, UnemploymentStatus.CANCELLED, cancelled_on=D)  # outflow on the day
    _unemployed(tree.c1, D - 20 * ONE, UnemploymentStatus.CANCELLED, cancelled_on=D + 3 * ONE)  # still in on D
    _unemployed(tree.c1, D - 2 * ONE, UnemploymentStatus.PENDING)  # applied online, not confirmed: not counted
    _unemployed(tree.c1, D - 2 * ONE, UnemploymentStatus.REJECTED)
    _unemployed(tree.c1, D + ONE)  # registered after the day
    _unemployed(tree.c3, D)  # 武昌区

    def on(day):
        found = answers(facts.FACTS, day, tree.d1.path)
        return {key: found.get((tree.c1.code, key), 0) for key in ("unemployed", "unemployment_inflow",
                                                                   "unemployment_outflow")}

    assert on(D) == {"unemployed": 3, "unemployment_inflow": 1, "unemployment_outflow": 1}
    assert on(D - ONE) == {"unemployed": 3, "unemployment_inflow": 0, "unemployment_outflow": 0}
    for day in (D, D + ONE, D + 3 * ONE):
        assert on(day)["unemployed"] == (on(day - ONE)["unemployed"] + on(day)["unemployment_inflow"]
                                         - on(day)["unemployment_outflow"])
    assert not [key for key in answers(facts.FACTS, D, tree.d1.path) if key[0] == tree.c3.code]
    assert answers(facts.FACTS, D, tree.d2.path)[(tree.c3.code, "unemployed")] == 1


def test_hard_to_employ_counts_cases_approved_by_the_day_and_not_ended_by_then(tree):
    ApprovedCaseFactory(area=tree.c1, approved_on=D - 5 * ONE)
    ApprovedCaseFactory(area=tree.c1, approved_on=D)
    ApprovedCaseFactory(area=tree.c1, status=HardshipStatus.ENDED, approved_on=D - 30 * ONE, ended_on=D)
    ApprovedCaseFactory(area=tree.c1, approved_on=D + ONE)
    HardshipCaseFactory(area=tree.c1)  # still at intake
    ApprovedCaseFactory(area=tree.c3, approved_on=D - 5 * ONE)  # 武昌区

    def count(day, prefix=tree.d1.path, area=tree.c1):
        return answers(facts.FACTS, day, prefix).get((area.code, "hard_to_employ"), 0)

    assert (count(D - ONE), count(D), count(D + ONE)) == (2, 2, 3)
    assert count(D, tree.d2.path, tree.c3) == 1


def test_commitments_met_on_time_late_and_overdue_on_the_day(tree):
    starts = D - 20 * ONE
    ReferralCommitmentFactory(area=tree.c1, starts_on=starts, due_on=D + 3 * ONE, status=CommitmentStatus.MET,
                              met_at=at(D, 0, 30))  # met on D (00:30 in Wuhan is still the 9th in UTC)
    ReferralCommitmentFactory(area=tree.c1, starts_on=starts, due_on=D - 2 * ONE, status=CommitmentStatus.MET,
                              met_at=at(D, 15))  # met late on D; overdue until then
    ReferralCommitmentFactory(area=tree.c1, starts_on=starts, due_on=D - ONE)  # open, overdue
    ReferralCommitmentFactory(area=tree.c1, starts_on=starts, due_on=D + 5 * ONE)  # open, not due yet
    closed = ReferralCommitmentFactory(area=tree.c1, starts_on=starts, due_on=D - 5 * ONE,
                                       status=CommitmentStatus.CLOSED)
    StatusChange.objects.create(area=tree.c1, object_type="registration.referralcommitment", object_id=str(closed.pk),
                                from_status=CommitmentStatus.OPEN, to_status=CommitmentStatus.CLOSED,
                                changed_at=at(D, 9))  # closed on the morning of D
    ReferralCommitmentFactory(area=tree.c3, starts_on=starts, due_on=D - ONE)  # 武昌区, overdue

    def on(day):
        found = answers(facts.FACTS, day, tree.d1.path)
        return tuple(found.get((tree.c1.code, key), 0) for key in (
            "commitments_met_on_time", "commitments_met_late", "commitments_overdue"))

    assert on(D) == (1, 1, 1)  # the open one due D − 1 is overdue; the late one was met, one closed
    # D − 1: the late one and the one closed on D were past due (the one due D − 1 was due that day);
    # D − 2: only the one closed on D (the late one was due that day).
    assert on(D - ONE) == (0, 0, 2)
    assert on(D - 2 * ONE) == (0, 0, 1)
    assert answers(facts.FACTS, D, tree.d2.path)[(tree.c3.code, "commitments_overdue")] == 1


def test_each_fact_set_answers_in_one_query(tree):
    for item in facts.FACTS:
        with CaptureQueriesContext(connection) as queries:
            list(item.rows(D, tree.d1.path))
        assert len(queries) == 1, item.keys
