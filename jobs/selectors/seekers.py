"""Reads of job seekers, their applications and referrals.

Three kinds of reader: the job seeker (only their own profile and applications), the employer
(only applicants to its own vacancies) and the clerk (seekers and referrals in scope, through
``visible_to``). Anything else reads as nothing; the views answer 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, Q, QuerySet

from jobs.constants import ReferralOutcome
from jobs.models import Application, Referral, SeekerProfile, Vacancy
from portal.constants import AccountType, AreaLevel, StaffRole
from portal.models import Area, StatusChange, User
from portal.reference.models import Occupation

PICKER_LIMIT = 20


# --- Reference choices ------------------------------------------------------------------------


def occupation_middle_groups_by_major() -> list[tuple[Occupation, list[Occupation]]]:
    """Middle groups grouped under their major group, for a grouped multi-select (two queries)."""
    majors = list(Occupation.objects.filter(parent__isnull=True)
                  .prefetch_related(Prefetch("children", queryset=Occupation.objects.order_by("code")))
                  .order_by("code"))
    return [(major, list(major.children.all())) for major in majors]


def occupations_by_codes(*, codes: Iterable[str]) -> list[Occupation]:
    codes = [str(c) for c in codes]
    return list(Occupation.objects.filter(code__in=codes).select_related("parent")) if codes else []


def districts() -> list[Area]:
    return list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code"))


def areas_by_codes(*, codes: Iterable[str]) -> list[Area]:
    codes = [str(c) for c in codes]
    return list(Area.objects.filter(code__in=codes)) if codes else []


# --- The job seeker's own records -------------------------------------------------------------


def _profile_queryset() -> QuerySet[SeekerProfile]:
    return (SeekerProfile.objects.select_related("account", "area", "area__parent", "area__parent__parent")
            .prefetch_related(Prefetch("wanted_occupations", queryset=Occupation.objects.order_by("code")),
                              Prefetch("wanted_areas", queryset=Area.objects.order_by("code"))))


def seeker_profile_of(*, fetched_by: User) -> SeekerProfile | None:
    """The signed-in job seeker's profile, or None (also for anyone who is not a job seeker)."""
    if not _is_job_seeker(fetched_by):
        return None
    return _profile_queryset().filter(account=fetched_by).first()


def seeker_home_area(*, fetched_by: User) -> Area | None:
    """Where the signed-in job seeker lives, from their profile (the home page's "near me"); one
    query, none for anyone who is not a job seeker."""
    if not _is_job_seeker(fetched_by):
        return None
    profile = SeekerProfile.objects.select_related("area").only("area").filter(account=fetched_by).first()
    return profile.area if profile is not None else None


def seeker_has_profile(*, fetched_by: User) -> bool:
    return _is_job_seeker(fetched_by) and SeekerProfile.objects.filter(account=fetched_by).exists()


def _is_job_seeker(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.account_type == AccountType.JOB_SEEKER)


def _is_employer(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.account_type == AccountType.EMPLOYER)


def _application_queryset() -> QuerySet[Application]:
    # The seeker and the vacancy's employer hold the accounts the application's moves are decided by.
    return Application.objects.select_related("vacancy", "vacancy__employer", "vacancy__area", "area", "seeker")


def seeker_applications(*, fetched_by: User, vacancy_id: int | None = None) -> QuerySet[Application]:
    """The signed-in job seeker's applications, newest first."""
    if not _is_job_seeker(fetched_by):
        return Application.objects.none()
    applications = _application_queryset().filter(seeker__account=fetched_by)
    if vacancy_id is not None:
        applications = applications.filter(vacancy_id=vacancy_id)
    return applications.order_by("-applied_at", "-id")


def seeker_application(*, fetched_by: User, pk: int) -> Application | None:
    return seeker_applications(fetched_by=fetched_by).filter(pk=pk).first()


PANEL_SIZE = 5


def seeker_applications_panel(*, fetched_by: User) -> dict | None:
    """The "My applications" panel of the job seeker's own page: the latest applications, or what to
    do first (fill in the profile, find a job) when there are none yet. Never empty for a job seeker."""
    if not _is_job_seeker(fetched_by):
        return None
    latest = list(seeker_applications(fetched_by=fetched_by)[:PANEL_SIZE + 1])
    return {"applications": latest[:PANEL_SIZE], "more": len(latest) > PANEL_SIZE,
            "has_profile": bool(latest) or seeker_has_profile(fetched_by=fetched_by)}


def seeker_application_for_vacancy(*, fetched_by: User, vacancy: Vacancy) -> Application | None:
    """The job seeker's application to this vacancy, if any (for the apply box)."""
    return seeker_applications(fetched_by=fetched_by, vacancy_id=vacancy.pk).first()


def public_vacancy(*, pk: int) -> Vacancy | None:
    """A vacancy anyone may see and apply to: published and not past its closing date."""
    return Vacancy.objects.public().select_related("employer", "area", "occupation").filter(pk=pk).first()


# --- The employer's applicants ----------------------------------------------------------------


def employer_vacancy(*, fetched_by: User, pk: int) -> Vacancy | None:
    """One of the employer's own vacancies (any status), or None."""
    if not _is_employer(fetched_by):
        return None
    return (Vacancy.objects.select_related("employer", "area", "occupation")
            .filter(pk=pk, employer__account=fetched_by).first())


def employer_applicants(*, fetched_by: User, vacancy: Vacancy | None = None) -> QuerySet[Application]:
    """Applications to the employer's own vacancies, with what the employer needs to judge them."""
    if not _is_employer(fetched_by):
        return Application.objects.none()
    applications = (Application.objects.filter(vacancy__employer__account=fetched_by)
                    .select_related("vacancy", "vacancy__employer", "seeker", "seeker__account", "seeker__area",
                                    "seeker__area__parent", "seeker__area__parent__parent")
                    .prefetch_related(Prefetch("seeker__wanted_occupations",
                                               queryset=Occupation.objects.order_by("code"))))
    if vacancy is not None:
        applications = applications.filter(vacancy=vacancy)
    return applications.order_by("-applied_at", "-id")


def employer_applicant(*, fetched_by: User, pk: int) -> Application | None:
    return employer_applicants(fetched_by=fetched_by).filter(pk=pk).first()


# --- Status histories -------------------------------------------------------------------------


def status_histories(*, objects: Sequence) -> dict[int, list[StatusChange]]:
    """The status changes of many records of one model in one query, keyed by primary key; each
    change carries ``to_label``, the display name of the status it moved to."""
    objects = list(objects)
    if not objects:
        return {}
    meta = type(objects[0])._meta
    labels = dict(meta.get_field("status").choices or [])
    histories: dict[int, list[StatusChange]] = {obj.pk: [] for obj in objects}
    changes = (StatusChange.objects.filter(object_type=meta.label_lower, object_id__in=[str(obj.pk) for obj in objects])
               .select_related("actor").order_by("changed_at", "id"))
    for change in changes:
        change.to_label = labels.get(change.to_status, change.to_status)
        histories[int(change.object_id)].append(change)
    return histories


def attach_histories(objects: Sequence) -> Sequence:
    """Set ``history`` on each record (one query for all of them) and return the records."""
    histories = status_histories(objects=objects)
    for obj in objects:
        obj.history = histories.get(obj.pk, [])
    return objects


# --- Clerks: seekers and referrals in scope ---------------------------------------------------


def staff_seekers() -> QuerySet[SeekerProfile]:
    """Base of the clerks' seeker pages; the scoped views narrow it with ``visible_to``."""
    return (SeekerProfile.objects.select_related("account", "area")
            .prefetch_related(Prefetch("wanted_occupations", queryset=Occupation.objects.order_by("code")))
            .order_by("-updated_at", "-id"))


def staff_seeker_detail() -> QuerySet[SeekerProfile]:
    return _profile_queryset()


def seekers_search_for_staff(*, fetched_by: User, q: str, limit: int = PICKER_LIMIT) -> list[SeekerProfile]:
    """Job seekers in the clerk's scope whose name, username or phone contains ``q``."""
    q = (q or "").strip()
    if not q:
        return []
    return list(SeekerProfile.objects.visible_to(fetched_by, roles=[StaffRole.CLERK])
                .filter(Q(account__full_name__icontains=q) | Q(account__username__icontains=q)
                        | Q(account__phone__icontains=q))
                .select_related("account", "area").order_by("account__full_name", "id")[:limit])


def seeker_for_staff(*, fetched_by: User, pk: int | str | None) -> SeekerProfile | None:
    """A job seeker in the clerk's scope, or None (missing and out of scope look the same)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (SeekerProfile.objects.visible_to(fetched_by, roles=[StaffRole.CLERK])
            .select_related("account", "area").filter(pk=pk).first())


def public_vacancies_search(*, q: str, limit: int = PICKER_LIMIT) -> list[Vacancy]:
    """A simple keyword picker over public vacancies (title or employer name)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(Vacancy.objects.public().filter(Q(title__icontains=q) | Q(employer__name__icontains=q))
                .select_related("employer", "area").order_by("-published_at", "-id")[:limit])


def public_vacancy_by_id(*, pk: int | str | None) -> Vacancy | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return public_vacancy(pk=pk)


def staff_referrals() -> QuerySet[Referral]:
    """Base of the clerks' referral pages; the scoped views narrow it with ``visible_to``."""
    return Referral.objects.select_related("seeker", "seeker__account", "vacancy", "vacancy__employer",
                                           "referred_by", "area")


def seeker_applications_for_staff(*, fetched_by: User, seeker: SeekerProfile) -> list[Application]:
    """A seeker's applications, for a clerk who may see the seeker (checked by the caller's view)."""
    if not seeker_for_staff(fetched_by=fetched_by, pk=seeker.pk):
        return []
    return list(Application.objects.filter(seeker=seeker).select_related("vacancy", "vacancy__employer")
                .order_by("-applied_at", "-id")[:50])


def seeker_referrals_for_staff(*, fetched_by: User, seeker: SeekerProfile) -> list[Referral]:
    """A seeker's referrals as far as the clerk's scope reaches."""
    return list(Referral.objects.visible_to(fetched_by, roles=[StaffRole.CLERK]).filter(seeker=seeker)
                .select_related("vacancy", "vacancy__employer", "referred_by").order_by("-referred_at", "-id")[:50])


def referrals_for_seeker(*, seeker: SeekerProfile, since: datetime.date | datetime.datetime,
                         fetched_by: User | None = None, outcomes: Iterable[str] | None = None) -> QuerySet[Referral]:
    """A job seeker's referrals made on or after ``since``, oldest first.

    For the registration module's referral commitment (a hard-to-employ person referred within 10
    working days). Called from a page, pass ``fetched_by`` to limit to the reader's scope; a task
    checking the commitment passes none and reads the seeker it was given.
    """
    referrals = Referral.objects.filter(seeker=seeker)
    if fetched_by is not None:
        referrals = referrals.visible_to(fetched_by, roles=[StaffRole.CLERK])
    if isinstance(since, datetime.datetime):
        referrals = referrals.filter(referred_at__gte=since)
    else:
        referrals = referrals.filter(referred_at__date__gte=since)
    if outcomes is not None:
        referrals = referrals.filter(status__in=list(outcomes))
    return referrals.select_related("vacancy", "vacancy__employer", "referred_by").order_by("referred_at", "id")


def pending_referral(*, seeker: SeekerProfile, vacancy: Vacancy) -> Referral | None:
    return Referral.objects.filter(seeker=seeker, vacancy=vacancy, status=ReferralOutcome.PENDING).first()
