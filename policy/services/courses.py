"""Vocational training courses: written by editors of the district (or city) where they are held,
published for the public to find, cancelled with a reason.

Who may publish, cancel and change a course is declared once, in
``policy.constants.COURSE_WORKFLOW``; the services check the input and call
``portal.workflow.transition`` or ``authorize`` on the locked row. Training enrolments (the
registration app) refer to ``policy.TrainingCourse`` by its id.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.constants import (
    ADDRESS_MAX,
    COURSE_AREA_LEVELS,
    COURSE_COST_MAX,
    COURSE_DESCRIPTION_MAX,
    COURSE_EDITORS,
    COURSE_SEATS_MAX,
    COURSE_TITLE_MAX,
    COURSE_WORKFLOW,
    NOTE_MAX,
    PROVIDER_MAX,
    CourseStatus,
    PolicyEvent,
)
from policy.models import TrainingCourse
from portal.audit import audit_record
from portal.models import Area, User
from portal.reference.models import Occupation
from portal.scoping import OutOfScope, has_staff_role
from portal.workflow import authorize, transition


def is_course_editor(actor: User | None) -> bool:
    """Does the user manage courses anywhere (the "add a course" link and page)?"""
    return has_staff_role(actor, COURSE_EDITORS.roles, COURSE_EDITORS.levels)


def _assert_may_hold_in(actor: User, area: Area) -> None:
    """A course held in ``area`` (a new one, or one moved there): the workflow's edit rule, applied
    to a course of that area."""
    if not COURSE_WORKFLOW.action("edit").by.allows(actor, TrainingCourse(area=area)):
        raise OutOfScope(_("Not found."))


def _values(*, title, provider, occupation, starts_on, ends_on, area, address, cost, subsidy, seats,
            description) -> dict:
    return {"title": " ".join((title or "").split()), "provider": " ".join((provider or "").split()),
            "occupation": occupation, "starts_on": starts_on, "ends_on": ends_on, "area": area,
            "address": (address or "").strip(), "cost": cost, "subsidy": subsidy if subsidy is not None else 0,
            "seats": seats, "description": (description or "").strip()}


def _errors(values: dict, *, today: datetime.date) -> dict:
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    for field, max_length in (("title", COURSE_TITLE_MAX), ("provider", PROVIDER_MAX), ("address", ADDRESS_MAX)):
        if not values[field]:
            add(field, _("This field is required."), "required")
        elif len(values[field]) > max_length:
            add(field, _("At most %(max)d characters.") % {"max": max_length}, "max_length")
    if len(values["description"]) > COURSE_DESCRIPTION_MAX:
        add("description", _("At most %(max)d characters.") % {"max": COURSE_DESCRIPTION_MAX}, "max_length")
    if not isinstance(values["occupation"], Occupation):
        add("occupation", _("Choose the occupation the course trains for."), "required")
    if values["starts_on"] is None:
        add("starts_on", _("Enter the first day of the course."), "required")
    if values["ends_on"] is None:
        add("ends_on", _("Enter the last day of the course."), "required")
    elif values["starts_on"] is not None and values["ends_on"] < values["starts_on"]:
        add("ends_on", _("The course cannot end before it starts."), "order")
    elif values["ends_on"] < today:
        add("ends_on", _("The course has already ended."), "past")
    area = values["area"]
    if area is None:
        add("area", _("Choose the district, street or community where the course is held."), "required")
    elif area.level not in COURSE_AREA_LEVELS:
        add("area", _("A course is held in a district, street or community."), "level")
    cost, subsidy, seats = values["cost"], values["subsidy"], values["seats"]
    if cost is None:
        add("cost", _("Enter the cost in yuan (0 if free)."), "required")
    elif not 0 <= cost <= COURSE_COST_MAX:
        add("cost", _("Between 0 and %(max)d yuan.") % {"max": COURSE_COST_MAX}, "range")
    if subsidy < 0:
        add("subsidy", _("The subsidy cannot be negative."), "range")
    elif cost is not None and subsidy > cost:
        add("subsidy", _("The subsidy cannot be more than the cost (%(cost)d yuan).") % {"cost": cost}, "over_cost")
    if seats is None:
        add("seats", _("Enter the number of seats."), "required")
    elif not 1 <= seats <= COURSE_SEATS_MAX:
        add("seats", _("Between 1 and %(max)d seats.") % {"max": COURSE_SEATS_MAX}, "range")
    return errors


@transaction.atomic
def course_create(*, actor: User, title: str, provider: str, occupation: Occupation | None,
                  starts_on: datetime.date | None, ends_on: datetime.date | None, area: Area | None, address: str,
                  cost: int | None, seats: int | None, subsidy: int | None = 0, description: str = "") -> TrainingCourse:
    """Write a course as a draft."""
    if area is not None:
        _assert_may_hold_in(actor, area)
    elif not is_course_editor(actor):
        raise OutOfScope(_("Not found."))
    values = _values(title=title, provider=provider, occupation=occupation, starts_on=starts_on, ends_on=ends_on,
                     area=area, address=address, cost=cost, subsidy=subsidy, seats=seats, description=description)
    errors = _errors(values, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    course = TrainingCourse.objects.create(**values, status=CourseStatus.DRAFT, created_by=actor)
    audit_record(event_type=PolicyEvent.TRAINING_COURSE_SAVED, actor=actor, obj=course,
                 new={**{k: v for k, v in values.items() if k != "description"}, "status": course.status})
    return course


@transaction.atomic
def course_update(*, actor: User, course: TrainingCourse, title: str, provider: str, occupation: Occupation | None,
                  starts_on: datetime.date | None, ends_on: datetime.date | None, area: Area | None, address: str,
                  cost: int | None, seats: int | None, subsidy: int | None = 0, description: str = "") -> TrainingCourse:
    """Change a draft or published course (a cancelled one stays as it was)."""
    row = TrainingCourse.objects.select_for_update(of=("self",)).select_related("area").get(pk=course.pk)
    authorize(instance=row, workflow=COURSE_WORKFLOW, action="edit", actor=actor, code="not_editable")
    if area is not None and area != row.area:
        _assert_may_hold_in(actor, area)
    values = _values(title=title, provider=provider, occupation=occupation, starts_on=starts_on, ends_on=ends_on,
                     area=area, address=address, cost=cost, subsidy=subsidy, seats=seats, description=description)
    errors = _errors(values, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    old = {name: getattr(row, name) for name, value in values.items() if getattr(row, name) != value}
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    if old:
        audit_record(event_type=PolicyEvent.TRAINING_COURSE_SAVED, actor=actor, obj=row,
                     old={k: v for k, v in old.items() if k != "description"},
                     new={k: values[k] for k in old if k != "description"})
    return row


def _not_ended(course: TrainingCourse) -> None:
    if course.ends_on < timezone.localdate():
        raise ValidationError({"ends_on": [ValidationError(_("The course has already ended."), code="past")]})


def course_publish(*, actor: User, course: TrainingCourse) -> TrainingCourse:
    """Publish a draft for the public to find, unless it has already ended."""
    return transition(instance=course, workflow=COURSE_WORKFLOW, to=CourseStatus.PUBLISHED, actor=actor,
                      check=_not_ended, changes={"published_at": timezone.now()})


def course_cancel(*, actor: User, course: TrainingCourse, reason: str) -> TrainingCourse:
    """Cancel a draft or published course, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [ValidationError(_("Give the reason."), code="required")]})
    if len(reason) > NOTE_MAX:
        raise ValidationError({"reason": [ValidationError(
            _("At most %(max)d characters.") % {"max": NOTE_MAX}, code="max_length")]})
    return transition(instance=course, workflow=COURSE_WORKFLOW, to=CourseStatus.CANCELLED, actor=actor,
                      note=reason, changes={"status_reason": reason})
