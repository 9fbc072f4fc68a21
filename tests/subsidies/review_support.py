"""What the review's tests (and the workflow harness) build on: applications whose beneficiary
really is eligible, in a status, with the district fund to pay them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.constants import AccountType
from portal.models import Area, User
from registration.constants import EmploymentKind
from subsidies.constants import ApplicationStatus, FundEntryKind, ProgrammeKind
from subsidies.models import Application, Fund, FundEntry
from subsidies.services.funds import district_of, fund_allocate
from tests.factories import UserFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory, UnemploymentRegistrationFactory
from tests.registration.factories_cases import ApprovedCaseFactory
from tests.subsidies.factories import ApplicationFactory, FundFactory, ProgrammeFactory, this_month

# A start-up loan of 100,000 yuan over 24 months at 3 % a year subsidised: 6,000 yuan of interest subsidy.
LOAN_FEN = 10_000_000
LOAN_TERM = 24
LOAN_SUBSIDY_FEN = 600_000


def maker() -> User:
    """Someone who entered the application and holds no position of the tests."""
    return UserFactory(account_type=AccountType.STAFF)


def eligible_person(area: Area, *, kind: str = ProgrammeKind.SOCIAL_INSURANCE, **person_fields):
    """A person of ``area`` who qualifies for ``kind``: an approved hard-to-employ person in flexible
    employment since before this month (social insurance), or registered unemployed (start-up loan)."""
    person = PersonFactory(area=area, **person_fields)
    start = this_month()
    if kind == ProgrammeKind.SOCIAL_INSURANCE:
        ApprovedCaseFactory(person=person, area=area, approved_on=start - datetime.timedelta(days=365))
        EmploymentRegistrationFactory(person=person, area=area, kind=EmploymentKind.FLEXIBLE,
                                      started_on=start - datetime.timedelta(days=30), employer_name="")
    elif kind == ProgrammeKind.STARTUP_LOAN:
        UnemploymentRegistrationFactory(person=person, area=area,
                                        registered_on=timezone.localdate() - datetime.timedelta(days=30))
    else:
        raise ValueError(f"no eligible person for {kind}")
    return person


def eligible_application(area: Area, *, status: str = ApplicationStatus.SUBMITTED,
                         kind: str = ProgrammeKind.SOCIAL_INSURANCE, person=None, **fields) -> Application:
    """An application of an eligible person of ``area`` in ``status``: social insurance for three months
    from this month (1,200 yuan), or a start-up loan's interest subsidy (6,000 yuan)."""
    person = person or eligible_person(area, kind=kind)
    programme = ProgrammeFactory(kind=kind)
    values = {"programme": programme, "person": person, "area": area, "status": status, "entered_by": maker()}
    if kind == ProgrammeKind.STARTUP_LOAN:
        values.update(basis_fen=LOAN_FEN, loan_term_months=LOAN_TERM, monthly_amount_fen=0,
                      amount_requested_fen=LOAN_SUBSIDY_FEN)
    values.update(fields)
    return ApplicationFactory(**values)


def fund_for(area: Area, *, available_fen: int = 100_000_000) -> Fund:
    """This year's fund of the area's district with ``available_fen`` allocated through the ledger."""
    district = district_of(area)
    fund = FundFactory(area=district, allocated_fen=0, budget_fen=max(available_fen, 1))
    if available_fen:
        fund_allocate(actor=maker(), fund=fund, amount_fen=available_fen, note="测试拨付")
    return Fund.objects.get(pk=fund.pk)


def reserved_on(application: Application) -> int:
    """What the ledger holds reserved for an application (reserved − paid − released)."""
    total = 0
    for kind, amount in FundEntry.objects.filter(application=application).values_list("kind", "amount_fen"):
        total += {FundEntryKind.RESERVED: amount, FundEntryKind.PAID: -amount,
                  FundEntryKind.RELEASED: -amount}.get(kind, 0)
    return total


def submitted_at_window(clerk: User, area: Area, *, kind: str = ProgrammeKind.SOCIAL_INSURANCE,
                        person=None) -> Application:
    """An application submitted at the community window through the applying service (audited, with
    its intake due date), for an eligible person of ``area``."""
    from subsidies.eligibility import month_end
    from subsidies.services.applications import application_submit

    person = person or eligible_person(area, kind=kind)
    start = this_month()
    extra = ({"basis_fen": LOAN_FEN, "loan_term_months": LOAN_TERM} if kind == ProgrammeKind.STARTUP_LOAN
             else {"basis_fen": 60_000, "period_end": month_end(start + datetime.timedelta(days=62))})
    return application_submit(actor=clerk, programme=ProgrammeFactory(kind=kind), person=person, period_start=start,
                              payee_name=person.name, payee_account="6222020200001234567", **extra)
