"""Employment and unemployment registration: who may register, the window and online paths,
one open registration per person (the database decides), cancellation, employment cancelling an
open registration in the same transaction, and registering again after a job ends."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from portal.constants import StaffRole
from portal.models import Area, AuditEvent, StatusChange
from portal.scoping import OutOfScope
from registration.constants import (
    CancellationReason,
    EmploymentKind,
    RegistrationEvent,
    UnemploymentStatus,
)
from registration.identity import identity_make
from registration.models import EmploymentRegistration, UnemploymentRegistration
from registration.services import registrations as services
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.jobs.factories import ReferralFactory, SeekerProfileFactory
from tests.registration.factories import (
    EmploymentRegistrationFactory,
    PersonFactory,
    UnemploymentRegistrationFactory,
    error_codes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return make_staff(StaffRole.CLERK, tree.c1)


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1)


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def test_window_registration_is_open_at_once_and_audited(clerk, person):
    registration = services.unemployment_register(actor=clerk, person=person, note="下岗")
    assert (registration.status, registration.area, registration.registered_on, registration.confirmed_by) == (
        UnemploymentStatus.OPEN, person.area, timezone.localdate(), clerk)
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.UNEMPLOYMENT_REGISTERED,
                                     object_id=str(registration.pk)).exists()


def test_duplicate_open_registration_points_to_the_existing_one(clerk, person):
    first = services.unemployment_register(actor=clerk, person=person)
    translation.activate("en")  # the message is checked in English
    with pytest.raises(services.DuplicateRegistration) as info:
        services.unemployment_register(actor=clerk, person=person)
    assert info.value.existing == first
    assert f"no. {first.pk}" in info.value.message_dict["person"][0]
    assert error_codes(info.value) == {"person": ["duplicate"]}
    assert UnemploymentRegistration.objects.count() == 1


def test_pending_online_application_also_blocks_a_second_registration(clerk, person, job_seeker):
    person.account = job_seeker
    person.save()
    pending = services.unemployment_apply_online(user=job_seeker, note="")
    with pytest.raises(services.DuplicateRegistration) as info:
        services.unemployment_register(actor=clerk, person=person)
    assert info.value.existing == pending


@pytest.mark.django_db(transaction=True)
def test_two_windows_registering_one_person_at_once_one_wins_by_the_database(committed_tree, monkeypatch):
    community = Area.objects.get(code="420102002003")
    person = PersonFactory(area=community)
    clerks = [make_staff(StaffRole.CLERK, community), make_staff(StaffRole.CLERK, community)]
    real_lookup = services.open_unemployment_registration
    barrier = threading.Barrier(2)
    state = threading.local()

    def lookup_then_wait(p):
        found = real_lookup(p)
        if not getattr(state, "waited", False):
            state.waited = True
            barrier.wait(timeout=10)
        return found

    # Both pass the early check and the row lock is skipped: only the partial unique index decides.
    monkeypatch.setattr(services, "open_unemployment_registration", lookup_then_wait)
    monkeypatch.setattr(services.Person.objects, "select_for_update", lambda: services.Person.objects.all())
    results = [None, None]

    def run(i):
        try:
            results[i] = services.unemployment_register(actor=clerks[i], person=person)
        except Exception as exc:  # noqa: BLE001
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    winners = [r for r in results if isinstance(r, UnemploymentRegistration)]
    losers = [r for r in results if isinstance(r, services.DuplicateRegistration)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].existing.pk == winners[0].pk
    assert UnemploymentRegistration.objects.filter(person=person).count() == 1


def test_under_16_on_the_registration_date_is_refused(clerk, tree):
    young = PersonFactory(area=tree.c1, identity_number=identity_make(birth_date=years_ago(16, -1)))
    with pytest.raises(ValidationError) as info:
        services.unemployment_register(actor=clerk, person=young)
    assert error_codes(info.value) == {"person": ["under_age"]}


def test_statutory_retirement_age_is_refused(clerk, tree):
    old = PersonFactory(area=tree.c1, identity_number=identity_make(birth_date=datetime.date(1960, 1, 1), sequence=11))
    with pytest.raises(ValidationError) as info:
        services.unemployment_register(actor=clerk, person=old)
    assert error_codes(info.value) == {"person": ["retirement_age"]}


def test_woman_cadre_with_original_age_55_may_register_where_a_worker_may_not(clerk, tree):
    born = years_ago(52)  # past 50 (+ delay) but well under 55
    worker = PersonFactory(area=tree.c1, identity_number=identity_make(birth_date=born, sequence=2))
    cadre = PersonFactory(area=tree.c1, identity_number=identity_make(birth_date=born, sequence=4),
                          original_retirement_age=55)
    with pytest.raises(ValidationError):
        services.unemployment_register(actor=clerk, person=worker)
    assert services.unemployment_register(actor=clerk, person=cadre).status == UnemploymentStatus.OPEN


def test_currently_employed_person_is_refused(clerk, person):
    EmploymentRegistrationFactory(person=person, started_on=years_ago(1))
    with pytest.raises(ValidationError) as info:
        services.unemployment_register(actor=clerk, person=person)
    assert error_codes(info.value) == {"person": ["employed"]}


def test_future_registration_date_is_refused(clerk, person):
    with pytest.raises(ValidationError) as info:
        services.unemployment_register(actor=clerk, person=person,
                                       registered_on=timezone.localdate() + datetime.timedelta(days=1))
    assert error_codes(info.value) == {"registered_on": ["future"]}


def test_only_clerks_whose_scope_covers_the_community_register(tree, person, staff):
    for outsider in (make_staff(StaffRole.CLERK, tree.c2), make_staff(StaffRole.CLERK, tree.d2),
                     staff["official@district"], staff["administrator@city"]):
        with pytest.raises(OutOfScope):
            services.unemployment_register(actor=outsider, person=person)
    assert services.unemployment_register(actor=staff["clerk@district"], person=person)


def test_online_application_waits_then_confirmation_opens_it_today(clerk, person, job_seeker):
    person.account = job_seeker
    person.save()
    pending = services.unemployment_apply_online(user=job_seeker, note="公司裁员")
    assert (pending.status, pending.applied_online, pending.area) == (UnemploymentStatus.PENDING, True, person.area)
    confirmed = services.unemployment_confirm(actor=clerk, registration=pending)
    assert (confirmed.status, confirmed.confirmed_by, confirmed.registered_on) == (
        UnemploymentStatus.OPEN, clerk, timezone.localdate())
    change = StatusChange.objects.get(object_id=str(pending.pk))
    assert (change.from_status, change.to_status, change.actor) == ("pending", "open", clerk)


def test_not_confirming_needs_a_reason_and_ends_the_application(clerk, person, job_seeker):
    person.account = job_seeker
    person.save()
    pending = services.unemployment_apply_online(user=job_seeker)
    with pytest.raises(ValidationError) as info:
        services.unemployment_reject(actor=clerk, registration=pending, note=" ")
    assert error_codes(info.value) == {"note": ["required"]}
    rejected = services.unemployment_reject(actor=clerk, registration=pending, note="已在外地就业")
    assert rejected.status == UnemploymentStatus.REJECTED
    with pytest.raises(ValidationError) as info:  # no way back
        services.unemployment_confirm(actor=clerk, registration=rejected)
    assert "invalid_transition" in str(error_codes(info.value)) or info.value.code == "invalid_transition"
    # ...and the person may apply again.
    assert services.unemployment_apply_online(user=job_seeker).status == UnemploymentStatus.PENDING


def test_online_application_needs_a_linked_job_seeker_account(tree, job_seeker, clerk):
    with pytest.raises(ValidationError) as info:
        services.unemployment_apply_online(user=job_seeker)
    assert info.value.code == "not_linked"
    with pytest.raises(ValidationError) as info:
        services.unemployment_apply_online(user=clerk)
    assert info.value.code == "not_seeker"


def test_clerk_of_another_community_cannot_confirm(tree, person, job_seeker):
    person.account = job_seeker
    person.save()
    pending = services.unemployment_apply_online(user=job_seeker)
    with pytest.raises(OutOfScope):
        services.unemployment_confirm(actor=make_staff(StaffRole.CLERK, tree.c2), registration=pending)
    pending.refresh_from_db()
    assert pending.status == UnemploymentStatus.PENDING


@pytest.mark.parametrize("reason", [CancellationReason.MOVED_AWAY, CancellationReason.DEATH,
                                    CancellationReason.FOUND_WORK])
def test_cancellation_records_reason_and_date(clerk, person, reason):
    registration = UnemploymentRegistrationFactory(person=person, registered_on=years_ago(0, 30))
    cancelled = services.unemployment_cancel(actor=clerk, registration=registration, reason=reason)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_on) == (
        UnemploymentStatus.CANCELLED, reason, timezone.localdate())


def test_cancellation_bad_input(clerk, person):
    registration = UnemploymentRegistrationFactory(person=person, registered_on=years_ago(0, 10))
    with pytest.raises(ValidationError) as info:
        services.unemployment_cancel(actor=clerk, registration=registration, reason="bored",
                                     cancelled_on=years_ago(0, 20))
    assert error_codes(info.value) == {"cancel_reason": ["invalid_choice"], "cancelled_on": ["order"]}
    with pytest.raises(ValidationError) as info:  # not yet at retirement age
        services.unemployment_cancel(actor=clerk, registration=registration,
                                     reason=CancellationReason.RETIREMENT_AGE)
    assert error_codes(info.value) == {"cancel_reason": ["not_retired"]}


def test_cancellation_for_retirement_age_once_reached(clerk, tree):
    # A man born 1964-12 retires at 60 (December 2024): registered before, cancelled after.
    person = PersonFactory(area=tree.c1, identity_number=identity_make(birth_date=datetime.date(1964, 12, 1),
                                                                      sequence=13))
    registration = UnemploymentRegistrationFactory(person=person, registered_on=datetime.date(2024, 6, 1))
    cancelled = services.unemployment_cancel(actor=clerk, registration=registration,
                                             reason=CancellationReason.RETIREMENT_AGE,
                                             cancelled_on=datetime.date(2024, 12, 1))
    assert cancelled.cancel_reason == CancellationReason.RETIREMENT_AGE


def test_employment_registration_cancels_open_unemployment_as_found_work(clerk, person):
    registration = UnemploymentRegistrationFactory(person=person, registered_on=years_ago(0, 60))
    started = years_ago(0, 5)
    employment = services.employment_register(actor=clerk, person=person, kind=EmploymentKind.FLEXIBLE,
                                              started_on=started)
    registration.refresh_from_db()
    assert (registration.status, registration.cancel_reason, registration.cancelled_on) == (
        UnemploymentStatus.CANCELLED, CancellationReason.FOUND_WORK, started)
    assert (employment.kind, employment.area, employment.registered_by) == (EmploymentKind.FLEXIBLE, person.area, clerk)


def test_employment_failing_midway_leaves_the_unemployment_registration_open(clerk, person, monkeypatch):
    registration = UnemploymentRegistrationFactory(person=person, registered_on=years_ago(0, 60))

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "transition", broken)
    with pytest.raises(RuntimeError):
        services.employment_register(actor=clerk, person=person, kind=EmploymentKind.SELF_EMPLOYED,
                                     started_on=years_ago(0, 1))
    registration.refresh_from_db()
    assert registration.status == UnemploymentStatus.OPEN and not EmploymentRegistration.objects.exists()


def test_employment_registration_rejects_a_pending_application(clerk, person, job_seeker):
    person.account = job_seeker
    person.save()
    pending = services.unemployment_apply_online(user=job_seeker)
    services.employment_register(actor=clerk, person=person, kind=EmploymentKind.PUBLIC_WELFARE,
                                 started_on=timezone.localdate())
    pending.refresh_from_db()
    assert pending.status == UnemploymentStatus.REJECTED


def test_employment_bad_input(clerk, person):
    with pytest.raises(ValidationError) as info:
        services.employment_register(actor=clerk, person=person, kind="moonlighting",
                                     started_on=timezone.localdate() + datetime.timedelta(days=2))
    assert error_codes(info.value) == {"kind": ["invalid_choice"], "started_on": ["future"]}
    with pytest.raises(ValidationError) as info:
        services.employment_register(actor=clerk, person=person, kind=EmploymentKind.ENTERPRISE_HIRE,
                                     started_on=None)
    assert error_codes(info.value) == {"started_on": ["required"], "employer_name": ["required"]}


def test_second_open_employment_is_refused(clerk, person):
    EmploymentRegistrationFactory(person=person, started_on=years_ago(1))
    with pytest.raises(ValidationError) as info:
        services.employment_register(actor=clerk, person=person, kind=EmploymentKind.FLEXIBLE,
                                     started_on=timezone.localdate())
    assert error_codes(info.value) == {"person": ["employed"]}


def test_employment_from_a_referral_takes_its_employer_and_must_be_the_persons(clerk, tree):
    profile = SeekerProfileFactory(area=tree.c1)
    person = PersonFactory(area=tree.c1, account=profile.account, seeker_profile=profile)
    referral = ReferralFactory(seeker=profile, area=tree.c1)
    employment = services.employment_register(actor=clerk, person=person, kind=EmploymentKind.ENTERPRISE_HIRE,
                                              started_on=timezone.localdate(), referral=referral)
    assert (employment.referral, employment.employer, employment.employer_name) == (
        referral, referral.vacancy.employer, referral.vacancy.employer.name)
    stranger = PersonFactory(area=tree.c1)
    with pytest.raises(ValidationError) as info:
        services.employment_register(actor=clerk, person=stranger, kind=EmploymentKind.ENTERPRISE_HIRE,
                                     started_on=timezone.localdate(), referral=referral)
    assert error_codes(info.value) == {"referral": ["not_own"], "employer_name": ["required"]}


def test_person_registers_again_after_the_job_ends(clerk, person):
    UnemploymentRegistrationFactory(person=person, registered_on=years_ago(1))
    employment = services.employment_register(actor=clerk, person=person, kind=EmploymentKind.FLEXIBLE,
                                              started_on=years_ago(0, 100))
    with pytest.raises(ValidationError):
        services.unemployment_register(actor=clerk, person=person)
    services.employment_end(actor=clerk, registration=employment, ended_on=years_ago(0, 3))
    again = services.unemployment_register(actor=clerk, person=person)
    assert again.status == UnemploymentStatus.OPEN
    assert UnemploymentRegistration.objects.filter(person=person).count() == 2


def test_employment_end_bad_input(clerk, person):
    employment = EmploymentRegistrationFactory(person=person, started_on=years_ago(0, 10))
    with pytest.raises(ValidationError) as info:
        services.employment_end(actor=clerk, registration=employment, ended_on=years_ago(0, 20))
    assert error_codes(info.value) == {"ended_on": ["order"]}
    services.employment_end(actor=clerk, registration=employment, ended_on=timezone.localdate())
    with pytest.raises(ValidationError) as info:
        services.employment_end(actor=clerk, registration=employment, ended_on=timezone.localdate())
    assert error_codes(info.value) == {"ended_on": ["already_ended"]}


def test_job_seeker_not_employer_may_apply_online(tree):
    employer_user = UserFactory(account_type="employer")
    with pytest.raises(ValidationError) as info:
        services.unemployment_apply_online(user=employer_user)
    assert info.value.code == "not_seeker"
