"""Vocational training courses: written by editors of the district (or city) where they are held,
published for the public to find, cancelled with a reason.

Training enrolments (the registration app) refer to ``policy.TrainingCourse`` by its id.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.constants import (
    COURSE_AREA_LEVELS,
    COURSE_TITLE_MAX,
    COURSE_TRANSITIONS,
    EDITOR_LEVELS,
    EDITOR_ROLES,
    NOTE_MAX,
    CourseStatus,
    PolicyEvent,
)
from policy.models import TrainingCourse
from portal.audit import audit_record
from portal.models import Area, User
from portal.reference.models import Occupation
from portal.scoping import OutOfScope, assert_in_scope, has_staff_role
from portal.workflow import transition

SEATS_MAX = 9999
COST_MAX = 1_000_000
DESCRIPTION_MAX = 5000
COURSE_FIELDS = ("title", "provider", "occupation", "starts_on", "ends_on", "area", "address", "cost", "subsidy",
                 "seats", "description")


def assert_may_manage_courses(actor: User, area: Area | None) -> None:
    assert_in_scope(actor, area, roles=EDITOR_ROLES, levels=EDITOR_LEVELS)


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

    for field, max_length in (("title", COURSE_TITLE_MAX), ("provider", 100), ("address", 200)):
        if not values[field]:
            add(field, _("This field is required."), "required")
        elif len(values[field]) > max_length:
            add(field, _("At most %(max)d characters.") % {"max": max_length}, "max_length")
    if len(values["description"]) > DESCRIPTION_MAX:
        add("description", _("At most %(max)d characters.") % {"max": DESCRIPTION_MAX}, "max_length")
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
    elif not 0 <= cost <= COST_MAX:
        add("cost", _("Between 0 and %(max)d yuan.") % {"max": COST_MAX}, "range")
    if subsidy < 0:
        add("subsidy", _("The subsidy cannot be negative."), "range")
    elif cost is not None and subsidy > cost:
        add("subsidy", _("The subsidy cannot be more than the cost (%(cost)d yuan).") % {"cost": cost}, "over_cost")
    if seats is None:
        add("seats", _("Enter the number of seats."), "required")
    elif not 1 <= seats <= SEATS_MAX:
        add("seats", _("Between 1 and %(max)d seats.") % {"max": SEATS_MAX}, "range")
    return errors


@transaction.atomic
def course_create(*, actor: User, title: str, provider: str, occupation: Occupation | None,
                  starts_on: datetime.date | None, ends_on: datetime.date | None, area: Area | None, address: str,
                  cost: int | None, seats: int | None, subsidy: int | None = 0, description: str = "") -> TrainingCourse:
    """Write a course as a draft."""
    if area is not None:
        assert_may_manage_courses(actor, area)
    elif not has_staff_role(actor, EDITOR_ROLES, EDITOR_LEVELS):
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
    assert_may_manage_courses(actor, course.area)
    if area is not None and area != course.area:
        assert_may_manage_courses(actor, area)
    row = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    if row.status == CourseStatus.CANCELLED:
        raise ValidationError(_("A cancelled course cannot be changed."), code="not_editable")
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


def course_publish(*, actor: User, course: TrainingCourse) -> TrainingCourse:
    assert_may_manage_courses(actor, course.area)
    if course.ends_on < timezone.localdate():
        raise ValidationError({"ends_on": [ValidationError(_("The course has already ended."), code="past")]})
    return transition(instance=course, to=CourseStatus.PUBLISHED, actor=actor, transitions=COURSE_TRANSITIONS,
                      event_type=PolicyEvent.TRAINING_COURSE_STATUS_CHANGED,
                      changes={"published_at": timezone.now()})


def course_cancel(*, actor: User, course: TrainingCourse, reason: str) -> TrainingCourse:
    assert_may_manage_courses(actor, course.area)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [ValidationError(_("Give the reason."), code="required")]})
    if len(reason) > NOTE_MAX:
        raise ValidationError({"reason": [ValidationError(
            _("At most %(max)d characters.") % {"max": NOTE_MAX}, code="max_length")]})
    return transition(instance=course, to=CourseStatus.CANCELLED, actor=actor, transitions=COURSE_TRANSITIONS,
                      event_type=PolicyEvent.TRAINING_COURSE_STATUS_CHANGED, note=reason,
                      changes={"status_reason": reason})
