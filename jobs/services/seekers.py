"""Job seeker profile: the one write of a seeker's own profile."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jobs.constants import (
    EXPERIENCE_MAX,
    SALARY_CEILING,
    SEEKER_AREA_LEVELS,
    SKILLS_MAX,
    SUMMARY_MAX,
    WANTED_AREA_LEVELS,
    WANTED_AREAS_MAX,
    WANTED_OCCUPATIONS_MAX,
    JobsEvent,
)
from jobs.models import SeekerProfile
from portal.audit import audit_record
from portal.constants import AccountType
from portal.models import Area, User
from portal.reference.education import Education
from portal.reference.models import Occupation


def _error(field: str, message: str, code: str) -> tuple[str, ValidationError]:
    return field, ValidationError(message, code=code)


def _check_profile(*, area: Area | None, education: str, experience_years, skills: str, summary: str,
                   expected_salary, wanted_occupations: list[Occupation], wanted_areas: list[Area]) -> None:
    problems: list[tuple[str, ValidationError]] = []
    if area is None:
        problems.append(_error("area", _("Choose the community where you live."), "required"))
    elif area.level not in SEEKER_AREA_LEVELS:
        problems.append(_error("area", _("Choose down to your community."), "level"))
    if education not in Education.values:
        problems.append(_error("education", _("Choose an education level from the list."), "invalid_choice"))
    if not isinstance(experience_years, int) or isinstance(experience_years, bool) \
            or not 0 <= experience_years <= EXPERIENCE_MAX:
        problems.append(_error("experience_years", _("Years of experience must be a whole number from 0 to %(max)s.")
                               % {"max": EXPERIENCE_MAX}, "range"))
    if len(skills) > SKILLS_MAX:
        problems.append(_error("skills", _("Skills can be at most %(max)s characters (now %(length)s).")
                               % {"max": SKILLS_MAX, "length": len(skills)}, "max_length"))
    if len(summary) > SUMMARY_MAX:
        problems.append(_error("summary", _("“About me” can be at most %(max)s characters (now %(length)s).")
                               % {"max": SUMMARY_MAX, "length": len(summary)}, "max_length"))
    if expected_salary is not None and (not isinstance(expected_salary, int) or isinstance(expected_salary, bool)
                                        or not 0 <= expected_salary <= SALARY_CEILING):
        problems.append(_error("expected_salary", _("The expected monthly salary must be from 0 to %(max)s yuan.")
                               % {"max": SALARY_CEILING}, "range"))
    if any(occupation.parent_id is None for occupation in wanted_occupations):
        problems.append(_error("wanted_occupations", _("Choose occupations at the middle-group level."), "level"))
    if len(wanted_occupations) > WANTED_OCCUPATIONS_MAX:
        problems.append(_error("wanted_occupations", _("Choose at most %(max)s occupations.")
                               % {"max": WANTED_OCCUPATIONS_MAX}, "too_many"))
    if any(wanted.level not in WANTED_AREA_LEVELS for wanted in wanted_areas):
        problems.append(_error("wanted_areas", _("Choose districts as wanted work areas."), "level"))
    if len(wanted_areas) > WANTED_AREAS_MAX:
        problems.append(_error("wanted_areas", _("Choose at most %(max)s districts.") % {"max": WANTED_AREAS_MAX},
                               "too_many"))
    if problems:
        errors: dict[str, list[ValidationError]] = {}
        for field, error in problems:
            errors.setdefault(field, []).append(error)
        raise ValidationError(errors)


def _snapshot(profile: SeekerProfile | None) -> dict:
    if profile is None or profile.pk is None:
        return {}
    return {
        "area": profile.area_id, "education": profile.education, "experience_years": profile.experience_years,
        "skills": profile.skills, "expected_salary": profile.expected_salary, "summary": profile.summary,
        "is_graduate": profile.is_graduate,
        "wanted_occupations": sorted(profile.wanted_occupations.values_list("code", flat=True)),
        "wanted_areas": sorted(profile.wanted_areas.values_list("code", flat=True)),
    }


@transaction.atomic
def seeker_profile_save(
    *, actor: User, area: Area | None, education: str = Education.NONE, experience_years: int = 0,
    skills: str = "", wanted_occupations: Iterable[Occupation] = (), wanted_areas: Iterable[Area] = (),
    expected_salary: int | None = None, summary: str = "", is_graduate: bool = False,
) -> SeekerProfile:
    """Create or update the job seeker's own profile; audited with the old and new values."""
    if not actor.is_authenticated or actor.account_type != AccountType.JOB_SEEKER:
        raise PermissionDenied(_("Only job seekers have a profile."))
    skills, summary = (skills or "").strip(), (summary or "").strip()
    wanted_occupations = list(dict.fromkeys(wanted_occupations))
    wanted_areas = list(dict.fromkeys(wanted_areas))
    _check_profile(area=area, education=education, experience_years=experience_years, skills=skills,
                   summary=summary, expected_salary=expected_salary, wanted_occupations=wanted_occupations,
                   wanted_areas=wanted_areas)

    # Lock the profile so two saves at once apply one after the other.
    profile = SeekerProfile.objects.select_for_update().filter(account=actor).first()
    old = _snapshot(profile)
    values = {"area": area, "education": education, "experience_years": experience_years, "skills": skills,
              "expected_salary": expected_salary, "summary": summary, "is_graduate": is_graduate}
    if profile is None:
        try:
            with transaction.atomic():
                profile = SeekerProfile.objects.create(account=actor, **values)
        except IntegrityError:  # created by a parallel request a moment ago: update that one
            profile = SeekerProfile.objects.select_for_update().get(account=actor)
            old = _snapshot(profile)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    profile.wanted_occupations.set(wanted_occupations)
    profile.wanted_areas.set(wanted_areas)
    new = _snapshot(profile)
    audit_record(event_type=JobsEvent.SEEKER_PROFILE_SAVED, actor=actor, obj=profile,
                 old={k: v for k, v in old.items() if new.get(k) != v} if old else None,
                 new={k: v for k, v in new.items() if old.get(k) != v} if old else new)
    return profile
