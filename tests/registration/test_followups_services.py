"""Follow-up visits after placement, and the nightly reconcile that finds placements and ends cases."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from jobs.constants import ReferralOutcome, RefusalBy
from jobs.models import Referral
from portal.constants import StaffRole
from portal.models import AuditEvent
from registration.constants import (
    CommitmentStatus,
    FollowUpStatus,
    HardshipEndReason,
    HardshipStatus,
    RegistrationEvent,
)
from registration.models import FollowUpVisit, HardshipCase, Person, ReferralCommitment
from registration.services.followups import (
    add_months,
    followup_mark_missed,
    followup_record,
    placements_reconcile,
)
from registration.tasks import commitments_reconcile as reconcile_task
from tests.conftest import make_staff
from tests.jobs.factories import SeekerProfileFactory, VacancyFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory
from tests.registration.factories_cases import (
    FollowUpVisitFactory,
    approved_case,
    error_codes,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1)


@pytest.fixture
def seeker(person, tree):
    profile = SeekerProfileFactory(area=tree.c1)
    Person.objects.filter(pk=person.pk).update(account=profile.account, seeker_profile=profile)
    return profile


def referral(seeker, clerk, *, status, outcome_on, **kwargs):
    return Referral.objects.create(seeker=seeker, vacancy=VacancyFactory(), area=seeker.area, referred_by=clerk,
                                   status=status, outcome_on=outcome_on, **kwargs)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(D(2026, 1, 15), 1) == D(2026, 2, 15)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_a_hired_referral_schedules_visits_at_one_three_and_six_months_once(staff, person, seeker):
    case = approved_case(staff, person)
    hired_on = timezone.localdate()
    referral(seeker, staff["clerk@community"], status=ReferralOutcome.HIRED, outcome_on=hired_on)
    first = reconcile_task.delay().get()
    assert first["visits"] == 3 and first["ended_employed"] == 0
    visits = list(FollowUpVisit.objects.order_by("months_after"))
    assert [(v.months_after, v.due_on) for v in visits] == [(m, add_months(hired_on, m)) for m in (1, 3, 6)]
    assert all(v.case == case and v.area == case.area and v.status == FollowUpStatus.SCHEDULED for v in visits)
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.FOLLOWUP_SCHEDULED).count() == 3
    assert placements_reconcile()["visits"] == 0
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.APPROVED


def test_an_employment_registration_after_approval_ends_the_case_and_closes_the_commitment(staff, person):
    case = approved_case(staff, person)
    started = timezone.localdate()
    EmploymentRegistrationFactory(person=person, started_on=started)
    counts = placements_reconcile()
    assert counts["ended_employed"] == 1 and counts["visits"] == 3
    case.refresh_from_db()
    assert (case.status, case.end_reason, case.ended_on) == (HardshipStatus.ENDED, HardshipEndReason.EMPLOYED, started)
    assert ReferralCommitment.objects.get(case=case).status == CommitmentStatus.CLOSED
    assert placements_reconcile() == {"visits": 0, "ended_employed": 0, "ended_refusals": 0}


def test_employment_registered_from_a_hired_referral_is_one_placement(staff, person, seeker):
    approved_case(staff, person)
    today = timezone.localdate()
    hire = referral(seeker, staff["clerk@community"], status=ReferralOutcome.HIRED, outcome_on=today)
    EmploymentRegistrationFactory(person=person, started_on=today + datetime.timedelta(days=0), referral=hire)
    assert placements_reconcile()["visits"] == 3
    assert FollowUpVisit.objects.count() == 3


def test_employment_before_approval_is_not_a_placement(staff, person):
    EmploymentRegistrationFactory(person=person, started_on=timezone.localdate() - datetime.timedelta(days=400),
                                  ended_on=timezone.localdate() - datetime.timedelta(days=200))
    case = approved_case(staff, person)
    assert placements_reconcile()["visits"] == 0
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.APPROVED


def test_two_referrals_refused_by_the_person_within_a_year_end_the_case(staff, person, seeker):
    case = approved_case(staff, person)
    clerk = staff["clerk@community"]
    today = timezone.localdate()
    referral(seeker, clerk, status=ReferralOutcome.REFUSED, outcome_on=today, refused_by=RefusalBy.EMPLOYER,
             refusal_reason="已招满")
    referral(seeker, clerk, status=ReferralOutcome.REFUSED, outcome_on=today, refused_by=RefusalBy.SEEKER,
             refusal_reason="太远")
    assert placements_reconcile()["ended_refusals"] == 0  # one refusal by the person, one by the employer
    referral(seeker, clerk, status=ReferralOutcome.REFUSED, outcome_on=today, refused_by=RefusalBy.SEEKER,
             refusal_reason="工资低")
    assert placements_reconcile()["ended_refusals"] == 1
    case.refresh_from_db()
    assert (case.status, case.end_reason) == (HardshipStatus.ENDED, HardshipEndReason.REFUSED_REFERRALS)


# --- Recording visits -----------------------------------------------------------------------------


def test_a_clerk_records_a_visit(staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    clerk = staff["clerk@street"]
    done = followup_record(actor=clerk, visit=visit, visited_on=timezone.localdate(), still_employed=True,
                           notes="工作稳定")
    assert (done.status, done.still_employed, done.visited_by, done.notes) == (FollowUpStatus.DONE, True, clerk,
                                                                               "工作稳定")
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.FOLLOWUP_STATUS_CHANGED,
                                     object_id=str(visit.pk)).exists()
    with pytest.raises(ValidationError) as caught:
        followup_mark_missed(actor=clerk, visit=visit, notes="again")
    assert caught.value.code == "invalid_transition"


def test_a_visit_needs_a_sensible_date_and_the_employment_answer(staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1, placed_on=timezone.localdate() - datetime.timedelta(days=5))
    clerk = staff["clerk@community"]
    with pytest.raises(ValidationError) as caught:
        followup_record(actor=clerk, visit=visit, visited_on=None, still_employed=None, notes="x" * 2001)
    assert error_codes(caught.value) == {"visited_on": ["required"], "still_employed": ["required"],
                                         "notes": ["max_length"]}
    with pytest.raises(ValidationError) as caught:
        followup_record(actor=clerk, visit=visit, visited_on=timezone.localdate() + datetime.timedelta(days=1),
                        still_employed=False)
    assert error_codes(caught.value) == {"visited_on": ["future"]}
    with pytest.raises(ValidationError) as caught:
        followup_record(actor=clerk, visit=visit, visited_on=timezone.localdate() - datetime.timedelta(days=6),
                        still_employed=False)
    assert error_codes(caught.value) == {"visited_on": ["before_placement"]}
    assert FollowUpVisit.objects.get(pk=visit.pk).status == FollowUpStatus.SCHEDULED


def test_marking_a_visit_missed_needs_notes(staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    with pytest.raises(ValidationError) as caught:
        followup_mark_missed(actor=staff["clerk@community"], visit=visit, notes=" ")
    assert error_codes(caught.value) == {"notes": ["required"]}
    missed = followup_mark_missed(actor=staff["clerk@community"], visit=visit, notes="电话三次未接通")
    assert missed.status == FollowUpStatus.MISSED


@pytest.mark.parametrize("who", ["other district clerk", "official@district"])
def test_visits_out_of_scope_answer_404(staff, tree, who):
    actor = make_staff(StaffRole.CLERK, tree.d2) if who == "other district clerk" else staff[who]
    visit = FollowUpVisitFactory(area=tree.c1)
    with pytest.raises(Http404):
        followup_record(actor=actor, visit=visit, visited_on=timezone.localdate(), still_employed=True)
    with pytest.raises(Http404):
        followup_mark_missed(actor=actor, visit=visit, notes="x")
    assert FollowUpVisit.objects.get(pk=visit.pk).status == FollowUpStatus.SCHEDULED
