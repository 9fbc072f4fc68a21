"""The job seeker's own page and API: link the account by identity number and name, see my
registrations, apply online, my hard-to-employ status and my commitment; nobody else's."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.constants import StaffRole
from registration.constants import UnemploymentStatus
from registration.identity import identity_make
from registration.models import UnemploymentRegistration
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.registration.factories import (
    EmploymentRegistrationFactory,
    PersonFactory,
    UnemploymentRegistrationFactory,
    client_for,
)
from tests.registration.factories_cases import ReferralCommitmentFactory

pytestmark = pytest.mark.django_db

PAGE = "/registration/me/"
API = "/api/registration/me/"
NUMBER = identity_make("420102", datetime.date(1992, 4, 4), 88)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_unlinked_seeker_sees_the_link_form_and_links(tree, job_seeker):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER, name="孙丽")
    client = login(job_seeker)
    page = client.get(PAGE)
    assert "link_form" in page.context
    # Not registered yet: a way forward, to the guide that says what to bring and which window.
    assert "还没有登记" in page.content.decode()
    assert f'href="{reverse("policy:guide-detail", args=["unemployment_registration"])}"' in page.content.decode()
    bad = client.post(PAGE + "link/", {"identity_number": NUMBER, "name": "孙莉"})
    assert bad.status_code == 200 and bad.context["link_form"].non_field_errors()
    assert 'value="孙莉"' in bad.content.decode()
    good = client.post(PAGE + "link/", {"identity_number": NUMBER.lower(), "name": "孙丽"})
    assert good.status_code == 302
    person.refresh_from_db()
    assert person.account == job_seeker
    page = client.get(PAGE)
    assert page.context["person"] == person and person.id_masked in page.content.decode()
    assert NUMBER not in page.content.decode()


def test_link_with_a_malformed_number_shows_its_message_by_the_field(tree, job_seeker):
    response = login(job_seeker).post(PAGE + "link/", {"identity_number": "42010219920404008", "name": "孙丽"})
    assert response.status_code == 200 and "identity_number" in response.context["link_form"].errors


def test_seeker_applies_online_and_sees_the_pending_registration(tree, job_seeker):
    person = PersonFactory(area=tree.c1, account=job_seeker)
    client = login(job_seeker)
    page = client.get(PAGE).content.decode()
    assert "提交登记申请</button>" in page and "应聘" not in page  # not the word of a job application
    assert client.post(PAGE + "apply/", {"note": "合同到期"}).status_code == 302
    registration = UnemploymentRegistration.objects.get(person=person)
    assert (registration.status, registration.applied_online) == (UnemploymentStatus.PENDING, True)
    again = client.post(PAGE + "apply/", {"note": ""})
    assert again.status_code == 200 and again.context["apply_form"].non_field_errors()


def test_employed_seeker_is_told_why_they_cannot_apply(tree, job_seeker):
    person = PersonFactory(area=tree.c1, account=job_seeker)
    EmploymentRegistrationFactory(person=person, started_on=timezone.localdate() - datetime.timedelta(days=30))
    client = login(job_seeker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is checked in English
    response = client.post(PAGE + "apply/", {"note": ""})
    assert response.status_code == 200
    assert any("employed" in str(e) for e in response.context["apply_form"].non_field_errors())


def test_page_shows_my_hard_to_employ_status_and_commitment(tree, job_seeker):
    person = PersonFactory(area=tree.c1, account=job_seeker)
    commitment = ReferralCommitmentFactory(case__person=person, area=tree.c1,
                                           due_on=timezone.localdate() + datetime.timedelta(days=12))
    response = login(job_seeker).get(PAGE)
    assert response.context["case"] == commitment.case
    assert commitment.due_on.strftime("%Y-%m-%d") in response.content.decode()
    data = client_for(job_seeker).get(API).json()
    assert data["hardship_cases"][0]["commitment"]["due_on"] == commitment.due_on.isoformat()
    assert data["hardship_cases"][0]["commitment"]["status"] == "open"


def test_staff_and_employers_are_refused_and_anonymous_sent_to_login(tree, employer):
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    assert login(clerk).get(PAGE).status_code == 403
    assert login(employer).get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302
    assert client_for(clerk).get(API).status_code == 403


def test_api_shows_only_my_own_records(tree, job_seeker):
    mine = PersonFactory(area=tree.c1, account=job_seeker)
    UnemploymentRegistrationFactory(person=mine)
    other = PersonFactory(area=tree.c1, account=UserFactory())
    UnemploymentRegistrationFactory(person=other)
    data = client_for(job_seeker).get(API).json()
    assert data["person"]["id"] == mine.pk and data["person"]["identity_number"] == mine.id_masked
    assert len(data["unemployment_registrations"]) == 1


def test_api_link_and_apply(tree, job_seeker):
    PersonFactory(area=tree.c1, identity_number=NUMBER, name="孙丽")
    api = client_for(job_seeker)
    assert api.get(API).json()["person"] is None
    wrong = api.post(API + "link/", {"identity_number": NUMBER, "name": "别人"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["fields"]["non_field_errors"][0]["code"] == "no_match"
    assert api.post(API + "link/", {"identity_number": NUMBER, "name": "孙丽"}, format="json").status_code == 200
    applied = api.post(API + "apply/", {"note": ""}, format="json")
    assert applied.status_code == 201 and applied.json()["status"] == "pending"
    duplicate = api.post(API + "apply/", {}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["error"]["fields"]["person"][0]["code"] == "duplicate"
