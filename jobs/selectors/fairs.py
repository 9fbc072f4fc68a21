"""Reads about job fairs: the public listing, a fair's participants and slots, and each user's own
sign-ups, bookings and offered slots.

Counts are correlated subqueries, so a list costs the same number of queries whatever its length
and a fair with many employers and sign-ups does not multiply rows.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from jobs.constants import FAIR_AREA_LEVELS, FAIR_ORGANISERS, EmployerStatus, FairPeriod, FairStatus
from jobs.models import Employer, FairParticipation, FairSignup, InterviewSlot, JobFair, SeekerProfile, Vacancy
from portal.constants import AccountType
from portal.models import Area, User


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery, 0 when it has no rows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _with_counts(queryset: QuerySet[JobFair], *, public_vacancies: bool) -> QuerySet[JobFair]:
    vacancies = Vacancy.objects.public() if public_vacancies else Vacancy.objects.all()
    return queryset.annotate(
        employer_count=SubqueryCount(FairParticipation.objects.filter(fair=OuterRef("pk")).values("pk")),
        vacancy_count=SubqueryCount(vacancies.filter(fair_participations__fair=OuterRef("pk")).values("pk")),
        signup_count=SubqueryCount(FairSignup.objects.filter(fair=OuterRef("pk")).values("pk")),
    )


# --- Public -----------------------------------------------------------------------------------


def fair_public_list(*, fetched_by: User | None) -> QuerySet[JobFair]:
    """Published fairs with their numbers of employers, public vacancies and sign-ups.

    Narrow with ``fairs_in_period``; anyone may read this, signed in or not.
    """
    published = JobFair.objects.filter(status=FairStatus.PUBLISHED).select_related("area", "industry")
    return _with_counts(published, public_vacancies=True)


def fairs_in_period(queryset: QuerySet[JobFair], *, period: str) -> QuerySet[JobFair]:
    """Upcoming fairs (including one under way) soonest first; past fairs latest first."""
    now = timezone.now()
    if period == FairPeriod.PAST:
        return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    return queryset.filter(ends_at__gte=now).order_by("starts_at", "id")


HOME_FAIRS = 4
HOME_FAIR_DAYS = 7


def fairs_this_week(*, fetched_by: User | None, limit: int = HOME_FAIRS) -> list[JobFair]:
    """Published fairs from today to ``HOME_FAIR_DAYS`` days ahead (one under way included), soonest
    first, with their counts; one query."""
    today = timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start_of_today + datetime.timedelta(days=HOME_FAIR_DAYS + 1)
    fairs = fairs_in_period(fair_public_list(fetched_by=fetched_by), period=FairPeriod.UPCOMING)
    return list(fairs.filter(starts_at__lt=end)[:limit])


def fair_public_visible(*, fetched_by: User | None) -> QuerySet[JobFair]:
    """Fairs as the public sees them, with their counts: published, or cancelled after people had
    joined them (so they learn it is off). Drafts, and fairs cancelled before anyone saw them, are
    not found."""
    active = (Exists(FairParticipation.objects.filter(fair=OuterRef("pk")))
              | Exists(FairSignup.objects.filter(fair=OuterRef("pk"))))
    visible = JobFair.objects.filter(Q(status=FairStatus.PUBLISHED) | (Q(status=FairStatus.CANCELLED) & active))
    return _with_counts(visible.select_related("area", "industry"), public_vacancies=True)


def fair_public_get(*, fetched_by: User | None, pk: int) -> JobFair | None:
    """One fair as the public sees it (``fair_public_visible``); None if there is none."""
    return fair_public_visible(fetched_by=fetched_by).filter(pk=pk).first()


def fair_is_open(fair: JobFair) -> bool:
    """A fair can be joined, signed up to and booked while it is published and not over."""
    return fair.status == FairStatus.PUBLISHED and fair.ends_at > timezone.now()


def employer_may_join_fairs(employer: Employer) -> bool:
    """Only an organisation the district has verified takes part in fairs."""
    return employer.status == EmployerStatus.VERIFIED


def fair_public_participants(*, fair: JobFair, fetched_by: User | None) -> list[FairParticipation]:
    """Participating employers, each with only its public vacancies (``public_vacancies``)."""
    public = Vacancy.objects.public().select_related("area", "occupation").order_by("title", "id")
    return list(FairParticipation.objects.filter(fair=fair).select_related("employer", "employer__industry")
                .prefetch_related(Prefetch("vacancies", queryset=public, to_attr="public_vacancies"))
                .order_by("employer__name", "id"))


def fair_free_slots(*, fair: JobFair, fetched_by: User | None) -> QuerySet[InterviewSlot]:
    """Interview slots still free and in the future. Their meeting links are for the booker only."""
    return (InterviewSlot.objects.filter(participation__fair=fair, booked_by__isnull=True,
                                         starts_at__gt=timezone.now())
            .select_related("participation__employer", "vacancy").order_by("starts_at", "id"))


def interview_slots_bookable(*, fetched_by: User | None) -> QuerySet[InterviewSlot]:
    """Slots of published fairs, to book by id; the service decides whether this user may book one."""
    return (InterviewSlot.objects.filter(participation__fair__status=FairStatus.PUBLISHED)
            .select_related("participation__fair"))


# --- A user's own records ---------------------------------------------------------------------


def seeker_profile_of(*, fetched_by: User) -> SeekerProfile | None:
    if not fetched_by.is_authenticated or fetched_by.account_type != AccountType.JOB_SEEKER:
        return None
    return SeekerProfile.objects.filter(account=fetched_by).first()


def employer_of(*, fetched_by: User) -> Employer | None:
    if not fetched_by.is_authenticated or fetched_by.account_type != AccountType.EMPLOYER:
        return None
    return Employer.objects.filter(account=fetched_by).first()


def seeker_fair_state(*, fair: JobFair, fetched_by: User) -> dict:
    """For a job seeker on a fair's page: have I signed up, and my bookings at this fair."""
    profile = seeker_profile_of(fetched_by=fetched_by)
    if profile is None:
        return {"profile": None, "signed_up": False, "bookings": []}
    return {
        "profile": profile,
        "signed_up": FairSignup.objects.filter(fair=fair, seeker=profile).exists(),
        "bookings": list(InterviewSlot.objects.filter(participation__fair=fair, booked_by=profile)
                         .select_related("participation__employer", "vacancy").order_by("starts_at")),
    }


def employer_fair_state(*, fair: JobFair, fetched_by: User) -> dict:
    """For an employer on a fair's page: may I join, my participation and my slots with who booked them."""
    employer = employer_of(fetched_by=fetched_by)
    if employer is None:
        return {"employer": None, "may_join": False, "participation": None, "slots": []}
    participation = (FairParticipation.objects.filter(fair=fair, employer=employer)
                     .prefetch_related("vacancies").first())
    slots = []
    if participation is not None:
        slots = list(participation.slots.select_related("vacancy", "booked_by__account").order_by("starts_at"))
    return {"employer": employer, "may_join": employer_may_join_fairs(employer), "participation": participation,
            "slots": slots}


def employer_participation(*, fair: JobFair, fetched_by: User) -> FairParticipation | None:
    employer = employer_of(fetched_by=fetched_by)
    if employer is None:
        return None
    return FairParticipation.objects.filter(fair=fair, employer=employer).first()


def participation_vacancies(*, participation: FairParticipation, fetched_by: User) -> QuerySet[Vacancy]:
    """The vacancies an employer brought to a fair (its own participation only)."""
    return Vacancy.objects.filter(fair_participations=participation,
                                  fair_participations__employer__account=fetched_by).order_by("title", "id")


def employer_public_vacancies(*, fetched_by: User) -> QuerySet[Vacancy]:
    """The employer's own vacancies that are published and open: those it can bring to a fair."""
    return Vacancy.objects.public().filter(employer__account=fetched_by).order_by("title", "id")


def vacancies_nameable(*, fetched_by: User) -> QuerySet[Vacancy]:
    """Every vacancy an API request may name by id (an id that names none is ``unknown``); the
    service decides whether the user may bring or offer it."""
    return Vacancy.objects.all()


def my_interview_slots(*, fetched_by: User) -> QuerySet[InterviewSlot]:
    """A job seeker's booked interviews, or an employer's offered slots with who booked them."""
    slots = InterviewSlot.objects.select_related(
        "participation__fair", "participation__employer", "vacancy", "booked_by__account")
    if fetched_by.is_authenticated and fetched_by.account_type == AccountType.JOB_SEEKER:
        return slots.filter(booked_by__account=fetched_by).order_by("starts_at", "id")
    if fetched_by.is_authenticated and fetched_by.account_type == AccountType.EMPLOYER:
        return slots.filter(participation__employer__account=fetched_by).order_by("starts_at", "id")
    return slots.none()


# --- Staff ------------------------------------------------------------------------------------


def fair_staff_base() -> QuerySet[JobFair]:
    """Fairs with their counts for staff pages and viewsets; the scoped bases narrow it to the
    user's jurisdiction (``visible_to``)."""
    return _with_counts(JobFair.objects.select_related("area", "industry", "organised_by"),
                        public_vacancies=False).order_by("-starts_at", "-id")


def fair_staff_participations(*, fair: JobFair, fetched_by: User) -> list[FairParticipation]:
    """Participants of a fair in the reader's jurisdiction, with vacancies and slot counts."""
    visible = JobFair.objects.visible_to(fetched_by, roles=FAIR_ORGANISERS.roles).filter(pk=fair.pk)
    booked = InterviewSlot.objects.filter(participation=OuterRef("pk"), booked_by__isnull=False)
    return list(
        FairParticipation.objects.filter(fair__in=visible).select_related("employer")
        .annotate(slot_count=SubqueryCount(InterviewSlot.objects.filter(participation=OuterRef("pk")).values("pk")),
                  booked_count=SubqueryCount(booked.values("pk")))
        .prefetch_related(Prefetch("vacancies", queryset=Vacancy.objects.order_by("title", "id")))
        .order_by("employer__name", "id"))


def fair_organiser_areas(*, fetched_by: User) -> QuerySet[Area]:
    """Areas the user may organise a fair for: city, district or street level in their scope (the
    page offers only these)."""
    return (Area.objects.visible_to(fetched_by, roles=FAIR_ORGANISERS.roles, levels=FAIR_ORGANISERS.levels)
            .filter(level__in=FAIR_AREA_LEVELS).order_by("path"))


def fair_nameable_areas(*, fetched_by: User) -> QuerySet[Area]:
    """Every area an API request may name by code (a code that names none is ``unknown_area``); the
    service decides whether the user organises fairs there."""
    return Area.objects.all()
