"""Races on real PostgreSQL (threads with their own connections): two clerks approving one
application at once make exactly one transition and one reservation; two approvals that together
would overdraw one fund give one approval and one clear refusal, and the balance is never negative."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portal.constants import StaffRole
from portal.models import Area, StatusChange
from subsidies.constants import ApplicationStatus, FundEntryKind
from subsidies.models import Application, Fund, FundEntry
from subsidies.services import review as services
from tests.conftest import make_staff
from tests.subsidies.review_support import eligible_application, fund_for

pytestmark = pytest.mark.django_db(transaction=True)


def _codes(exc: ValidationError) -> set[str]:
    errors = [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else exc.error_list
    return {e.code for e in errors}


def _at_once(calls) -> list:
    """Run the calls in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def slow_reservation(monkeypatch):
    """The first reservation holds its locks a moment longer, so the other really waits on them."""
    real = services.fund_reserve

    def slow(**kwargs):
        entry = real(**kwargs)
        time.sleep(0.3)
        return entry

    monkeypatch.setattr(services, "fund_reserve", slow)


def test_two_clerks_approving_one_application_at_once_make_one_transition_and_one_reservation(
        committed_tree, slow_reservation):
    community = Area.objects.get(code="420102002003")
    district = Area.objects.get(code="420102000000")
    clerks = [make_staff(StaffRole.CLERK, district), make_staff(StaffRole.CLERK, district)]
    fund = fund_for(community)
    application = eligible_application(community, status=ApplicationStatus.STREET_REVIEWED)

    results = _at_once([lambda clerk=clerk: services.application_approve(actor=clerk, application=application)
                        for clerk in clerks])

    approved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert _codes(refused[0]) == {"invalid_transition"}  # the second saw the first's result
    assert StatusChange.objects.filter(object_type="subsidies.application", object_id=str(application.pk),
                                       to_status=ApplicationStatus.APPROVED).count() == 1
    assert FundEntry.objects.filter(application=application, kind=FundEntryKind.RESERVED).count() == 1
    assert Fund.objects.get(pk=fund.pk).reserved_fen == 120_000


def test_two_approvals_that_would_overdraw_one_fund_give_one_approval_and_one_clear_refusal(
        committed_tree, slow_reservation):
    community = Area.objects.get(code="420102002003")
    district = Area.objects.get(code="420102000000")
    clerks = [make_staff(StaffRole.CLERK, district), make_staff(StaffRole.CLERK, district)]
    fund = fund_for(community, available_fen=200_000)  # 2,000 yuan; each approval needs 1,200
    applications = [eligible_application(community, status=ApplicationStatus.STREET_REVIEWED) for _ in range(2)]

    results = _at_once([lambda clerk=clerk, application=application: services.application_approve(
        actor=clerk, application=application) for clerk, application in zip(clerks, applications)])

    approved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert _codes(refused[0]) == {"fund_exhausted"}
    assert "800.00" in refused[0].messages[0]  # what the fund has left, in the refusal
    fund.refresh_from_db()
    assert (fund.allocated_fen, fund.reserved_fen, fund.paid_fen) == (200_000, 120_000, 0)
    assert fund.available_fen >= 0
    statuses = sorted(Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True))
    assert statuses == [ApplicationStatus.APPROVED, ApplicationStatus.STREET_REVIEWED]
    assert FundEntry.objects.filter(fund=fund, kind=FundEntryKind.RESERVED).count() == 1
