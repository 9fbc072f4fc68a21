"""Staff API of cross-district handovers: propose, accept, decline; who sees and who decides."""

from __future__ import annotations

import pytest

from portal.constants import StaffRole
from portal.models import Area
from registration.models import CaseHandover, HardshipCase
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import approved_case
from tests.registration.test_hardship_api import api

pytestmark = pytest.mark.django_db
BASE = "/api/staff/registration/handovers/"


@pytest.fixture
def receiving(tree):
    return make_staff(StaffRole.CLERK, tree.d2)


@pytest.fixture
def case(staff, tree):
    return approved_case(staff, PersonFactory(area=tree.c1))


def test_propose_then_accept_moves_the_case(staff, tree, case, receiving):
    response = api(staff["clerk@district"]).post(BASE, {"case": case.pk, "to_district": tree.d2.code,
                                                        "reason": "长期居住武昌"}, format="json")
    assert response.status_code == 201, response.json()
    handover_id = response.json()["id"]
    assert response.json()["to_district"]["code"] == tree.d2.code
    incoming = api(receiving).get(BASE, {"box": "incoming"}).json()["results"]
    assert [h["id"] for h in incoming] == [handover_id]
    response = api(receiving).post(f"{BASE}{handover_id}/accept/", {"handling_area": tree.c3.code}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert HardshipCase.objects.get(pk=case.pk).area == tree.c3
    # The sender still reads the case, marked read-only.
    body = api(staff["clerk@district"]).get(f"/api/staff/registration/cases/{case.pk}/").json()
    assert body["read_only"] is True and body["area"]["code"] == tree.c3.code


def test_bad_input(staff, tree, case, receiving):
    response = api(staff["clerk@district"]).post(BASE, {"case": case.pk, "to_district": "999999999999",
                                                        "reason": "x"}, format="json")
    assert response.json()["error"]["fields"]["to_district"][0]["code"] == "unknown_area"
    response = api(staff["clerk@district"]).post(BASE, {"case": case.pk, "to_district": tree.d1.code,
                                                        "reason": ""}, format="json")
    fields = response.json()["error"]["fields"]
    assert fields["to_district"][0]["code"] == "same_district" and fields["reason"][0]["code"] == "required"
    handover_id = api(staff["clerk@district"]).post(BASE, {"case": case.pk, "to_district": tree.d2.code,
                                                           "reason": "迁居"}, format="json").json()["id"]
    response = api(receiving).post(f"{BASE}{handover_id}/accept/", {"handling_area": tree.c1.code}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["handling_area"][0]["code"] == "outside"
    response = api(receiving).post(f"{BASE}{handover_id}/decline/", {"decision_note": ""}, format="json")
    assert response.json()["error"]["fields"]["decision_note"][0]["code"] == "required"
    response = api(receiving).post(f"{BASE}{handover_id}/decline/", {"decision_note": "资源不足"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "declined"


def test_who_may_see_and_decide(staff, tree, case, receiving):
    handover_id = api(staff["clerk@district"]).post(BASE, {"case": case.pk, "to_district": tree.d2.code,
                                                           "reason": "迁居"}, format="json").json()["id"]
    third = make_staff(StaffRole.CLERK, Area.objects.get(code="420103000000"))
    assert api(third).get(f"{BASE}{handover_id}/").status_code == 404
    assert api(third).post(f"{BASE}{handover_id}/accept/", {"handling_area": tree.c3.code},
                           format="json").status_code == 404
    assert api(staff["clerk@district"]).post(f"{BASE}{handover_id}/accept/", {"handling_area": tree.c3.code},
                                             format="json").status_code == 404
    assert api(staff["clerk@street"]).post(BASE, {"case": case.pk, "to_district": tree.d2.code, "reason": "x"},
                                           format="json").status_code == 404
    assert api(staff["official@district"]).get(BASE).status_code == 403
    assert CaseHandover.objects.get().status == "proposed"


def test_the_receiver_is_offered_the_decision_and_the_sender_nothing(staff, tree, case, receiving):
    handover_id = api(staff["clerk@district"]).post(BASE, {"case": case.pk, "to_district": tree.d2.code,
                                                           "reason": "迁居"}, format="json").json()["id"]
    assert api(receiving).get(f"{BASE}{handover_id}/").json()["moves"] == ["accept", "decline"]
    assert api(staff["clerk@district"]).get(f"{BASE}{handover_id}/").json()["moves"] == []
    assert [h["moves"] for h in api(receiving).get(BASE, {"box": "incoming"}).json()["results"]] == [
        ["accept", "decline"]]


def test_whoever_proposed_a_handover_does_not_decide_it(staff, tree, case):
    """Maker ≠ checker: a clerk holding both districts proposes, and another clerk decides."""
    from portal.models import RoleGrant

    both = make_staff(StaffRole.CLERK, tree.d1)
    RoleGrant.objects.create(user=both, role=StaffRole.CLERK, area=tree.d2)
    handover_id = api(both).post(BASE, {"case": case.pk, "to_district": tree.d2.code, "reason": "迁居"},
                                 format="json").json()["id"]
    assert api(both).get(f"{BASE}{handover_id}/").json()["moves"] == []
    response = api(both).post(f"{BASE}{handover_id}/accept/", {"handling_area": tree.c3.code}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"][0]["code"] == "same_actor"
    assert CaseHandover.objects.get().status == "proposed"
