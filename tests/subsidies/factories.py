"""factory_boy factories for subsidies: programmes with a version in force, applications, funds.

``PARAMETERS[kind]`` are valid parameters of each kind of programme (illustrative values).
"""

from __future__ import annotations

import datetime
from importlib import import_module

import factory
from django.utils import timezone

from portal.constants import AccountType
from portal.models import Area
from subsidies.constants import (
    APPLICANT_TYPE,
    ApplicationStatus,
    Channel,
    ProgrammeKind,
)
from subsidies.eligibility import month_end
from subsidies.models import Application, Fund, Payment, PaymentCycle, Programme, ProgrammeVersion
from tests.factories import UserFactory
from tests.registration.factories import PersonFactory

STEP_DAYS = {"accept": 5, "review": 5, "approve": 10, "approve_for_city": 10, "city_approve": 10, "disburse": 10}
COMMON = {"city_approval_above_fen": 5_000_000, "step_days": STEP_DAYS, "required_documents": []}
PARAMETERS = {
    ProgrammeKind.SOCIAL_INSURANCE: {**COMMON, "share": "2/3", "monthly_cap_fen": 80_000, "max_months": 36,
                                     "retirement_window_years": 5, "categories": []},
    ProgrammeKind.GRADUATE_SOCIAL_INSURANCE: {**COMMON, "monthly_cap_fen": 120_000, "max_months": 12,
                                              "graduated_within_years": 2, "employer_max_staff": 100},
    ProgrammeKind.PUBLIC_WELFARE_POST: {**COMMON, "monthly_amount_fen": 180_000, "max_months": 36,
                                        "retirement_window_years": 5},
    ProgrammeKind.JOB_REFERRAL: {**COMMON, "amount_per_placement_fen": 20_000, "placement_within_days": 180},
    ProgrammeKind.STARTUP_LOAN: {**COMMON, "loan_cap_fen": 30_000_000, "max_term_months": 36,
                                 "subsidy_rate": "3/100"},
}


def district(code: str = "420102000000") -> Area:  # 江岸区 (tree.d1)
    return Area.objects.get(code=code)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["code"]
        skip_postgeneration_save = True  # the version hook saves its own row; the programme is unchanged

    kind = ProgrammeKind.SOCIAL_INSURANCE
    code = factory.LazyAttribute(lambda o: o.kind.replace("_", "-"))
    name = factory.LazyAttribute(lambda o: str(ProgrammeKind(o.kind).label))

    @factory.post_generation
    def version(self, create, extracted, **kwargs):
        """Every programme made here has a version in force since 2020 (``version=False``: none)."""
        if create and extracted is not False and not self.versions.exists():
            ProgrammeVersionFactory(programme=self, **kwargs)


class ProgrammeVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeVersion

    programme = factory.SubFactory(ProgrammeFactory, version=False)
    number = factory.LazyAttribute(lambda o: o.programme.versions.count() + 1)
    effective_from = datetime.date(2020, 1, 1)
    parameters = factory.LazyAttribute(lambda o: dict(PARAMETERS[o.programme.kind]))
    source = "示例数值（测试用）"


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application of a person in community c1 (保成社区) for three months from this month."""

    class Meta:
        model = Application

    programme = factory.SubFactory(ProgrammeFactory)
    version = factory.LazyAttribute(lambda o: o.programme.versions.order_by("-effective_from").first())
    person = factory.SubFactory(PersonFactory)
    area = factory.LazyAttribute(lambda o: o.person.area)
    applicant_type = factory.LazyAttribute(lambda o: APPLICANT_TYPE[o.programme.kind])
    channel = Channel.WINDOW
    entered_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)
    period_start = factory.LazyFunction(this_month)
    period_end = factory.LazyAttribute(lambda o: month_end(o.period_start + datetime.timedelta(days=62)))
    basis_fen = 60_000
    monthly_amount_fen = 40_000
    amount_requested_fen = 120_000
    payee_name = factory.LazyAttribute(lambda o: o.person.name)
    payee_account = factory.Sequence(lambda n: f"6222020200{n:08d}")
    status = ApplicationStatus.SUBMITTED


class FundFactory(factory.django.DjangoModelFactory):
    """A district's fund for this year with one million yuan allocated (through the balance only:
    use ``subsidies.services.funds.fund_allocate`` where the ledger matters)."""

    class Meta:
        model = Fund
        django_get_or_create = ["area", "year"]

    area = factory.LazyFunction(district)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    budget_fen = 100_000_000
    prior_year_revenue_fen = 5_000_000_000
    allocated_fen = 100_000_000


# For the jurisdiction guard (tests/scoped_records.py): one record of each scoped model in an area.
SUBSIDY_RECORD_FACTORIES = {
    Application: lambda area: ApplicationFactory(area=area, person=PersonFactory(area=area)),
    Fund: lambda area: FundFactory(area=area),
    # programmes are city-wide (no area): every staff member reads them; staff pages address them by code
    Programme: lambda area: ProgrammeFactory(),
    # payment cycles and their lines (tests/subsidies/payments_support.py, imported when first used)
    PaymentCycle: lambda area: import_module("tests.subsidies.payments_support").cycle_in(area),
    Payment: lambda area: import_module("tests.subsidies.payments_support").payment_in(area),
    # allocation runs, shares and inputs (tests/subsidies/factories_funds.py)
    **__import__("tests.subsidies.factories_funds", fromlist=["FUND_RECORD_FACTORIES"]).FUND_RECORD_FACTORIES,
}


