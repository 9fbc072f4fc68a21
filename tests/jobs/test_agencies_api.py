"""Agency API: the public register and the staff endpoints, with the one error format."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.constants import LicenceStatus, SupervisionResult
from jobs.models import Agency, SupervisionRecord
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.conftest import client_for
from tests.jobs.factories import AgencyFactory, SupervisionRecordFactory
from tests.jobs.test_agencies_services import licence_values

pytestmark = pytest.mark.django_db

PUBLIC = "/api/jobs/agencies/"
STAFF = "/api/staff/jobs/agencies/"


def payload(area, **overrides) -> dict:
    values = licence_values(area, **overrides)
    return {**values, "area": area.code, "valid_from": values["valid_from"].isoformat(),
            "valid_to": values["valid_to"].isoformat()}


def field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


def test_public_register_lists_badges_and_leaves_out_revoked(tree):
    today = timezone.localdate()
    valid = AgencyFactory(valid_to=today + datetime.timedelta(days=200))
    expiring = AgencyFactory(valid_to=today + datetime.timedelta(days=59))
    expired = AgencyFactory(valid_from=today - datetime.timedelta(days=400),
                            valid_to=today - datetime.timedelta(days=2))
    AgencyFactory(status=LicenceStatus.REVOKED)
    rows = client_for().get(PUBLIC).json()["results"]
    assert {row["id"]: row["badge"] for row in rows} == {valid.pk: "valid", expiring.pk: "expiring",
                                                         expired.pk: "expired"}
    assert set(rows[0]) >= {"licence_number", "holder", "scope", "valid_to", "badge"}


def test_public_register_filters_by_district(tree):
    AgencyFactory(area=tree.s1)
    there = AgencyFactory(area=tree.c3)
    rows = client_for().get(PUBLIC, {"district": tree.d2.code}).json()["results"]
    assert [row["id"] for row in rows] == [there.pk]
    bad = client_for().get(PUBLIC, {"district": "123"})
    assert bad.status_code == 400 and "district" in bad.json()["error"]["fields"]


def test_public_register_query_count_is_constant(tree, django_assert_num_queries):
    AgencyFactory()
    with CaptureQueriesContext(connection) as small:
        client_for().get(PUBLIC)
    for _ in range(10):
        AgencyFactory(area=tree.c3)
    with django_assert_num_queries(len(small)):
        assert client_for().get(PUBLIC).json()["count"] == 11


def test_district_clerk_records_updates_suspends_and_supervises(clerk, tree):
    client = client_for(clerk)
    created = client.post(STAFF, payload(tree.s1), format="json")
    assert created.status_code == 201, created.json()
    agency_id = created.json()["id"]
    assert created.json()["badge"] == "valid" and created.json()["supervision_count"] == 0

    updated = client.patch(f"{STAFF}{agency_id}/", {"holder": "李四"}, format="json")
    assert updated.status_code == 200 and updated.json()["holder"] == "李四"

    suspended = client.post(f"{STAFF}{agency_id}/status/", {"status": "suspended", "reason": "超范围经营"},
                            format="json")
    assert suspended.status_code == 200
    assert (suspended.json()["status"], suspended.json()["status_reason"]) == ("suspended", "超范围经营")

    record = client.post(f"{STAFF}{agency_id}/supervise/", {
        "inspected_on": timezone.localdate().isoformat(), "findings": "现场检查发现超范围经营", "result": "violation"},
        format="json")
    assert record.status_code == 201 and record.json()["result"] == SupervisionResult.VIOLATION

    detail = client.get(f"{STAFF}{agency_id}/").json()
    assert detail["supervision_count"] == 1 and detail["last_inspected_on"] == timezone.localdate().isoformat()
    assert [r["findings"] for r in detail["supervision_records"]] == ["现场检查发现超范围经营"]


def test_duplicate_licence_number_is_a_field_error(clerk, tree):
    AgencyFactory(licence_number="鄂人社中介字〔2026〕0001号")
    response = client_for(clerk).post(STAFF, payload(tree.d1), format="json")
    assert response.status_code == 400
    assert field_codes(response) == {"licence_number": ["duplicate"]}
    assert response.json()["error"]["fields"]["licence_number"][0]["message"]


def test_bad_input_is_refused_field_by_field(clerk, tree):
    today = timezone.localdate()
    response = client_for(clerk).post(STAFF, payload(tree.d1, valid_from=today, valid_to=today - datetime.timedelta(1),
                                                     credit_code="91420100MA4K000000"), format="json")
    assert field_codes(response) == {"credit_code": ["check"], "valid_to": ["order"]}
    response = client_for(clerk).post(STAFF, {**payload(tree.d1), "area": "000000000000"}, format="json")
    assert field_codes(response) == {"area": ["unknown_area"]}


def test_status_needs_a_reason_and_revoked_is_final(clerk, tree):
    agency = AgencyFactory(area=tree.d1)
    client = client_for(clerk)
    response = client.post(f"{STAFF}{agency.pk}/status/", {"status": "revoked"}, format="json")
    assert field_codes(response) == {"reason": ["required"]}
    assert client.post(f"{STAFF}{agency.pk}/status/", {"status": "revoked", "reason": "吊销"},
                       format="json").status_code == 200
    response = client.post(f"{STAFF}{agency.pk}/status/", {"status": "valid", "reason": "恢复"}, format="json")
    assert response.status_code == 409 and field_codes(response) == {"non_field_errors": ["invalid_transition"]}
    assert client_for().get(PUBLIC).json()["results"] == []


def test_inspection_in_the_future_is_refused(clerk, tree):
    agency = AgencyFactory(area=tree.d1)
    response = client_for(clerk).post(f"{STAFF}{agency.pk}/supervise/", {
        "inspected_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(), "findings": "x",
        "result": "compliant"}, format="json")
    assert response.status_code == 400 and field_codes(response) == {"inspected_on": ["future"]}
    assert not SupervisionRecord.objects.exists()


@pytest.mark.parametrize("position", ["s1", "c1"])
def test_street_and_community_clerks_cannot_record_or_change_licences(tree, position):
    area = getattr(tree, position)
    client = client_for(make_staff(StaffRole.CLERK, area))
    assert client.post(STAFF, payload(area), format="json").status_code == 404
    own = AgencyFactory(area=area)
    assert client.get(f"{STAFF}{own.pk}/").status_code == 200  # they may read it
    assert client.post(f"{STAFF}{own.pk}/status/", {"status": "revoked", "reason": "x"},
                       format="json").status_code == 404
    assert client.post(f"{STAFF}{own.pk}/supervise/", {"inspected_on": timezone.localdate().isoformat(),
                                                       "findings": "x", "result": "compliant"},
                       format="json").status_code == 404
    own.refresh_from_db()
    assert own.status == LicenceStatus.VALID and Agency.objects.count() == 1


def test_staff_agencies_list_the_moves_the_requesting_user_may_take(clerk, tree):
    valid = AgencyFactory(area=tree.s1)
    revoked = AgencyFactory(area=tree.s1, status=LicenceStatus.REVOKED)
    rows = {row["id"]: sorted(row["moves"]) for row in client_for(clerk).get(STAFF).json()["results"]}
    assert rows == {valid.pk: ["edit", "revoke", "supervise", "suspend"], revoked.pk: ["edit", "supervise"]}
    street = client_for(make_staff(StaffRole.CLERK, tree.s1))
    assert street.get(f"{STAFF}{valid.pk}/").json()["moves"] == []
    suspended = client_for(clerk).post(f"{STAFF}{valid.pk}/status/", {"status": "suspended", "reason": "整改"},
                                       format="json").json()
    assert sorted(suspended["moves"]) == ["edit", "reinstate", "revoke", "supervise"]


def test_clerk_of_another_district_gets_404(tree):
    agency = AgencyFactory(area=tree.d1)
    client = client_for(make_staff(StaffRole.CLERK, tree.d2))
    assert client.get(f"{STAFF}{agency.pk}/").status_code == 404
    assert client.patch(f"{STAFF}{agency.pk}/", {"holder": "x"}, format="json").status_code == 404
    assert client.post(f"{STAFF}{agency.pk}/status/", {"status": "revoked", "reason": "x"},
                       format="json").status_code == 404
    assert client.get(STAFF).json()["results"] == []
    agency.refresh_from_db()
    assert agency.status == LicenceStatus.VALID and agency.holder != "x"


def test_job_seekers_and_employers_cannot_use_the_staff_endpoints(job_seeker, employer):
    for user in (job_seeker, employer):
        assert client_for(user).get(STAFF).status_code == 403


def test_staff_list_query_count_is_constant(clerk, tree, django_assert_num_queries):
    SupervisionRecordFactory(agency=AgencyFactory(area=tree.d1), area=tree.d1)
    client = client_for(clerk)
    client.get(STAFF)  # the user's grants are cached on the user after the first request
    with CaptureQueriesContext(connection) as small:
        client.get(STAFF)
    for _ in range(6):
        agency = AgencyFactory(area=tree.s1)
        SupervisionRecordFactory(agency=agency, area=agency.area)
    with django_assert_num_queries(len(small)):
        assert client.get(STAFF).json()["count"] == 7


def test_every_agency_endpoint_is_in_the_schema_with_the_error_format():
    paths = APIClient().get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "get" in paths["/api/jobs/agencies/"]
    for path, method in [("/api/staff/jobs/agencies/", "post"), ("/api/staff/jobs/agencies/{id}/", "put"),
                         ("/api/staff/jobs/agencies/{id}/", "patch"), ("/api/staff/jobs/agencies/{id}/status/", "post"),
                         ("/api/staff/jobs/agencies/{id}/supervise/", "post")]:
        schema = paths[path][method]["responses"]["400"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/Error"), (path, method)
    assert "get" in paths["/api/staff/jobs/agencies/"] and "get" in paths["/api/staff/jobs/agencies/{id}/"]
