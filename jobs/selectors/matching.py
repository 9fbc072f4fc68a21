"""Matching: public vacancies ranked for a job seeker, and job seekers ranked for a vacancy.

The fit is computed in SQL, one query for the ranked list: each part is a ``Case``/``When``
annotation naming how well it fits, a total score orders the rows, and the reasons shown to the
reader are read back from the part annotations (no further queries).

- occupation: the same middle group (中类) beats the same major group (大类);
- place: distance in the tier tree between the seeker's residence or wanted work areas and the
  workplace: same community > same street > same district (or a wanted district) > same city;
- salary: the vacancy's maximum reaches the seeker's expected salary;
- education: the seeker meets the vacancy's requirement (``EDUCATION_RANK``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jobs.constants import ApplicationStatus, ReferralOutcome
from jobs.models import Application, Referral, SeekerProfile, Vacancy
from portal.constants import LEVEL_PREFIX_WIDTH, AreaLevel, StaffRole
from portal.models import User
from portal.reference.education import EDUCATION_RANK, Education

MATCH_LIMIT = 50

OCCUPATION_SCORES = {"middle": 40, "major": 20}
PLACE_SCORES = {"community": 30, "street": 24, "district": 16, "wanted_area": 16, "city": 6}
SALARY_SCORE = 15
EDUCATION_SCORE = 15


@dataclass(frozen=True)
class Reason:
    code: str
    label: Promise


REASONS = {
    "occupation_middle": _("Same occupation middle group"),   # 同一职业中类
    "occupation_major": _("Same occupation major group"),     # 同一职业大类
    "place_community": _("Same community"),                   # 同一社区
    "place_street": _("Same street"),                         # 同一街道
    "place_district": _("Same district"),                     # 同一区
    "place_wanted_area": _("In a wanted work area"),          # 期望工作区域
    "place_city": _("Same city"),                             # 同一城市
    "salary": _("Salary meets the expectation"),              # 薪资达到期望
    "education": _("Education meets the requirement"),        # 学历符合要求
}


def match_reasons(row) -> list[Reason]:
    """The reasons of one annotated row (a vacancy or a seeker), most important first."""
    codes = []
    if row.occupation_fit:
        codes.append(f"occupation_{row.occupation_fit}")
    if row.place_fit:
        codes.append(f"place_{row.place_fit}")
    if row.salary_fit:
        codes.append("salary")
    if row.education_fit:
        codes.append("education")
    return [Reason(code, REASONS[code]) for code in codes]


def _score(fit_field: str, scores: dict[str, int]) -> Case:
    return Case(*[When(**{fit_field: key}, then=Value(points)) for key, points in scores.items()],
                default=Value(0), output_field=IntegerField())


def _flag_score(fit_field: str, points: int) -> Case:
    return Case(When(**{fit_field: True}, then=Value(points)), default=Value(0), output_field=IntegerField())


def _ranked(queryset: QuerySet, *, occupation: Case, place: Case, salary: Q | None, education: Q) -> QuerySet:
    salary_fit = (Case(When(salary, then=Value(True)), default=Value(False), output_field=BooleanField())
                  if salary is not None else Value(False, output_field=BooleanField()))
    return (queryset
            .annotate(occupation_fit=occupation, place_fit=place, salary_fit=salary_fit,
                      education_fit=Case(When(education, then=Value(True)), default=Value(False),
                                         output_field=BooleanField()))
            .annotate(match_score=_score("occupation_fit", OCCUPATION_SCORES) + _score("place_fit", PLACE_SCORES)
                      + _flag_score("salary_fit", SALARY_SCORE) + _flag_score("education_fit", EDUCATION_SCORE)))


def _prefixes(path: str) -> dict[str, str]:
    """The path prefixes of an area and its ancestors from the community up to the city, by level."""
    return {level: path[:width] for level, width in LEVEL_PREFIX_WIDTH.items()
            if level in (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)
            and width <= len(path)}


def _place(prefixes: dict[str, str], *, wanted_area: Q | Exists | None) -> Case:
    """How near a record's area is to the area whose ``prefixes`` are given: the same community,
    street or district, a wanted work area (when the condition is given), or the same city."""
    whens = []
    if AreaLevel.COMMUNITY in prefixes:
        whens.append(When(area_path=prefixes[AreaLevel.COMMUNITY], then=Value("community")))
    if AreaLevel.STREET in prefixes:
        whens.append(When(area_path__startswith=prefixes[AreaLevel.STREET], then=Value("street")))
    if AreaLevel.DISTRICT in prefixes:
        whens.append(When(area_path__startswith=prefixes[AreaLevel.DISTRICT], then=Value("district")))
    if wanted_area is not None:
        whens.append(When(wanted_area, then=Value("wanted_area")))
    if AreaLevel.CITY in prefixes:
        whens.append(When(area_path__startswith=prefixes[AreaLevel.CITY], then=Value("city")))
    return Case(*whens, default=Value(""), output_field=CharField())


def _education_at_least(rank: int) -> list[str]:
    return [value for value in Education.values if EDUCATION_RANK[value] >= rank]


def _education_at_most(rank: int) -> list[str]:
    return [value for value in Education.values if EDUCATION_RANK[value] <= rank]


def _with_reasons(rows: list) -> list:
    for row in rows:
        row.reasons = match_reasons(row)
    return rows


# --- Vacancies for a job seeker ---------------------------------------------------------------


def vacancy_matches_queryset(*, seeker: SeekerProfile) -> QuerySet[Vacancy]:
    """Public vacancies annotated with their fit for ``seeker`` and ordered by it (not yet limited)."""
    wanted = list(seeker.wanted_occupations.all())
    middles = [o.code for o in wanted if o.parent_id]
    majors = sorted({o.parent_id or o.code for o in wanted})
    occupation_whens = []
    if middles:
        occupation_whens.append(When(occupation_id__in=middles, then=Value("middle")))
    if majors:
        occupation_whens.append(When(Q(occupation__parent_id__in=majors) | Q(occupation_id__in=majors),
                                     then=Value("major")))
    occupation = Case(*occupation_whens, default=Value(""), output_field=CharField())

    home = _prefixes(seeker.area.path) if seeker.area_id else {}
    wanted_areas = Q()
    for area in seeker.wanted_areas.all():
        wanted_areas |= Q(area_path__startswith=area.path)
    place = _place(home, wanted_area=wanted_areas if wanted_areas else None)

    salary = Q(salary_max__gte=seeker.expected_salary) if seeker.expected_salary is not None else None
    education = Q(education__in=_education_at_most(EDUCATION_RANK.get(seeker.education, 0)))
    applied = Application.objects.filter(vacancy=OuterRef("pk"), seeker=seeker)
    return (_ranked(Vacancy.objects.public(), occupation=occupation, place=place, salary=salary,
                    education=education)
            .annotate(already_applied=Exists(applied))
            .select_related("employer", "area", "occupation")
            .order_by("-match_score", "-published_at", "-id"))


def vacancy_matches(*, fetched_by: User, seeker: SeekerProfile, limit: int = MATCH_LIMIT) -> list[Vacancy]:
    """The best public vacancies for the signed-in job seeker's own profile, each with ``reasons``."""
    if seeker.account_id != fetched_by.pk:
        return []
    return _with_reasons(list(vacancy_matches_queryset(seeker=seeker)[:limit]))


# --- Job seekers for a vacancy (staff) --------------------------------------------------------


def candidate_matches_queryset(*, base: QuerySet[SeekerProfile], vacancy: Vacancy) -> QuerySet[SeekerProfile]:
    """``base`` job seekers annotated with their fit for ``vacancy`` and ordered by it."""
    wanted = SeekerProfile.wanted_occupations.through.objects.filter(seekerprofile_id=OuterRef("pk"))
    wanted_occupation = vacancy.occupation
    major = wanted_occupation.parent_id or wanted_occupation.code
    occupation_whens = []
    if wanted_occupation.parent_id:
        occupation_whens.append(When(Exists(wanted.filter(occupation_id=wanted_occupation.code)),
                                     then=Value("middle")))
    occupation_whens.append(When(Exists(wanted.filter(Q(occupation__parent_id=major) | Q(occupation_id=major))),
                                 then=Value("major")))
    occupation = Case(*occupation_whens, default=Value(""), output_field=CharField())

    work = _prefixes(vacancy.area.path)
    # A wanted work area contains the workplace when its path is one of the workplace's prefixes.
    wanted_areas = SeekerProfile.wanted_areas.through.objects.filter(
        seekerprofile_id=OuterRef("pk"), area__path__in=list(work.values()))
    place = _place(work, wanted_area=Exists(wanted_areas))

    salary = Q(expected_salary__isnull=False, expected_salary__lte=vacancy.salary_max)
    education = Q(education__in=_education_at_least(EDUCATION_RANK.get(vacancy.education, 0)))
    pending = Referral.objects.filter(seeker=OuterRef("pk"), vacancy=vacancy, status=ReferralOutcome.PENDING)
    applied = Application.objects.filter(seeker=OuterRef("pk"), vacancy=vacancy).exclude(
        status=ApplicationStatus.WITHDRAWN)
    return (_ranked(base, occupation=occupation, place=place, salary=salary, education=education)
            .annotate(referral_pending=Exists(pending), already_applied=Exists(applied))
            .select_related("account", "area")
            .order_by("-match_score", "-updated_at", "-id"))


def vacancies_for_candidates() -> QuerySet[Vacancy]:
    """Base of the clerks' candidates page; the scoped view narrows it with ``visible_to``. Each
    vacancy says whether it is public (``Vacancy.objects.public``), in the same query."""
    return (Vacancy.objects.select_related("employer", "area", "occupation", "occupation__parent")
            .annotate(is_public=Exists(Vacancy.objects.public().filter(pk=OuterRef("pk")))))


def staff_vacancy_for_candidates(*, fetched_by: User, pk: int) -> Vacancy | None:
    """A vacancy in the clerk's scope, or None (missing and out of scope look the same)."""
    return vacancies_for_candidates().visible_to(fetched_by, roles=[StaffRole.CLERK]).filter(pk=pk).first()


def vacancy_is_public(vacancy: Vacancy) -> bool:
    """Whether anyone may see the vacancy now (``Vacancy.objects.public`` says what that means)."""
    known = getattr(vacancy, "is_public", None)
    return known if known is not None else Vacancy.objects.public().filter(pk=vacancy.pk).exists()


def candidate_matches(*, fetched_by: User, vacancy: Vacancy, limit: int = MATCH_LIMIT) -> list[SeekerProfile]:
    """The best job seekers in the clerk's scope for a vacancy, each with ``reasons``."""
    base = SeekerProfile.objects.visible_to(fetched_by, roles=[StaffRole.CLERK])
    return _with_reasons(list(candidate_matches_queryset(base=base, vacancy=vacancy)[:limit]))
