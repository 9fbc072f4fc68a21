"""Staff API of follow-up visits: list by due date, record a visit or a missed one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal.constants import StaffRole
from registration.models import FollowUpVisit
from tests.conftest import make_staff
from tests.registration.factories_cases import FollowUpVisitFactory
from tests.registration.test_hardship_api import api

pytestmark = pytest.mark.django_db
BASE = "/api/staff/registration/followups/"


def test_list_and_record(staff, tree):
    today = timezone.localdate()
    later = FollowUpVisitFactory(area=tree.c1, due_on=today + datetime.timedelta(days=30), months_after=3)
    sooner = FollowUpVisitFactory(area=tree.c1, due_on=today + datetime.timedelta(days=3))
    clerk = staff["clerk@community"]
    assert [r["id"] for r in api(clerk).get(BASE).json()["results"]] == [sooner.pk, later.pk]
    response = api(clerk).post(f"{BASE}{sooner.pk}/record/", {"outcome": "visited", "visited_on": today.isoformat(),
                                                              "still_employed": False, "notes": "已离职"},
                               format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["still_employed"] is False
    response = api(clerk).post(f"{BASE}{later.pk}/record/", {"outcome": "missed", "notes": "电话停机"}, format="json")
    assert response.json()["status"] == "missed"
    assert [r["id"] for r in api(clerk).get(BASE, {"status": "scheduled"}).json()["results"]] == []


def test_bad_input_and_scope(staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    response = api(staff["clerk@street"]).post(f"{BASE}{visit.pk}/record/", {"outcome": "visited"}, format="json")
    fields = response.json()["error"]["fields"]
    assert response.status_code == 400 and set(fields) == {"visited_on", "still_employed"}
    response = api(staff["clerk@street"]).post(f"{BASE}{visit.pk}/record/", {"outcome": "gone"}, format="json")
    assert response.json()["error"]["fields"]["outcome"][0]["code"] == "invalid_choice"
    other = make_staff(StaffRole.CLERK, tree.d2)
    assert api(other).get(f"{BASE}{visit.pk}/").status_code == 404
    assert api(other).post(f"{BASE}{visit.pk}/record/", {"outcome": "missed", "notes": "x"},
                           format="json").status_code == 404
    assert api(staff["administrator@district"]).get(BASE).status_code == 403
    assert FollowUpVisit.objects.get(pk=visit.pk).status == "scheduled"


def test_a_scheduled_visit_offers_both_outcomes_and_a_recorded_one_none(staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    clerk = staff["clerk@street"]
    assert api(clerk).get(f"{BASE}{visit.pk}/").json()["moves"] == ["record", "mark_missed"]
    body = api(clerk).post(f"{BASE}{visit.pk}/record/", {"outcome": "missed", "notes": "电话停机"},
                           format="json").json()
    assert body["status"] == "missed" and body["moves"] == []
