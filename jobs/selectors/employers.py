"""Reads of employers that a user triggers."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jobs.constants import EMPLOYER_WORKFLOW, VacancyStatus
from jobs.models import Employer
from portal.constants import AccountType, StaffRole
from portal.models import StatusChange, User
from portal.reference.models import Industry
from portal.workflow import awaiting, status_history, takes_part

# Staff who work with employers: clerks verify them, administrators make member units.
EMPLOYER_STAFF_ROLES = [StaffRole.CLERK, StaffRole.ADMINISTRATOR]


def employer_of_account(*, fetched_by: User) -> Employer | None:
    """The organisation the signed-in employer account registered, if any."""
    if not fetched_by.is_authenticated or fetched_by.account_type != AccountType.EMPLOYER:
        return None
    return _with_counts(Employer.objects.filter(account=fetched_by)).select_related("area", "industry").first()


def _with_counts(employers: QuerySet[Employer]) -> QuerySet[Employer]:
    return employers.annotate(
        vacancy_count=Count("vacancies", distinct=True),
        published_count=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.PUBLISHED), distinct=True))


def employers_for_staff(*, fetched_by: User) -> QuerySet[Employer]:
    """Employers in the staff member's jurisdiction, with what lists and details show.

    Pages and viewsets built on ``portal.scoped_views`` narrow it again through their own base.
    """
    return (_with_counts(Employer.objects.visible_to(fetched_by, roles=EMPLOYER_STAFF_ROLES))
            .select_related("area", "industry", "verified_by").order_by("name", "id"))


def employer_for_staff(*, fetched_by: User, pk=None, credit_code: str | None = None) -> Employer | None:
    """One employer in the clerk's area, by id or by unified social credit code; None if not found."""
    employers = Employer.objects.visible_to(fetched_by, roles=[StaffRole.CLERK]).select_related("area")
    if pk is not None:
        return employers.filter(pk=pk).first() if str(pk).isdigit() else None
    if credit_code:
        return employers.filter(credit_code=credit_code.strip().upper()).first()
    return None


def employers_awaiting_verification(*, fetched_by: User) -> int | None:
    """How many employers awaiting verification the user may verify (the workbench's counter): those
    in the scope of the grants the verify step admits. None for a user holding no such grant."""
    if not takes_part(fetched_by, EMPLOYER_WORKFLOW, ["verify"]):
        return None
    return awaiting(Employer.objects.all(), user=fetched_by, workflow=EMPLOYER_WORKFLOW, steps=["verify"]).count()


def employer_history(*, employer: Employer, fetched_by: User) -> list[StatusChange]:
    """Verification moves of an employer, with status labels; callers have already resolved it within reach."""
    return status_history(instance=employer)


def industries() -> QuerySet[Industry]:
    return Industry.objects.order_by("code")


def industry_by_code(*, code: str) -> Industry | None:
    return Industry.objects.filter(code=str(code).strip().upper()).first() if code else None
