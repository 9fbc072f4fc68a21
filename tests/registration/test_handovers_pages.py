"""Handover pages: incoming and outgoing lists, accepting and declining."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.constants import StaffRole
from portal.models import Area
from registration.constants import HandoverStatus
from registration.models import CaseHandover, HardshipCase
from registration.services.handovers import handover_propose
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import approved_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiving(tree):
    return make_staff(StaffRole.CLERK, tree.d2)


@pytest.fixture
def handover(staff, tree):
    case = approved_case(staff, PersonFactory(area=tree.c1, name="周红梅"))
    return handover_propose(actor=staff["clerk@district"], case=case, to_district=tree.d2, reason="已随子女迁居武昌")


def test_incoming_and_outgoing_lists(client, staff, receiving, handover):
    client.force_login(receiving)
    assert list(client.get(reverse("staff-registration:handover-list")).context["handovers"]) == [handover]
    assert list(client.get(reverse("staff-registration:handover-list"), {"box": "outgoing"})
                .context["handovers"]) == []
    client.force_login(staff["clerk@district"])
    assert list(client.get(reverse("staff-registration:handover-list"), {"box": "outgoing"})
                .context["handovers"]) == [handover]
    assert list(client.get(reverse("staff-registration:handover-list")).context["handovers"]) == []


def test_the_receiving_district_accepts_choosing_a_community(client, receiving, handover, tree):
    client.force_login(receiving)
    url = reverse("staff-registration:handover-detail", args=[handover.pk])
    response = client.get(url)
    assert set(response.context["moves"]) == {"accept", "decline"}
    codes = [code for _, group in response.context["accept_form"].fields["handling_area"].choices[1:]
             for code, _ in group]
    assert tree.c3.code in codes and tree.c1.code not in codes
    response = client.post(url, {"action": "accept", "handling_area": tree.c3.code, "decision_note": "积玉桥街道接收"})
    assert response.status_code == 302
    assert HardshipCase.objects.get(pk=handover.case_id).area == tree.c3
    assert CaseHandover.objects.get(pk=handover.pk).status == HandoverStatus.ACCEPTED


def test_accept_without_an_area_and_decline_without_a_reason_are_shown_by_the_fields(client, receiving, handover):
    client.force_login(receiving)
    url = reverse("staff-registration:handover-detail", args=[handover.pk])
    response = client.post(url, {"action": "accept", "decision_note": "备注"})
    assert response.status_code == 200 and "handling_area" in response.context["accept_form"].errors
    assert response.context["accept_form"]["decision_note"].value() == "备注"
    response = client.post(url, {"action": "decline", "decision_note": ""})
    assert response.status_code == 200 and "decision_note" in response.context["decline_form"].errors
    assert CaseHandover.objects.get(pk=handover.pk).status == HandoverStatus.PROPOSED
    assert client.post(url, {"action": "decline", "decision_note": "无法接收"}).status_code == 302
    assert CaseHandover.objects.get(pk=handover.pk).status == HandoverStatus.DECLINED


def test_the_sender_sees_the_handover_but_cannot_decide(client, staff, handover, tree):
    client.force_login(staff["clerk@district"])
    url = reverse("staff-registration:handover-detail", args=[handover.pk])
    response = client.get(url)
    assert response.status_code == 200 and not response.context["moves"]
    assert 'name="handling_area"' not in response.content.decode()
    assert client.post(url, {"action": "accept", "handling_area": tree.c3.code}).status_code == 404


def test_a_third_district_does_not_find_the_handover(client, handover):
    client.force_login(make_staff(StaffRole.CLERK, Area.objects.get(code="420103000000")))
    url = reverse("staff-registration:handover-detail", args=[handover.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "decline", "decision_note": "x"}).status_code == 404
