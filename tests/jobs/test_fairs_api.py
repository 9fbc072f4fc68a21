"""Job fair API: public listing, sign-up, joining, slots and booking; staff organising; the one
error format and the OpenAPI schema."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.constants import FairStatus, FairTargetGroup
from jobs.models import FairParticipation, FairSignup, InterviewSlot, JobFair
from jobs.services import fairs as services
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.conftest import client_for
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

FAIRS = "/api/jobs/fairs/"
STAFF_FAIRS = "/api/staff/jobs/fairs/"


def field_codes(response) -> dict[str, list[str]]:
    error = response.json()["error"]
    return {name: [item["code"] for item in items] for name, items in error["fields"].items()}


@pytest.fixture
def fair(clerk, tree):
    return published_fair(clerk, tree.d1, capacity=10)


def test_fair_flow_end_to_end_through_the_api(clerk, tree):
    starts, ends = fair_times()
    staff = client_for(clerk)
    created = staff.post(STAFF_FAIRS, {
        "title": "高校毕业生网络招聘会", "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
        "is_online": True, "target_group": FairTargetGroup.GRADUATES, "capacity": 2, "area": tree.d1.code},
        format="json")
    assert created.status_code == 201, created.json()
    fair_id = created.json()["id"]
    assert created.json()["status"] == FairStatus.DRAFT
    assert client_for().get(f"{FAIRS}{fair_id}/").status_code == 404  # drafts are not public
    published = staff.post(f"{STAFF_FAIRS}{fair_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == FairStatus.PUBLISHED

    employer, vacancies = employer_with_vacancies(2)
    joined = client_for(employer.account).post(f"{FAIRS}{fair_id}/join/",
                                               {"vacancies": [v.pk for v in vacancies]}, format="json")
    assert joined.status_code == 201 and sorted(joined.json()["vacancies"]) == sorted(v.pk for v in vacancies)

    seeker = seeker_account()
    signed = client_for(seeker).post(f"{FAIRS}{fair_id}/signup/")
    assert signed.status_code == 201 and signed.json()["fair"] == fair_id

    slot_start = starts + datetime.timedelta(minutes=15)
    offered = client_for(employer.account).post(f"{FAIRS}{fair_id}/slots/", {
        "starts_at": slot_start.isoformat(), "minutes": 30, "meeting_link": LINK, "vacancy": vacancies[0].pk},
        format="json")
    assert offered.status_code == 201, offered.json()
    slot_id = offered.json()["id"]

    free = client_for(seeker).get(f"{FAIRS}{fair_id}/slots/").json()
    assert [s["id"] for s in free["results"]] == [slot_id]
    assert "meeting_link" not in free["results"][0]

    booked = client_for(seeker).post(f"/api/jobs/slots/{slot_id}/book/")
    assert booked.status_code == 200 and booked.json()["meeting_link"] == LINK
    assert client_for(seeker).get(f"{FAIRS}{fair_id}/slots/").json()["results"] == []
    mine = client_for(seeker).get("/api/jobs/slots/").json()["results"]
    assert [(s["id"], s["meeting_link"]) for s in mine] == [(slot_id, LINK)]
    offered_by_me = client_for(employer.account).get("/api/jobs/slots/").json()["results"]
    assert offered_by_me[0]["booked_by_name"] == seeker.display_name

    listed = client_for().get(FAIRS).json()["results"]
    assert [(f["id"], f["employer_count"], f["vacancy_count"], f["signup_count"], f["places_left"])
            for f in listed] == [(fair_id, 1, 2, 1, 1)]
    detail = client_for().get(f"{FAIRS}{fair_id}/").json()
    assert detail["participants"][0]["employer"]["name"] == employer.name
    assert len(detail["participants"][0]["vacancies"]) == 2
    staff_detail = staff.get(f"{STAFF_FAIRS}{fair_id}/").json()
    assert staff_detail["signup_count"] == 1 and staff_detail["participants"][0]["booked_count"] == 1


def test_public_list_defaults_to_upcoming_and_filters(fair, clerk, tree):
    past = published_fair(clerk, tree.d1, title="往期")
    JobFair.objects.filter(pk=past.pk).update(starts_at=timezone.now() - datetime.timedelta(days=3),
                                              ends_at=timezone.now() - datetime.timedelta(days=3, hours=-2))
    migrants = published_fair(clerk, tree.d1, target_group=FairTargetGroup.MIGRANT_WORKERS)
    client = client_for()
    assert {f["id"] for f in client.get(FAIRS).json()["results"]} == {fair.pk, migrants.pk}
    assert [f["id"] for f in client.get(FAIRS, {"when": "past"}).json()["results"]] == [past.pk]
    assert [f["id"] for f in client.get(FAIRS, {"target_group": "migrant_workers"}).json()["results"]] \
        == [migrants.pk]
    bad = client.get(FAIRS, {"when": "someday"})
    assert bad.status_code == 400 and "when" in bad.json()["error"]["fields"]


def test_public_list_query_count_is_constant(clerk, tree, django_assert_num_queries):
    joined_employer(published_fair(clerk, tree.d1), count=1)
    client = client_for()
    with CaptureQueriesContext(connection) as small:
        client.get(FAIRS)
    for _ in range(5):
        fair = published_fair(clerk, tree.d1)
        joined_employer(fair, count=2)
        services.fair_sign_up(actor=seeker_account(), fair=fair)
    with django_assert_num_queries(len(small)):
        response = client.get(FAIRS)
    assert response.json()["count"] == 6


def test_staff_list_query_count_is_constant(clerk, tree, django_assert_num_queries):
    published_fair(clerk, tree.d1)
    client = client_for(clerk)
    client.get(STAFF_FAIRS)  # the user's grants are cached on the user after the first request
    with CaptureQueriesContext(connection) as small:
        client.get(STAFF_FAIRS)
    for _ in range(5):
        joined_employer(published_fair(clerk, tree.d1), count=2)
    with django_assert_num_queries(len(small)):
        response = client.get(STAFF_FAIRS)
    assert response.json()["count"] == 6


def test_end_before_start_gets_the_one_error_format(clerk, tree):
    starts, _ = fair_times()
    response = client_for(clerk).post(STAFF_FAIRS, {
        "title": "x", "starts_at": starts.isoformat(), "ends_at": (starts - datetime.timedelta(hours=1)).isoformat(),
        "venue": "大厅", "area": tree.d1.code}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["status"] == 400 and body["code"] == "invalid"
    assert field_codes(response) == {"ends_at": ["order"]}


def test_unknown_area_and_industry_are_refused(clerk, tree):
    starts, ends = fair_times()
    response = client_for(clerk).post(STAFF_FAIRS, {
        "title": "x", "starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "venue": "大厅",
        "area": "999999999999", "target_group": "industry", "industry": "Z"}, format="json")
    assert field_codes(response) == {"area": ["unknown_area"], "industry": ["unknown_industry"]}


def test_staff_update_changes_a_draft_and_refuses_a_published_fair(clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    client = client_for(clerk)
    response = client.patch(f"{STAFF_FAIRS}{fair.pk}/", {"title": "改名后的招聘会", "capacity": 80}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "改名后的招聘会"
    fair.refresh_from_db()
    assert fair.capacity == 80 and fair.venue == "江岸区人力资源市场"
    client.post(f"{STAFF_FAIRS}{fair.pk}/publish/")
    response = client.patch(f"{STAFF_FAIRS}{fair.pk}/", {"title": "再改"}, format="json")
    assert response.status_code == 409 and field_codes(response) == {"non_field_errors": ["not_draft"]}


def test_cancel_records_the_reason(clerk, fair):
    response = client_for(clerk).post(f"{STAFF_FAIRS}{fair.pk}/cancel/", {"reason": "暴雨"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == FairStatus.CANCELLED
    again = client_for(clerk).post(f"{STAFF_FAIRS}{fair.pk}/cancel/", {}, format="json")
    assert again.status_code == 409 and field_codes(again) == {"non_field_errors": ["invalid_transition"]}


def test_staff_fairs_list_the_moves_the_requesting_user_may_take(clerk, tree):
    draft = draft_fair(clerk, tree.s1)
    published = published_fair(clerk, tree.s1)
    mine = {f["id"]: sorted(f["moves"]) for f in client_for(clerk).get(STAFF_FAIRS).json()["results"]}
    assert mine == {draft.pk: ["cancel", "edit", "publish"], published.pk: ["cancel"]}
    street_admin = client_for(make_staff(StaffRole.ADMINISTRATOR, tree.s1))
    assert street_admin.get(f"{STAFF_FAIRS}{published.pk}/").json()["moves"] == ["cancel"]
    cancelled = client_for(clerk).post(f"{STAFF_FAIRS}{published.pk}/cancel/", {}, format="json").json()
    assert (cancelled["status"], cancelled["moves"]) == (FairStatus.CANCELLED, [])


def test_slot_without_a_length_gets_the_length_the_page_suggests(fair):
    employer, _ = joined_employer(fair)
    response = client_for(employer.account).post(f"{FAIRS}{fair.pk}/slots/", {
        "starts_at": (fair.starts_at + datetime.timedelta(minutes=5)).isoformat(), "meeting_link": LINK},
        format="json")
    assert response.status_code == 201 and response.json()["minutes"] == 20
    too_long = client_for(employer.account).post(f"{FAIRS}{fair.pk}/slots/", {
        "starts_at": (fair.starts_at + datetime.timedelta(minutes=5)).isoformat(), "meeting_link": LINK,
        "minutes": 600, "vacancy": 987654}, format="json")
    assert field_codes(too_long) == {"minutes": ["max_value"], "vacancy": ["unknown"]}


def test_clerk_of_another_district_gets_404_and_changes_nothing(clerk, tree):
    fair = draft_fair(clerk, tree.d1)
    other = client_for(make_staff(StaffRole.CLERK, tree.d2))
    assert other.get(f"{STAFF_FAIRS}{fair.pk}/").status_code == 404
    assert other.patch(f"{STAFF_FAIRS}{fair.pk}/", {"title": "x"}, format="json").status_code == 404
    assert other.post(f"{STAFF_FAIRS}{fair.pk}/publish/").status_code == 404
    starts, ends = fair_times()
    created = other.post(STAFF_FAIRS, {"title": "越权", "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                                       "venue": "x", "area": tree.d1.code}, format="json")
    assert created.status_code == 404
    fair.refresh_from_db()
    assert fair.status == FairStatus.DRAFT and fair.title != "x"
    assert other.get(STAFF_FAIRS).json()["results"] == []


def test_staff_endpoints_refuse_job_seekers_employers_and_officials(tree, fair):
    for user in (seeker_account(), employer_with_vacancies(0)[0].account, make_staff(StaffRole.OFFICIAL, tree.d1)):
        response = client_for(user).get(STAFF_FAIRS)
        assert response.status_code == 403 and response.json()["error"]["status"] == 403
    assert client_for().get(STAFF_FAIRS).status_code in (401, 403)


def test_signup_needs_a_signed_in_job_seeker(fair):
    assert client_for().post(f"{FAIRS}{fair.pk}/signup/").status_code in (401, 403)
    employer, _ = employer_with_vacancies(0)
    assert client_for(employer.account).post(f"{FAIRS}{fair.pk}/signup/").status_code == 403
    assert not FairSignup.objects.exists()


def test_signup_twice_and_when_full_are_clear_errors(clerk, tree):
    fair = published_fair(clerk, tree.d1, capacity=1)
    seeker = seeker_account()
    assert client_for(seeker).post(f"{FAIRS}{fair.pk}/signup/").status_code == 201
    again = client_for(seeker).post(f"{FAIRS}{fair.pk}/signup/")
    assert again.status_code == 400 and field_codes(again) == {"non_field_errors": ["duplicate"]}
    full = client_for(seeker_account()).post(f"{FAIRS}{fair.pk}/signup/")
    assert full.status_code == 400 and field_codes(full) == {"non_field_errors": ["full"]}
    assert full.json()["error"]["fields"]["non_field_errors"][0]["message"]


def test_join_with_someone_elses_or_unknown_vacancy_is_refused(fair):
    employer, _ = employer_with_vacancies(0)
    _, others = employer_with_vacancies(1)
    client = client_for(employer.account)
    response = client.post(f"{FAIRS}{fair.pk}/join/", {"vacancies": [others[0].pk]}, format="json")
    assert field_codes(response) == {"vacancies": ["invalid_vacancy"]}
    response = client.post(f"{FAIRS}{fair.pk}/join/", {"vacancies": [987654]}, format="json")
    assert field_codes(response) == {"vacancies": ["unknown"]}
    assert not FairParticipation.objects.exists()


def test_slot_with_a_non_https_link_is_refused(fair):
    employer, _ = joined_employer(fair)
    response = client_for(employer.account).post(f"{FAIRS}{fair.pk}/slots/", {
        "starts_at": (fair.starts_at + datetime.timedelta(minutes=5)).isoformat(), "minutes": 20,
        "meeting_link": "http://meeting.example.cn/1"}, format="json")
    assert response.status_code == 400 and field_codes(response) == {"meeting_link": ["https_only"]}
    assert not InterviewSlot.objects.exists()


def test_booking_a_taken_slot_is_refused(fair):
    slot, first, second = slot_and_two_seekers(fair)
    assert client_for(first).post(f"/api/jobs/slots/{slot.pk}/book/").status_code == 200
    response = client_for(second).post(f"/api/jobs/slots/{slot.pk}/book/")
    assert response.status_code == 400 and field_codes(response) == {"non_field_errors": ["taken"]}
    assert client_for(second).post("/api/jobs/slots/999999/book/").status_code == 404


def test_my_slots_are_only_my_own(fair):
    employer, _ = joined_employer(fair)
    other_employer, _ = joined_employer(fair)
    mine = offer_slot(employer, fair)
    offer_slot(other_employer, fair)
    assert [s["id"] for s in client_for(employer.account).get("/api/jobs/slots/").json()["results"]] == [mine.pk]
    assert client_for(seeker_account()).get("/api/jobs/slots/").json()["results"] == []


def test_every_fair_endpoint_is_in_the_schema_with_the_error_format():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path, method in [
        ("/api/jobs/fairs/", "get"), ("/api/jobs/fairs/{id}/", "get"), ("/api/jobs/fairs/{id}/signup/", "post"),
        ("/api/jobs/fairs/{id}/join/", "post"), ("/api/jobs/fairs/{id}/slots/", "get"),
        ("/api/jobs/fairs/{id}/slots/", "post"), ("/api/jobs/slots/", "get"), ("/api/jobs/slots/{id}/book/", "post"),
        ("/api/staff/jobs/fairs/", "get"), ("/api/staff/jobs/fairs/", "post"), ("/api/staff/jobs/fairs/{id}/", "get"),
        ("/api/staff/jobs/fairs/{id}/", "put"), ("/api/staff/jobs/fairs/{id}/", "patch"),
        ("/api/staff/jobs/fairs/{id}/publish/", "post"), ("/api/staff/jobs/fairs/{id}/cancel/", "post"),
    ]:
        operation = paths[path][method]
        if method == "post" or path.startswith("/api/staff/"):
            error = operation["responses"]["400" if method != "get" else "403"]
            assert error["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), (path, method)
    assert "meeting_link" not in schema["components"]["schemas"]["FreeSlot"]["properties"]
