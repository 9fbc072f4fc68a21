"""Job fair services: organising, joining, signing up, offering and booking interview slots.

The helpers at the top are shared with the page and API tests of job fairs.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.constants import EmployerStatus, FairStatus, FairTargetGroup, JobsEvent, VacancyStatus
from jobs.forms_fairs import FairForm
from jobs.models import FairParticipation, FairSignup, InterviewSlot, JobFair
from jobs.services import fairs as services
from portal.constants import StaffRole
from portal.models import AuditEvent, StatusChange, User
from portal.reference.models import Industry
from portal.scoping import OutOfScope
from portal.workflow import available_moves
from tests.conftest import make_staff
from tests.jobs.conftest import codes
from tests.jobs.factories import EmployerFactory, SeekerProfileFactory, VacancyFactory

pytestmark = pytest.mark.django_db

LINK = "https://meeting.example.cn/room/42"


# --- Helpers shared with test_fairs_pages.py and test_fairs_api.py ------------------------------


def fair_times(days: int = 7, hours: int = 4) -> tuple[datetime.datetime, datetime.datetime]:
    starts = (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)
    return starts, starts + datetime.timedelta(hours=hours)


def draft_fair(actor, area, **overrides) -> JobFair:
    starts, ends = fair_times()
    values = {"title": "江岸区高校毕业生专场招聘会", "starts_at": starts, "ends_at": ends,
              "venue": "江岸区人力资源市场", "area": area, **overrides}
    return services.fair_create(actor=actor, **values)


def published_fair(actor, area, **overrides) -> JobFair:
    return services.fair_publish(actor=actor, fair=draft_fair(actor, area, **overrides))


def employer_with_vacancies(count: int = 2, **employer_fields):
    employer = EmployerFactory(**employer_fields)
    vacancies = [VacancyFactory(employer=employer) for _ in range(count)]
    return employer, vacancies


def seeker_account(**fields):
    return SeekerProfileFactory(**fields).account


def joined_employer(fair, count: int = 2):
    employer, vacancies = employer_with_vacancies(count)
    services.fair_join(actor=employer.account, fair=fair, vacancies=vacancies)
    return employer, vacancies


def offer_slot(employer, fair, *, minutes: int = 20, offset_minutes: int = 30, **extra) -> InterviewSlot:
    return services.interview_slot_offer(
        actor=employer.account, fair=fair, starts_at=fair.starts_at + datetime.timedelta(minutes=offset_minutes),
        minutes=minutes, meeting_link=LINK, **extra)


def slot_and_two_seekers(fair) -> tuple[InterviewSlot, User, User]:
    """A slot offered at the fair and two job seekers' accounts signed up to it; nobody has booked."""
    employer, _ = joined_employer(fair)
    slot = offer_slot(employer, fair)
    first, second = seeker_account(), seeker_account()
    for seeker in (first, second):
        services.fair_sign_up(actor=seeker, fair=fair)
    return slot, first, second


@pytest.fixture
def fair(clerk, tree):
    return published_fair(clerk, tree.d1, capacity=2)


# --- Organising -------------------------------------------------------------------------------


def test_clerk_drafts_a_fair_in_own_district_and_it_is_audited(clerk, tree):
    fair = draft_fair(clerk, tree.d1, target_group=FairTargetGroup.GRADUATES, capacity=300, description="现场招聘")
    assert fair.status == FairStatus.DRAFT
    assert fair.area == tree.d1 and fair.area_path == tree.d1.path
    assert fair.organised_by == clerk and fair.capacity == 300
    event = AuditEvent.objects.get(event_type=JobsEvent.FAIR_CREATED, object_id=str(fair.pk))
    assert event.actor == clerk and event.new_values["title"] == fair.title


def test_fair_ending_before_it_starts_is_refused(clerk, tree):
    starts, _ = fair_times()
    with pytest.raises(ValidationError) as caught:
        draft_fair(clerk, tree.d1, starts_at=starts, ends_at=starts - datetime.timedelta(hours=1))
    assert codes(caught.value) == {"ends_at": ["order"]}
    assert not JobFair.objects.exists()


def test_fair_needs_exactly_one_of_venue_or_online(clerk, tree):
    with pytest.raises(ValidationError) as caught:
        draft_fair(clerk, tree.d1, venue="", is_online=False)
    assert codes(caught.value) == {"venue": ["venue_or_online"]}
    with pytest.raises(ValidationError) as caught:
        draft_fair(clerk, tree.d1, venue="大厅", is_online=True)
    assert codes(caught.value) == {"venue": ["venue_or_online"]}
    online = draft_fair(clerk, tree.d1, venue="", is_online=True)
    assert online.is_online and online.venue == ""


def test_industry_fair_requires_an_industry_and_others_drop_it(clerk, tree):
    with pytest.raises(ValidationError) as caught:
        draft_fair(clerk, tree.d1, target_group=FairTargetGroup.INDUSTRY)
    assert codes(caught.value) == {"industry": ["required"]}
    manufacturing = Industry.objects.get(code="C")
    assert draft_fair(clerk, tree.d1, target_group=FairTargetGroup.INDUSTRY, industry=manufacturing).industry \
        == manufacturing
    assert draft_fair(clerk, tree.d1, target_group=FairTargetGroup.GRADUATES, industry=manufacturing).industry is None


def test_fair_in_the_past_or_with_bad_capacity_is_refused(clerk, tree):
    past = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        draft_fair(clerk, tree.d1, starts_at=past, ends_at=past + datetime.timedelta(hours=2), capacity=0)
    assert codes(caught.value) == {"starts_at": ["past"], "capacity": ["min_value"]}


def test_fair_is_organised_by_a_city_district_or_street_not_a_community(tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    with pytest.raises(ValidationError) as caught:
        draft_fair(clerk, tree.c1)
    assert codes(caught.value) == {"area": ["level"]}
    assert draft_fair(clerk, tree.s1).area == tree.s1


def test_clerk_of_another_district_cannot_organise_here(tree):
    other = make_staff(StaffRole.CLERK, tree.d2)
    with pytest.raises(OutOfScope):
        draft_fair(other, tree.d1)


def test_official_cannot_organise_a_fair(tree):
    official = make_staff(StaffRole.OFFICIAL, tree.d1)
    with pytest.raises(OutOfScope):
        draft_fair(official, tree.d1)


def test_draft_can_be_edited_but_a_published_fair_cannot(clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    starts, ends = fair_times(days=10)
    fair = services.fair_update(actor=clerk, fair=fair, title="新标题", starts_at=starts, ends_at=ends, venue="新场馆",
                                area=tree.d1)
    assert (fair.title, fair.venue, fair.starts_at) == ("新标题", "新场馆", starts)
    event = AuditEvent.objects.get(event_type=JobsEvent.FAIR_UPDATED, object_id=str(fair.pk))
    assert event.old_values["title"] == "江岸区高校毕业生专场招聘会" and event.new_values["title"] == "新标题"

    services.fair_publish(actor=clerk, fair=fair)
    with pytest.raises(ValidationError) as caught:
        services.fair_update(actor=clerk, fair=fair, title="再改", starts_at=starts, ends_at=ends, venue="x",
                             area=tree.d1)
    assert codes(caught.value) == {"__all__": ["not_draft"]}


def test_publish_and_cancel_go_through_the_workflow_with_history(clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    fair = services.fair_publish(actor=clerk, fair=fair)
    assert fair.status == FairStatus.PUBLISHED
    fair = services.fair_cancel(actor=clerk, fair=fair, reason="场地检修")
    assert fair.status == FairStatus.CANCELLED
    changes = list(StatusChange.objects.filter(object_type="jobs.jobfair", object_id=str(fair.pk))
                   .values_list("from_status", "to_status", "note"))
    assert changes == [("draft", "published", ""), ("published", "cancelled", "场地检修")]
    assert AuditEvent.objects.filter(event_type=JobsEvent.FAIR_STATUS_CHANGED, object_id=str(fair.pk)).count() == 2
    with pytest.raises(ValidationError) as caught:
        services.fair_publish(actor=clerk, fair=fair)
    assert codes(caught.value) == {"__all__": ["invalid_transition"]}


def test_clerk_of_another_district_cannot_publish(clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    with pytest.raises(OutOfScope):
        services.fair_publish(actor=make_staff(StaffRole.CLERK, tree.d2), fair=fair)
    fair.refresh_from_db()
    assert fair.status == FairStatus.DRAFT


def test_a_fair_that_has_ended_cannot_be_published(clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    JobFair.objects.filter(pk=fair.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=5),
                                              ends_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        services.fair_publish(actor=clerk, fair=fair)
    assert codes(caught.value) == {"__all__": ["ended"]}
    assert JobFair.objects.get(pk=fair.pk).status == FairStatus.DRAFT
    assert not StatusChange.objects.filter(object_type="jobs.jobfair", object_id=str(fair.pk)).exists()


def test_publish_judges_the_locked_row_not_the_callers_stale_copy(clerk, tree):
    stale = draft_fair(clerk, tree.d1)
    services.fair_cancel(actor=clerk, fair=JobFair.objects.get(pk=stale.pk))
    assert stale.status == FairStatus.DRAFT  # the caller's copy still says draft
    with pytest.raises(ValidationError) as caught:
        services.fair_publish(actor=clerk, fair=stale)
    assert codes(caught.value) == {"__all__": ["invalid_transition"]}
    with pytest.raises(ValidationError) as caught:
        services.fair_update(actor=clerk, fair=stale, **{**{name: getattr(stale, name) for name in FairForm.base_fields},
                                                         "title": "改"})
    assert codes(caught.value) == {"__all__": ["not_draft"]}
    assert JobFair.objects.get(pk=stale.pk).status == FairStatus.CANCELLED


@pytest.mark.parametrize("role, position, allowed", [
    (StaffRole.CLERK, "s1", True), (StaffRole.ADMINISTRATOR, "s1", True), (StaffRole.ADMINISTRATOR, "city", True),
    (StaffRole.CLERK, "c1", False), (StaffRole.OFFICIAL, "d1", False), (StaffRole.CLERK, "s2", False),
])
def test_the_workflow_says_who_publishes_a_street_fair(clerk, tree, role, position, allowed):
    fair = draft_fair(clerk, tree.s1)
    actor = make_staff(role, getattr(tree, position))
    assert ("publish" in available_moves(actor, fair)) is allowed
    if allowed:
        assert services.fair_publish(actor=actor, fair=fair).status == FairStatus.PUBLISHED
    else:
        with pytest.raises(OutOfScope):
            services.fair_publish(actor=actor, fair=fair)
        assert JobFair.objects.get(pk=fair.pk).status == FairStatus.DRAFT


# --- Employers joining ------------------------------------------------------------------------


def test_verified_employer_joins_once_with_its_published_vacancies(fair):
    employer, vacancies = employer_with_vacancies(2)
    participation = services.fair_join(actor=employer.account, fair=fair, vacancies=vacancies)
    assert set(participation.vacancies.all()) == set(vacancies)
    assert AuditEvent.objects.filter(event_type=JobsEvent.FAIR_EMPLOYER_JOINED, area=fair.area).count() == 1
    with pytest.raises(ValidationError) as caught:
        services.fair_join(actor=employer.account, fair=fair, vacancies=vacancies)
    assert codes(caught.value) == {"__all__": ["duplicate"]}
    assert FairParticipation.objects.filter(fair=fair).count() == 1


def test_unverified_employer_cannot_join(fair):
    employer, vacancies = employer_with_vacancies(1, status=EmployerStatus.PENDING)
    with pytest.raises(ValidationError) as caught:
        services.fair_join(actor=employer.account, fair=fair, vacancies=vacancies)
    assert codes(caught.value) == {"__all__": ["not_verified"]}


def test_employer_cannot_bring_another_employers_or_unpublished_vacancy(fair):
    employer, _ = employer_with_vacancies(0)
    _, others = employer_with_vacancies(1)
    pending = VacancyFactory(employer=employer, status=VacancyStatus.PENDING)
    for vacancy in (others[0], pending):
        with pytest.raises(ValidationError) as caught:
            services.fair_join(actor=employer.account, fair=fair, vacancies=[vacancy])
        assert codes(caught.value) == {"vacancies": ["invalid_vacancy"]}
    with pytest.raises(ValidationError) as caught:
        services.fair_join(actor=employer.account, fair=fair, vacancies=[])
    assert codes(caught.value) == {"vacancies": ["required"]}


def test_nobody_joins_a_draft_or_ended_fair(clerk, tree):
    employer, vacancies = employer_with_vacancies(1)
    draft = draft_fair(clerk, tree.d1)
    with pytest.raises(ValidationError) as caught:
        services.fair_join(actor=employer.account, fair=draft, vacancies=vacancies)
    assert codes(caught.value) == {"__all__": ["not_open"]}
    ended = published_fair(clerk, tree.d1)
    JobFair.objects.filter(pk=ended.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=5),
                                               ends_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        services.fair_join(actor=employer.account, fair=ended, vacancies=vacancies)
    assert codes(caught.value) == {"__all__": ["ended"]}


def test_job_seeker_cannot_join_as_employer(fair):
    with pytest.raises(PermissionDenied):
        services.fair_join(actor=seeker_account(), fair=fair, vacancies=[])


# --- Job seekers signing up -------------------------------------------------------------------


def test_seeker_signs_up_once(fair):
    seeker = seeker_account()
    signup = services.fair_sign_up(actor=seeker, fair=fair)
    assert signup.fair == fair and signup.seeker.account == seeker
    with pytest.raises(ValidationError) as caught:
        services.fair_sign_up(actor=seeker, fair=fair)
    assert codes(caught.value) == {"__all__": ["duplicate"]}


def test_seeker_without_profile_is_told_to_fill_it_in(fair, job_seeker):
    with pytest.raises(ValidationError) as caught:
        services.fair_sign_up(actor=job_seeker, fair=fair)
    assert codes(caught.value) == {"__all__": ["no_profile"]}


def test_the_last_place_goes_to_one_seeker_and_the_next_is_told_it_is_full(fair):
    first, second, third = seeker_account(), seeker_account(), seeker_account()
    services.fair_sign_up(actor=first, fair=fair)
    services.fair_sign_up(actor=second, fair=fair)  # the last of 2 places
    with pytest.raises(ValidationError) as caught:
        services.fair_sign_up(actor=third, fair=fair)
    assert codes(caught.value) == {"__all__": ["full"]}
    assert "2" in caught.value.messages[0]
    assert FairSignup.objects.filter(fair=fair).count() == 2


def test_sign_up_counts_places_under_a_lock_on_the_fair_row(fair):
    with CaptureQueriesContext(connection) as queries:
        services.fair_sign_up(actor=seeker_account(), fair=fair)
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('FROM "jobs_jobfair"' in sql for sql in locking)
    lock_at = next(i for i, q in enumerate(queries) if "FOR UPDATE" in q["sql"])
    count_at = next(i for i, q in enumerate(queries) if "COUNT(" in q["sql"] and "jobs_fairsignup" in q["sql"])
    assert lock_at < count_at  # places are counted after the lock is held


# --- Interview slots --------------------------------------------------------------------------


def test_participating_employer_offers_a_slot_within_the_fair(fair):
    employer, vacancies = joined_employer(fair)
    slot = offer_slot(employer, fair, vacancy=vacancies[0])
    assert slot.participation.employer == employer and slot.vacancy == vacancies[0]
    assert slot.meeting_link == LINK and slot.booked_by is None
    assert AuditEvent.objects.filter(event_type=JobsEvent.INTERVIEW_SLOT_OFFERED).count() == 1


@pytest.mark.parametrize("link", ["http://meeting.example.cn/room/1", "ftp://example.cn/x", "javascript:alert(1)",
                                  "meeting.example.cn/room", "https://"])
def test_slot_link_must_be_https(fair, link):
    employer, _ = joined_employer(fair)
    with pytest.raises(ValidationError) as caught:
        services.interview_slot_offer(actor=employer.account, fair=fair, starts_at=fair.starts_at, minutes=20,
                                      meeting_link=link)
    assert codes(caught.value) == {"meeting_link": ["https_only"]}
    assert not InterviewSlot.objects.exists()


def test_slot_outside_the_fair_or_too_long_is_refused(fair):
    employer, _ = joined_employer(fair)
    with pytest.raises(ValidationError) as caught:
        offer_slot(employer, fair, offset_minutes=-30)
    assert codes(caught.value) == {"starts_at": ["outside_fair"]}
    with pytest.raises(ValidationError) as caught:
        offer_slot(employer, fair, offset_minutes=4 * 60 - 10, minutes=20)  # ends after the fair
    assert codes(caught.value) == {"starts_at": ["outside_fair"]}
    with pytest.raises(ValidationError) as caught:
        offer_slot(employer, fair, minutes=300)
    assert codes(caught.value) == {"minutes": ["range"]}


def test_employer_must_join_before_offering_slots_and_only_for_its_fair_vacancies(fair):
    outsider, _ = employer_with_vacancies(1)
    with pytest.raises(ValidationError) as caught:
        offer_slot(outsider, fair)
    assert codes(caught.value) == {"__all__": ["not_participating"]}
    employer, _ = joined_employer(fair)
    _, elsewhere = employer_with_vacancies(1)
    with pytest.raises(ValidationError) as caught:
        offer_slot(employer, fair, vacancy=elsewhere[0])
    assert codes(caught.value) == {"vacancy": ["invalid_vacancy"]}


def test_signed_up_seeker_books_a_free_slot(fair):
    employer, _ = joined_employer(fair)
    slot = offer_slot(employer, fair)
    seeker = seeker_account()
    services.fair_sign_up(actor=seeker, fair=fair)
    booked = services.interview_slot_book(actor=seeker, slot=slot)
    assert booked.booked_by.account == seeker and booked.booked_at is not None
    assert AuditEvent.objects.filter(event_type=JobsEvent.INTERVIEW_SLOT_BOOKED, actor=seeker).count() == 1


def test_seeker_must_sign_up_before_booking(fair):
    employer, _ = joined_employer(fair)
    slot = offer_slot(employer, fair)
    with pytest.raises(ValidationError) as caught:
        services.interview_slot_book(actor=seeker_account(), slot=slot)
    assert codes(caught.value) == {"__all__": ["not_signed_up"]}


def test_a_slot_goes_to_one_seeker_and_the_second_is_told_it_is_taken(fair):
    slot, first, second = slot_and_two_seekers(fair)
    services.interview_slot_book(actor=first, slot=slot)
    with pytest.raises(ValidationError) as caught:
        services.interview_slot_book(actor=second, slot=slot)
    assert codes(caught.value) == {"__all__": ["taken"]}
    with pytest.raises(ValidationError) as caught:
        services.interview_slot_book(actor=first, slot=slot)
    assert codes(caught.value) == {"__all__": ["duplicate"]}
    slot.refresh_from_db()
    assert slot.booked_by.account == first


def test_seeker_cannot_book_two_overlapping_slots(fair):
    employer, _ = joined_employer(fair)
    other_employer, _ = joined_employer(fair)
    first = offer_slot(employer, fair, offset_minutes=30, minutes=30)       # 0:30–1:00
    overlapping = offer_slot(other_employer, fair, offset_minutes=45)       # 0:45–1:05
    back_to_back = offer_slot(other_employer, fair, offset_minutes=60)      # 1:00–1:20
    seeker = seeker_account()
    services.fair_sign_up(actor=seeker, fair=fair)
    services.interview_slot_book(actor=seeker, slot=first)
    with pytest.raises(ValidationError) as caught:
        services.interview_slot_book(actor=seeker, slot=overlapping)
    assert codes(caught.value) == {"__all__": ["overlap"]}
    assert services.interview_slot_book(actor=seeker, slot=back_to_back).booked_by.account == seeker


def test_booking_locks_the_seeker_then_the_slot(fair):
    employer, _ = joined_employer(fair)
    slot = offer_slot(employer, fair)
    seeker = seeker_account()
    services.fair_sign_up(actor=seeker, fair=fair)
    with CaptureQueriesContext(connection) as queries:
        services.interview_slot_book(actor=seeker, slot=slot)
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert 'FROM "jobs_seekerprofile"' in locked[0]
    assert 'FROM "jobs_interviewslot"' in locked[1]


def test_employer_cannot_book_a_slot(fair):
    employer, _ = joined_employer(fair)
    slot = offer_slot(employer, fair)
    with pytest.raises(PermissionDenied):
        services.interview_slot_book(actor=employer.account, slot=slot)


# --- Real concurrency: two connections race for the last place and for one slot ----------------


def _race(calls):
    """Run the calls at the same moment in separate threads (separate database connections)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_seekers_racing_for_the_last_place_one_wins(committed_tree, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    fair = published_fair(clerk, tree.d1, capacity=1)
    seekers = [seeker_account(), seeker_account()]
    results = _race([lambda s=s: services.fair_sign_up(actor=s, fair=fair) for s in seekers])
    winners = [r for r in results if isinstance(r, FairSignup)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert codes(losers[0]) == {"__all__": ["full"]}
    assert FairSignup.objects.filter(fair=fair).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_seekers_racing_for_one_slot_one_wins(committed_tree, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    fair = published_fair(clerk, tree.d1)
    employer, _ = joined_employer(fair)
    slot = offer_slot(employer, fair)
    seekers = [seeker_account(), seeker_account()]
    for seeker in seekers:
        services.fair_sign_up(actor=seeker, fair=fair)
    results = _race([lambda s=s: services.interview_slot_book(actor=s, slot=slot) for s in seekers])
    winners = [r for r in results if isinstance(r, InterviewSlot)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert codes(losers[0]) == {"__all__": ["taken"]}
    slot.refresh_from_db()
    assert slot.booked_by.account == winners[0].booked_by.account
