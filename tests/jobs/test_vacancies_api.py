"""Vacancy API: the employer's own vacancies, and the staff's scoped review endpoints."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.constants import EmployerStatus, VacancyStatus
from jobs.models import Vacancy
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.django_db

MINE = "/api/jobs/employer/vacancies/"
STAFF = "/api/staff/jobs/vacancies/"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def payload(tree, **overrides) -> dict:
    return {"title": "电焊工", "occupation": "6-18", "industry": "C", "area": tree.c1.code, "headcount": 3,
            "salary_min": 5000, "salary_max": 8000, "education": "junior_middle", "experience_years": 1,
            "working_time": "shifts", "description": "持证上岗，钢结构焊接。", "benefits": "五险一金",
            "contact_name": "王经理", "contact_phone": "027-82000000",
            "closing_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            "for_graduates": True, **overrides}


def field_codes(response, field: str) -> list[str]:
    body = response.json()["error"]
    assert body["status"] == 400 and body["code"] == "invalid", body
    return [item["code"] for item in body["fields"][field]]


def conflict_codes(response, field: str) -> list[str]:
    """A move the record's status does not allow: 409 with the reason in the field errors."""
    body = response.json()["error"]
    assert response.status_code == body["status"] == 409 and body["code"] == "conflict", body
    return [item["code"] for item in body["fields"][field]]


def test_employer_posts_lists_and_reads_its_vacancies(api_client, org, tree):
    api_client.force_authenticate(org.account)
    response = api_client.post(MINE, payload(tree), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "pending" and data["employer"] == {"id": org.pk, "name": org.name}
    assert data["occupation"]["code"] == "6-18" and data["area"]["code"] == tree.c1.code and data["for_graduates"]
    VacancyFactory(employer=EmployerFactory(area=tree.c1))  # someone else's
    listing = api_client.get(MINE).json()
    assert [row["id"] for row in listing["results"]] == [data["id"]]
    assert api_client.get(f"{MINE}{data['id']}/").json()["title"] == "电焊工"


@pytest.mark.parametrize("overrides, field, code", [
    ({"salary_min": 9000, "salary_max": 8000}, "salary_min", "salary_range"),
    ({"closing_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()}, "closing_date", "past"),
    ({"title": "焊" * 61}, "title", "max_length"),
    ({"description": "描" * 5001}, "description", "max_length"),
    ({"area": "420199999999"}, "area", "unknown_area"),
    ({"area": "420102000000"}, "area", "level"),
    ({"occupation": "9-99"}, "occupation", "unknown_occupation"),
    ({"occupation": "6"}, "occupation", "level"),
    ({"industry": "Z"}, "industry", "unknown_industry"),
    ({"headcount": 0}, "headcount", "min_value"),
    ({"working_time": "sometimes"}, "working_time", "invalid_choice"),
])
def test_bad_vacancy_input_is_a_structured_error(api_client, org, tree, overrides, field, code):
    api_client.force_authenticate(org.account)
    response = api_client.post(MINE, payload(tree, **overrides), format="json")
    assert response.status_code == 400
    assert code in field_codes(response, field)
    assert not Vacancy.objects.exists()


def test_posting_while_not_verified_is_a_structured_error(api_client, tree):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    api_client.force_authenticate(org.account)
    response = api_client.post(MINE, payload(tree), format="json")
    assert field_codes(response, "non_field_errors") == ["not_verified"]


def test_posting_without_an_organisation_is_a_structured_error(api_client, employer, tree):
    api_client.force_authenticate(employer)
    assert field_codes(api_client.post(MINE, payload(tree), format="json"), "non_field_errors") == ["not_registered"]


def test_html_in_the_description_comes_back_exactly_as_typed(api_client, org, tree):
    api_client.force_authenticate(org.account)
    data = api_client.post(MINE, payload(tree, description=SCRIPT), format="json").json()
    assert data["description"] == SCRIPT
    assert Vacancy.objects.get().description == SCRIPT


def test_returned_vacancy_is_updated_resubmitted_and_published(api_client, org, tree, district_clerk):
    api_client.force_authenticate(org.account)
    vacancy_id = api_client.post(MINE, payload(tree), format="json").json()["id"]

    api_client.force_authenticate(district_clerk)
    missing = api_client.post(f"{STAFF}{vacancy_id}/return/", {"reason": " "}, format="json")
    assert field_codes(missing, "reason") == ["required"]
    returned = api_client.post(f"{STAFF}{vacancy_id}/return/", {"reason": "请写明工作时间"}, format="json").json()
    assert (returned["status"], returned["return_reason"]) == ("returned", "请写明工作时间")

    api_client.force_authenticate(org.account)
    patched = api_client.patch(f"{MINE}{vacancy_id}/", {"description": "每天八小时。"}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "每天八小时。"
    put = api_client.put(f"{MINE}{vacancy_id}/", payload(tree, title="电焊工（白班）"), format="json")
    assert put.status_code == 200 and put.json()["status"] == "returned"
    resubmitted = api_client.post(f"{MINE}{vacancy_id}/resubmit/")
    assert resubmitted.json()["status"] == "pending" and resubmitted.json()["return_reason"] == ""

    api_client.force_authenticate(district_clerk)
    published = api_client.post(f"{STAFF}{vacancy_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert Vacancy.objects.public().filter(pk=vacancy_id).exists()
    again = api_client.post(f"{STAFF}{vacancy_id}/publish/")
    assert conflict_codes(again, "non_field_errors") == ["invalid_transition"]

    api_client.force_authenticate(org.account)
    locked = api_client.patch(f"{MINE}{vacancy_id}/", {"title": "改"}, format="json")
    assert conflict_codes(locked, "non_field_errors") == ["not_editable"]
    closed = api_client.post(f"{MINE}{vacancy_id}/close/", {"reason": "filled"}, format="json")
    assert closed.json()["status"] == "closed" and closed.json()["close_reason"] == "filled"


def test_close_reason_must_be_filled_or_withdrawn(api_client, org):
    vacancy = VacancyFactory(employer=org)
    api_client.force_authenticate(org.account)
    response = api_client.post(f"{MINE}{vacancy.pk}/close/", {"reason": "expired"}, format="json")
    assert field_codes(response, "reason") == ["invalid_choice"]


def test_another_employers_vacancy_is_not_found(api_client, org, tree):
    other = VacancyFactory(employer=EmployerFactory(area=tree.c1), status=VacancyStatus.RETURNED)
    api_client.force_authenticate(org.account)
    assert api_client.get(f"{MINE}{other.pk}/").status_code == 404
    assert api_client.patch(f"{MINE}{other.pk}/", {"title": "冒名"}, format="json").status_code == 404
    assert api_client.post(f"{MINE}{other.pk}/resubmit/").status_code == 404
    assert api_client.post(f"{MINE}{other.pk}/close/", {"reason": "filled"}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.status == VacancyStatus.RETURNED and other.title != "冒名"


def test_employer_vacancy_endpoints_are_for_employer_accounts(api_client, job_seeker, district_clerk):
    for user in (job_seeker, district_clerk):
        api_client.force_authenticate(user)
        assert api_client.get(MINE).status_code == 403


def test_staff_review_queue_is_pending_in_scope_oldest_first(api_client, org, tree, district_clerk):
    now = timezone.now()
    newer = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None, created_at=now)
    older = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None,
                           created_at=now - datetime.timedelta(days=3))
    VacancyFactory(employer=org)
    VacancyFactory(employer=EmployerFactory(area=tree.c3), status=VacancyStatus.PENDING, published_at=None)
    api_client.force_authenticate(district_clerk)
    rows = api_client.get(f"{STAFF}review/").json()["results"]
    assert [row["id"] for row in rows] == [older.pk, newer.pk]
    assert api_client.get(STAFF).json()["count"] == 3
    assert api_client.get(STAFF, {"status": "published"}).json()["count"] == 1


@pytest.mark.parametrize("attr", ["s1", "c1"])
def test_street_and_community_clerks_cannot_publish_through_the_api(api_client, org, tree, attr):
    vacancy = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None)
    api_client.force_authenticate(make_staff(StaffRole.CLERK, getattr(tree, attr)))
    assert api_client.get(f"{STAFF}{vacancy.pk}/").status_code == 200
    assert api_client.post(f"{STAFF}{vacancy.pk}/publish/").status_code == 404
    assert api_client.post(f"{STAFF}{vacancy.pk}/return/", {"reason": "x"}, format="json").status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING


def test_clerk_of_another_district_and_non_clerks_are_refused(api_client, org, tree, job_seeker):
    vacancy = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None)
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.d2))
    assert api_client.get(f"{STAFF}{vacancy.pk}/").status_code == 404
    assert api_client.post(f"{STAFF}{vacancy.pk}/publish/").status_code == 404
    for user in (job_seeker, org.account, make_staff(StaffRole.OFFICIAL, tree.d1)):
        api_client.force_authenticate(user)
        assert api_client.post(f"{STAFF}{vacancy.pk}/publish/").status_code == 403
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING


def test_clerk_posts_on_behalf_of_an_employer_through_the_api(api_client, org, tree):
    clerk = make_staff(StaffRole.CLERK, tree.s1)
    api_client.force_authenticate(clerk)
    response = api_client.post(STAFF, payload(tree, employer=org.pk), format="json")
    assert response.status_code == 201 and response.json()["employer"]["id"] == org.pk
    vacancy = Vacancy.objects.get()
    assert vacancy.posted_by == clerk and vacancy.status == VacancyStatus.PENDING
    outside = EmployerFactory(area=tree.c3)
    assert field_codes(api_client.post(STAFF, payload(tree, employer=outside.pk), format="json"),
                       "employer") == ["unknown_employer"]
    pending = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING)
    assert field_codes(api_client.post(STAFF, payload(tree, employer=pending.pk), format="json"),
                       "employer") == ["not_verified"]


def test_staff_lists_keep_a_constant_query_count(api_client, org, tree, district_clerk, django_assert_num_queries):
    api_client.force_authenticate(district_clerk)
    VacancyFactory.create_batch(2, employer=org, status=VacancyStatus.PENDING, published_at=None)
    few = {}
    for path in (STAFF, f"{STAFF}review/"):
        api_client.get(path)
        with CaptureQueriesContext(connection) as context:
            api_client.get(path)
        few[path] = len(context)
    for _ in range(8):
        VacancyFactory(employer=EmployerFactory(area=tree.c2), area=tree.c2, status=VacancyStatus.PENDING,
                       published_at=None)
    for path, count in few.items():
        with django_assert_num_queries(count):
            response = api_client.get(path)
        assert response.json()["count"] == 10


def test_employer_vacancy_list_keeps_a_constant_query_count(api_client, org, django_assert_num_queries):
    api_client.force_authenticate(org.account)
    VacancyFactory(employer=org)
    api_client.get(MINE)
    with CaptureQueriesContext(connection) as few:
        api_client.get(MINE)
    VacancyFactory.create_batch(10, employer=org)
    with django_assert_num_queries(len(few)):
        assert api_client.get(MINE).json()["count"] == 11


def test_vacancy_endpoints_are_in_the_schema(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (MINE, MINE + "{id}/", MINE + "{id}/resubmit/", MINE + "{id}/close/", STAFF, STAFF + "review/",
                 STAFF + "{id}/", STAFF + "{id}/publish/", STAFF + "{id}/return/", STAFF + "{id}/close/"):
        assert path in paths, path
    assert set(paths[MINE]) >= {"get", "post"} and set(paths[MINE + "{id}/"]) >= {"get", "put", "patch"}
    assert "post" in paths[STAFF] and "400" in paths[STAFF]["post"]["responses"]


def test_each_vacancy_lists_the_moves_its_reader_may_take(api_client, org, tree, district_clerk):
    vacancy = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None)
    api_client.force_authenticate(org.account)
    assert sorted(api_client.get(f"{MINE}{vacancy.pk}/").json()["moves"]) == ["close", "edit"]
    api_client.force_authenticate(district_clerk)
    assert sorted(api_client.get(f"{STAFF}{vacancy.pk}/").json()["moves"]) == ["close", "publish", "return"]
    published = api_client.post(f"{STAFF}{vacancy.pk}/publish/").json()
    assert published["moves"] == ["close"]
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.s1))
    assert api_client.get(f"{STAFF}{vacancy.pk}/").json()["moves"] == []
