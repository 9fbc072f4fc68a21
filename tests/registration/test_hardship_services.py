"""Hard-to-employ identification: community intake → street review → district approval, and its end."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from portal.constants import StaffRole
from portal.models import AuditEvent, StatusChange
from portal.reference.calendar import add_working_days
from portal.workflow import status_history
from registration.constants import CommitmentStatus, HardshipEndReason, HardshipStatus, RegistrationEvent
from registration.models import HardshipCase, HardshipCategory, ReferralCommitment
from registration.services.hardship import (
    hardship_case_approve,
    hardship_case_end,
    hardship_case_reject,
    hardship_case_review,
    hardship_case_submit,
)
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import (
    approved_case,
    categories,
    error_codes,
    submitted_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1, name="王秀兰")


def test_three_tiers_take_a_case_from_intake_to_approval_with_a_commitment_due_in_ten_working_days(staff, person):
    case = submitted_case(staff, person, categories=categories("older_urban", "long_term_unemployed"),
                          circumstances="失业两年，女，52岁。")
    assert case.status == HardshipStatus.INTAKE and case.area == person.area
    assert sorted(case.categories.values_list("code", flat=True)) == ["long_term_unemployed", "older_urban"]
    case = hardship_case_review(actor=staff["clerk@street"], case=case, note="情况属实")
    assert case.status == HardshipStatus.STREET_REVIEWED
    case = hardship_case_approve(actor=staff["clerk@district"], case=case, approved_on=datetime.date(2025, 9, 30))
    assert case.status == HardshipStatus.APPROVED and case.approved_on == datetime.date(2025, 9, 30)

    commitment = ReferralCommitment.objects.get(case=case)
    assert (commitment.starts_on, commitment.due_on, commitment.provisional) == (
        datetime.date(2025, 9, 30), datetime.date(2025, 10, 21), False)
    assert commitment.status == CommitmentStatus.OPEN and commitment.area == case.area
    moves = [(c.from_status, c.to_status, c.actor) for c in status_history(instance=case)]
    assert moves == [("intake", "street_reviewed", staff["clerk@street"]),
                     ("street_reviewed", "approved", staff["clerk@district"])]
    events = list(AuditEvent.objects.filter(object_type="registration.hardshipcase", object_id=str(case.pk))
                  .order_by("id").values_list("event_type", flat=True))
    assert events == [RegistrationEvent.HARDSHIP_SUBMITTED, RegistrationEvent.HARDSHIP_STATUS_CHANGED,
                      RegistrationEvent.HARDSHIP_STATUS_CHANGED]
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.COMMITMENT_CREATED,
                                     object_id=str(commitment.pk)).exists()


def test_approval_near_the_end_of_the_covered_years_gives_a_provisional_due_date(staff, person):
    case = approved_case(staff, person, approved_on=datetime.date(2026, 12, 24))
    commitment = case.commitment
    assert commitment.due_on == add_working_days(datetime.date(2026, 12, 24), 10).due_on
    assert commitment.provisional is True


@pytest.mark.parametrize("position", ["clerk@street", "clerk@district", "official@district", "administrator@city"])
def test_only_a_community_clerk_takes_in_a_case(staff, person, position):
    with pytest.raises(Http404):
        hardship_case_submit(actor=staff[position], person=person, categories=categories())
    assert not HardshipCase.objects.exists()


@pytest.mark.parametrize("position", ["clerk@community", "clerk@district", "official@district"])
def test_only_a_street_clerk_reviews(staff, person, position):
    case = submitted_case(staff, person)
    with pytest.raises(Http404):
        hardship_case_review(actor=staff[position], case=case)
    assert HardshipCase.objects.get().status == HardshipStatus.INTAKE


@pytest.mark.parametrize("position", ["clerk@community", "clerk@street", "administrator@district"])
def test_only_a_district_clerk_approves(staff, person, position):
    case = hardship_case_review(actor=staff["clerk@street"], case=submitted_case(staff, person))
    with pytest.raises(Http404):
        hardship_case_approve(actor=staff[position], case=case)
    assert HardshipCase.objects.get().status == HardshipStatus.STREET_REVIEWED
    assert not ReferralCommitment.objects.exists()


def test_clerks_of_another_district_get_404_at_every_step(tree, staff, person):
    community = make_staff(StaffRole.CLERK, tree.c3)
    district = make_staff(StaffRole.CLERK, tree.d2)
    with pytest.raises(Http404):
        hardship_case_submit(actor=community, person=person, categories=categories())
    case = submitted_case(staff, person)
    for call in (lambda: hardship_case_review(actor=district, case=case),
                 lambda: hardship_case_reject(actor=district, case=case, reason="x"),
                 lambda: hardship_case_approve(actor=district, case=case),
                 lambda: hardship_case_end(actor=district, case=case, note="x")):
        with pytest.raises(Http404):
            call()
    assert HardshipCase.objects.get().status == HardshipStatus.INTAKE


def test_one_active_case_per_person_and_the_answer_names_the_existing_case(staff, person):
    first = submitted_case(staff, person)
    with pytest.raises(ValidationError) as caught:
        submitted_case(staff, person)
    assert error_codes(caught.value) == {"person": ["duplicate"]}
    assert f"{first.pk}" in caught.value.message_dict["person"][0]
    hardship_case_reject(actor=staff["clerk@street"], case=first, reason="不符合条件")
    assert submitted_case(staff, person).pk != first.pk


def test_the_database_refuses_a_second_active_case(staff, person):
    case = submitted_case(staff, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipCase.objects.create(person=person, area=person.area, submitted_by=case.submitted_by)


def test_intake_needs_a_category_that_is_in_use_and_short_circumstances(staff, person):
    with pytest.raises(ValidationError) as caught:
        hardship_case_submit(actor=staff["clerk@community"], person=person, categories=[], circumstances="x" * 2001)
    assert error_codes(caught.value) == {"categories": ["required"], "circumstances": ["max_length"]}
    retired = HardshipCategory.objects.create(code="retired_category", name="停用类别", active=False)
    with pytest.raises(ValidationError) as caught:
        hardship_case_submit(actor=staff["clerk@community"], person=person, categories=[retired])
    assert error_codes(caught.value) == {"categories": ["inactive"]}
    assert not HardshipCase.objects.exists()


def test_street_rejects_an_intake_and_district_rejects_a_reviewed_case_each_with_a_reason(staff, person, tree):
    case = submitted_case(staff, person)
    with pytest.raises(ValidationError) as caught:
        hardship_case_reject(actor=staff["clerk@street"], case=case, reason="  ")
    assert error_codes(caught.value) == {"decision_note": ["required"]}
    with pytest.raises(Http404):  # an intake is the street's to reject
        hardship_case_reject(actor=staff["clerk@district"], case=case, reason="不符合")
    case = hardship_case_review(actor=staff["clerk@street"], case=case)
    with pytest.raises(Http404):  # a reviewed case is the district's
        hardship_case_reject(actor=staff["clerk@street"], case=case, reason="不符合")
    case = hardship_case_reject(actor=staff["clerk@district"], case=case, reason="年龄不符")
    assert (case.status, case.decision_note) == (HardshipStatus.REJECTED, "年龄不符")
    assert StatusChange.objects.filter(object_id=str(case.pk), to_status="rejected", note="年龄不符").exists()


def test_an_intake_cannot_be_approved_before_the_street_review(staff, person, tree):
    case = submitted_case(staff, person)
    with pytest.raises(ValidationError) as caught:
        hardship_case_approve(actor=staff["clerk@district"], case=case)
    assert caught.value.code == "invalid_transition"


def test_the_district_ends_a_case_with_a_reason_and_the_open_commitment_closes(staff, person):
    case = approved_case(staff, person)
    with pytest.raises(ValidationError) as caught:
        hardship_case_end(actor=staff["clerk@district"], case=case, note="")
    assert error_codes(caught.value) == {"decision_note": ["required"]}
    with pytest.raises(Http404):
        hardship_case_end(actor=staff["clerk@street"], case=case, note="迁出")
    case = hardship_case_end(actor=staff["clerk@district"], case=case, note="本人已迁出本市")
    assert case.status == HardshipStatus.ENDED and case.end_reason == HardshipEndReason.DISTRICT_DECISION
    assert case.ended_on is not None
    assert ReferralCommitment.objects.get(case=case).status == CommitmentStatus.CLOSED
    with pytest.raises(ValidationError):
        hardship_case_end(actor=staff["clerk@district"], case=case, note="again")
