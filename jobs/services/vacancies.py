"""Vacancies (岗位登记): posting, changes, review by the district, closing and nightly expiry.

A verified employer posts its own vacancies, or a clerk posts one on its behalf. New and edited
vacancies wait for review; the workplace's district publishes them or returns them with a reason.
A returned vacancy is edited and resubmitted. A published one is closed when filled or withdrawn
(by the employer or the district), or by the nightly task once its closing date has passed.

Who may take each step (and that a clerk who posted a vacancy does not review it) is declared once,
in ``jobs.constants.VACANCY_WORKFLOW``; every status change goes through
``portal.workflow.transition``, which checks it on the locked row.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import (
    DESCRIPTION_MAX,
    EMPLOYER_ACCOUNT,
    MANUAL_CLOSE_REASONS,
    PHONE_PATTERN,
    RETURN_REASON_MAX,
    TITLE_MAX,
    VACANCY_POSTER_ROLES,
    VACANCY_WORKFLOW,
    WORKPLACE_LEVELS,
    CloseReason,
    EmployerStatus,
    JobsEvent,
    VacancyStatus,
)
from jobs.models import Employer, Vacancy
from jobs.search import vacancy_search_text
from portal.audit import audit_record
from portal.models import Area, User
from portal.reference.models import Industry, Occupation
from portal.scoping import area_in_scope, assert_in_scope
from portal.workflow import authorize, transition

PHONE = re.compile(PHONE_PATTERN)

VACANCY_FIELDS = (
    "title", "occupation", "industry", "area", "headcount", "salary_min", "salary_max", "education",
    "experience_years", "working_time", "description", "benefits", "contact_name", "contact_phone",
    "closing_date", "is_public_welfare", "open_to_hard_to_employ", "for_graduates",
)
# Fields a service checks itself, with clearer messages than the model's.
_SELF_CHECKED = ("title", "description", "occupation", "industry", "area", "closing_date")
_NOT_INPUT = ("employer", "area_path", "status", "return_reason", "close_reason", "posted_by", "created_at",
              "published_at", "closed_at", "search_text", "search_vector")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _locked(vacancy: Vacancy) -> Vacancy:
    return (Vacancy.objects.select_for_update(of=("self",)).select_related("area", "employer")
            .get(pk=vacancy.pk))


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(VACANCY_FIELDS)
    if unknown:
        raise TypeError(f"unknown vacancy fields: {sorted(unknown)}")
    clean = dict(fields)
    for name in ("title", "benefits", "contact_name", "contact_phone"):
        if isinstance(clean.get(name), str):
            clean[name] = clean[name].strip()
    # The description is kept exactly as typed (pages show it as text), only without outer blank lines.
    if isinstance(clean.get("description"), str):
        clean["description"] = clean["description"].strip("\r\n")
    return clean


def _check_vacancy(vacancy: Vacancy, *, today: datetime.date, check_closing_date: bool = True) -> None:
    """Every field error at once, keyed by field, with codes the API passes on."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    try:
        vacancy.clean_fields(exclude=[*_SELF_CHECKED, *_NOT_INPUT])
    except ValidationError as exc:
        for name, field_errors in exc.error_dict.items():
            errors.setdefault(name, []).extend(field_errors)

    title = vacancy.title or ""
    if not title.strip():
        add("title", _("Enter the job title."), "required")
    elif len(title) > TITLE_MAX:
        add("title", _("The job title can have at most %(limit)d characters (it has %(count)d).")
            % {"limit": TITLE_MAX, "count": len(title)}, "max_length")
    description = vacancy.description or ""
    if not description.strip():
        add("description", _("Describe the job: duties, requirements, working place."), "required")
    elif len(description) > DESCRIPTION_MAX:
        add("description", _("The description can have at most %(limit)d characters (it has %(count)d).")
            % {"limit": DESCRIPTION_MAX, "count": len(description)}, "max_length")

    occupation: Occupation | None = vacancy.occupation if vacancy.occupation_id else None
    if occupation is None:
        add("occupation", _("Choose an occupation."), "required")
    elif occupation.parent_id is None:
        add("occupation", _("Choose a middle group of occupations, not a major group."), "level")
    if vacancy.industry_id is None:
        add("industry", _("Choose an industry."), "required")

    area: Area | None = vacancy.area if vacancy.area_id else None
    if area is None:
        add("area", _("Choose the workplace: a street or a community."), "required")
    elif area.level not in WORKPLACE_LEVELS:
        add("area", _("Choose the workplace down to a street or a community; “%(name)s” is a %(level)s.")
            % {"name": area.name, "level": area.get_level_display()}, "level")

    if (isinstance(vacancy.salary_min, int) and isinstance(vacancy.salary_max, int)
            and vacancy.salary_min > vacancy.salary_max and "salary_min" not in errors):
        add("salary_min", _("The minimum salary cannot be above the maximum (%(max)d yuan).")
            % {"max": vacancy.salary_max}, "salary_range")

    if vacancy.closing_date is None:
        add("closing_date", _("Enter the closing date."), "required")
    elif check_closing_date and vacancy.closing_date < today:
        add("closing_date", _("The closing date cannot be in the past."), "past")

    if vacancy.contact_phone and not PHONE.match(vacancy.contact_phone) and "contact_phone" not in errors:
        add("contact_phone", _("Enter a telephone number: digits, with - or spaces."), "invalid")
    if errors:
        raise ValidationError(errors)


def _index(vacancy: Vacancy) -> None:
    vacancy.search_text = vacancy_search_text(title=vacancy.title, employer_name=vacancy.employer.name,
                                              description=vacancy.description)


def _summary(vacancy: Vacancy, names=VACANCY_FIELDS) -> dict[str, Any]:
    return {name: getattr(vacancy, f"{name}_id" if name in ("occupation", "industry", "area") else name)
            for name in names}


@transaction.atomic
def vacancy_post(
    *, actor: User, employer: Employer, title: str, occupation: Occupation | None, industry: Industry | None,
    area: Area | None, headcount: int, salary_min: int, salary_max: int, description: str,
    contact_name: str, contact_phone: str, closing_date: datetime.date | None, education: str = "none",
    experience_years: int = 0, working_time: str = "full_time", benefits: str = "",
    is_public_welfare: bool = False, open_to_hard_to_employ: bool = False, for_graduates: bool = False,
) -> Vacancy:
    """A verified employer posts a vacancy, or a clerk posts one for an employer in the clerk's area.

    The vacancy waits for review by the workplace's district.
    """
    # Posting creates a record, so no step of the workflow covers it: the employer's own account,
    # or a clerk of the employer's area, on the locked employer.
    employer = Employer.objects.select_for_update(of=("self",)).select_related("area").get(pk=employer.pk)
    owner = EMPLOYER_ACCOUNT.allows(actor, employer)
    if not owner:
        assert_in_scope(actor, employer.area, roles=VACANCY_POSTER_ROLES)
    if employer.status != EmployerStatus.VERIFIED:
        message = (_("Your organisation has not been verified yet. You can post vacancies once the district "
                     "employment service has verified it.") if owner
                   else _("This employer has not been verified yet; verify it before posting its vacancies."))
        raise _error(NON_FIELD_ERRORS if owner else "employer", message, "not_verified")
    fields = _normalise(dict(
        title=title, occupation=occupation, industry=industry, area=area, headcount=headcount,
        salary_min=salary_min, salary_max=salary_max, education=education, experience_years=experience_years,
        working_time=working_time, description=description, benefits=benefits, contact_name=contact_name,
        contact_phone=contact_phone, closing_date=closing_date, is_public_welfare=is_public_welfare,
        open_to_hard_to_employ=open_to_hard_to_employ, for_graduates=for_graduates))
    vacancy = Vacancy(employer=employer, posted_by=actor, status=VacancyStatus.PENDING, **fields)
    _check_vacancy(vacancy, today=timezone.localdate())
    if not owner and not area_in_scope(actor, vacancy.area, roles=VACANCY_POSTER_ROLES):
        raise _error("area", _("The workplace must be inside your own area."), "out_of_scope")
    _index(vacancy)
    vacancy.save()
    audit_record(event_type=JobsEvent.VACANCY_POSTED, actor=actor, obj=vacancy,
                 new={"employer": employer.pk, **_summary(vacancy)})
    return vacancy


@transaction.atomic
def vacancy_update(*, actor: User, vacancy: Vacancy, **fields: Any) -> Vacancy:
    """The employer edits a vacancy that is awaiting review or was returned; it stays in that status."""
    row = _locked(vacancy)
    authorize(instance=row, workflow=VACANCY_WORKFLOW, action="edit", actor=actor, field=NON_FIELD_ERRORS,
              code="not_editable")
    fields = _normalise(fields)
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    if not changed:
        return row
    old = _summary(row, changed)
    for name, value in changed.items():
        setattr(row, name, value)
    _check_vacancy(row, today=timezone.localdate())
    _index(row)
    row.save()
    audit_record(event_type=JobsEvent.VACANCY_UPDATED, actor=actor, obj=row, old=old,
                 new=_summary(row, changed))
    return row


def _closing_date_not_passed(vacancy: Vacancy) -> None:
    if vacancy.closing_date < timezone.localdate():
        raise _error("closing_date", _("The closing date has passed; change it before resubmitting."), "past")


def vacancy_resubmit(*, actor: User, vacancy: Vacancy) -> Vacancy:
    """After editing, the employer sends a returned vacancy back for review."""
    return transition(instance=vacancy, workflow=VACANCY_WORKFLOW, to=VacancyStatus.PENDING, actor=actor,
                      check=_closing_date_not_passed, changes={"return_reason": ""})


def _publishable(vacancy: Vacancy) -> None:
    if vacancy.employer.status != EmployerStatus.VERIFIED:
        raise _error(NON_FIELD_ERRORS, _("The employer is not verified; it cannot publish vacancies."),
                     "employer_not_verified")
    if vacancy.closing_date < timezone.localdate():
        raise _error(NON_FIELD_ERRORS, _("The closing date has passed; return the vacancy so the employer "
                                         "can change it."), "expired")


def vacancy_publish(*, actor: User, vacancy: Vacancy) -> Vacancy:
    """The district publishes a vacancy awaiting review: anyone can find it from now on."""
    return transition(instance=vacancy, workflow=VACANCY_WORKFLOW, to=VacancyStatus.PUBLISHED, actor=actor,
                      check=_publishable, changes={"published_at": timezone.now(), "return_reason": ""})


def vacancy_return(*, actor: User, vacancy: Vacancy, reason: str) -> Vacancy:
    """Send a vacancy back to the employer with what to correct."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("Say what the employer should correct."), "required")
    if len(reason) > RETURN_REASON_MAX:
        raise _error("reason", _("The reason can have at most %(limit)d characters (it has %(count)d).")
                     % {"limit": RETURN_REASON_MAX, "count": len(reason)}, "max_length")
    return transition(instance=vacancy, workflow=VACANCY_WORKFLOW, to=VacancyStatus.RETURNED, actor=actor,
                      note=reason, changes={"return_reason": reason})


def vacancy_close(*, actor: User, vacancy: Vacancy, reason: str) -> Vacancy:
    """The employer or the district closes a vacancy: filled or withdrawn."""
    if reason not in MANUAL_CLOSE_REASONS:
        raise _error("reason", _("Choose why the vacancy closes: filled or withdrawn."), "invalid_choice")
    return transition(instance=vacancy, workflow=VACANCY_WORKFLOW, to=VacancyStatus.CLOSED, actor=actor,
                      note=str(CloseReason(reason).label),
                      changes={"close_reason": reason, "closed_at": timezone.now()})


def vacancies_expire(*, today: datetime.date | None = None) -> int:
    """Nightly: close published vacancies whose closing date has passed, as expired.

    Each vacancy closes in its own transaction, so one failure does not undo the others; a
    rerun finds nothing left to close, and a vacancy someone closed meanwhile is skipped.
    """
    today = today or timezone.localdate()
    due = list(Vacancy.objects.filter(status=VacancyStatus.PUBLISHED, closing_date__lt=today)
               .order_by("pk").values_list("pk", flat=True))
    closed = 0
    for pk in due:
        try:
            transition(instance=Vacancy(pk=pk), workflow=VACANCY_WORKFLOW, to=VacancyStatus.CLOSED, actor=None,
                       changes={"close_reason": CloseReason.EXPIRED, "closed_at": timezone.now()})
        except ValidationError:  # no longer published: closed by someone else since the list was read
            continue
        closed += 1
    return closed
