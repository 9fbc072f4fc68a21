"""The review's services: each step through the declared workflow, deadlines in working days,
eligibility assessed again at each decision, the money reserved, released and paid on the district
fund, and bulk approval item by item."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.constants import AccountType, StaffRole
from portal.models import AuditEvent, StatusChange
from portal.notifications import Notification
from portal.scoping import OutOfScope
from registration.constants import HardshipStatus
from registration.models import EmploymentRegistration, HardshipCase
from subsidies.constants import (
    BULK_MAX,
    ApplicationStatus,
    FundEntryKind,
    PaymentStatus,
    ProgrammeKind,
    ReasonCode,
    SubsidiesEvent,
)
from subsidies.eligibility import assess, claim_of
from subsidies.models import Application, Fund, FundEntry, Payment, PaymentCycle
from subsidies.services import review as services
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.registration.factories import error_codes
from tests.subsidies.review_support import (
    LOAN_SUBSIDY_FEN,
    eligible_application,
    fund_for,
    reserved_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerks(tree):
    return {"community": make_staff(StaffRole.CLERK, tree.c1), "street": make_staff(StaffRole.CLERK, tree.s1),
            "district": make_staff(StaffRole.CLERK, tree.d1), "city": make_staff(StaffRole.OFFICIAL, tree.city),
            "other_district": make_staff(StaffRole.CLERK, tree.d2)}


@pytest.fixture
def fund(tree):
    return fund_for(tree.c1, available_fen=1_000_000)  # 10,000 yuan


def codes(exc) -> set[str]:
    found = error_codes(exc)
    return {code for field_codes in found.values() for code in field_codes}


def through_street(application, clerks):
    application = services.application_accept(actor=clerks["community"], application=application)
    return services.application_review(actor=clerks["street"], application=application)


# --- The forward steps and their deadlines ---------------------------------------------------------


def test_each_step_moves_the_application_on_and_sets_the_next_steps_due_date(tree, clerks, fund):
    application = eligible_application(tree.c1)
    accepted = services.application_accept(actor=clerks["community"], application=application, remark="材料齐全")
    assert accepted.status == ApplicationStatus.ACCEPTED
    assert accepted.due_on == services.step_due_on(accepted, ApplicationStatus.ACCEPTED)
    reviewed = services.application_review(actor=clerks["street"], application=accepted)
    assert reviewed.status == ApplicationStatus.STREET_REVIEWED
    approved = services.application_approve(actor=clerks["district"], application=reviewed)
    assert (approved.status, approved.amount_approved_fen) == (ApplicationStatus.APPROVED, 120_000)
    assert approved.due_on == services.step_due_on(approved, ApplicationStatus.APPROVED)
    assert approved.decided_at is not None
    changes = StatusChange.objects.filter(object_type="subsidies.application", object_id=str(application.pk))
    assert [(c.to_status, c.actor) for c in changes] == [
        (ApplicationStatus.ACCEPTED, clerks["community"]), (ApplicationStatus.STREET_REVIEWED, clerks["street"]),
        (ApplicationStatus.APPROVED, clerks["district"])]
    assert changes[0].note == "材料齐全"


def test_a_due_date_counts_working_days_of_the_official_calendar_with_adjusted_weekends(tree, clerks, monkeypatch):
    """Taken in on Friday 2025-09-26; the street's review has 5 working days: Sunday 28 September was
    worked (调休), then 29 and 30 September, then the National Day holiday until 8 October, then
    9 and 10 October. Monday to Friday counting would say 3 October."""
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 9, 26))
    application = eligible_application(tree.c1)
    accepted = services.application_accept(actor=clerks["community"], application=application)
    assert accepted.due_on == datetime.date(2025, 10, 10)


def test_a_step_clears_the_overdue_flag(tree, clerks):
    application = eligible_application(tree.c1, due_on=datetime.date(2020, 1, 2),
                                       overdue_since=datetime.date(2020, 1, 3))
    accepted = services.application_accept(actor=clerks["community"], application=application)
    assert accepted.overdue_since is None and accepted.due_on > timezone.localdate()


def test_each_tier_takes_only_its_own_step(tree, clerks):
    application = eligible_application(tree.c1)
    with pytest.raises(ValidationError) as early:
        services.application_review(actor=clerks["street"], application=application)
    assert codes(early.value) == {"invalid_transition"}
    with pytest.raises(OutOfScope):
        services.application_accept(actor=clerks["other_district"], application=application)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=application)
    assert codes(refused.value) == {"invalid_transition"}
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


# --- Decisions: eligibility again, maker ≠ checker, the city above the limit ------------------------


def test_approval_assesses_eligibility_again_and_stores_the_snapshot_in_words(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, eligibility={}), clerks)
    approved = services.application_approve(actor=clerks["district"], application=application)
    snapshot = approved.eligibility
    assert snapshot["eligible"] is True and snapshot["version"] == application.version.number
    assert snapshot["assessed_on"] == timezone.localdate().isoformat()
    assert {f["code"] for f in snapshot["findings"]} >= {"hard_to_employ", "flexible_employment", "months_limit"}
    assert all(f["ok"] and f["text"] for f in snapshot["findings"])
    assert snapshot["amounts"]["amount_fen"] == 120_000
    event = AuditEvent.objects.filter(event_type=SubsidiesEvent.APPLICATION_STATUS_CHANGED,
                                      object_id=str(application.pk), new_values__status="approved").get()
    assert event.new_values["eligibility"]["eligible"] is True  # the trail keeps every decision's snapshot


def test_approval_is_refused_with_the_reasons_when_no_longer_eligible(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1), clerks)
    EmploymentRegistration.objects.filter(person=application.person).update(ended_on=application.period_start)
    HardshipCase.objects.filter(person=application.person).update(status=HardshipStatus.ENDED)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=application)
    assert codes(refused.value) == {"not_eligible"}
    reasons = assess(version=application.version, claim=claim_of(application)).reasons
    assert len(reasons) == 2 and len(refused.value.messages) == 2  # every reason, in words
    assert all(reason in message for reason, message in zip(reasons, refused.value.messages))
    row = Application.objects.get(pk=application.pk)
    assert row.status == ApplicationStatus.STREET_REVIEWED and reserved_on(row) == 0
    assert Fund.objects.get(pk=fund.pk).reserved_fen == 0


def test_the_verdict_alone_is_the_explained_verdict_without_words_or_inputs(tree, clerks, fund):
    eligible = eligible_application(tree.c1)
    leaving = eligible_application(tree.c1)
    EmploymentRegistration.objects.filter(person=leaving.person).update(ended_on=leaving.period_start)
    for application in (eligible, leaving):
        explained = assess(version=application.version, claim=claim_of(application))
        verdict = assess(version=application.version, claim=claim_of(application), explain=False)
        assert [(f.code, f.ok) for f in verdict.findings] == [(f.code, f.ok) for f in explained.findings]
        assert (verdict.eligible, verdict.months, verdict.monthly_amount_fen, verdict.amount_fen) == (
            explained.eligible, explained.months, explained.monthly_amount_fen, explained.amount_fen)
        assert "retirement_date" in explained.inputs and "retirement_date" not in verdict.inputs
    assert not assess(version=leaving.version, claim=claim_of(leaving), explain=False).eligible


def test_the_clerk_who_entered_an_application_never_approves_it(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, entered_by=clerks["district"]), clerks)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=application)
    assert codes(refused.value) == {"same_actor"}


def test_above_the_programmes_limit_the_district_sends_it_to_the_city_and_the_city_approves(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, needs_city_approval=True), clerks)
    with pytest.raises(ValidationError) as wrong_button:
        services.application_approve(actor=clerks["district"], application=application, step="approve")
    assert codes(wrong_button.value) == {"invalid_transition"}
    sent = services.application_approve(actor=clerks["district"], application=application)
    assert sent.status == ApplicationStatus.DISTRICT_APPROVED and reserved_on(sent) == 120_000
    assert sent.decided_at is None
    assert sent.due_on == services.step_due_on(sent, ApplicationStatus.DISTRICT_APPROVED)
    with pytest.raises(OutOfScope):
        services.application_city_approve(actor=clerks["district"], application=sent)
    approved = services.application_city_approve(actor=clerks["city"], application=sent, remark="同意")
    assert (approved.status, approved.amount_approved_fen) == (ApplicationStatus.APPROVED, 120_000)
    assert reserved_on(approved) == 120_000 and approved.decided_at is not None


def test_the_city_approving_less_than_reserved_gives_the_difference_back(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, needs_city_approval=True), clerks)
    sent = services.application_approve(actor=clerks["district"], application=application)
    # The contributions actually paid turn out lower: the rules now give 2/3 × 300 yuan × 3 months.
    Application.objects.filter(pk=sent.pk).update(basis_fen=30_000)
    approved = services.application_city_approve(actor=clerks["city"], application=sent)
    assert approved.amount_approved_fen == 60_000 and reserved_on(approved) == 60_000
    assert Fund.objects.get(pk=fund.pk).reserved_fen == 60_000


def test_an_overlapping_granted_period_is_refused_clearly(tree, clerks, fund):
    granted = eligible_application(tree.c1, status=ApplicationStatus.APPROVED, amount_approved_fen=120_000)
    second = eligible_application(tree.c1, person=granted.person, status=ApplicationStatus.STREET_REVIEWED,
                                  period_start=granted.period_start + datetime.timedelta(days=31),
                                  period_end=granted.period_end + datetime.timedelta(days=62))
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=second)
    assert codes(refused.value) == {"period_granted"}
    assert str(granted.pk) in refused.value.messages[0]  # the clerk may open the one that grants it


def test_an_overlap_granted_in_another_district_is_refused_without_naming_it(tree, clerks, fund):
    """The beneficiary moved from 武昌区: 江岸区's clerk learns the period is taken, not which application
    of 武昌区 took it."""
    granted = eligible_application(tree.c3, status=ApplicationStatus.APPROVED, amount_approved_fen=120_000)
    moved = eligible_application(tree.c1, person=granted.person, status=ApplicationStatus.STREET_REVIEWED,
                                 period_start=granted.period_start + datetime.timedelta(days=31),
                                 period_end=granted.period_end + datetime.timedelta(days=62))
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=moved)
    assert codes(refused.value) == {"period_granted"}
    assert str(granted.pk) not in refused.value.messages[0] and granted.area.name not in refused.value.messages[0]


# --- Money ------------------------------------------------------------------------------------------


def test_district_approval_reserves_the_amount_on_the_districts_fund(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1), clerks)
    services.application_approve(actor=clerks["district"], application=application)
    fund.refresh_from_db()
    assert (fund.reserved_fen, fund.available_fen) == (120_000, 880_000)
    entry = FundEntry.objects.get(application=application)
    assert (entry.kind, entry.amount_fen, entry.fund, entry.actor) == (FundEntryKind.RESERVED, 120_000, fund,
                                                                        clerks["district"])


def test_an_approval_the_fund_cannot_cover_is_refused_with_what_is_left_and_changes_nothing(tree, clerks):
    fund = fund_for(tree.c1, available_fen=100_000)  # 1,000 yuan, less than the 1,200 asked
    application = through_street(eligible_application(tree.c1), clerks)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=application)
    assert codes(refused.value) == {"fund_exhausted"}
    assert "1,000.00" in refused.value.messages[0] and "1,200.00" in refused.value.messages[0]
    row = Application.objects.get(pk=application.pk)
    assert (row.status, row.amount_approved_fen, row.eligibility.get("assessed_on")) == (
        ApplicationStatus.STREET_REVIEWED, None, application.eligibility.get("assessed_on"))
    fund.refresh_from_db()
    assert fund.reserved_fen == 0 and not FundEntry.objects.filter(application=application).exists()


def test_a_district_without_a_fund_is_refused_clearly(tree, clerks):
    application = through_street(eligible_application(tree.c1), clerks)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=clerks["district"], application=application)
    assert codes(refused.value) == {"no_fund"}


def test_a_return_after_a_reservation_releases_it(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, needs_city_approval=True), clerks)
    sent = services.application_approve(actor=clerks["district"], application=application)
    returned = services.application_return(actor=clerks["city"], application=sent,
                                           reason_code=ReasonCode.DATA_MISMATCH, remark="缴费证明金额与记录不符")
    assert (returned.status, returned.reason_code, returned.remark) == (
        ApplicationStatus.RETURNED, ReasonCode.DATA_MISMATCH, "缴费证明金额与记录不符")
    assert returned.due_on is None and returned.amount_approved_fen is None
    assert reserved_on(returned) == 0 and Fund.objects.get(pk=fund.pk).reserved_fen == 0
    kinds = list(FundEntry.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == [FundEntryKind.RESERVED, FundEntryKind.RELEASED]


def test_a_rejection_after_a_reservation_releases_it(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, needs_city_approval=True), clerks)
    sent = services.application_approve(actor=clerks["district"], application=application)
    rejected = services.application_reject(actor=clerks["city"], application=sent,
                                           reason_code=ReasonCode.FUND_EXHAUSTED, remark="年度资金已用完")
    assert rejected.status == ApplicationStatus.REJECTED and rejected.decided_at is not None
    assert Fund.objects.get(pk=fund.pk).reserved_fen == 0


def test_return_and_reject_need_a_reason_and_a_remark(tree, clerks):
    application = eligible_application(tree.c1)
    for service in (services.application_return, services.application_reject):
        with pytest.raises(ValidationError) as refused:
            service(actor=clerks["community"], application=application, reason_code="", remark="  ")
        assert error_codes(refused.value) == {"reason_code": ["required"], "remark": ["required"]}
        with pytest.raises(ValidationError) as unknown:
            service(actor=clerks["community"], application=application, reason_code="bribe", remark="x\x00y")
        assert error_codes(unknown.value) == {"reason_code": ["invalid_choice"], "remark": ["null_characters"]}
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_a_returned_application_keeps_its_history_when_corrected_and_sent_again(tree, clerks):
    from subsidies.services.applications import application_resubmit

    applicant = UserFactory(account_type=AccountType.JOB_SEEKER)
    application = eligible_application(tree.c1, applicant_account=applicant)
    accepted = services.application_accept(actor=clerks["community"], application=application)
    returned = services.application_return(actor=clerks["street"], application=accepted,
                                           reason_code=ReasonCode.DOCUMENTS_MISSING, remark="请补充身份证")
    again = application_resubmit(actor=applicant, application=returned)
    assert again.status == ApplicationStatus.SUBMITTED
    history = list(StatusChange.objects.filter(object_type="subsidies.application", object_id=str(application.pk))
                   .values_list("to_status", flat=True))
    assert history == [ApplicationStatus.ACCEPTED, ApplicationStatus.RETURNED, ApplicationStatus.SUBMITTED]


def test_disbursing_a_one_off_programme_pays_the_reservation_out_of_the_fund(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1, kind=ProgrammeKind.STARTUP_LOAN), clerks)
    approved = services.application_approve(actor=clerks["district"], application=application)
    paid = services.application_disburse(actor=clerks["district"], application=approved, remark="已转账")
    assert paid.status == ApplicationStatus.DISBURSED and paid.due_on is None
    fund.refresh_from_db()
    assert (fund.reserved_fen, fund.paid_fen, fund.available_fen) == (0, LOAN_SUBSIDY_FEN,
                                                                      1_000_000 - LOAN_SUBSIDY_FEN)
    assert reserved_on(paid) == 0


def test_a_recurring_programme_is_disbursed_only_once_a_month_is_paid(tree, clerks, fund):
    application = through_street(eligible_application(tree.c1), clerks)
    approved = services.application_approve(actor=clerks["district"], application=application)
    with pytest.raises(ValidationError) as refused:
        services.application_disburse(actor=clerks["district"], application=approved)
    assert codes(refused.value) == {"paid_by_cycle"}
    cycle = PaymentCycle.objects.create(programme=approved.programme, month=approved.period_start, area=tree.d1)
    Payment.objects.create(cycle=cycle, application=approved, area=approved.area, month=approved.period_start,
                           amount_fen=40_000, payee_name="x", payee_account="1", status=PaymentStatus.PAID)
    assert services.application_disburse(actor=None, application=approved).status == ApplicationStatus.DISBURSED


# --- The applicant is told --------------------------------------------------------------------------


def test_the_applicant_is_told_of_the_approval_the_return_and_the_rejection(tree, clerks, fund):
    applicant = UserFactory(account_type=AccountType.JOB_SEEKER)
    application = through_street(eligible_application(tree.c1, applicant_account=applicant), clerks)
    services.application_approve(actor=clerks["district"], application=application)
    other = eligible_application(tree.c1, applicant_account=applicant)
    services.application_return(actor=clerks["community"], application=other,
                                reason_code=ReasonCode.DOCUMENTS_MISSING, remark="请补充身份证")
    texts = list(Notification.objects.filter(recipient=applicant).order_by("id").values_list("text", flat=True))
    assert len(texts) == 2 and "1,200.00" in texts[0] and "请补充身份证" in texts[1]


# --- Bulk approval ----------------------------------------------------------------------------------


def test_bulk_approval_gives_each_item_its_own_result_and_never_half_applies_one(tree, clerks):
    fund = fund_for(tree.c1, available_fen=250_000)  # room for two of the three
    ready = [through_street(eligible_application(tree.c1), clerks) for _ in range(3)]
    not_ready = eligible_application(tree.c1)
    elsewhere = eligible_application(tree.c3, status=ApplicationStatus.STREET_REVIEWED)
    ids = [r.pk for r in ready] + [not_ready.pk, elsewhere.pk, 999_999_999]
    results = services.application_approve_bulk(actor=clerks["district"], ids=ids, remark="批量审批")
    assert [r.id for r in results] == ids
    assert [r.approved for r in results] == [True, True, False, False, False, False]
    assert results[0].status == ApplicationStatus.APPROVED and results[0].amount_fen == 120_000
    assert results[2].codes == ("fund_exhausted",)
    assert results[3].codes == ("invalid_transition",)
    assert results[4].codes == results[5].codes == ("not_found",)  # out of scope reads as missing
    assert results[4].message == results[5].message
    refused = Application.objects.get(pk=ready[2].pk)
    assert (refused.status, refused.amount_approved_fen) == (ApplicationStatus.STREET_REVIEWED, None)
    assert not FundEntry.objects.filter(application=refused).exists()
    assert Fund.objects.get(pk=fund.pk).reserved_fen == 240_000


def test_bulk_approval_refuses_more_than_the_limit_and_an_empty_selection(tree, clerks):
    with pytest.raises(ValidationError) as too_many:
        services.application_approve_bulk(actor=clerks["district"], ids=range(1, BULK_MAX + 2))
    assert error_codes(too_many.value) == {"ids": ["too_many"]}
    with pytest.raises(ValidationError) as empty:
        services.application_approve_bulk(actor=clerks["district"], ids=[])
    assert error_codes(empty.value) == {"ids": ["required"]}
