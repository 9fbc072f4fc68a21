"""Reads of vacancies that a user triggers: the employer's own, and the staff lists."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jobs.constants import VACANCY_WORKFLOW, VacancyStatus
from jobs.models import Vacancy
from portal.constants import AccountType, AreaLevel, StaffRole
from portal.models import Area, StatusChange, User
from portal.reference.models import Occupation
from portal.workflow import awaiting, status_history, takes_part

VACANCY_STAFF_ROLES = [StaffRole.CLERK]
_LIST_RELATED = ("employer", "occupation", "industry", "area")


def vacancies_for_staff(*, fetched_by: User) -> QuerySet[Vacancy]:
    """Vacancies whose workplace is in the clerk's jurisdiction, with what lists show.

    Pages and viewsets built on ``portal.scoped_views`` narrow it again through their own base.
    """
    return (Vacancy.objects.visible_to(fetched_by, roles=VACANCY_STAFF_ROLES)
            .select_related(*_LIST_RELATED, "posted_by").defer("search_text", "search_vector"))


def vacancy_review_queue(*, fetched_by: User) -> QuerySet[Vacancy]:
    """Vacancies awaiting review in the clerk's jurisdiction, the longest waiting first."""
    return vacancies_for_staff(fetched_by=fetched_by).filter(status=VacancyStatus.PENDING).order_by("created_at", "id")


def vacancies_awaiting_my_review(*, fetched_by: User) -> int | None:
    """How many vacancies awaiting review the user may publish (the workbench's counter): those in
    the scope of the grants the publish step admits, less the ones it must leave to another clerk
    (maker ≠ checker). None for a user holding no such grant: reviewing is not their work."""
    if not takes_part(fetched_by, VACANCY_WORKFLOW, ["publish"]):
        return None
    return awaiting(Vacancy.objects.all(), user=fetched_by, workflow=VACANCY_WORKFLOW, steps=["publish"]).count()


def employer_vacancies(*, fetched_by: User) -> QuerySet[Vacancy]:
    """The signed-in employer's own vacancies, newest first; nothing for anyone else."""
    if not fetched_by.is_authenticated or fetched_by.account_type != AccountType.EMPLOYER:
        return Vacancy.objects.none()
    return (Vacancy.objects.filter(employer__account=fetched_by)
            .select_related(*_LIST_RELATED).defer("search_text", "search_vector")
            .order_by("-created_at", "-id"))


def employer_vacancy(*, fetched_by: User, pk) -> Vacancy:
    """One of the signed-in employer's own vacancies; another's reads as not found."""
    vacancy = employer_vacancies(fetched_by=fetched_by).filter(pk=pk).first()
    if vacancy is None:
        raise Http404(_("Not found."))
    return vacancy


def vacancy_history(*, vacancy: Vacancy, fetched_by: User) -> list[StatusChange]:
    """Status moves of a vacancy, with status labels; callers have already resolved it within reach."""
    return status_history(instance=vacancy)


def occupation_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Middle groups under their major group, for a grouped <select>."""
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for occupation in Occupation.objects.filter(parent__isnull=False).select_related("parent").order_by("code"):
        major = occupation.parent
        groups.setdefault(major.code, (f"{major.code} {major.name}", []))[1].append(
            (occupation.code, f"{occupation.code} {occupation.name}"))
    return list(groups.values())


def occupation_by_code(*, code: str) -> Occupation | None:
    return Occupation.objects.filter(code=str(code)).select_related("parent").first()


def districts() -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code")


def districts_in_scope(*, fetched_by: User | None) -> list[Area]:
    """Districts inside the clerk's jurisdiction, for the district filter."""
    if fetched_by is None:
        return []
    return list(Area.objects.visible_to(fetched_by, roles=VACANCY_STAFF_ROLES)
                .filter(level=AreaLevel.DISTRICT).order_by("code"))
