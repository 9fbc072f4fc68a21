"""A person's vocational training enrolments (职业培训信息登记) and labour-security agency services
(劳动保障事务代理: personnel-file custody, social-insurance continuation), entered by clerks of
any tier whose scope covers the person's residence community.

The course is free text for now; a link to the policy app's training courses can come later.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User
from portal.scoping import assert_in_scope
from registration.constants import (
    CERTIFICATE_MAX,
    COURSE_MAX,
    NOTE_MAX,
    PROVIDER_MAX,
    REGISTRATION_ROLES,
    AgencyServiceKind,
    RegistrationEvent,
)
from registration.models import AgencyService, Person, TrainingEnrolment


def _add(errors: dict, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _text(errors: dict, field: str, value: str, max_length: int, required_message: str | None) -> None:
    if not value and required_message:
        _add(errors, field, required_message, "required")
    elif len(value) > max_length:
        _add(errors, field, _("At most %(max)d characters.") % {"max": max_length}, "max_length")


def _certificate_errors(errors: dict, *, completed: bool, certificate_number: str,
                        ends_on: datetime.date | None) -> None:
    _text(errors, "certificate_number", certificate_number, CERTIFICATE_MAX, None)
    if certificate_number and not completed:
        _add(errors, "certificate_number", _("A certificate is recorded only for a completed course."),
             "not_completed")
    if completed and ends_on is not None and ends_on > timezone.localdate():
        _add(errors, "completed", _("A course that ends on %(date)s cannot be completed yet.")
             % {"date": ends_on.isoformat()}, "not_ended")


@transaction.atomic
def training_enrolment_record(
    *, actor: User, person: Person, course_name: str, provider: str, starts_on: datetime.date | None,
    ends_on: datetime.date | None, completed: bool = False, certificate_number: str = "",
) -> TrainingEnrolment:
    """Record a person's vocational training (course, provider, dates, completion, certificate)."""
    assert_in_scope(actor, person.area, roles=REGISTRATION_ROLES)
    course_name, provider = (course_name or "").strip(), (provider or "").strip()
    certificate_number = (certificate_number or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    _text(errors, "course_name", course_name, COURSE_MAX, _("Enter the course."))
    _text(errors, "provider", provider, PROVIDER_MAX, _("Enter the training provider."))
    if starts_on is None:
        _add(errors, "starts_on", _("Enter the first day of the course."), "required")
    if ends_on is None:
        _add(errors, "ends_on", _("Enter the last day of the course."), "required")
    elif starts_on is not None and ends_on < starts_on:
        _add(errors, "ends_on", _("The course cannot end before it starts."), "order")
    _certificate_errors(errors, completed=completed, certificate_number=certificate_number, ends_on=ends_on)
    if errors:
        raise ValidationError(errors)
    enrolment = TrainingEnrolment.objects.create(
        person=person, area=person.area, course_name=course_name, provider=provider, starts_on=starts_on,
        ends_on=ends_on, completed=completed, certificate_number=certificate_number, entered_by=actor)
    audit_record(event_type=RegistrationEvent.TRAINING_RECORDED, actor=actor, obj=enrolment,
                 new={"person": person.pk, "course_name": course_name, "provider": provider, "starts_on": starts_on,
                      "ends_on": ends_on, "completed": completed, "certificate_number": certificate_number})
    return enrolment


@transaction.atomic
def training_enrolment_complete(*, actor: User, enrolment: TrainingEnrolment, completed: bool,
                                certificate_number: str = "") -> TrainingEnrolment:
    """Record whether the course was completed, and the certificate."""
    assert_in_scope(actor, enrolment.area, roles=REGISTRATION_ROLES)
    row = TrainingEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    certificate_number = (certificate_number or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    _certificate_errors(errors, completed=completed, certificate_number=certificate_number, ends_on=row.ends_on)
    if errors:
        raise ValidationError(errors)
    old = {"completed": row.completed, "certificate_number": row.certificate_number}
    row.completed, row.certificate_number = completed, certificate_number
    row.save(update_fields=["completed", "certificate_number"])
    audit_record(event_type=RegistrationEvent.TRAINING_UPDATED, actor=actor, obj=row, old=old,
                 new={"completed": completed, "certificate_number": certificate_number})
    return row


@transaction.atomic
def agency_service_record(*, actor: User, person: Person, kind: str, started_on: datetime.date | None,
                          note: str = "") -> AgencyService:
    """Start an agency service for a person; one running service of each kind at a time."""
    assert_in_scope(actor, person.area, roles=REGISTRATION_ROLES)
    Person.objects.select_for_update().get(pk=person.pk)  # serialise two clerks on one person
    note = (note or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if kind not in AgencyServiceKind.values:
        _add(errors, "kind", _("Choose the service."), "invalid_choice")
    elif AgencyService.objects.filter(person=person, kind=kind, ended_on__isnull=True).exists():
        _add(errors, "kind", _("This person already has this service running; end it before starting another."),
             "duplicate")
    if started_on is None:
        _add(errors, "started_on", _("Enter the first day of the service."), "required")
    elif started_on > timezone.localdate():
        _add(errors, "started_on", _("The date cannot be in the future."), "future")
    _text(errors, "note", note, NOTE_MAX, None)
    if errors:
        raise ValidationError(errors)
    service = AgencyService.objects.create(person=person, area=person.area, kind=kind, started_on=started_on,
                                           note=note, entered_by=actor)
    audit_record(event_type=RegistrationEvent.AGENCY_SERVICE_RECORDED, actor=actor, obj=service,
                 new={"person": person.pk, "kind": kind, "started_on": started_on, "note": note})
    return service


@transaction.atomic
def agency_service_end(*, actor: User, service: AgencyService, ended_on: datetime.date | None) -> AgencyService:
    assert_in_scope(actor, service.area, roles=REGISTRATION_ROLES)
    row = AgencyService.objects.select_for_update().get(pk=service.pk)
    if row.ended_on is not None:
        raise ValidationError({"ended_on": [ValidationError(
            _("This service already ended on %(date)s.") % {"date": row.ended_on.isoformat()}, code="already_ended")]})
    if ended_on is None:
        raise ValidationError({"ended_on": [ValidationError(_("Enter the last day of the service."),
                                                            code="required")]})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [ValidationError(_("The date cannot be in the future."), code="future")]})
    if ended_on < row.started_on:
        raise ValidationError({"ended_on": [ValidationError(_("The service cannot end before it started."),
                                                            code="order")]})
    row.ended_on = ended_on
    row.save(update_fields=["ended_on"])
    audit_record(event_type=RegistrationEvent.AGENCY_SERVICE_ENDED, actor=actor, obj=row, old={"ended_on": None},
                 new={"ended_on": ended_on})
    return row
