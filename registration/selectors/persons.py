"""Reads about persons: the staff search (identity number via its hash, name, phone), a person's
page with everything registered about them, and the job seeker's own record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from portal.constants import AccountType
from portal.models import Area, User
from registration.constants import OPEN_UNEMPLOYMENT_STATUSES
from registration.identity import identity_lookup_hash, identity_number_like
from registration.models import (
    AgencyService,
    EmploymentRegistration,
    HardshipCase,
    Person,
    TrainingEnrolment,
    UnemploymentRegistration,
)
from registration.selectors.commitments import commitment_for_person

_DIGITS = re.compile(r"\d+")


def person_staff_base() -> QuerySet[Person]:
    """Persons with their areas, for staff pages and viewsets (the scoped bases narrow it)."""
    return Person.objects.select_related("area", "household_area").order_by("name", "id")


def person_search(queryset: QuerySet[Person], q: str) -> QuerySet[Person]:
    """Narrow to persons matching what was typed: a whole identity number (exact, through its
    lookup hash), a phone number (or its beginning), or part of a name."""
    q = re.sub(r"\s+", "", q or "")
    if not q:
        return queryset
    if identity_number_like(q):
        key = identity_lookup_hash(q)
        return queryset.filter(id_hash=key) if key else queryset.none()
    if _DIGITS.fullmatch(q):
        return queryset.filter(phone__startswith=q) if len(q) >= 3 else queryset.none()
    return queryset.filter(Q(name__icontains=q))


@dataclass
class PersonRecords:
    """What a person's page shows, each part limited to the reader's scope."""

    unemployment: list[UnemploymentRegistration] = field(default_factory=list)
    employment: list[EmploymentRegistration] = field(default_factory=list)
    cases: list[HardshipCase] = field(default_factory=list)
    trainings: list[TrainingEnrolment] = field(default_factory=list)
    agency_services: list[AgencyService] = field(default_factory=list)

    @property
    def open_unemployment(self) -> UnemploymentRegistration | None:
        return next((r for r in self.unemployment if r.status in OPEN_UNEMPLOYMENT_STATUSES), None)

    @property
    def current_employment(self) -> EmploymentRegistration | None:
        return next((r for r in self.employment if r.ended_on is None), None)


def person_records(*, person: Person, fetched_by: User | None) -> PersonRecords:
    """A person's registrations, hard-to-employ cases, trainings and agency services.

    Staff (``fetched_by``) see the records of their scope; the job seeker's own page passes
    ``fetched_by=None`` after checking that the person is theirs, and sees everything.
    """
    def scoped(queryset):
        return queryset.visible_to(fetched_by) if fetched_by is not None else queryset

    return PersonRecords(
        unemployment=list(scoped(UnemploymentRegistration.objects.filter(person=person))
                          .select_related("area", "confirmed_by").order_by("-registered_on", "-id")),
        employment=list(scoped(EmploymentRegistration.objects.filter(person=person))
                        .select_related("area", "registered_by").order_by("-started_on", "-id")),
        cases=list(scoped(HardshipCase.objects.filter(person=person))
                   .select_related("area", "commitment").prefetch_related("categories")
                   .order_by("-submitted_at", "-id")),
        trainings=list(scoped(TrainingEnrolment.objects.filter(person=person))
                       .select_related("entered_by").order_by("-starts_on", "-id")),
        agency_services=list(scoped(AgencyService.objects.filter(person=person))
                             .select_related("entered_by").order_by("-started_on", "-id")),
    )


def person_of_user(*, fetched_by: User | None) -> Person | None:
    """The signed-in job seeker's own person record (linked by account), if any."""
    if fetched_by is None or not fetched_by.is_authenticated:
        return None
    return Person.objects.select_related("area", "household_area").filter(account=fetched_by).first()


def person_home_area(*, fetched_by: User | None) -> Area | None:
    """Where the signed-in job seeker lives by their real-name record (the home page's "near me");
    one query, none for anyone who is not a job seeker."""
    if fetched_by is None or not fetched_by.is_authenticated or fetched_by.account_type != AccountType.JOB_SEEKER:
        return None
    person = Person.objects.select_related("area").only("area").filter(account=fetched_by).first()
    return person.area if person is not None else None


def my_registration_panel(*, fetched_by: User | None) -> dict | None:
    """The "My registration" panel of a job seeker's own page (``/me/``): the person's unemployment
    and employment registration and their referral commitment, or, before the account is linked
    to a person record, nothing but the way to link it. None for anyone who is no job seeker."""
    if fetched_by is None or not fetched_by.is_authenticated or fetched_by.account_type != AccountType.JOB_SEEKER:
        return None
    person = person_of_user(fetched_by=fetched_by)
    if person is None:
        return {"person": None}
    return {
        "person": person,
        "unemployment": UnemploymentRegistration.objects.filter(person=person)
        .order_by("-registered_on", "-id").first(),
        "employment": EmploymentRegistration.objects.filter(person=person, ended_on__isnull=True)
        .order_by("-started_on", "-id").first(),
        "commitment": commitment_for_person(person=person),
    }
