"""What the tests of programmes, applying and documents build on: applicants who really qualify for
each kind of programme (the eligibility rules run on registration and jobs data), and the inputs of a
good application."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.constants import AccountType
from portal.models import Area, User
from registration.constants import EmploymentKind
from registration.identity import identity_decrypt
from registration.models import Person
from subsidies.constants import ProgrammeKind
from subsidies.eligibility import month_end
from tests.factories import UserFactory
from tests.jobs.factories import AgencyFactory, EmployerFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory, UnemploymentRegistrationFactory
from tests.registration.factories_cases import ApprovedCaseFactory
from tests.subsidies.factories import ProgrammeFactory, this_month


def months_from_now(n: int) -> datetime.date:
    """The last day of the month ``n`` months after this one (0: this month)."""
    start = this_month()
    year, month = divmod(start.month - 1 + n, 12)
    return month_end(datetime.date(start.year + year, month + 1, 1))


def hard_to_employ_flexible(area: Area, **fields) -> Person:
    """An approved hard-to-employ person in registered flexible employment since before this month."""
    person = PersonFactory(area=area, **fields)
    start = this_month()
    ApprovedCaseFactory(person=person, area=area, approved_on=start - datetime.timedelta(days=365))
    EmploymentRegistrationFactory(person=person, area=area, kind=EmploymentKind.FLEXIBLE,
                                  started_on=start - datetime.timedelta(days=30), employer_name="")
    return person


def linked_seeker(person: Person) -> User:
    """A job seeker account linked to ``person``."""
    user = UserFactory(account_type=AccountType.JOB_SEEKER, full_name=person.name)
    person.account = user
    person.save(update_fields=["account"])
    return user


def social_insurance_input(**changes) -> dict:
    """A good claim: three months from this month, 600 yuan contributions a month (2/3: 400 a month)."""
    return {"period_start": this_month(), "period_end": months_from_now(2), "basis_fen": 60_000,
            "payee_name": "张三", "payee_account": "6222020200001234567", **changes}


def graduate_hire(area: Area, *, employer=None, graduated: int | None = None):
    """A college graduate hired by a verified small employer since before this month."""
    employer = employer or EmployerFactory(area=area)
    person = PersonFactory(area=area, education="bachelor")
    EmploymentRegistrationFactory(person=person, area=area, kind=EmploymentKind.ENTERPRISE_HIRE, employer=employer,
                                  started_on=this_month() - datetime.timedelta(days=10),
                                  employer_name=employer.name)
    return employer, person


def public_welfare_post(area: Area, *, employer=None):
    """An approved hard-to-employ person in a public-welfare post of ``employer`` since before this month."""
    employer = employer or EmployerFactory(area=area)
    person = PersonFactory(area=area)
    ApprovedCaseFactory(person=person, area=area, approved_on=this_month() - datetime.timedelta(days=200))
    EmploymentRegistrationFactory(person=person, area=area, kind=EmploymentKind.PUBLIC_WELFARE, employer=employer,
                                  started_on=this_month() - datetime.timedelta(days=10), employer_name=employer.name)
    return employer, person


def referral_placement(area: Area, *, days_ago: int = 10):
    """A registered unemployed person placed (employment registered) ``days_ago`` days ago, and a
    licensed agency."""
    person = PersonFactory(area=area)
    placed_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    UnemploymentRegistrationFactory(person=person, area=area, registered_on=placed_on - datetime.timedelta(days=60))
    EmploymentRegistrationFactory(person=person, area=area, started_on=placed_on)
    agency = AgencyFactory(valid_from=placed_on - datetime.timedelta(days=365))
    return agency, person, placed_on


def identity_of(person: Person) -> str:
    return identity_decrypt(person.id_encrypted)


def programme(kind: str = ProgrammeKind.SOCIAL_INSURANCE, **parameters):
    """The programme of ``kind`` (the factory's parameters, changed by ``parameters``)."""
    found = ProgrammeFactory(kind=kind)
    if parameters:
        version = found.versions.get()
        version.parameters = {**version.parameters, **parameters}
        version.save(update_fields=["parameters"])
    return found
