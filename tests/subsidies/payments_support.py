"""What the payment cycle tests (the jurisdiction guard and the workflow harness too) build on:
approved social insurance applications of people who really qualify, with their amount reserved on the
district's fund, cycles and lines in a status, and bank result files."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

from django.utils import timezone

from portal.constants import AccountType
from portal.models import Area, User
from registration.constants import EmploymentKind
from subsidies.constants import ApplicationStatus, CycleStatus, PaymentStatus, ProgrammeKind
from subsidies.eligibility import month_end
from subsidies.models import Application, Payment, PaymentCycle
from subsidies.services.funds import district_of, fund_reserve
from subsidies.services.payments import payment_reference
from tests.factories import UserFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory
from tests.registration.factories_cases import ApprovedCaseFactory
from tests.subsidies.factories import ApplicationFactory, FundFactory, ProgrammeFactory

MONTHLY_FEN = 40_000  # 400 yuan a month: 2/3 of 600 yuan of contributions
BASIS_FEN = 60_000


def month_at(offset: int) -> datetime.date:
    """The first day of the month ``offset`` months from this one (-1: last month)."""
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
    return datetime.date(year, month + 1, 1)


def social_insurance():
    return ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)


def qualifying_person(area: Area, *, since: datetime.date, flexible_until: datetime.date | None = None, **fields):
    """An approved hard-to-employ person of ``area`` in flexible employment from before ``since`` (until
    ``flexible_until`` when given)."""
    person = PersonFactory(area=area, **fields)
    ApprovedCaseFactory(person=person, area=area, approved_on=since - datetime.timedelta(days=365))
    EmploymentRegistrationFactory(person=person, area=area, kind=EmploymentKind.FLEXIBLE, employer_name="",
                                  started_on=since - datetime.timedelta(days=30), ended_on=flexible_until)
    return person


def approved_application(area: Area, *, start: int = -2, months: int = 3, monthly: int = MONTHLY_FEN,
                         status: str = ApplicationStatus.APPROVED, reserve: bool = True, person=None,
                         **fields) -> Application:
    """An approved social insurance application of a qualifying person of ``area`` for ``months`` months
    from the month ``start`` months from now, its whole amount reserved on the district's fund."""
    first = month_at(start)
    last = month_end(month_at(start + months - 1))
    person = person or qualifying_person(area, since=first)
    amount = monthly * months
    values = {"programme": social_insurance(), "person": person, "area": area, "status": status,
              "period_start": first, "period_end": last, "basis_fen": BASIS_FEN, "monthly_amount_fen": monthly,
              "amount_requested_fen": amount, "amount_approved_fen": amount,
              "entered_by": UserFactory(account_type=AccountType.STAFF)}
    values.update(fields)
    application = ApplicationFactory(**values)
    if reserve:
        FundFactory(area=district_of(area))
        fund_reserve(application=application, amount_fen=application.amount_approved_fen, actor=None)
    return application


def district_clerk(area: Area) -> User:
    from portal.constants import StaffRole
    from tests.conftest import make_staff

    return make_staff(StaffRole.CLERK, area)


# --- Bank result files ------------------------------------------------------------------------------

HEADER = ["支付参考号", "收款人", "银行账号", "金额（元）", "结果", "失败原因", "银行流水号"]


def result_line(payment: Payment, result: str = "成功", reason: str = "", **changes) -> list[str]:
    """A result file line that repeats the payment (``changes`` replace columns: reference, payee,
    account, amount)."""
    whole, fen = divmod(payment.amount_fen, 100)
    values = {"reference": payment_reference(payment), "payee": payment.payee_name,
              "account": payment.payee_account, "amount": f"{whole}.{fen:02d}"}
    values.update(changes)
    return [values["reference"], values["payee"], values["account"], values["amount"], result, reason,
            f"B{payment.pk:06d}"]


def result_csv(lines: list[list[str]], *, header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for line in lines:
        writer.writerow(line)
    return buffer.getvalue().encode(encoding)


# --- Records in a status (the jurisdiction guard and the workflow harness) ---------------------------

_months_back = itertools.count(1)


def cycle_in(area: Area, *, status: str = CycleStatus.GENERATED, month: datetime.date | None = None) -> PaymentCycle:
    """A cycle of ``area`` (each call a month further back, so cycles of one area never collide)."""
    month = month or month_at(-next(_months_back))
    cycle = PaymentCycle.objects.create(programme=social_insurance(), month=month, area=area, status=status)
    return cycle


def payment_in(area: Area, *, cycle: PaymentCycle | None = None, status: str = PaymentStatus.PENDING,
               reserve: bool = False) -> Payment:
    """A line of a cycle of ``area``, for an application of ``area``."""
    cycle = cycle or cycle_in(area, status=CycleStatus.EXPORTED)
    application = approved_application(area, reserve=reserve, start=-2, months=3)
    return Payment.objects.create(cycle=cycle, application=application, month=application.period_start,
                                  amount_fen=application.monthly_amount_fen, payee_name=application.payee_name,
                                  payee_account=application.payee_account, area=area, status=status)


PAYMENT_RECORD_FACTORIES = {
    PaymentCycle: lambda area: cycle_in(area),
    Payment: lambda area: payment_in(area),
}
