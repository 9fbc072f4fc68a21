"""The referral commitment: met by a referral, reconciled nightly, escalated when overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from jobs.constants import JobsEvent, ReferralOutcome, VacancyStatus
from jobs.models import Referral, SeekerProfile
from jobs.services.referrals import referral_create
from portal.constants import AccountType, StaffRole
from portal.models import AuditEvent, User
from registration.constants import CommitmentStatus, EscalationLevel, RegistrationEvent
from registration.models import Person, ReferralCommitment
from registration.selectors.commitments import (
    attach_escalations,
    commitment_escalation,
    commitment_for_person,
    commitment_queue,
)
from registration.services.commitments import (
    commitment_refer,
    commitments_escalate,
    commitments_reconcile,
)
from registration.tasks import commitments_escalate as escalate_task
from registration.tasks import commitments_reconcile as reconcile_task
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, SeekerProfileFactory, VacancyFactory
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import (
    ReferralCommitmentFactory,
    approved_case,
    error_codes,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1, name="刘建国", phone="13911112222", education="junior_middle",
                         skills="叉车")


@pytest.fixture
def vacancy(tree):
    return VacancyFactory(employer=EmployerFactory(area=tree.c3, name="武昌物流有限公司"), area=tree.c3,
                          title="仓库保管员", open_to_hard_to_employ=True)


@pytest.fixture
def commitment(staff, person):
    return approved_case(staff, person).commitment


# --- Meeting the commitment -----------------------------------------------------------------------


def test_referring_a_person_without_an_account_creates_an_inactive_seeker_and_meets_the_commitment(
        staff, person, vacancy, commitment):
    clerk = staff["clerk@community"]
    met = commitment_refer(actor=clerk, commitment=commitment, vacancy=vacancy, note="本人同意面试")
    assert met.status == CommitmentStatus.MET and met.met_at is not None
    referral = met.met_by_referral
    assert (referral.vacancy, referral.referred_by, referral.note) == (vacancy, clerk, "本人同意面试")
    person = Person.objects.get(pk=person.pk)
    account, profile = person.account, person.seeker_profile
    assert referral.seeker == profile and profile.account == account and profile.area == person.area
    assert account.account_type == AccountType.JOB_SEEKER and not account.is_active
    assert not account.has_usable_password() and account.full_name == "刘建国"
    assert (profile.education, profile.skills) == ("junior_middle", "叉车")
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.COMMITMENT_STATUS_CHANGED,
                                     object_id=str(commitment.pk), actor=clerk).exists()
    assert AuditEvent.objects.filter(event_type=JobsEvent.REFERRAL_CREATED, object_id=str(referral.pk)).exists()


def test_a_person_with_a_seeker_profile_is_referred_with_it(staff, person, vacancy, commitment, tree):
    profile = SeekerProfileFactory(area=tree.c1)
    Person.objects.filter(pk=person.pk).update(account=profile.account, seeker_profile=profile)
    users = User.objects.count()
    met = commitment_refer(actor=staff["clerk@street"], commitment=commitment, vacancy=vacancy)
    assert met.met_by_referral.seeker == profile and User.objects.count() == users


def test_a_person_whose_account_has_a_profile_gets_it_linked(staff, person, vacancy, commitment, tree):
    profile = SeekerProfileFactory(area=tree.c1)
    Person.objects.filter(pk=person.pk).update(account=profile.account)
    commitment_refer(actor=staff["clerk@community"], commitment=commitment, vacancy=vacancy)
    assert Person.objects.get(pk=person.pk).seeker_profile == profile
    assert SeekerProfile.objects.filter(account=profile.account).count() == 1


def test_a_vacancy_that_is_not_open_leaves_everything_as_it_was(staff, person, tree, commitment):
    pending = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, status=VacancyStatus.PENDING)
    with pytest.raises(ValidationError) as caught:
        commitment_refer(actor=staff["clerk@community"], commitment=commitment, vacancy=pending)
    assert error_codes(caught.value) == {"vacancy": ["not_open"]}
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.OPEN
    assert Person.objects.get(pk=person.pk).account is None and not SeekerProfile.objects.exists()


def test_a_met_commitment_cannot_be_met_again(staff, vacancy, commitment, tree):
    commitment_refer(actor=staff["clerk@community"], commitment=commitment, vacancy=vacancy)
    other = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1)
    with pytest.raises(ValidationError) as caught:
        commitment_refer(actor=staff["clerk@community"], commitment=commitment, vacancy=other)
    assert caught.value.code == "invalid_transition"
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("who", ["other district clerk", "official@district", "administrator@city"])
def test_only_clerks_in_scope_meet_a_commitment(staff, tree, vacancy, commitment, who):
    actor = make_staff(StaffRole.CLERK, tree.d2) if who == "other district clerk" else staff[who]
    with pytest.raises(Http404):
        commitment_refer(actor=actor, commitment=commitment, vacancy=vacancy)
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.OPEN
    assert not Referral.objects.exists()


def test_a_seeker_profile_in_another_district_is_refused_with_a_clear_message(staff, person, vacancy, commitment,
                                                                             tree):
    profile = SeekerProfileFactory(area=tree.c3)
    Person.objects.filter(pk=person.pk).update(account=profile.account, seeker_profile=profile)
    with pytest.raises(ValidationError) as caught:
        commitment_refer(actor=staff["clerk@community"], commitment=commitment, vacancy=vacancy)
    assert error_codes(caught.value) == {"vacancy": ["seeker_out_of_scope"]}


def test_commitment_for_person_is_the_latest_with_its_state(staff, person, vacancy, commitment):
    assert commitment_for_person(person=person) == commitment
    commitment_refer(actor=staff["clerk@community"], commitment=commitment, vacancy=vacancy)
    mine = commitment_for_person(person=person)
    assert mine.status == CommitmentStatus.MET and mine.met_by_referral.vacancy == vacancy
    assert mine.escalation.level == EscalationLevel.NONE
    assert commitment_for_person(person=PersonFactory()) is None


# --- Nightly reconcile ----------------------------------------------------------------------------


def test_reconcile_marks_a_commitment_met_by_a_referral_made_in_the_hr_market_and_reruns_cleanly(
        staff, person, vacancy, commitment, tree):
    profile = SeekerProfileFactory(area=tree.c1)
    Person.objects.filter(pk=person.pk).update(account=profile.account, seeker_profile=profile)
    referral = referral_create(actor=staff["clerk@community"], seeker=profile, vacancy=vacancy)
    assert reconcile_task.delay().get()["met"] == 1
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.MET and commitment.met_by_referral == referral
    assert commitments_reconcile() == 0


def test_reconcile_ignores_referrals_before_approval(staff, person, vacancy, commitment, tree):
    profile = SeekerProfileFactory(area=tree.c1)
    Person.objects.filter(pk=person.pk).update(account=profile.account, seeker_profile=profile)
    Referral.objects.create(seeker=profile, vacancy=vacancy, area=profile.area, referred_by=staff["clerk@community"],
                            referred_at=timezone.now() - datetime.timedelta(days=40),
                            status=ReferralOutcome.INTERVIEWED)
    assert commitments_reconcile() == 0
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.OPEN


# --- Escalation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("today, level, overdue", [
    (D(2025, 10, 21), EscalationLevel.NONE, 0),      # the due day itself
    (D(2025, 10, 22), EscalationLevel.STREET, 1),
    (D(2025, 10, 26), EscalationLevel.STREET, 3),    # Sunday: 22, 23, 24
    (D(2025, 10, 27), EscalationLevel.DISTRICT, 4),  # more than 3 working days after the due date
])
def test_escalation_by_working_days_overdue(today, level, overdue):
    escalation = commitment_escalation(due_on=D(2025, 10, 21), today=today)
    assert (escalation.level, escalation.working_days_overdue) == (level, overdue)


def test_each_tier_queue_shows_its_own_and_escalated_commitments_sorted_by_due_date(staff, tree):
    today = timezone.localdate()
    fresh = ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=5))
    overdue = ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=1))
    escalated = ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=30))
    ReferralCommitmentFactory(area=tree.c1, status=CommitmentStatus.MET)
    ReferralCommitmentFactory(area=tree.c3, due_on=today - datetime.timedelta(days=30))  # another district
    commitments_escalate()  # the queues read the escalation the nightly task writes

    def queue(position, **kwargs):
        return list(commitment_queue(fetched_by=staff[position], **kwargs))

    assert queue("clerk@community") == [escalated, overdue, fresh]
    assert queue("clerk@street") == [escalated, overdue]
    assert queue("clerk@district") == [escalated]
    assert queue("clerk@district", everything=True) == [escalated, overdue, fresh]
    assert queue("official@district") == [] and queue("official@district", everything=True) == []
    rows = attach_escalations(queue("clerk@community"))
    assert [r.escalation.level for r in rows] == [EscalationLevel.DISTRICT, EscalationLevel.STREET,
                                                  EscalationLevel.NONE]


def test_nightly_escalation_records_one_event_per_step_and_reruns_without_duplicates(tree):
    commitment = ReferralCommitmentFactory(area=tree.c1, due_on=D(2025, 10, 21))
    met = ReferralCommitmentFactory(area=tree.c1, due_on=D(2025, 10, 21), status=CommitmentStatus.MET)

    def level():
        commitment.refresh_from_db()
        return commitment.escalation_level

    assert commitments_escalate(today=D(2025, 10, 22)) == 1 and level() == EscalationLevel.STREET
    street_at = commitment.escalated_at
    assert street_at is not None
    assert commitments_escalate(today=D(2025, 10, 23)) == 0 and level() == EscalationLevel.STREET
    assert commitment.escalated_at == street_at
    assert commitments_escalate(today=D(2025, 10, 27)) == 1 and level() == EscalationLevel.DISTRICT
    assert commitments_escalate(today=D(2025, 10, 28)) == 0 and level() == EscalationLevel.DISTRICT
    events = AuditEvent.objects.filter(event_type=RegistrationEvent.COMMITMENT_ESCALATED, object_id=str(commitment.pk))
    assert sorted(e.new_values["level"] for e in events) == [1, 2]
    assert all(e.area_path == tree.c1.path for e in events)
    met.refresh_from_db()
    assert met.escalation_level == EscalationLevel.NONE


def test_escalation_that_skipped_nights_records_both_steps(tree):
    commitment = ReferralCommitmentFactory(area=tree.c1, due_on=timezone.localdate() - datetime.timedelta(days=40))
    assert escalate_task.delay().get() == 2
    assert escalate_task.delay().get() == 0
    commitment.refresh_from_db()
    assert commitment.escalation_level == EscalationLevel.DISTRICT


def test_reconcile_recomputes_a_provisional_due_date_once_the_year_is_filled(staff, person):
    from portal.reference.models import HolidayDay
    from registration.services.commitments import commitments_recompute_provisional

    commitment = approved_case(staff, person, approved_on=D(2026, 12, 24)).commitment
    assert (commitment.due_on, commitment.provisional) == (D(2027, 1, 7), True)
    assert commitments_recompute_provisional() == 0  # nothing filled yet: unchanged
    HolidayDay.objects.create(day=D(2027, 1, 1), is_working_day=False, name="元旦", created_by=staff["clerk@district"])
    assert reconcile_task.delay().get()["due_dates_recomputed"] == 1
    commitment.refresh_from_db()
    assert (commitment.due_on, commitment.provisional) == (D(2027, 1, 8), False)
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.COMMITMENT_DUE_CHANGED,
                                     object_id=str(commitment.pk)).count() == 1
    assert commitments_recompute_provisional() == 0


def test_the_migration_takes_earlier_escalations_from_the_audit_trail_so_they_are_not_repeated(tree):
    """Before escalation was a field, only audit rows recorded it (registration 0005 reads them once)."""
    import importlib

    from django.apps import apps

    from portal.audit import audit_record

    migration = importlib.import_module("registration.migrations.0005_commitment_escalation_state")
    commitment = ReferralCommitmentFactory(area=tree.c1, due_on=timezone.localdate() - datetime.timedelta(days=40))
    untouched = ReferralCommitmentFactory(area=tree.c1)
    for level in (1, 2):
        audit_record(event_type=RegistrationEvent.COMMITMENT_ESCALATED, actor=None, obj=commitment,
                     new={"level": level})
    migration.escalations_from_audit(apps, None)
    commitment.refresh_from_db()
    untouched.refresh_from_db()
    assert commitment.escalation_level == EscalationLevel.DISTRICT and commitment.escalated_at is not None
    assert untouched.escalation_level == EscalationLevel.NONE and untouched.escalated_at is None
    assert commitments_escalate() == 0
