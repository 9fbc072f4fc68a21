"""Pages of hard-to-employ identification: intake, the case list, one case with its steps."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from portal.constants import StaffRole
from registration.constants import HardshipStatus
from registration.models import HardshipCase, ReferralCommitment
from registration.services.handovers import handover_accept, handover_propose
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import (
    ApprovedCaseFactory,
    HardshipCaseFactory,
    approved_case,
    submitted_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1, name="陈桂英", phone="13800001111")


def signed_in(client, user):
    client.force_login(user)
    return client


def test_community_clerk_finds_a_person_by_name_and_submits_an_intake(client, staff, person, tree):
    signed_in(client, staff["clerk@community"])
    PersonFactory(area=tree.c3, name="陈桂英")  # same name, another district: not offered
    response = client.get(reverse("staff-registration:case-create"), {"q": "陈桂"})
    assert response.status_code == 200
    assert [p for p, _ in response.context["form"].fields["person"].choices] == [person.pk]
    response = client.post(reverse("staff-registration:case-create"), {
        "q": "陈桂", "person": person.pk, "categories": ["older_urban", "minimum_living_allowance"],
        "circumstances": "丈夫病故，<b>独自</b>抚养子女。"})
    case = HardshipCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("staff-registration:case-detail", args=[case.pk])
    assert case.person == person and case.status == HardshipStatus.INTAKE
    page = client.get(response.url).content.decode()
    assert "&lt;b&gt;独自&lt;/b&gt;" in page and "<b>独自</b>" not in page


def test_a_person_is_found_by_full_identity_number(client, staff, tree):
    from registration.identity import identity_make

    number = identity_make("420102", datetime.date(1970, 3, 8), 456)
    person = PersonFactory(area=tree.c1, identity_number=number)
    signed_in(client, staff["clerk@community"])
    url = reverse("staff-registration:case-create")
    found = client.post(url, {"q": number, "find": "1"})
    assert found.status_code == 302 and found["Location"].startswith(f"{url}?lookup=")
    assert number not in found["Location"]
    response = client.get(found["Location"])
    assert [p for p, _ in response.context["form"].fields["person"].choices] == [person.pk]
    assert not HardshipCase.objects.exists()


def test_a_number_in_the_address_of_the_intake_is_not_looked_up(client, staff, tree):
    from registration.identity import identity_make

    number = identity_make("420102", datetime.date(1970, 3, 8), 456)
    PersonFactory(area=tree.c1, identity_number=number)
    signed_in(client, staff["clerk@community"])
    response = client.get(reverse("staff-registration:case-create"), {"q": number})
    assert response.status_code == 200 and response.context["form"].fields["person"].choices == []
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert 'method="post" class="form narrow search-step"' in response.content.decode()


def test_intake_errors_are_shown_by_the_fields_and_the_input_is_kept(client, staff, person):
    signed_in(client, staff["clerk@community"])
    response = client.post(reverse("staff-registration:case-create"), {
        "q": "陈桂英", "person": person.pk, "circumstances": "需要帮助"})
    assert response.status_code == 200 and not HardshipCase.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"categories"}
    assert form["circumstances"].value() == "需要帮助" and form["person"].value() == str(person.pk)


def test_a_duplicate_intake_names_the_existing_case(client, staff, person):
    existing = submitted_case(staff, person)
    signed_in(client, staff["clerk@community"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is checked in English
    response = client.post(reverse("staff-registration:case-create"), {
        "q": "陈桂英", "person": person.pk, "categories": ["disability"]})
    assert response.status_code == 200
    assert f"no. {existing.pk}" in " ".join(response.context["form"].errors["person"])


def test_street_and_district_clerks_see_only_their_own_steps_and_take_them(client, staff, person):
    case = submitted_case(staff, person)
    url = reverse("staff-registration:case-detail", args=[case.pk])
    signed_in(client, staff["clerk@community"])
    assert not client.get(url).context["moves"]
    signed_in(client, staff["clerk@district"])
    moves = client.get(url).context["moves"]
    assert "review" not in moves and "approve" not in moves
    response = client.post(url, {"action": "review"})
    assert response.status_code == 404  # the district has no intake step: the service answers not found
    signed_in(client, staff["clerk@street"])
    assert "review" in client.get(url).context["moves"]
    assert client.post(url, {"action": "review", "decision_note": "已入户核实"}).status_code == 302
    signed_in(client, staff["clerk@district"])
    assert client.post(url, {"action": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.status == HardshipStatus.APPROVED and ReferralCommitment.objects.filter(case=case).exists()
    page = client.get(url).content.decode()
    assert "已入户核实" in page and str(case.commitment.due_on) in page


def test_a_rejection_without_a_reason_is_shown_by_the_field(client, staff, person):
    case = submitted_case(staff, person)
    signed_in(client, staff["clerk@street"])
    response = client.post(reverse("staff-registration:case-detail", args=[case.pk]), {"action": "reject"})
    assert response.status_code == 200
    assert "decision_note" in response.context["decision_form"].errors
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.INTAKE


def test_the_district_proposes_a_handover_from_the_case_page(client, staff, person, tree):
    case = approved_case(staff, person)
    signed_in(client, staff["clerk@district"])
    url = reverse("staff-registration:case-detail", args=[case.pk])
    response = client.post(url, {"action": "handover", "to_district": tree.d2.code, "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["handover_form"].errors
    assert client.post(url, {"action": "handover", "to_district": tree.d2.code, "reason": "已迁居"}).status_code == 302
    assert case.handovers.get().to_district == tree.d2


def test_a_handed_over_case_stays_readable_for_the_sender_without_actions(client, staff, person, tree):
    case = approved_case(staff, person)
    receiving = make_staff(StaffRole.CLERK, tree.d2)
    handover = handover_propose(actor=staff["clerk@district"], case=case, to_district=tree.d2, reason="迁居")
    handover_accept(actor=receiving, handover=handover, handling_area=tree.c3)
    signed_in(client, staff["clerk@district"])
    url = reverse("staff-registration:case-detail", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["read_only"] and not response.context["moves"]
    assert client.post(url, {"action": "end", "decision_note": "x"}).status_code == 404
    listed = client.get(reverse("staff-registration:case-list")).context["cases"]
    assert [c.pk for c in listed] == [case.pk] and not listed[0].in_scope
    signed_in(client, receiving)
    assert "end" in client.get(url).context["moves"]


@pytest.mark.parametrize("position", ["official@district", "administrator@district", "administrator@city"])
def test_case_pages_are_for_clerks(client, staff, position, tree):
    case = HardshipCaseFactory(area=tree.c1)
    signed_in(client, staff[position])
    assert client.get(reverse("staff-registration:case-list")).status_code == 403
    assert client.get(reverse("staff-registration:case-detail", args=[case.pk])).status_code == 403


def test_a_clerk_of_another_district_gets_404(client, tree):
    case = HardshipCaseFactory(area=tree.c1)
    signed_in(client, make_staff(StaffRole.CLERK, tree.d2))
    assert client.get(reverse("staff-registration:case-detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("staff-registration:case-detail", args=[case.pk]), {"action": "review"}).status_code == 404


def test_the_case_list_keeps_a_constant_query_count(client, staff, tree, django_assert_max_num_queries):
    signed_in(client, staff["clerk@district"])
    ApprovedCaseFactory(area=tree.c1)
    client.get(reverse("staff-registration:case-list"))  # warm caches (content types, session)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("staff-registration:case-list"))
    for _ in range(15):
        ApprovedCaseFactory(area=tree.c1)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(reverse("staff-registration:case-list"))
    assert len(response.context["cases"]) == 16
    assert len(large.captured_queries) == len(small.captured_queries)
