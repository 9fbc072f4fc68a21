"""Job fair pages: the public list and detail, taking part as employer and job seeker, and the
staff pages that organise fairs."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.constants import FairStatus, FairTargetGroup, VacancyStatus
from jobs.models import FairSignup, InterviewSlot, JobFair
from jobs.services import fairs as services
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import JobFairFactory, VacancyFactory
from tests.jobs.test_fairs_services import (
    LINK,
    draft_fair,
    employer_with_vacancies,
    fair_times,
    joined_employer,
    offer_slot,
    published_fair,
    seeker_account,
    slot_and_two_seekers,
)

pytestmark = pytest.mark.django_db

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime(LOCAL_INPUT)


def error_codes(form) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}


@pytest.fixture
def fair(clerk, tree):
    return published_fair(clerk, tree.d1, capacity=50, target_group=FairTargetGroup.GRADUATES)


# --- Public list and detail -------------------------------------------------------------------


def test_public_list_shows_upcoming_published_fairs_with_employer_and_vacancy_counts(client, clerk, tree, fair):
    joined_employer(fair, count=2)
    joined_employer(fair, count=3)
    draft = draft_fair(clerk, tree.d1, title="尚未发布的招聘会")
    cancelled = services.fair_cancel(actor=clerk, fair=published_fair(clerk, tree.d1, title="已取消的招聘会"))
    response = client.get(reverse("jobs:fair-list"))
    assert response.status_code == 200
    fairs = list(response.context["fairs"])
    assert [f.pk for f in fairs] == [fair.pk]
    assert (fairs[0].employer_count, fairs[0].vacancy_count) == (2, 5)
    html = response.content.decode()
    assert fair.title in html and draft.title not in html and cancelled.title not in html


def test_vacancy_count_leaves_out_vacancies_that_are_no_longer_public(client, fair):
    _, vacancies = joined_employer(fair, count=3)
    vacancies[0].status = VacancyStatus.CLOSED
    vacancies[0].save()
    vacancies[1].closing_date = timezone.localdate() - datetime.timedelta(days=1)
    vacancies[1].save()
    listed = client.get(reverse("jobs:fair-list")).context["fairs"][0]
    assert listed.vacancy_count == 1


def test_past_fairs_are_on_their_own_tab(client, fair, clerk, tree):
    past = published_fair(clerk, tree.d1, title="去年的招聘会")
    JobFair.objects.filter(pk=past.pk).update(starts_at=timezone.now() - datetime.timedelta(days=30),
                                              ends_at=timezone.now() - datetime.timedelta(days=30, hours=-4))
    upcoming = client.get(reverse("jobs:fair-list"))
    assert [f.pk for f in upcoming.context["fairs"]] == [fair.pk]
    past_tab = client.get(reverse("jobs:fair-list"), {"when": "past"})
    assert [f.pk for f in past_tab.context["fairs"]] == [past.pk]
    assert 'aria-current="page"' in past_tab.content.decode()


def test_public_list_filters_by_target_group(client, fair, clerk, tree):
    migrant = published_fair(clerk, tree.d1, title="农民工专场", target_group=FairTargetGroup.MIGRANT_WORKERS)
    response = client.get(reverse("jobs:fair-list"), {"target_group": FairTargetGroup.MIGRANT_WORKERS})
    assert [f.pk for f in response.context["fairs"]] == [migrant.pk]


def test_the_target_group_filter_offers_any_not_dashes(client, fair):
    page = client.get(reverse("jobs:fair-list")).content.decode()
    assert '<option value="" selected>不限</option>' in page and "---------" not in page


def test_public_list_query_count_does_not_grow_with_fairs_or_participants(client, clerk, tree,
                                                                       django_assert_num_queries):
    first = published_fair(clerk, tree.d1)
    joined_employer(first, count=1)
    url = reverse("jobs:fair-list")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        more = published_fair(clerk, tree.d1)
        joined_employer(more, count=3)
        services.fair_sign_up(actor=seeker_account(), fair=more)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["fairs"]) == 7


def test_detail_shows_participants_with_only_their_public_vacancies(client, fair):
    employer, vacancies = joined_employer(fair, count=2)
    vacancies[1].status = VacancyStatus.CLOSED
    vacancies[1].save()
    response = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert employer.name in html and vacancies[0].title in html and vacancies[1].title not in html


def test_description_typed_with_html_is_shown_as_text(client, clerk, tree):
    fair = published_fair(clerk, tree.d1, description="第一行<script>alert('x')</script>\n第二行")
    html = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk})).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>第二行" in html


def test_draft_fair_is_not_found_in_public(client, clerk, tree):
    draft = draft_fair(clerk, tree.d1)
    assert client.get(reverse("jobs:fair-detail", kwargs={"pk": draft.pk})).status_code == 404


def test_cancelled_fair_with_sign_ups_still_shows_it_is_cancelled(client, clerk, fair):
    seeker = seeker_account()
    services.fair_sign_up(actor=seeker, fair=fair)
    services.fair_cancel(actor=clerk, fair=fair, reason="天气原因")
    client.force_login(seeker)
    response = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert response.status_code == 200
    assert response.context["is_open"] is False
    assert 'class="notice warning"' in response.content.decode()


# --- The whole journey through the pages ------------------------------------------------------


def test_fair_flow_from_draft_to_booked_interview_through_the_pages(client, clerk, tree):
    # A district clerk drafts and publishes a fair.
    starts, ends = fair_times()
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:fair-create"), {
        "title": "春风行动专场招聘会", "area": tree.d1.code, "starts_at": local(starts), "ends_at": local(ends),
        "venue": "江岸区人力资源市场", "target_group": FairTargetGroup.MIGRANT_WORKERS, "capacity": "100",
        "description": "面向进城务工人员"})
    fair = JobFair.objects.get(title="春风行动专场招聘会")
    assert response.status_code == 302 and response["Location"] == reverse("staff-jobs:fair-detail",
                                                                           kwargs={"pk": fair.pk})
    assert fair.status == FairStatus.DRAFT and fair.capacity == 100
    client.post(reverse("staff-jobs:fair-publish", kwargs={"pk": fair.pk}))
    fair.refresh_from_db()
    assert fair.status == FairStatus.PUBLISHED

    # A verified employer joins with two of its published vacancies.
    employer, vacancies = employer_with_vacancies(3)
    client.force_login(employer.account)
    join_page = client.get(reverse("jobs:fair-join", kwargs={"pk": fair.pk}))
    assert len(join_page.context["form"].fields["vacancies"].queryset) == 3
    response = client.post(reverse("jobs:fair-join", kwargs={"pk": fair.pk}),
                           {"vacancies": [vacancies[0].pk, vacancies[1].pk]})
    assert response.status_code == 302
    # It offers a remote interview slot.
    slot_start = fair.starts_at + datetime.timedelta(minutes=30)
    response = client.post(reverse("jobs:fair-slot-offer", kwargs={"pk": fair.pk}), {
        "starts_at": local(slot_start), "minutes": "30", "meeting_link": LINK, "vacancy": vacancies[0].pk})
    assert response.status_code == 302
    slot = InterviewSlot.objects.get()
    assert slot.starts_at == slot_start and slot.vacancy == vacancies[0]

    # A job seeker signs up and books the slot.
    seeker = seeker_account()
    client.force_login(seeker)
    detail = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert [s.pk for s in detail.context["free_slots"]] == [slot.pk]
    assert LINK not in detail.content.decode()  # the link is for the booker only
    client.post(reverse("jobs:fair-signup", kwargs={"pk": fair.pk}))
    assert FairSignup.objects.filter(fair=fair, seeker__account=seeker).exists()
    response = client.post(reverse("jobs:slot-book", kwargs={"pk": slot.pk}))
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.booked_by.account == seeker
    detail = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert detail.context["seeker"]["bookings"] == [slot] and LINK in detail.content.decode()
    mine = client.get(reverse("jobs:my-interviews"))
    assert [s.pk for s in mine.context["slots"]] == [slot.pk] and LINK in mine.content.decode()

    # The employer sees who booked; the listing shows the counts.
    client.force_login(employer.account)
    detail = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert detail.context["employer_state"]["slots"][0].booked_by.account == seeker
    listed = client.get(reverse("jobs:fair-list")).context["fairs"][0]
    assert (listed.employer_count, listed.vacancy_count, listed.signup_count) == (1, 2, 1)
    # The clerk's page shows participants and sign-ups.
    client.force_login(clerk)
    staff_page = client.get(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert staff_page.context["fair"].signup_count == 1
    assert [p.employer for p in staff_page.context["participants"]] == [employer]
    assert staff_page.context["participants"][0].booked_count == 1


# --- Bad input on the pages keeps what was typed ----------------------------------------------


def test_staff_form_with_end_before_start_is_shown_again_with_the_input(client, clerk, tree):
    starts, _ = fair_times()
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:fair-create"), {
        "title": "输入保留测试", "area": tree.d1.code, "starts_at": local(starts),
        "ends_at": local(starts - datetime.timedelta(hours=2)), "venue": "大厅",
        "target_group": FairTargetGroup.GENERAL})
    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"ends_at": ["order"]}
    html = response.content.decode()
    assert 'value="输入保留测试"' in html and f'value="{local(starts)}"' in html
    assert 'id="id_ends_at_error"' in html
    assert not JobFair.objects.exists()


def test_staff_form_offers_only_organising_areas_in_scope(client, tree):
    street_clerk = make_staff(StaffRole.CLERK, tree.s1)
    client.force_login(street_clerk)
    form = client.get(reverse("staff-jobs:fair-create")).context["form"]
    assert list(form.fields["area"].queryset) == [tree.s1]
    response = client.post(reverse("staff-jobs:fair-create"), {"title": "x", "area": tree.d1.code})
    assert "invalid_choice" in error_codes(response.context["form"])["area"]


def test_slot_form_refuses_a_link_that_is_not_https_and_keeps_the_input(client, fair):
    employer, _ = joined_employer(fair)
    client.force_login(employer.account)
    slot_start = local(fair.starts_at + datetime.timedelta(minutes=30))
    response = client.post(reverse("jobs:fair-slot-offer", kwargs={"pk": fair.pk}), {
        "starts_at": slot_start, "minutes": "20", "meeting_link": "http://meeting.example.cn/1"})
    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"meeting_link": ["https_only"]}
    html = response.content.decode()
    assert 'value="http://meeting.example.cn/1"' in html and f'value="{slot_start}"' in html
    assert not InterviewSlot.objects.exists()


def test_signing_up_for_a_full_fair_says_so(client, clerk, tree):
    fair = published_fair(clerk, tree.d1, capacity=1)
    services.fair_sign_up(actor=seeker_account(), fair=fair)
    client.force_login(seeker_account())
    response = client.post(reverse("jobs:fair-signup", kwargs={"pk": fair.pk}), follow=True)
    messages = [m for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].level_tag == "error"
    assert FairSignup.objects.filter(fair=fair).count() == 1


def test_booking_a_taken_slot_says_so(client, fair):
    slot, first, second = slot_and_two_seekers(fair)
    services.interview_slot_book(actor=first, slot=slot)
    client.force_login(second)
    response = client.post(reverse("jobs:slot-book", kwargs={"pk": slot.pk}), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    slot.refresh_from_db()
    assert slot.booked_by.account == first


def test_join_form_without_a_choice_is_refused_beside_the_field(client, fair):
    employer, _ = employer_with_vacancies(1)
    client.force_login(employer.account)
    response = client.post(reverse("jobs:fair-join", kwargs={"pk": fair.pk}), {})
    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"vacancies": ["required"]}


# --- Who may do what --------------------------------------------------------------------------


def test_clerk_of_another_district_gets_404_on_the_staff_pages(client, clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))
    for name in ("staff-jobs:fair-detail", "staff-jobs:fair-publish", "staff-jobs:fair-cancel"):
        url = reverse(name, kwargs={"pk": fair.pk})
        if name == "staff-jobs:fair-detail":
            assert client.get(url).status_code == 404
        assert client.post(url, {"title": "改掉", "reason": "x"}).status_code == 404
    fair.refresh_from_db()
    assert fair.status == FairStatus.DRAFT and fair.title != "改掉"
    assert fair.pk not in [f.pk for f in client.get(reverse("staff-jobs:fair-list")).context["fairs"]]


def test_officials_and_the_public_cannot_use_the_staff_pages(client, tree, job_seeker):
    url = reverse("staff-jobs:fair-list")
    assert client.get(url).status_code == 302
    client.force_login(job_seeker)
    assert client.get(url).status_code == 403
    client.force_login(make_staff(StaffRole.OFFICIAL, tree.d1))
    assert client.get(url).status_code == 403
    assert client.get(reverse("staff-jobs:fair-create")).status_code == 403


def test_employer_cannot_sign_up_and_seeker_cannot_join_or_offer(client, fair):
    employer, _ = employer_with_vacancies(1)
    client.force_login(employer.account)
    assert client.post(reverse("jobs:fair-signup", kwargs={"pk": fair.pk})).status_code == 403
    seeker = seeker_account()
    client.force_login(seeker)
    assert client.get(reverse("jobs:fair-join", kwargs={"pk": fair.pk})).status_code == 403
    assert client.get(reverse("jobs:fair-slot-offer", kwargs={"pk": fair.pk})).status_code == 403


def test_employer_that_has_not_joined_cannot_open_the_slot_form(client, fair):
    employer, _ = employer_with_vacancies(1)
    client.force_login(employer.account)
    assert client.get(reverse("jobs:fair-slot-offer", kwargs={"pk": fair.pk})).status_code == 404


def test_my_interviews_shows_only_my_own_bookings(client, fair):
    employer, _ = joined_employer(fair)
    mine, theirs = offer_slot(employer, fair, offset_minutes=30), offer_slot(employer, fair, offset_minutes=60)
    me, other = seeker_account(), seeker_account()
    for seeker, slot in ((me, mine), (other, theirs)):
        services.fair_sign_up(actor=seeker, fair=fair)
        services.interview_slot_book(actor=seeker, slot=slot)
    client.force_login(me)
    assert [s.pk for s in client.get(reverse("jobs:my-interviews")).context["slots"]] == [mine.pk]
    client.force_login(employer.account)
    assert [s.pk for s in client.get(reverse("jobs:my-interviews")).context["slots"]] == [mine.pk, theirs.pk]


# --- Staff pages ------------------------------------------------------------------------------


def test_clerk_edits_a_draft_on_its_page(client, clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    starts, ends = fair_times(days=9)
    client.force_login(clerk)
    page = client.get(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert page.context["form"] is not None and set(page.context["moves"]) == {"publish", "cancel", "edit"}
    response = client.post(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk}), {
        "title": "线上专场", "area": tree.d1.code, "starts_at": local(starts), "ends_at": local(ends),
        "is_online": "on", "venue": "", "target_group": FairTargetGroup.HARD_TO_EMPLOY})
    assert response.status_code == 302
    fair.refresh_from_db()
    assert (fair.title, fair.is_online, fair.target_group) == ("线上专场", True, FairTargetGroup.HARD_TO_EMPLOY)


def test_a_published_fair_offers_only_cancelling_and_no_edit_form(client, clerk, tree, fair):
    client.force_login(clerk)
    page = client.get(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert set(page.context["moves"]) == {"cancel"} and page.context.get("form") is None
    html = page.content.decode()
    assert reverse("staff-jobs:fair-publish", kwargs={"pk": fair.pk}) not in html
    assert reverse("staff-jobs:fair-cancel", kwargs={"pk": fair.pk}) in html
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.city))
    assert set(client.get(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk})).context["moves"]) == {"cancel"}


def test_clerk_cancels_a_published_fair_with_a_reason(client, clerk, fair):
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:fair-cancel", kwargs={"pk": fair.pk}), {"reason": "场地维修"})
    assert response.status_code == 302
    fair.refresh_from_db()
    assert fair.status == FairStatus.CANCELLED


def test_staff_list_query_count_does_not_grow(client, clerk, tree, django_assert_num_queries):
    published_fair(clerk, tree.d1)
    client.force_login(clerk)
    url = reverse("staff-jobs:fair-list")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(8):
        fair = published_fair(clerk, tree.d1) if index % 2 else draft_fair(clerk, tree.s1)
        if fair.status == FairStatus.PUBLISHED:
            joined_employer(fair, count=2)
    JobFairFactory(area=tree.d2)  # another district's fair is neither listed nor counted
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["fairs"]) == 9


def test_staff_list_of_a_city_administrator_covers_every_district(client, clerk, tree):
    here = draft_fair(clerk, tree.d1)
    there = draft_fair(make_staff(StaffRole.CLERK, tree.d2), tree.d2)
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.city))
    listed = {f.pk for f in client.get(reverse("staff-jobs:fair-list")).context["fairs"]}
    assert {here.pk, there.pk} <= listed


def test_seeker_without_profile_is_pointed_to_the_profile(client, fair, job_seeker):
    client.force_login(job_seeker)
    response = client.get(reverse("jobs:fair-detail", kwargs={"pk": fair.pk}))
    assert response.context["seeker"]["profile"] is None
    assert reverse("jobs:fair-signup", kwargs={"pk": fair.pk}) not in response.content.decode()


def test_join_form_offers_only_the_employers_published_vacancies(client, fair):
    employer, vacancies = employer_with_vacancies(1)
    VacancyFactory(employer=employer, status=VacancyStatus.PENDING)
    client.force_login(employer.account)
    form = client.get(reverse("jobs:fair-join", kwargs={"pk": fair.pk})).context["form"]
    assert list(form.fields["vacancies"].queryset) == vacancies
