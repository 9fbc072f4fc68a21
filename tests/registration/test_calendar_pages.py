"""The city's holiday calendar page and its service."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.constants import AuditEventType
from portal.models import AuditEvent
from portal.reference.calendar import add_working_days
from portal.reference.holidays import holiday_day_add, holiday_day_remove
from portal.reference.models import HolidayDay
from tests.registration.factories_cases import error_codes

D = datetime.date
pytestmark = pytest.mark.django_db
URL = "staff:calendar"


def test_city_administrator_adds_and_removes_days_of_a_later_year(client, staff, tree):
    client.force_login(staff["administrator@city"])
    response = client.post(reverse(URL), {"action": "add", "day": "2027-10-01", "is_working_day": "holiday",
                                          "name": "国庆节"})
    assert response.status_code == 302
    client.post(reverse(URL), {"action": "add", "day": "2027-09-26", "is_working_day": "working",
                               "name": "国庆节调休"})
    assert list(HolidayDay.objects.values_list("day", "is_working_day")) == [(D(2027, 9, 26), True),
                                                                             (D(2027, 10, 1), False)]
    page = client.get(reverse(URL)).content.decode()
    assert "国庆节调休" in page and "2027-10-01" in page
    event = AuditEvent.objects.get(event_type=AuditEventType.CALENDAR_DAY_ADDED, new_values__name="国庆节")
    assert event.area == tree.city
    client.post(reverse(URL), {"action": "remove", "day": "2027-10-01"})
    assert list(HolidayDay.objects.values_list("day", flat=True)) == [D(2027, 9, 26)]
    assert AuditEvent.objects.filter(event_type=AuditEventType.CALENDAR_DAY_REMOVED).count() == 1


def test_a_day_inside_a_covered_year_is_refused_with_a_clear_message(client, staff):
    client.force_login(staff["administrator@city"])
    response = client.post(reverse(URL), {"action": "add", "day": "2025-10-01", "is_working_day": "holiday",
                                          "name": "国庆节"})
    assert response.status_code == 200
    errors = response.context["form"].errors["day"]
    assert "2025" in errors[0] and "2004" in errors[0]
    assert response.context["form"]["name"].value() == "国庆节"
    assert not HolidayDay.objects.exists()


def test_service_bad_input(staff):
    admin = staff["administrator@city"]
    with pytest.raises(ValidationError) as caught:
        holiday_day_add(actor=admin, day=D(2027, 3, 3), is_working_day=True, name="")
    assert error_codes(caught.value) == {"is_working_day": ["not_weekend"], "name": ["required"]}
    with pytest.raises(ValidationError) as caught:
        holiday_day_add(actor=admin, day=None, is_working_day=False, name="x" * 41)
    assert error_codes(caught.value) == {"day": ["required"], "name": ["max_length"]}
    holiday_day_add(actor=admin, day=D(2027, 1, 1), is_working_day=False, name="元旦")
    with pytest.raises(ValidationError) as caught:
        holiday_day_add(actor=admin, day=D(2027, 1, 1), is_working_day=False, name="元旦")
    assert error_codes(caught.value) == {"day": ["duplicate"]}
    with pytest.raises(ValidationError) as caught:
        holiday_day_remove(actor=admin, day=D(2027, 5, 1))
    assert error_codes(caught.value) == {"day": ["not_found"]}


def test_filled_days_change_the_count(staff):
    before = add_working_days(D(2026, 12, 30), 3)
    holiday_day_add(actor=staff["administrator@city"], day=D(2027, 1, 1), is_working_day=False, name="元旦")
    after = add_working_days(D(2026, 12, 30), 3)
    assert (before.due_on, before.provisional) == (D(2027, 1, 4), True)
    assert (after.due_on, after.provisional) == (D(2027, 1, 5), False)


@pytest.mark.parametrize("position", ["clerk@district", "clerk@community", "administrator@district",
                                      "official@city"])
def test_only_city_level_staff_keep_the_calendar(client, staff, position):
    client.force_login(staff[position])
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {"action": "add", "day": "2027-10-01", "is_working_day": "holiday",
                                          "name": "国庆节"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        holiday_day_add(actor=staff[position], day=D(2027, 10, 1), is_working_day=False, name="国庆节")
    assert not HolidayDay.objects.exists()
