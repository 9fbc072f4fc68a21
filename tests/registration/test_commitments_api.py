"""Staff API of referral commitments: the queue with escalation, and meeting one by a referral."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jobs.constants import VacancyStatus
from portal.constants import StaffRole
from registration.constants import CommitmentStatus
from registration.models import ReferralCommitment
from registration.services.commitments import commitments_escalate
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import ReferralCommitmentFactory, approved_case
from tests.registration.test_hardship_api import api

pytestmark = pytest.mark.django_db
BASE = "/api/staff/registration/commitments/"


def test_the_queue_lists_open_commitments_by_due_date_with_escalation(staff, tree):
    today = timezone.localdate()
    fresh = ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=2))
    late = ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=1))
    assert [r["id"] for r in api(staff["clerk@street"]).get(BASE).json()["results"]] == []  # not escalated yet
    commitments_escalate()  # the nightly escalation writes the level the queues read
    rows = api(staff["clerk@community"]).get(BASE).json()["results"]
    assert [r["id"] for r in rows] == [late.pk, fresh.pk]
    assert rows[0]["escalation"]["level"] == 1 and rows[1]["escalation"]["level"] == 0
    assert rows[0]["escalation"]["overdue"] and rows[0]["escalated_at"] and not rows[1]["escalation"]["overdue"]
    assert [r["id"] for r in api(staff["clerk@street"]).get(BASE).json()["results"]] == [late.pk]
    assert [r["id"] for r in api(staff["clerk@street"]).get(BASE, {"show": "all"}).json()["results"]] == [
        late.pk, fresh.pk]


def test_a_clerk_meets_a_commitment_through_the_api(staff, tree):
    commitment = approved_case(staff, PersonFactory(area=tree.c1)).commitment
    vacancy = VacancyFactory(employer=EmployerFactory(area=tree.c3), area=tree.c3, title="门店收银员")
    response = api(staff["clerk@district"]).post(f"{BASE}{commitment.pk}/refer/", {"vacancy": vacancy.pk},
                                                 format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "met" and body["met_by_referral"]["vacancy"]["title"] == "门店收银员"
    again = api(staff["clerk@district"]).post(f"{BASE}{commitment.pk}/refer/", {"vacancy": vacancy.pk},
                                              format="json")
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["non_field_errors"][0]["code"] == "invalid_transition"


def test_refer_to_a_vacancy_that_is_not_open_is_refused(staff, tree):
    commitment = approved_case(staff, PersonFactory(area=tree.c1)).commitment
    pending = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, status=VacancyStatus.PENDING)
    response = api(staff["clerk@community"]).post(f"{BASE}{commitment.pk}/refer/", {"vacancy": pending.pk},
                                                  format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["vacancy"][0]["code"] == "not_open"
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.OPEN


def test_commitments_of_another_district_and_other_roles(staff, tree):
    commitment = ReferralCommitmentFactory(area=tree.c1)
    vacancy = VacancyFactory(employer=EmployerFactory(area=tree.c3), area=tree.c3)
    other = make_staff(StaffRole.CLERK, tree.d2)
    assert api(other).get(f"{BASE}{commitment.pk}/").status_code == 404
    assert api(other).post(f"{BASE}{commitment.pk}/refer/", {"vacancy": vacancy.pk}, format="json").status_code == 404
    assert api(other).get(BASE, {"show": "all"}).json()["results"] == []
    assert api(staff["official@district"]).get(BASE).status_code == 403
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.OPEN


def test_each_commitment_lists_the_moves_of_the_reader(staff, tree):
    commitment = approved_case(staff, PersonFactory(area=tree.c1)).commitment
    assert api(staff["clerk@community"]).get(f"{BASE}{commitment.pk}/").json()["moves"] == ["refer"]
    # The district also closes it, by ending the case.
    assert api(staff["clerk@district"]).get(f"{BASE}{commitment.pk}/").json()["moves"] == ["refer", "close"]
    vacancy = VacancyFactory(employer=EmployerFactory(area=tree.c3), area=tree.c3)
    body = api(staff["clerk@community"]).post(f"{BASE}{commitment.pk}/refer/", {"vacancy": vacancy.pk},
                                              format="json").json()
    assert body["status"] == "met" and body["moves"] == []
