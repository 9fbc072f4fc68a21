"""The review's staff API: the queue with moves, one application, each step as an action, bulk
approval answered per item, and bad input answered in the one error format (never a 500)."""

from __future__ import annotations

import pytest

from portal.constants import StaffRole
from subsidies.constants import ApplicationStatus, ReasonCode
from subsidies.models import Application
from tests.conftest import make_staff
from tests.registration.factories import api_field_codes, client_for
from tests.subsidies.review_support import eligible_application, fund_for, submitted_at_window

pytestmark = pytest.mark.django_db

def api(name: str, pk=None) -> str:
    if pk is None:
        return f"/api/staff/subsidies/applications/{name}"
    return f"/api/staff/subsidies/applications/{pk}/{name}"


@pytest.fixture
def clerks(tree):
    return {"community": make_staff(StaffRole.CLERK, tree.c1), "street": make_staff(StaffRole.CLERK, tree.s1),
            "district": make_staff(StaffRole.CLERK, tree.d1), "city": make_staff(StaffRole.OFFICIAL, tree.city),
            "other_district": make_staff(StaffRole.CLERK, tree.d2)}


def test_the_list_gives_each_application_with_its_moves_and_my_steps_first(tree, clerks):
    mine = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    other = eligible_application(tree.c1, status=ApplicationStatus.SUBMITTED)
    elsewhere = eligible_application(tree.c3, status=ApplicationStatus.STREET_REVIEWED)
    response = client_for(clerks["district"]).get(api(""))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [mine.pk, other.pk]
    assert elsewhere.pk not in {row["id"] for row in rows}
    assert rows[0]["awaits_me"] is True and set(rows[0]["moves"]) == {"approve", "return", "reject"}
    assert rows[0]["amount_requested_fen"] == 120_000 and rows[0]["area"]["code"] == tree.c1.code
    filtered = client_for(clerks["district"]).get(api(""), {"status": "submitted"}).json()["results"]
    assert [row["id"] for row in filtered] == [other.pk]


def test_one_application_with_snapshot_timeline_and_documents(tree, clerks):
    application = submitted_at_window(clerks["community"], tree.c1)
    response = client_for(clerks["street"]).get(api("", application.pk))
    body = response.json()
    assert response.status_code == 200
    assert body["eligibility"]["eligible"] is True and body["version"] == application.version.number
    assert [entry["status"] for entry in body["timeline"]] == ["submitted"]
    assert body["timeline"][0]["due_on"] == application.due_on.isoformat()
    assert body["documents"] == [] and body["fund_entries"] == []
    assert client_for(clerks["other_district"]).get(api("", application.pk)).status_code == 404


def test_the_steps_through_the_api_from_intake_to_disbursement(tree, clerks):
    fund_for(tree.c1)
    application = eligible_application(tree.c1, kind="startup_loan")
    steps = [("community", "accept", "accepted"), ("street", "review", "street_reviewed"),
             ("district", "approve", "approved"), ("district", "disburse", "disbursed")]
    for who, step, status in steps:
        response = client_for(clerks[who]).post(api(f"{step}/", application.pk), {"remark": "好"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    body = response.json()
    assert [e["kind"] for e in body["fund_entries"]] == ["reserved", "paid"]
    assert body["moves"] == []


def test_above_the_limit_the_api_offers_and_takes_the_city_steps(tree, clerks):
    fund_for(tree.c1)
    application = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED, needs_city_approval=True)
    district = client_for(clerks["district"])
    assert set(district.get(api("", application.pk)).json()["moves"]) == {"approve_for_city", "return", "reject"}
    wrong = district.post(api("approve/", application.pk), {}, format="json")
    assert wrong.status_code == 409 and wrong.json()["error"]["fields"]["non_field_errors"][0]["code"] == \
        "invalid_transition"
    assert district.post(api("approve_for_city/", application.pk), {}, format="json").json()["status"] == \
        "district_approved"
    city = client_for(clerks["city"]).post(api("city_approve/", application.pk), {"remark": "同意"}, format="json")
    assert city.status_code == 200 and city.json()["status"] == "approved"


def test_return_needs_a_reason_and_a_remark_and_bad_input_is_a_clear_400(tree, clerks):
    application = eligible_application(tree.c1)
    client = client_for(clerks["community"])
    missing = client.post(api("return/", application.pk), {}, format="json")
    assert missing.status_code == 400
    assert api_field_codes(missing) == {"reason_code": ["required"], "remark": ["required"]}
    for body in ({"reason_code": "bribe", "remark": "x"}, {"reason_code": ["a"], "remark": 12},
                 {"reason_code": ReasonCode.OTHER, "remark": "a\x00b"}, {"reason_code": None, "remark": "y" * 600}):
        response = client.post(api("return/", application.pk), body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "invalid"
    done = client.post(api("return/", application.pk), {"reason_code": "documents_missing", "remark": "请补充"},
                       format="json")
    assert done.status_code == 200 and done.json()["status"] == "returned" and done.json()["reason_code"] == \
        "documents_missing"


def test_an_action_out_of_scope_answers_404_whatever_the_body(tree, clerks):
    application = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    client = client_for(clerks["other_district"])
    for step in ("approve/", "return/", "reject/", "disburse/"):
        assert client.post(api(step, application.pk), {"reason_code": "x"}, format="json").status_code == 404
    assert client.post(api("approve/", "abc"), {}, format="json").status_code == 404
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.STREET_REVIEWED


def test_bulk_approval_answers_each_item(tree, clerks):
    fund_for(tree.c1, available_fen=150_000)
    first, second = (eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED) for _ in range(2))
    elsewhere = eligible_application(tree.c3, status=ApplicationStatus.STREET_REVIEWED)
    response = client_for(clerks["district"]).post(api("bulk-approve/"), {"ids": [first.pk, second.pk, elsewhere.pk]},
                                                   format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["approved"], body["refused"]) == (1, 2)
    assert [(r["id"], r["approved"], r["codes"]) for r in body["results"]] == [
        (first.pk, True, []), (second.pk, False, ["fund_exhausted"]), (elsewhere.pk, False, ["not_found"])]
    assert body["results"][0]["amount_fen"] == 120_000


def test_bulk_approval_with_malformed_input_is_a_400_never_a_500(tree, clerks):
    client = client_for(clerks["district"])
    for body in ({"ids": "abc"}, {"ids": [True]}, {"ids": [{"a": 1}]}, {"ids": [10**30]}, {"ids": [-3]},
                 {"ids": []}, {}, {"ids": list(range(1, 300))}, {"ids": [1], "remark": "a\x00"}):
        response = client.post(api("bulk-approve/"), body, format="json")
        assert response.status_code == 400, (body, response.status_code)
        assert response.json()["error"]["code"] == "invalid"


def test_a_list_filter_with_nonsense_is_not_a_server_error(tree, clerks):
    client = client_for(clerks["district"])
    for params in ({"due_before": "x"}, {"programme": "-1"}, {"area": "4201" * 10}, {"status": "\x00"},
                   {"page": "999"}, {"page_size": "100000"}):
        assert client.get(api(""), params).status_code in (200, 400, 404), params


def test_the_api_list_uses_the_same_number_of_queries_for_one_row_and_thirty(tree, clerks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(clerks["district"])
    eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    client.get(api(""))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(api("")).json()["results"]) == 1
    for n in range(29):
        eligible_application(tree.c2, status=[ApplicationStatus.SUBMITTED, ApplicationStatus.STREET_REVIEWED,
                                              ApplicationStatus.APPROVED][n % 3])
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(api(""), {"page_size": 50}).json()["results"]) == 30
    assert len(thirty) == len(one)
