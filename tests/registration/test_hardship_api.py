"""Staff API of hard-to-employ cases: intake, review, approve, reject, end; one error format."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from portal.constants import StaffRole
from registration.constants import HardshipStatus
from registration.models import HardshipCase
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import HardshipCaseFactory, submitted_case

pytestmark = pytest.mark.django_db
BASE = "/api/staff/registration/cases/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1, name="黄丽")


def test_the_three_tiers_take_a_case_to_approval_through_the_api(staff, person):
    response = api(staff["clerk@community"]).post(BASE, {
        "person": person.pk, "categories": ["disability"], "circumstances": "肢体残疾四级"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "intake" and body["person"]["id_masked"] == person.id_masked
    assert [c["code"] for c in body["categories"]] == ["disability"] and body["read_only"] is False
    case_id = body["id"]
    response = api(staff["clerk@street"]).post(f"{BASE}{case_id}/review/", {"decision_note": "属实"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "street_reviewed"
    response = api(staff["clerk@district"]).post(f"{BASE}{case_id}/approve/", {}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "approved"
    assert body["commitment"]["status"] == "open" and body["commitment"]["due_on"]
    assert [h["to_status"] for h in body["history"]] == ["street_reviewed", "approved"]
    listed = api(staff["clerk@community"]).get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [case_id]


def test_bad_input_answers_in_the_one_error_format(staff, person):
    response = api(staff["clerk@community"]).post(BASE, {"person": person.pk, "categories": ["nope"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["categories"][0]["code"] == "unknown"
    response = api(staff["clerk@community"]).post(BASE, {"person": person.pk, "categories": []}, format="json")
    assert response.json()["error"]["fields"]["categories"][0]["code"] == "required"
    submitted_case(staff, person)
    response = api(staff["clerk@community"]).post(BASE, {"person": person.pk, "categories": ["disability"]},
                                                  format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["person"][0]["code"] == "duplicate"
    case = HardshipCase.objects.get()
    response = api(staff["clerk@street"]).post(f"{BASE}{case.pk}/reject/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["decision_note"][0]["code"] == "required"
    response = api(staff["clerk@district"]).post(f"{BASE}{case.pk}/end/", {"decision_note": "x"}, format="json")
    assert response.status_code == 409  # only an approved case can be ended
    assert response.json()["error"]["fields"]["non_field_errors"][0]["code"] == "invalid_transition"


def test_an_approval_before_review_is_an_invalid_transition(staff, person):
    case = submitted_case(staff, person)
    response = api(staff["clerk@district"]).post(f"{BASE}{case.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["non_field_errors"][0]["code"] == "invalid_transition"


def test_other_districts_and_other_roles_are_refused(staff, tree, person):
    case = HardshipCaseFactory(area=tree.c1)
    other = make_staff(StaffRole.CLERK, tree.d2)
    assert api(other).get(f"{BASE}{case.pk}/").status_code == 404
    assert api(other).post(f"{BASE}{case.pk}/review/", {}, format="json").status_code == 404
    assert api(other).get(BASE).json()["results"] == []
    other_community = make_staff(StaffRole.CLERK, tree.c3)
    response = api(other_community).post(BASE, {"person": person.pk, "categories": ["disability"]}, format="json")
    assert response.status_code == 404
    for position in ("official@district", "administrator@city"):
        assert api(staff[position]).get(BASE).status_code == 403
        assert api(staff[position]).get(f"{BASE}{case.pk}/").status_code == 403
    assert api().get(BASE).status_code in (401, 403)
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.INTAKE
