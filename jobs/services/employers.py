"""Employers (用人单位): registration, changes, verification by the district, member units.

An employer account registers its organisation; it stays pending until the district verifies or
rejects it. A rejected employer corrects its details and resubmits. The district makes a verified
employer a member unit (会员单位) of the public HR market, or ends it. Who may take each step is
declared once, in ``jobs.constants.EMPLOYER_WORKFLOW``; ``portal.workflow`` checks it on the
locked row.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import (
    EMPLOYER_AREA_LEVELS,
    EMPLOYER_FIELDS_LOCKED_WHEN_VERIFIED,
    EMPLOYER_REASON_MAX,
    EMPLOYER_WORKFLOW,
    PHONE_PATTERN,
    EmployerStatus,
    JobsEvent,
)
from jobs.models import Employer, Vacancy
from jobs.search import vacancy_search_text
from jobs.validators import validate_credit_code
from portal.audit import audit_record
from portal.constants import AccountType
from portal.models import Area, User
from portal.reference.models import Industry
from portal.workflow import authorize, transition

EMPLOYER_FIELDS = ("name", "credit_code", "industry", "area", "address", "contact_name", "contact_phone",
                   "introduction")
PHONE = re.compile(PHONE_PATTERN)


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _locked(employer: Employer) -> Employer:
    return Employer.objects.select_for_update(of=("self",)).select_related("area").get(pk=employer.pk)


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    for name in ("name", "address", "contact_name", "contact_phone", "introduction"):
        if isinstance(clean.get(name), str):
            clean[name] = clean[name].strip()
    if isinstance(clean.get("credit_code"), str):
        clean["credit_code"] = clean["credit_code"].strip().upper()
    return clean


def _check_employer(employer: Employer) -> None:
    """All field errors at once, keyed by field, with codes."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        employer.clean_fields(exclude=["account", "credit_code", "area", "area_path", "industry", "status",
                                       "status_reason", "verified_at", "verified_by", "is_member_unit",
                                       "member_since", "created_at"])
    except ValidationError as exc:
        for name, field_errors in exc.error_dict.items():
            errors.setdefault(name, []).extend(field_errors)
    if not employer.credit_code:
        errors["credit_code"] = [ValidationError(_("Enter the unified social credit code."), code="required")]
    else:
        try:
            validate_credit_code(employer.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc.error_list
    if employer.industry_id is None:
        errors.setdefault("industry", []).append(ValidationError(_("Choose an industry."), code="required"))
    area: Area | None = employer.area if employer.area_id else None
    if area is None:
        errors.setdefault("area", []).append(ValidationError(_("Choose the community where the organisation is "
                                                               "registered."), code="required"))
    elif area.level not in EMPLOYER_AREA_LEVELS:
        errors.setdefault("area", []).append(ValidationError(
            _("Choose down to a community (社区); “%(name)s” is a %(level)s.")
            % {"name": area.name, "level": area.get_level_display()}, code="level"))
    if employer.contact_phone and not PHONE.match(employer.contact_phone) and "contact_phone" not in errors:
        errors["contact_phone"] = [ValidationError(_("Enter a telephone number: digits, with - or spaces."),
                                                   code="invalid")]
    if "credit_code" not in errors and (
            Employer.objects.filter(credit_code=employer.credit_code).exclude(pk=employer.pk).exists()):
        errors["credit_code"] = [ValidationError(
            _("An organisation with this unified social credit code is already registered. If it is yours, "
              "ask the district employment service window for help."), code="duplicate")]
    if errors:
        raise ValidationError(errors)


def _save(employer: Employer) -> None:
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError as exc:  # two registrations racing for one code: the database decides
        raise _error("credit_code", _("An organisation with this unified social credit code is already "
                                      "registered."), "duplicate") from exc


def _summary(employer: Employer) -> dict[str, Any]:
    return {"name": employer.name, "credit_code": employer.credit_code, "industry": employer.industry_id,
            "area": employer.area_id, "contact_name": employer.contact_name}


@transaction.atomic
def employer_register(
    *, actor: User, name: str, credit_code: str, industry: Industry | None, area: Area | None,
    contact_name: str, contact_phone: str, address: str = "", introduction: str = "",
) -> Employer:
    """An employer account registers its organisation; it waits for the district to verify it."""
    if not actor.is_authenticated or actor.account_type != AccountType.EMPLOYER:
        raise _error(NON_FIELD_ERRORS, _("Only employer accounts can register an organisation."), "not_employer")
    if Employer.objects.filter(account=actor).exists():
        raise _error(NON_FIELD_ERRORS, _("Your account has already registered an organisation."),
                     "already_registered")
    data = _normalise(dict(name=name, credit_code=credit_code, industry=industry, area=area,
                           contact_name=contact_name, contact_phone=contact_phone, address=address,
                           introduction=introduction))
    employer = Employer(account=actor, status=EmployerStatus.PENDING, **data)
    _check_employer(employer)
    _save(employer)
    audit_record(event_type=JobsEvent.EMPLOYER_REGISTERED, actor=actor, obj=employer, new=_summary(employer))
    return employer


@transaction.atomic
def employer_update(*, actor: User, employer: Employer, **fields: Any) -> Employer:
    """The employer changes its details. A new name is written into its vacancies' search text."""
    unknown = set(fields) - set(EMPLOYER_FIELDS)
    if unknown:
        raise TypeError(f"employer_update() got unknown fields: {sorted(unknown)}")
    row = _locked(employer)
    authorize(instance=row, workflow=EMPLOYER_WORKFLOW, action="edit", actor=actor)
    fields = _normalise(fields)
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    if row.status == EmployerStatus.VERIFIED:
        locked = [name for name in EMPLOYER_FIELDS_LOCKED_WHEN_VERIFIED if name in changed]
        if locked:
            raise ValidationError({name: [ValidationError(
                _("A verified organisation cannot change this; ask the district employment service window."),
                code="locked")] for name in locked})
    if not changed:
        return row
    old = {name: getattr(row, name) for name in changed}
    for name, value in changed.items():
        setattr(row, name, value)
    _check_employer(row)
    _save(row)
    if "name" in changed:
        _reindex_vacancies(row)
    audit_record(event_type=JobsEvent.EMPLOYER_UPDATED, actor=actor, obj=row, old=old, new=changed)
    return row


def _reindex_vacancies(employer: Employer, batch: int = 500) -> int:
    """The employer's name is part of every one of its vacancies' search text."""
    done = 0
    chunk: list[Vacancy] = []
    vacancies = Vacancy.objects.filter(employer=employer).only("pk", "title", "description").order_by("pk")
    for vacancy in vacancies.iterator(chunk_size=batch):
        vacancy.search_text = vacancy_search_text(title=vacancy.title, employer_name=employer.name,
                                                  description=vacancy.description)
        chunk.append(vacancy)
        if len(chunk) == batch:
            Vacancy.objects.bulk_update(chunk, ["search_text"])
            done, chunk = done + len(chunk), []
    if chunk:
        Vacancy.objects.bulk_update(chunk, ["search_text"])
    return done + len(chunk)


def employer_verify(*, actor: User, employer: Employer) -> Employer:
    """The district vouches for the organisation: its vacancies can be published from now on."""
    return transition(instance=employer, workflow=EMPLOYER_WORKFLOW, to=EmployerStatus.VERIFIED, actor=actor,
                      changes={"verified_at": timezone.now(), "verified_by": actor, "status_reason": ""})


def _clean_reason(reason: str | None, *, limit: int) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("Give the reason, so the applicant knows what to correct."), "required")
    if len(reason) > limit:
        raise _error("reason", _("The reason can have at most %(limit)d characters (it has %(count)d).")
                     % {"limit": limit, "count": len(reason)}, "max_length")
    return reason


def employer_reject(*, actor: User, employer: Employer, reason: str) -> Employer:
    """Not verified, with the reason the employer reads to correct its details."""
    reason = _clean_reason(reason, limit=EMPLOYER_REASON_MAX)
    return transition(instance=employer, workflow=EMPLOYER_WORKFLOW, to=EmployerStatus.REJECTED, actor=actor,
                      note=reason, changes={"status_reason": reason})


def employer_resubmit(*, actor: User, employer: Employer) -> Employer:
    """After correcting its details, a rejected employer asks to be verified again."""
    return transition(instance=employer, workflow=EMPLOYER_WORKFLOW, to=EmployerStatus.PENDING, actor=actor,
                      changes={"status_reason": ""})


@transaction.atomic
def employer_set_membership(
    *, actor: User, employer: Employer, is_member: bool, member_since: datetime.date | None = None,
) -> Employer:
    """Make a verified employer a member unit from a date, or end its membership."""
    row = _locked(employer)
    authorize(instance=row, workflow=EMPLOYER_WORKFLOW, action="membership", actor=actor, field=NON_FIELD_ERRORS,
              code="not_verified")
    if is_member:
        if row.is_member_unit:
            raise _error(NON_FIELD_ERRORS, _("This employer is already a member unit."), "unchanged")
        if member_since is None:
            raise _error("member_since", _("Give the date the membership starts."), "required")
        if member_since > timezone.localdate():
            raise _error("member_since", _("The membership cannot start in the future."), "future")
        new = {"is_member_unit": True, "member_since": member_since}
    else:
        if not row.is_member_unit:
            raise _error(NON_FIELD_ERRORS, _("This employer is not a member unit."), "unchanged")
        new = {"is_member_unit": False, "member_since": None}
    old = {"is_member_unit": row.is_member_unit, "member_since": row.member_since}
    for name, value in new.items():
        setattr(row, name, value)
    row.save(update_fields=list(new))
    audit_record(event_type=JobsEvent.EMPLOYER_MEMBERSHIP_CHANGED, actor=actor, obj=row, old=old, new=new)
    return row
