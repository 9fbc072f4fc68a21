"""Private employment agencies (职业中介机构): licences recorded by district clerks, status changes
with a reason, and supervision (inspection) records.

Who may change an agency is declared once, in ``jobs.constants.LICENCE_WORKFLOW`` (its steps
suspend, reinstate and revoke; its actions edit and supervise, by ``AGENCY_MANAGERS``: clerks holding
a district-level grant), and checked on the locked row by ``transition`` and ``authorize``.
Recording a licence is not a move (there is no record yet): the same rule is checked against the
chosen area here. An agency's area is its district or a street or community below it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import (
    AGENCY_ADDRESS_MAX,
    AGENCY_AREA_LEVELS,
    AGENCY_MANAGERS,
    AGENCY_NAME_MAX,
    AGENCY_PHONE_MAX,
    AGENCY_SCOPE_MAX,
    LICENCE_HOLDER_MAX,
    LICENCE_NUMBER_MAX,
    LICENCE_REASON_MAX,
    LICENCE_WORKFLOW,
    SUPERVISION_FINDINGS_MAX,
    JobsEvent,
    LicenceStatus,
    SupervisionResult,
)
from jobs.models import Agency, SupervisionRecord
from jobs.validators import validate_credit_code
from portal.audit import audit_record
from portal.models import Area, User
from portal.scoping import OutOfScope, assert_in_scope, has_staff_role
from portal.workflow import authorize, transition

# (field, max length, required)
_TEXT_FIELDS = [
    ("name", AGENCY_NAME_MAX, True),
    ("licence_number", LICENCE_NUMBER_MAX, True),
    ("holder", LICENCE_HOLDER_MAX, True),
    ("scope", AGENCY_SCOPE_MAX, True),
    ("address", AGENCY_ADDRESS_MAX, True),
    ("contact_phone", AGENCY_PHONE_MAX, False),
]


def _assert_may_license(actor: User, area: Area | None) -> None:
    """The area chosen for a new or moved agency: 404 unless the actor manages agencies there (with
    no area yet, unless they manage agencies anywhere)."""
    if area is not None:
        assert_in_scope(actor, area, roles=AGENCY_MANAGERS.roles, levels=AGENCY_MANAGERS.levels)
    elif not has_staff_role(actor, AGENCY_MANAGERS.roles, AGENCY_MANAGERS.levels):
        raise OutOfScope(_("Not found."))


def _agency_values(*, name, licence_number, holder, credit_code, scope, address, contact_phone, valid_from,
                   valid_to, area) -> dict:
    return {
        "name": (name or "").strip(), "licence_number": (licence_number or "").strip(),
        "holder": (holder or "").strip(), "credit_code": (credit_code or "").strip().upper(),
        "scope": (scope or "").strip(), "address": (address or "").strip(),
        "contact_phone": (contact_phone or "").strip(), "valid_from": valid_from, "valid_to": valid_to,
        "area": area,
    }


def _agency_errors(values: dict, *, exclude_pk: int | None = None) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    for field, max_length, required in _TEXT_FIELDS:
        value = values[field]
        if required and not value:
            add(field, _("This field is required."), "required")
        elif len(value) > max_length:
            add(field, _("At most %(max)d characters.") % {"max": max_length}, "max_length")
    if values["credit_code"]:
        try:
            validate_credit_code(values["credit_code"])
        except ValidationError as exc:
            errors.setdefault("credit_code", []).extend(exc.error_list)
    if values["valid_from"] is None:
        add("valid_from", _("Enter the first day of the licence."), "required")
    if values["valid_to"] is None:
        add("valid_to", _("Enter the last day of the licence."), "required")
    elif values["valid_from"] is not None and values["valid_to"] < values["valid_from"]:
        add("valid_to", _("The licence cannot end before it starts."), "order")
    area = values["area"]
    if area is None:
        add("area", _("Choose the district, street or community of the agency."), "required")
    elif area.level not in AGENCY_AREA_LEVELS:
        add("area", _("An agency belongs to a district, street or community."), "level")
    number = values["licence_number"]
    if number and "licence_number" not in errors:
        duplicates = Agency.objects.filter(licence_number__iexact=number)
        if exclude_pk is not None:
            duplicates = duplicates.exclude(pk=exclude_pk)
        if duplicates.exists():
            add("licence_number", _("Licence number %(number)s is already recorded for another agency.") % {
                "number": number}, "duplicate")
    return errors


def _duplicate_licence(number: str) -> ValidationError:
    return ValidationError({"licence_number": [ValidationError(
        _("Licence number %(number)s is already recorded for another agency.") % {"number": number},
        code="duplicate")]})


@transaction.atomic
def agency_license(
    *, actor: User, name: str, licence_number: str, holder: str, scope: str, address: str,
    valid_from: datetime.date | None, valid_to: datetime.date | None, area: Area | None, credit_code: str = "",
    contact_phone: str = "",
) -> Agency:
    """Record a licensed agency."""
    _assert_may_license(actor, area)
    values = _agency_values(name=name, licence_number=licence_number, holder=holder, credit_code=credit_code,
                            scope=scope, address=address, contact_phone=contact_phone, valid_from=valid_from,
                            valid_to=valid_to, area=area)
    errors = _agency_errors(values)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            agency = Agency.objects.create(**values, status=LicenceStatus.VALID)
    except IntegrityError as exc:  # the same number recorded at the same moment elsewhere
        raise _duplicate_licence(values["licence_number"]) from exc
    audit_record(event_type=JobsEvent.AGENCY_LICENSED, actor=actor, obj=agency,
                 new={**values, "area": area.code, "status": agency.status})
    return agency


@transaction.atomic
def agency_update(
    *, actor: User, agency: Agency, name: str, licence_number: str, holder: str, scope: str, address: str,
    valid_from: datetime.date | None, valid_to: datetime.date | None, area: Area | None, credit_code: str = "",
    contact_phone: str = "",
) -> Agency:
    """Correct an agency's details (the ``edit`` action; the licence status changes through
    ``agency_status_change``)."""
    row = Agency.objects.select_for_update(of=("self",)).select_related("area").get(pk=agency.pk)
    authorize(instance=row, workflow=LICENCE_WORKFLOW, action="edit", actor=actor)
    if area is not None:
        _assert_may_license(actor, area)
    values = _agency_values(name=name, licence_number=licence_number, holder=holder, credit_code=credit_code,
                            scope=scope, address=address, contact_phone=contact_phone, valid_from=valid_from,
                            valid_to=valid_to, area=area)
    errors = _agency_errors(values, exclude_pk=row.pk)
    if errors:
        raise ValidationError(errors)
    old = {name: getattr(row, name) for name, value in values.items() if getattr(row, name) != value}
    for field, value in values.items():
        setattr(row, field, value)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise _duplicate_licence(values["licence_number"]) from exc
    if old:
        audit_record(event_type=JobsEvent.AGENCY_UPDATED, actor=actor, obj=row, old=old,
                     new={field: values[field] for field in old})
    return row


def agency_status_change(*, actor: User, agency: Agency, to: str, reason: str) -> Agency:
    """Suspend, reinstate or revoke a licence; every change gives its reason. Revoked is final."""
    reason = (reason or "").strip()
    if to not in LicenceStatus.values:
        raise ValidationError({"status": [ValidationError(_("Choose a licence status."), code="invalid_choice")]})
    if not reason:
        raise ValidationError({"reason": [ValidationError(_("Give the reason for this change."), code="required")]})
    if len(reason) > LICENCE_REASON_MAX:
        raise ValidationError({"reason": [ValidationError(
            _("At most %(max)d characters.") % {"max": LICENCE_REASON_MAX}, code="max_length")]})
    return transition(instance=agency, workflow=LICENCE_WORKFLOW, to=to, actor=actor, note=reason,
                      changes={"status_reason": reason})


@transaction.atomic
def agency_supervise(
    *, actor: User, agency: Agency, inspected_on: datetime.date | None, findings: str, result: str,
) -> SupervisionRecord:
    """Record an inspection of an agency (the ``supervise`` action)."""
    agency = Agency.objects.select_for_update(of=("self",)).select_related("area").get(pk=agency.pk)
    authorize(instance=agency, workflow=LICENCE_WORKFLOW, action="supervise", actor=actor)
    findings = (findings or "").strip()
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if inspected_on is None:
        add("inspected_on", _("Enter the date of the inspection."), "required")
    elif inspected_on > timezone.localdate():
        add("inspected_on", _("The inspection date cannot be in the future."), "future")
    if not findings:
        add("findings", _("Describe what the inspection found."), "required")
    elif len(findings) > SUPERVISION_FINDINGS_MAX:
        add("findings", _("At most %(max)d characters.") % {"max": SUPERVISION_FINDINGS_MAX}, "max_length")
    if result not in SupervisionResult.values:
        add("result", _("Choose the result of the inspection."), "invalid_choice")
    if errors:
        raise ValidationError(errors)
    record = SupervisionRecord.objects.create(agency=agency, area=agency.area, inspected_on=inspected_on,
                                              inspector=actor, findings=findings, result=result)
    audit_record(event_type=JobsEvent.AGENCY_SUPERVISED, actor=actor, obj=record,
                 new={"agency": agency.pk, "inspected_on": inspected_on, "result": result})
    return record
