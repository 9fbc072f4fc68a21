"""Registrations over the API and on the staff pages: register, the confirmation queue, confirm,
not confirm, cancel, employment; duplicates point to the existing registration; scope."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from portal.constants import StaffRole
from registration.constants import UnemploymentStatus
from registration.models import UnemploymentRegistration
from tests.conftest import make_staff
from tests.registration.factories import (
    EmploymentRegistrationFactory,
    PersonFactory,
    UnemploymentRegistrationFactory,
    api_field_codes,
    client_for,
)

pytestmark = pytest.mark.django_db

UNEMPLOYMENT = "/api/staff/registration/unemployment-registrations/"
EMPLOYMENT = "/api/staff/registration/employment-registrations/"
PAGES = "/staff/registration/unemployment/"
TODAY = timezone.localdate()


@pytest.fixture
def clerk(tree):
    return make_staff(StaffRole.CLERK, tree.c1)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_registers_and_refuses_a_duplicate_pointing_to_it(tree, clerk):
    person = PersonFactory(area=tree.c1)
    api = client_for(clerk)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is checked in English
    first = api.post(UNEMPLOYMENT, {"person": person.pk}, format="json")
    assert first.status_code == 201 and first.json()["status"] == "open"
    second = api.post(UNEMPLOYMENT, {"person": person.pk}, format="json")
    assert second.status_code == 400 and api_field_codes(second) == {"person": ["duplicate"]}
    assert f"no. {first.json()['id']}" in second.json()["error"]["fields"]["person"][0]["message"]


def test_api_person_of_another_district_is_an_unknown_person(tree):
    person = PersonFactory(area=tree.c1)
    other = client_for(make_staff(StaffRole.CLERK, tree.d2))
    response = other.post(UNEMPLOYMENT, {"person": person.pk}, format="json")
    assert response.status_code == 400 and api_field_codes(response) == {"person": ["does_not_exist"]}
    assert not UnemploymentRegistration.objects.exists()


def test_api_confirm_reject_cancel(tree, clerk):
    pending = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING,
                                              applied_online=True)
    api = client_for(clerk)
    assert api.get(f"{UNEMPLOYMENT}{pending.pk}/").json()["moves"] == ["confirm", "reject"]
    assert api.post(f"{UNEMPLOYMENT}{pending.pk}/reject/", {}, format="json").status_code == 400
    confirmed = api.post(f"{UNEMPLOYMENT}{pending.pk}/confirm/", {}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "open"
    assert confirmed.json()["moves"] == ["cancel"]
    again = api.post(f"{UNEMPLOYMENT}{pending.pk}/confirm/", {}, format="json")
    assert again.status_code == 409 and api_field_codes(again) == {"non_field_errors": ["invalid_transition"]}
    cancelled = api.post(f"{UNEMPLOYMENT}{pending.pk}/cancel/", {"cancel_reason": "moved_away"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_reason"] == "moved_away"


def test_api_pending_queue_filter_and_scope(tree, clerk):
    pending = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING)
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1))
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c3), status=UnemploymentStatus.PENDING)
    rows = client_for(clerk).get(UNEMPLOYMENT, {"status": "pending"}).json()["results"]
    assert [row["id"] for row in rows] == [pending.pk] and rows[0]["identity_number"].count("*") == 8


def test_api_employment_closes_unemployment_and_end(tree, clerk):
    person = PersonFactory(area=tree.c1)
    registration = UnemploymentRegistrationFactory(person=person, registered_on=TODAY - datetime.timedelta(days=3))
    api = client_for(clerk)
    response = api.post(EMPLOYMENT, {"person": person.pk, "kind": "self_employed", "started_on": TODAY.isoformat()},
                        format="json")
    assert response.status_code == 201
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    ended = api.post(f"{EMPLOYMENT}{response.json()['id']}/end/", {"ended_on": TODAY.isoformat()}, format="json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == TODAY.isoformat()
    bad = api.post(EMPLOYMENT, {"person": person.pk, "kind": "enterprise_hire", "started_on": "2099-01-01"},
                   format="json")
    assert bad.status_code == 400 and api_field_codes(bad) == {"started_on": ["future"],
                                                               "employer_name": ["required"]}


def test_pages_confirmation_queue_and_confirm(tree, clerk):
    pending = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING,
                                              applied_online=True)
    client = login(clerk)
    queue = client.get(PAGES, {"status": "pending"})
    assert list(queue.context["registrations"]) == [pending]
    assert pending.person.id_masked in queue.content.decode()
    assert "网上申请" in queue.content.decode() and "线上举办" not in queue.content.decode()  # the channel's word
    bad = client.post(f"{PAGES}{pending.pk}/reject/", {"reject-note": ""})
    assert bad.status_code == 200 and "note" in bad.context["reject_form"].errors
    assert client.post(f"{PAGES}{pending.pk}/confirm/", {"confirm-note": "材料齐全"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "open" and pending.confirmed_by == clerk
    page = client.get(f"{PAGES}{pending.pk}/").content.decode()
    assert "材料齐全" in page


def test_pages_a_registration_another_clerk_decided_meanwhile_says_why_in_chinese(tree, clerk):
    """Two clerks confirm the same online application at once: the second page is not a silent one."""
    from portal.models import StatusChange
    from registration.services.registrations import unemployment_confirm

    pending = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING,
                                              applied_online=True)
    unemployment_confirm(actor=make_staff(StaffRole.CLERK, tree.d1), registration=pending)
    for step, data in (("confirm", {"confirm-note": ""}), ("reject", {"reject-note": "户籍信息不符"})):
        response = login(clerk).post(f"{PAGES}{pending.pk}/{step}/", data)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'class="message error"' in body and "当前状态为“已登记失业”，无法进行此操作。" in body
    assert StatusChange.objects.filter(object_id=str(pending.pk), object_type="registration.unemploymentregistration"
                                       ).count() == 1


def test_pages_cancel_with_bad_date_keeps_the_choice(tree, clerk):
    registration = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), registered_on=TODAY)
    response = login(clerk).post(f"{PAGES}{registration.pk}/cancel/", {
        "cancel-cancel_reason": "death", "cancel-cancelled_on": (TODAY - datetime.timedelta(days=3)).isoformat()})
    assert response.status_code == 200
    form = response.context["cancel_form"]
    assert [e.code for e in form.errors.as_data()["cancelled_on"]] == ["order"]
    assert form["cancel_reason"].value() == "death"


@pytest.mark.parametrize("role, attr", [(StaffRole.CLERK, "d2"), (StaffRole.CLERK, "c2"), (StaffRole.OFFICIAL, "d2")])
def test_pages_and_api_of_another_area_answer_404(tree, role, attr):
    registration = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1),
                                                   status=UnemploymentStatus.PENDING)
    employment = EmploymentRegistrationFactory(person=PersonFactory(area=tree.c1))
    user = make_staff(role, getattr(tree, attr))
    client, api = login(user), client_for(user)
    assert client.get(f"{PAGES}{registration.pk}/").status_code == 404
    assert client.post(f"{PAGES}{registration.pk}/confirm/").status_code == 404
    assert api.post(f"{UNEMPLOYMENT}{registration.pk}/confirm/", {}, format="json").status_code == 404
    assert api.post(f"{EMPLOYMENT}{employment.pk}/end/", {"ended_on": TODAY.isoformat()},
                    format="json").status_code == 404
    registration.refresh_from_db()
    employment.refresh_from_db()
    assert registration.status == "pending" and employment.ended_on is None


def test_officials_read_but_cannot_confirm(tree, staff):
    pending = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING)
    official = staff["official@district"]
    page = login(official).get(f"{PAGES}{pending.pk}/")
    assert page.status_code == 200 and not page.context["moves"]
    assert "confirm/" not in page.content.decode()
    assert client_for(official).post(f"{UNEMPLOYMENT}{pending.pk}/confirm/", {}, format="json").status_code == 404
