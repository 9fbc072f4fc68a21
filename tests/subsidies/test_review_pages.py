"""The review's pages: the queue (my steps first, filters, constant queries), one application with
its snapshot, timeline, money and audit trail, the step forms, bulk approval, and jurisdiction."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.constants import StaffRole
from portal.selectors import todo_counters
from subsidies.constants import ApplicationStatus, ProgrammeKind, ReasonCode
from subsidies.models import Application, Fund
from subsidies.services import review as services
from tests.conftest import make_staff
from tests.subsidies.review_support import eligible_application, fund_for, submitted_at_window

pytestmark = pytest.mark.django_db

QUEUE = reverse("staff-subsidies:application-list")


def detail(application) -> str:
    return reverse("staff-subsidies:application-detail", args=[application.pk])


@pytest.fixture
def clerks(tree):
    return {"community": make_staff(StaffRole.CLERK, tree.c1), "street": make_staff(StaffRole.CLERK, tree.s1),
            "district": make_staff(StaffRole.CLERK, tree.d1), "city": make_staff(StaffRole.OFFICIAL, tree.city),
            "other_district": make_staff(StaffRole.CLERK, tree.d2)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queue_ids(response) -> list[int]:
    return [a.pk for a in response.context["applications"]]


# --- The queue ------------------------------------------------------------------------------------


def test_the_queue_shows_what_waits_for_my_step_first_then_by_due_date(tree, clerks):
    today = timezone.localdate()
    later = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED,
                                 due_on=today + datetime.timedelta(days=9))
    sooner = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED,
                                  due_on=today + datetime.timedelta(days=2))
    not_mine = eligible_application(tree.c1, status=ApplicationStatus.SUBMITTED, due_on=today)
    response = client_for(clerks["district"]).get(QUEUE)
    assert response.status_code == 200
    assert queue_ids(response) == [sooner.pk, later.pk, not_mine.pk]
    body = response.content.decode()
    assert body.count('name="ids"') == 2  # only rows the clerk may approve can be selected
    assert "table-wrap" in body


def test_the_queue_filters_by_state_programme_area_due_date_overdue_and_mine(tree, clerks):
    today = timezone.localdate()
    social = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED, due_on=today)
    loan = eligible_application(tree.c2, status=ApplicationStatus.ACCEPTED, kind=ProgrammeKind.STARTUP_LOAN,
                                due_on=today + datetime.timedelta(days=20),
                                overdue_since=None)
    late = eligible_application(tree.c1, status=ApplicationStatus.SUBMITTED, due_on=today - datetime.timedelta(days=5),
                                overdue_since=today - datetime.timedelta(days=4))
    client = client_for(clerks["district"])

    def ids(**params):
        return set(queue_ids(client.get(QUEUE, params)))

    assert ids(status="accepted") == {loan.pk}
    assert ids(programme=loan.programme.pk) == {loan.pk}
    assert ids(area_district=tree.d1.code, area_street=tree.s1.code, area_community=tree.c2.code) == {loan.pk}
    assert ids(area=tree.c1.code) == {social.pk, late.pk}
    assert ids(due_before=(today + datetime.timedelta(days=1)).isoformat()) == {social.pk, late.pk}
    assert ids(overdue="on") == {late.pk}
    assert ids(mine="on") == {social.pk}
    assert ids(q=str(loan.pk)) == {loan.pk}
    assert queue_ids(client.get(QUEUE, {"sort": "-due"})) == [loan.pk, social.pk, late.pk]


def test_bad_filter_input_is_shown_as_an_error_not_a_server_error(tree, clerks):
    client = client_for(clerks["district"])
    for params in ({"due_before": "2024-13-45"}, {"programme": "99999999999999999999"}, {"area": "nonsense"},
                   {"status": "paid\x00"}, {"q": "x" * 500}, {"sort": "drop table"}, {"page": "-1"}):
        response = client.get(QUEUE, params)
        # A control character is refused before the page, naming the field (portal/input_limits.py).
        refused = any("\x00" in value for value in params.values())
        assert response.status_code in ((400,) if refused else (200, 404)), params


def test_the_queue_uses_the_same_number_of_queries_for_one_row_and_thirty(tree, clerks):
    client = client_for(clerks["district"])
    eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    client.get(QUEUE)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert len(queue_ids(client.get(QUEUE))) == 1
    statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.STREET_REVIEWED,
                ApplicationStatus.APPROVED, ApplicationStatus.RETURNED]
    for n in range(29):
        eligible_application(tree.c1 if n % 2 else tree.c2, status=statuses[n % len(statuses)],
                             kind=ProgrammeKind.STARTUP_LOAN if n % 3 else ProgrammeKind.SOCIAL_INSURANCE,
                             employer=None, due_on=timezone.localdate() + datetime.timedelta(days=n))
    with CaptureQueriesContext(connection) as thirty:
        assert len(queue_ids(client.get(QUEUE))) == 20  # a page
    assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]
    with CaptureQueriesContext(connection) as page_two:
        assert len(queue_ids(client.get(QUEUE, {"page": 2}))) == 10
    assert len(page_two) == len(one)


def test_an_empty_queue_says_what_to_do_next(tree, clerks):
    response = client_for(clerks["district"]).get(QUEUE)
    assert "No applications match" in response.content.decode() or "没有" in response.content.decode()


# --- One application --------------------------------------------------------------------------------


def test_the_application_page_shows_facts_snapshot_timeline_money_and_audit_trail(tree, clerks):
    fund_for(tree.c1)
    application = submitted_at_window(clerks["community"], tree.c1)
    application = services.application_accept(actor=clerks["community"], application=application)
    application = services.application_review(actor=clerks["street"], application=application)
    application = services.application_approve(actor=clerks["district"], application=application, remark="同意拨付")
    response = client_for(clerks["district"]).get(detail(application))
    assert response.status_code == 200
    body = response.content.decode()
    assert application.person.name in body and application.person.id_masked in body
    assert "1,200.00" in body  # amounts in yuan with two decimals
    assert 'id="eligibility"' in body
    for finding in application.eligibility["findings"]:
        assert finding["text"] in body
    timeline = response.context["timeline"].entries
    assert [e.status for e in timeline] == [ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED,
                                            ApplicationStatus.STREET_REVIEWED, ApplicationStatus.APPROVED]
    assert all(e.due_on for e in timeline) and timeline[-1].current
    assert "同意拨付" in body
    assert 'id="fund-entries"' in body and 'id="audit-trail"' in body
    assert len(response.context["history"]) >= 3


def test_the_application_page_costs_the_same_queries_whatever_the_length_of_its_history(tree, clerks):
    fund_for(tree.c1)
    client = client_for(clerks["district"])
    short = submitted_at_window(clerks["community"], tree.c1)
    short = services.application_accept(actor=clerks["community"], application=short)
    short = services.application_review(actor=clerks["street"], application=short)
    short = services.application_approve(actor=clerks["district"], application=short)
    client.get(detail(short))
    with CaptureQueriesContext(connection) as one:
        client.get(detail(short))
    long = submitted_at_window(clerks["community"], tree.c1)
    for _ in range(3):  # taken in and returned three times, resubmitted each time
        from subsidies.services.applications import application_resubmit

        long = services.application_accept(actor=clerks["community"], application=long)
        long = services.application_return(actor=clerks["street"], application=long,
                                           reason_code=ReasonCode.DOCUMENTS_MISSING, remark="补充材料")
        long = application_resubmit(actor=clerks["community"], application=long)
    long = services.application_accept(actor=clerks["community"], application=long)
    long = services.application_review(actor=clerks["street"], application=long)
    long = services.application_approve(actor=clerks["district"], application=long)
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail(long))
    assert len(response.context["timeline"].entries) == 13  # submitted, 3 × (in, returned, again), in, reviewed, approved
    assert len(many) == len(one)


def test_the_step_forms_come_from_the_moves(tree, clerks):
    application = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    district = client_for(clerks["district"]).get(detail(application)).content.decode()
    assert 'id="step-approve"' in district and 'id="step-return"' in district and 'id="step-reject"' in district
    street = client_for(clerks["street"]).get(detail(application)).content.decode()
    assert 'id="steps"' not in street  # the street reads it; its step is done


def test_a_recurring_programme_waits_for_its_payment_cycle_instead_of_offering_the_disbursement(tree, clerks):
    recurring = eligible_application(tree.c1, status=ApplicationStatus.APPROVED, amount_approved_fen=120_000)
    one_off = eligible_application(tree.c1, status=ApplicationStatus.APPROVED, kind=ProgrammeKind.STARTUP_LOAN,
                                   amount_approved_fen=600_000)
    client = client_for(clerks["district"])
    waiting = client.get(detail(recurring)).content.decode()
    assert 'id="step-disburse"' in waiting and 'name="action" value="disburse"' not in waiting
    assert services.disbursement_waits(recurring) in waiting
    assert 'name="action" value="disburse"' in client.get(detail(one_off)).content.decode()


def test_taking_a_step_on_the_page_and_a_refusal_keeps_what_was_typed(tree, clerks):
    application = eligible_application(tree.c1)
    client = client_for(clerks["community"])
    refused = client.post(detail(application), {"action": "return", "return-reason_code": "",
                                                "return-remark": "请补充身份证复印件"})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "请补充身份证复印件" in body and 'id="form-errors"' in body
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    done = client.post(detail(application), {"action": "return", "return-reason_code": ReasonCode.DOCUMENTS_MISSING,
                                             "return-remark": "请补充身份证复印件"})
    assert done.status_code == 302
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.RETURNED


def test_an_approval_the_fund_cannot_cover_shows_the_refusal_on_the_page(tree, clerks):
    fund_for(tree.c1, available_fen=1_000)
    application = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    response = client_for(clerks["district"]).post(detail(application), {"action": "approve", "approve-remark": "同意"})
    assert response.status_code == 200
    assert "10.00" in response.content.decode()  # what the fund has left, in yuan
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.STREET_REVIEWED


def test_an_approval_another_clerk_took_meanwhile_is_explained_on_the_page_in_chinese(tree, clerks):
    """Two district clerks approve the same application at once: the second reads why, in Chinese,
    and the fund reserved the amount once."""
    fund = fund_for(tree.c1, available_fen=1_000_000)
    application = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    services.application_approve(actor=make_staff(StaffRole.CLERK, tree.d1), application=application)
    response = client_for(clerks["district"]).post(detail(application), {"action": "approve", "approve-remark": "同意"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="message error"' in body and "无法进行此操作" in body
    fund.refresh_from_db()
    assert fund.reserved_fen == Application.objects.get(pk=application.pk).amount_approved_fen


def test_an_unknown_action_or_malformed_post_is_not_found_not_a_server_error(tree, clerks):
    application = eligible_application(tree.c1)
    client = client_for(clerks["community"])
    assert client.post(detail(application), {"action": "delete"}).status_code == 404
    response = client.post(detail(application), {"action": "accept", "accept-remark": "a\x00b"})
    assert response.status_code == 400 and "accept-remark" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == "submitted"


# --- Bulk approval on the page -----------------------------------------------------------------------


def test_bulk_approval_on_the_page_shows_each_items_result(tree, clerks):
    fund_for(tree.c1, available_fen=150_000)
    first, second = (eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED) for _ in range(2))
    response = client_for(clerks["district"]).post(reverse("staff-subsidies:application-bulk-approve"),
                                                   {"ids": [first.pk, second.pk], "remark": "批量"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["result"].id, row["result"].approved) for row in rows] == [(first.pk, True), (second.pk, False)]
    assert "fund_exhausted" in rows[1]["result"].codes
    body = response.content.decode()
    assert first.person.name in body and second.person.name in body
    assert Application.objects.get(pk=second.pk).status == ApplicationStatus.STREET_REVIEWED


def test_bulk_approval_with_bad_input_explains_and_changes_nothing(tree, clerks):
    url = reverse("staff-subsidies:application-bulk-approve")
    client = client_for(clerks["district"])
    for data in ({"ids": ["abc"]}, {"ids": []}, {"ids": ["9" * 40]}):
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors, data
    assert client.post(url, {"ids": ["1"], "remark": "x\x00"}).status_code == 400  # refused before the page


# --- Jurisdiction and counters ------------------------------------------------------------------------


def test_a_clerk_of_another_district_sees_nothing_of_these_applications(tree, clerks):
    application = eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED, overdue_since=None)
    client = client_for(clerks["other_district"])
    assert application.pk not in queue_ids(client.get(QUEUE))
    assert client.get(detail(application)).status_code == 404
    assert client.post(detail(application), {"action": "approve"}).status_code == 404
    response = client.post(reverse("staff-subsidies:application-bulk-approve"), {"ids": [application.pk]})
    assert application.person.name not in response.content.decode()
    assert response.context["rows"][0]["result"].codes == ("not_found",)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.STREET_REVIEWED
    assert not Fund.objects.filter(reserved_fen__gt=0).exists()


def test_the_workbench_counts_what_awaits_my_step_and_what_is_overdue(tree, clerks):
    today = timezone.localdate()
    eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED, due_on=today - datetime.timedelta(days=3),
                         overdue_since=today - datetime.timedelta(days=2))
    eligible_application(tree.c3, status=ApplicationStatus.STREET_REVIEWED, overdue_since=today)

    def counts(user):
        return {c.key: c.count for c in todo_counters(user=user) if c.key.startswith("subsidies.applications")}

    assert counts(clerks["district"]) == {"subsidies.applications_awaiting_step": 2,
                                          "subsidies.applications_overdue": 1}
    assert counts(clerks["other_district"]) == {"subsidies.applications_awaiting_step": 1,
                                                "subsidies.applications_overdue": 1}
    assert counts(clerks["city"]) == {"subsidies.applications_awaiting_step": 0,
                                      "subsidies.applications_overdue": 0}
    official = make_staff(StaffRole.OFFICIAL, tree.d1)  # takes no step: no counter
    assert counts(official) == {}


def test_a_counter_is_one_query(tree, clerks, django_assert_num_queries):
    from subsidies.selectors.review import applications_awaiting_my_step_count

    for _ in range(3):
        eligible_application(tree.c1, status=ApplicationStatus.STREET_REVIEWED)
    user = clerks["district"]
    applications_awaiting_my_step_count(fetched_by=user)  # the grants are cached on the user
    with django_assert_num_queries(1):
        assert applications_awaiting_my_step_count(fetched_by=user) == 3
