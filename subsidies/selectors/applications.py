"""Reads for applying: the applicant's own applications with their timeline, the persons, employers
and agencies a window clerk or an employer may name, and who may download a document."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from jobs.models import Agency, Employer
from portal.constants import AccountType, StaffRole
from portal.models import User
from portal.workflow import status_history
from registration.identity import identity_lookup_hash
from registration.models import EmploymentRegistration, Person
from registration.selectors.cases import person_for_intake, persons_for_intake
from subsidies.constants import (
    APPLICANT_TYPE,
    COMMUNITY_CLERKS,
    STEP_OF_STATUS,
    ApplicantType,
    ApplicationStatus,
)
from subsidies.models import Application, SupportingDocument
from subsidies.selectors.programmes import STEP_LABELS
from subsidies.services.documents import documents_missing

# --- The applicant's own ------------------------------------------------------------------------


def _own(user: User | None) -> Q | None:
    """The applications a signed-in account follows: those it applied for (online, or entered at a
    window for its person or its organisation), and a person's own applications entered before the
    account was linked."""
    if user is None or not user.is_authenticated:
        return None
    return Q(applicant_account=user) | Q(applicant_type=ApplicantType.PERSON, person__account=user)


def my_applications(*, fetched_by: User | None) -> QuerySet[Application]:
    """The account's applications, newest first, with what a list row shows (one query a page)."""
    own = _own(fetched_by)
    if own is None:
        return Application.objects.none()
    return (Application.objects.filter(own).select_related("programme", "person", "employer", "agency")
            .order_by("-submitted_at", "-id"))


def my_application(*, fetched_by: User | None, pk) -> Application | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    own = _own(fetched_by)
    if own is None:
        return None
    return (Application.objects.filter(own, pk=pk)
            .select_related("programme", "version", "person", "employer", "agency", "area").first())


def my_applications_panel(*, fetched_by: User | None) -> dict | None:
    """The "My subsidy applications" panel of ``/me/``: the latest few, or what to do first. None for
    accounts that do not apply (staff)."""
    if fetched_by is None or not fetched_by.is_authenticated or fetched_by.account_type not in (
            AccountType.JOB_SEEKER, AccountType.EMPLOYER):
        return None
    rows = list(my_applications(fetched_by=fetched_by)[:5])
    linked = True
    if fetched_by.account_type == AccountType.JOB_SEEKER:
        linked = Person.objects.filter(account=fetched_by).exists()
    return {"applications": rows, "linked": linked, "is_employer": fetched_by.account_type == AccountType.EMPLOYER}


@dataclass
class TimelineEntry:
    at: datetime.datetime | datetime.date
    label: str
    note: str = ""
    due_on: datetime.date | None = None
    overdue_since: datetime.date | None = None
    current: bool = False


@dataclass
class ApplicationPage:
    application: Application
    documents: list[SupportingDocument]
    missing: list[tuple[str, str]]
    timeline: list[TimelineEntry] = field(default_factory=list)
    waiting_for: str = ""


def application_timeline(application: Application) -> list[TimelineEntry]:
    """Submission, then every status change (its note is the reason given), then what it waits for
    now with its due date and overdue flag."""
    history = status_history(instance=application)
    entries = [TimelineEntry(at=application.submitted_at, label=str(ApplicationStatus.SUBMITTED.label))]
    for change in history:
        entries.append(TimelineEntry(at=change.changed_at, label=change.to_label, note=change.note))
    step = STEP_OF_STATUS.get(application.status)
    if step == "approve" and application.needs_city_approval:
        step = "approve_for_city"
    if step is not None:
        entries.append(TimelineEntry(at=application.due_on or timezone.localdate(), label=str(STEP_LABELS[step]),
                                     due_on=application.due_on, overdue_since=application.overdue_since,
                                     current=True))
    return entries


def application_page(*, application: Application) -> ApplicationPage:
    """What the applicant's page of one application shows (a fixed number of queries)."""
    documents = list(SupportingDocument.objects.filter(application=application).select_related("uploaded_by"))
    return ApplicationPage(application=application, documents=documents,
                           missing=documents_missing(application, documents),
                           timeline=application_timeline(application))


def application_documents(application: Application) -> list[SupportingDocument]:
    """An application's documents, for a reader the caller has already checked."""
    return list(SupportingDocument.objects.filter(application=application))


def my_document(*, fetched_by: User | None, application_pk, pk) -> SupportingDocument | None:
    """A document of one of the account's own applications."""
    application = my_application(fetched_by=fetched_by, pk=application_pk)
    if application is None:
        return None
    try:
        return SupportingDocument.objects.filter(application=application, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def staff_document(*, application: Application, pk) -> SupportingDocument | None:
    """A document of an application the caller found through the scoped queryset."""
    try:
        return SupportingDocument.objects.filter(application=application, pk=int(pk)).select_related(
            "application").first()
    except (TypeError, ValueError):
        return None


# --- Whom an employer or a window may name -------------------------------------------------------


def employer_of(*, fetched_by: User | None) -> Employer | None:
    if fetched_by is None or not fetched_by.is_authenticated or fetched_by.account_type != AccountType.EMPLOYER:
        return None
    return Employer.objects.select_related("area").filter(account=fetched_by).first()


def employee_by_identity(*, fetched_by: User | None, identity_number: str, name: str) -> Person | None:
    """The person an employer names by identity number and name: found only when both match and the
    person's employment with this employer is registered; None otherwise, whichever part failed, so
    the lookup cannot be used to probe for persons."""
    employer = employer_of(fetched_by=fetched_by)
    key = identity_lookup_hash(identity_number or "")
    if employer is None or key is None:
        return None
    person = Person.objects.select_related("area").filter(id_hash=key).first()
    if person is None or person.name != (name or "").strip():
        return None
    if not EmploymentRegistration.objects.filter(person=person, employer=employer).exists():
        return None
    return person


def window_persons(*, fetched_by: User, q: str) -> list[Person]:
    """Persons of the clerk's community found by identity number, name or phone (registration's lookup)."""
    return persons_for_intake(fetched_by=fetched_by, q=q)


def window_person(*, fetched_by: User, pk) -> Person | None:
    return person_for_intake(fetched_by=fetched_by, pk=pk)


def window_employer(*, fetched_by: User, credit_code: str) -> Employer | None:
    """An employer registered in the clerk's community, by its unified social credit code."""
    code = (credit_code or "").strip().upper()
    if not code or len(code) > 18 or not code.isalnum():
        return None
    return (Employer.objects.visible_to(fetched_by, roles=COMMUNITY_CLERKS.roles, levels=COMMUNITY_CLERKS.levels)
            .select_related("area").filter(credit_code=code).first())


def agency_by_licence(*, licence_number: str) -> Agency | None:
    """A licensed agency by its licence number (agencies are public; the rules check the licence)."""
    number = (licence_number or "").strip()
    if not number or len(number) > 60 or "\x00" in number:
        return None
    return Agency.objects.filter(licence_number=number).first()


def applicant_type_of(programme) -> str:
    return APPLICANT_TYPE[programme.kind]


CLERK_ROLES = [StaffRole.CLERK]
