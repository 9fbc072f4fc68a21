"""The facts the HR market gives decision support (see ``analytics.facts``).

Each set is one grouped query over one table within a district's prefix, answering one day:

- vacancies open at the end of the day (published by then, not closed by then, closing date not
  passed), counted as postings and as positions (the headcount asked for), at the workplace;
- active job seekers: seekers who applied for a vacancy or were referred in the
  ``ACTIVE_SEEKER_DAYS`` days up to the day, at their residence (the denominator of vacancies per
  job seeker, 求人倍率, which analytics derives when read: positions ÷ active seekers);
- referrals made on the day and referrals that ended in a hire on the day, at the seeker's residence;
- applications made on the day and applications that ended in a hire on the day, at the workplace.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from analytics.constants import FactKind
from analytics.facts import Fact, FactSet, day_bounds
from jobs.constants import ApplicationStatus, ReferralOutcome, VacancyStatus
from jobs.models import Application, Referral, SeekerProfile, Vacancy

VACANCIES = "vacancies"
VACANCY_POSITIONS = "vacancy_positions"
ACTIVE_SEEKERS = "active_seekers"
REFERRALS = "referrals"
REFERRAL_HIRES = "referral_hires"
APPLICATIONS = "applications"
APPLICATION_HIRES = "application_hires"

# A job seeker counts as active on a day when they applied or were referred in this many days up to
# it (the day included): the market's own activity, as the quarterly supply-and-demand tables count
# seekers registered in the period, kept short so the ratio follows the market month by month.
ACTIVE_SEEKER_DAYS = 30


def _tagged(rows, keys: dict[str, str]) -> Iterator[tuple[str, str, int]]:
    for row in rows:
        for column, key in keys.items():
            if row[column]:
                yield row["area_id"], key, row[column]


def vacancy_rows(day: datetime.date, prefix: str):
    _start, end = day_bounds(day)
    rows = (Vacancy.objects
            .filter(area_path__startswith=prefix, status__in=[VacancyStatus.PUBLISHED, VacancyStatus.CLOSED],
                    published_at__lt=end, closing_date__gte=day)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
            .values("area_id").annotate(postings=Count("id"), positions=Sum("headcount")).order_by())
    return _tagged(rows, {"postings": VACANCIES, "positions": VACANCY_POSITIONS})


def active_seeker_rows(day: datetime.date, prefix: str):
    _start, end = day_bounds(day)
    since, _ = day_bounds(day - datetime.timedelta(days=ACTIVE_SEEKER_DAYS - 1))
    applied = Application.objects.filter(seeker=OuterRef("pk"), applied_at__gte=since, applied_at__lt=end)
    referred = Referral.objects.filter(seeker=OuterRef("pk"), referred_at__gte=since, referred_at__lt=end)
    rows = (SeekerProfile.objects.filter(area_path__startswith=prefix)
            .filter(Exists(applied) | Exists(referred))
            .values("area_id").annotate(n=Count("id")).order_by())
    return _tagged(rows, {"n": ACTIVE_SEEKERS})


def referral_rows(day: datetime.date, prefix: str):
    start, end = day_bounds(day)
    made = Q(referred_at__gte=start, referred_at__lt=end)
    hired = Q(status=ReferralOutcome.HIRED, outcome_on=day)
    rows = (Referral.objects.filter(area_path__startswith=prefix).filter(made | hired)
            .values("area_id").annotate(made=Count("id", filter=made), hired=Count("id", filter=hired)).order_by())
    return _tagged(rows, {"made": REFERRALS, "hired": REFERRAL_HIRES})


def application_rows(day: datetime.date, prefix: str):
    start, end = day_bounds(day)
    made = Q(applied_at__gte=start, applied_at__lt=end)
    hired = Q(status=ApplicationStatus.HIRED, hired_on=day)
    rows = (Application.objects.filter(area_path__startswith=prefix).filter(made | hired)
            .values("area_id").annotate(made=Count("id", filter=made), hired=Count("id", filter=hired)).order_by())
    return _tagged(rows, {"made": APPLICATIONS, "hired": APPLICATION_HIRES})


VACANCY_UNIT = _("vacancies")
POSITION_UNIT = _("positions")
PERSONS = _("persons")

FACTS = [
    FactSet(facts=(
        Fact(VACANCIES, _("Vacancies open"), FactKind.STOCK, unit=VACANCY_UNIT, order=40),
        Fact(VACANCY_POSITIONS, _("Positions open"), FactKind.STOCK, unit=POSITION_UNIT, order=41),
    ), rows=vacancy_rows),
    FactSet(facts=(
        Fact(ACTIVE_SEEKERS, _("Active job seekers"), FactKind.STOCK, unit=PERSONS, order=42),
    ), rows=active_seeker_rows),
    FactSet(facts=(
        Fact(REFERRALS, _("Referrals made"), FactKind.FLOW, unit=_("referrals"), order=43),
        Fact(REFERRAL_HIRES, _("Hires through referrals"), FactKind.FLOW, unit=PERSONS, order=44),
    ), rows=referral_rows),
    FactSet(facts=(
        Fact(APPLICATIONS, _("Applications made"), FactKind.FLOW, unit=_("applications"), order=45),
        Fact(APPLICATION_HIRES, _("Hires through applications"), FactKind.FLOW, unit=PERSONS, order=46),
    ), rows=application_rows),
]
