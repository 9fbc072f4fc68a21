"""The city's holiday table (HolidayDay) for years the holiday package does not cover.

Only city-level staff (an administrator, or a clerk, granted on the city) fill it: the official
calendar is the same for every district. Days inside years the package covers are refused, so the
package stays the one source for those years.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel, AuditEventType, StaffRole
from portal.models import Area, User
from portal.reference.calendar import package_covers, package_years
from portal.reference.models import HolidayDay
from portal.scoping import has_staff_role
from portal.selectors import user_active_grants

CALENDAR_ROLES = [StaffRole.ADMINISTRATOR, StaffRole.CLERK]
CALENDAR_LEVELS = [AreaLevel.PROVINCE, AreaLevel.CITY]
NAME_MAX = 40


def holiday_days(*, since: datetime.date) -> list[HolidayDay]:
    """The city's holiday table from a date on (the calendar page; the table is not personal data)."""
    return list(HolidayDay.objects.filter(day__gte=since).select_related("created_by").order_by("day"))


def calendar_editor(user: User) -> bool:
    """May the user fill the holiday table (city-level administrator or clerk, or the system administrator)?"""
    return has_staff_role(user, CALENDAR_ROLES, CALENDAR_LEVELS)


def _assert_editor(actor: User) -> None:
    if not calendar_editor(actor):
        raise PermissionDenied(_("Only city-level staff keep the holiday calendar."))


def _audit_area(actor: User) -> Area | None:
    """The city the editor acts for, so the city's administrators read the event in their trail."""
    grants = [g for g in user_active_grants(user=actor)
              if g.role in CALENDAR_ROLES and g.area.level in CALENDAR_LEVELS]
    return grants[0].area if grants else None


@transaction.atomic
def holiday_day_add(*, actor: User, day: datetime.date | None, is_working_day: bool, name: str) -> HolidayDay:
    """Add a public holiday (``is_working_day`` False) or a weekend day made a working day (True)."""
    _assert_editor(actor)
    name = (name or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if day is None:
        errors["day"] = [ValidationError(_("Enter the date."), code="required")]
    elif package_covers(day.year):
        first, last = package_years()
        errors["day"] = [ValidationError(
            _("%(year)s is already on the official calendar (%(first)s–%(last)s are built in); "
              "only later years are entered here.") % {"year": day.year, "first": first, "last": last},
            code="covered_year")]
    elif is_working_day and day.weekday() < 5:
        errors["is_working_day"] = [ValidationError(
            _("Monday to Friday are working days anyway: only a Saturday or Sunday can be made a working day."),
            code="not_weekend")]
    if not name:
        errors["name"] = [ValidationError(_("Name the holiday (for example 国庆节)."), code="required")]
    elif len(name) > NAME_MAX:
        errors["name"] = [ValidationError(_("The name can be at most %(max)s characters.") % {"max": NAME_MAX},
                                          code="max_length")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            row = HolidayDay.objects.create(day=day, is_working_day=is_working_day, name=name, created_by=actor)
    except IntegrityError as exc:
        raise ValidationError({"day": [ValidationError(_("This date is already in the calendar."),
                                                       code="duplicate")]}) from exc
    audit_record(event_type=AuditEventType.CALENDAR_DAY_ADDED, actor=actor, obj=row, area=_audit_area(actor),
                 new={"day": day, "is_working_day": is_working_day, "name": name})
    return row


@transaction.atomic
def holiday_day_remove(*, actor: User, day: datetime.date | None) -> None:
    _assert_editor(actor)
    row = HolidayDay.objects.select_for_update().filter(day=day).first() if day else None
    if row is None:
        raise ValidationError({"day": [ValidationError(_("This date is not in the calendar."), code="not_found")]})
    audit_record(event_type=AuditEventType.CALENDAR_DAY_REMOVED, actor=actor, obj=row, area=_audit_area(actor),
                 old={"day": row.day, "is_working_day": row.is_working_day, "name": row.name})
    row.delete()
