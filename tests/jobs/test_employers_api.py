"""Employer API: the employer's own profile, and the staff's scoped employer endpoints."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.constants import EmployerStatus
from jobs.models import Employer
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory, credit_code

pytestmark = pytest.mark.django_db

PROFILE = "/api/jobs/employer/profile/"
STAFF = "/api/staff/jobs/employers/"


def payload(tree, **overrides) -> dict:
    return {"name": "武汉江滩建材有限公司", "credit_code": credit_code(92001), "industry": "C", "area": tree.c1.code,
            "address": "沿江大道1号", "contact_name": "张经理", "contact_phone": "027-82001234", **overrides}


def field_codes(response, field: str) -> list[str]:
    body = response.json()["error"]
    assert body["status"] == 400 and body["code"] == "invalid"
    return [item["code"] for item in body["fields"][field]]


def test_employer_registers_reads_and_updates_its_profile(api_client, employer, tree):
    api_client.force_authenticate(employer)
    assert api_client.get(PROFILE).status_code == 404
    response = api_client.post(PROFILE, payload(tree), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "pending" and data["area"]["code"] == tree.c1.code and data["industry"]["code"] == "C"
    assert api_client.get(PROFILE).json()["id"] == data["id"]
    response = api_client.put(PROFILE, payload(tree, name="武汉江滩建材贸易有限公司"), format="json")
    assert response.status_code == 200 and response.json()["name"] == "武汉江滩建材贸易有限公司"
    again = api_client.post(PROFILE, payload(tree, credit_code=credit_code(92002)), format="json")
    assert field_codes(again, "non_field_errors") == ["already_registered"]


@pytest.mark.parametrize("overrides, field, code", [
    ({"credit_code": credit_code(92001)[:17] + ("0" if credit_code(92001)[17] != "0" else "1")}, "credit_code",
     "check"),
    ({"credit_code": "123"}, "credit_code", "length"),
    ({"area": "999999999999"}, "area", "unknown_area"),
    ({"area": "420102000000"}, "area", "level"),
    ({"industry": "Z"}, "industry", "unknown_industry"),
    ({"name": ""}, "name", "blank"),
])
def test_bad_profile_input_is_a_structured_error(api_client, employer, tree, overrides, field, code):
    api_client.force_authenticate(employer)
    response = api_client.post(PROFILE, payload(tree, **overrides), format="json")
    assert response.status_code == 400
    assert code in field_codes(response, field)
    assert not Employer.objects.exists()


def test_duplicate_credit_code_is_a_structured_error(api_client, employer, tree):
    EmployerFactory(credit_code=credit_code(92001))
    api_client.force_authenticate(employer)
    response = api_client.post(PROFILE, payload(tree), format="json")
    assert field_codes(response, "credit_code") == ["duplicate"]


def test_rejected_employer_resubmits_through_the_api(api_client, tree):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.REJECTED, status_reason="地址不符")
    api_client.force_authenticate(org.account)
    assert api_client.get(PROFILE).json()["status_reason"] == "地址不符"
    response = api_client.post(PROFILE + "resubmit/")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    again = api_client.post(PROFILE + "resubmit/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert [item["code"] for item in again.json()["error"]["fields"]["non_field_errors"]] == ["invalid_transition"]


def test_profile_endpoint_is_for_employer_accounts(api_client, job_seeker, tree):
    assert api_client.get(PROFILE).status_code in (401, 403)
    api_client.force_authenticate(job_seeker)
    response = api_client.post(PROFILE, payload(tree), format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_district_clerk_lists_verifies_and_rejects(api_client, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    first = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None, name="甲公司")
    second = EmployerFactory(area=tree.c2, status=EmployerStatus.PENDING, verified_at=None, name="乙公司")
    EmployerFactory(area=tree.c3, status=EmployerStatus.PENDING, name="武昌公司")
    api_client.force_authenticate(clerk)
    listing = api_client.get(STAFF, {"status": "pending"}).json()
    assert listing["count"] == 2 and {row["id"] for row in listing["results"]} == {first.pk, second.pk}

    response = api_client.post(f"{STAFF}{first.pk}/verify/")
    assert response.status_code == 200 and response.json()["status"] == "verified"
    assert response.json()["verified_at"] is not None

    missing = api_client.post(f"{STAFF}{second.pk}/reject/", {"reason": ""}, format="json")
    assert field_codes(missing, "reason") == ["required"]
    response = api_client.post(f"{STAFF}{second.pk}/reject/", {"reason": "执照过期"}, format="json")
    assert response.json()["status"] == "rejected" and response.json()["status_reason"] == "执照过期"


@pytest.mark.parametrize("attr", ["s1", "c1"])
def test_street_and_community_clerks_cannot_verify_through_the_api(api_client, tree, attr):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    api_client.force_authenticate(make_staff(StaffRole.CLERK, getattr(tree, attr)))
    assert api_client.get(f"{STAFF}{org.pk}/").status_code == 200
    response = api_client.post(f"{STAFF}{org.pk}/verify/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    org.refresh_from_db()
    assert org.status == EmployerStatus.PENDING


def test_clerk_of_another_district_and_non_staff_are_refused(api_client, tree, job_seeker):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.d2))
    assert api_client.get(f"{STAFF}{org.pk}/").status_code == 404
    assert api_client.post(f"{STAFF}{org.pk}/verify/").status_code == 404
    for user in (job_seeker, org.account):
        api_client.force_authenticate(user)
        assert api_client.get(STAFF).status_code == 403
        assert api_client.post(f"{STAFF}{org.pk}/verify/").status_code == 403
    org.refresh_from_db()
    assert org.status == EmployerStatus.PENDING


def test_membership_through_the_api(api_client, tree):
    org = EmployerFactory(area=tree.c1)
    api_client.force_authenticate(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    missing = api_client.post(f"{STAFF}{org.pk}/membership/", {"is_member": True}, format="json")
    assert field_codes(missing, "member_since") == ["required"]
    today = timezone.localdate().isoformat()
    response = api_client.post(f"{STAFF}{org.pk}/membership/", {"is_member": True, "member_since": today},
                               format="json")
    assert response.status_code == 200
    assert response.json()["is_member_unit"] and response.json()["member_since"] == today
    assert api_client.get(STAFF, {"member": "yes"}).json()["count"] == 1
    response = api_client.post(f"{STAFF}{org.pk}/membership/", {"is_member": False}, format="json")
    assert response.json()["is_member_unit"] is False


def test_staff_employer_list_keeps_a_constant_query_count(api_client, tree, django_assert_num_queries):
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.d1))
    VacancyFactory(employer=EmployerFactory(area=tree.c1))
    api_client.get(STAFF)
    with CaptureQueriesContext(connection) as few:
        api_client.get(STAFF)
    for _ in range(12):
        VacancyFactory(employer=EmployerFactory(area=tree.c2))
    with django_assert_num_queries(len(few)):
        response = api_client.get(STAFF)
    assert response.json()["count"] == 13 and response.json()["results"][0]["vacancy_count"] == 1


def test_employer_endpoints_are_in_the_schema(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (PROFILE, PROFILE + "resubmit/", STAFF, STAFF + "{id}/", STAFF + "{id}/verify/",
                 STAFF + "{id}/reject/", STAFF + "{id}/membership/"):
        assert path in paths, path
    assert set(paths[PROFILE]) >= {"get", "post", "put"}
    assert "400" in paths[STAFF + "{id}/reject/"]["post"]["responses"]
