"""One subsidy application from online submission to disbursement in a real browser: a registered
unemployed job seeker applies on a phone for the start-up loan's interest subsidy; the community
clerk takes it in, the street clerk reviews it, the district clerk approves it (the amount is
reserved on 江岸区's fund) and records the disbursement (paid out of the fund); the clerk and the
applicant both see the timeline, the clerk the audit trail. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.constants import AccountType, StaffRole
from portal.models import Area
from subsidies.constants import ApplicationStatus, FundEntryKind, ProgrammeKind
from subsidies.models import Application, Fund, FundEntry
from tests.browser.conftest import DESKTOP, PHONE, _open_page
from tests.browser.test_registration_journey import log_in
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.subsidies.factories import ProgrammeFactory
from tests.subsidies.review_support import eligible_application, eligible_person, fund_for

pytestmark = pytest.mark.browser

COMMUNITY, STREET, DISTRICT = "420102002003", "420102002000", "420102000000"  # 保成社区, 大智街道, 江岸区
SUBSIDY_FEN = 600_000  # 100,000 yuan over 24 months at 3 % a year


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _take_step(page, live_server, application, step: str, remark: str) -> None:
    page.goto(f"{live_server.url}/staff/subsidies/applications/{application.pk}/")
    form = page.locator(f"#step-{step}")
    expect(form).to_be_visible()
    form.locator("textarea").fill(remark)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()


def test_an_application_goes_from_online_submission_to_disbursement_through_three_tiers(
        phone_page, browser, live_server, artifacts_dir):
    community = Area.objects.get(code=COMMUNITY)
    clerks = {level: make_staff(StaffRole.CLERK, Area.objects.get(code=code), username=f"{level}_clerk")
              for level, code in (("community", COMMUNITY), ("street", STREET), ("district", DISTRICT))}
    programme = ProgrammeFactory(kind=ProgrammeKind.STARTUP_LOAN, name="创业担保贷款贴息")
    fund = fund_for(community, available_fen=100_000_000)
    seeker = UserFactory(username="wang_fang", full_name="王芳", account_type=AccountType.JOB_SEEKER)
    person = eligible_person(community, kind=ProgrammeKind.STARTUP_LOAN, account=seeker, name="王芳")

    # 1. The job seeker applies on a phone.
    page = phone_page
    log_in(page, live_server, seeker, f"/subsidies/apply/{programme.code}/")
    expect(page.locator("main h1")).to_contain_text("创业担保贷款贴息")
    page.locator("#id_period_start").fill(timezone.localdate().isoformat())
    page.locator("#id_basis_fen").fill("100000")
    page.locator("#id_loan_term_months").fill("24")
    page.locator("#id_payee_name").fill("王芳")
    page.locator("#id_payee_account").fill("6222 0202 0000 1234 567")
    assert _fits_the_phone(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    application = Application.objects.get(person=person, programme=programme)
    expect(page).to_have_url(re.compile(rf"/subsidies/my/applications/{application.pk}/$"))
    assert application.status == ApplicationStatus.SUBMITTED and application.amount_requested_fen == SUBSIDY_FEN
    page.screenshot(path=str(artifacts_dir / "subsidy-journey-1-applicant-submitted.png"), full_page=True)

    # 2–5. The clerks, each in a browser of their own (desktop; the community clerk on a phone).
    steps = [("community", "accept", "材料齐全，予以受理", ApplicationStatus.ACCEPTED),
             ("street", "review", "经核实，情况属实", ApplicationStatus.STREET_REVIEWED),
             ("district", "approve", "同意贴息", ApplicationStatus.APPROVED),
             ("district", "disburse", "已通过银行转账", ApplicationStatus.DISBURSED)]
    pages = {}
    for level, step, remark, status in steps:
        if level not in pages:
            context, clerk_page = _open_page(browser, PHONE if level == "community" else DESKTOP)
            pages[level] = (context, clerk_page)
            log_in(clerk_page, live_server, clerks[level], "/staff/subsidies/applications/")
            queue = clerk_page.locator("#queue")
            row = queue.locator("tr", has_text="王芳")
            expect(row).to_contain_text("待我办理")  # the clerk's own step comes first, flagged
            if level == "community":
                assert _fits_the_phone(clerk_page)
                clerk_page.screenshot(path=str(artifacts_dir / "subsidy-journey-2-community-queue-phone.png"),
                                      full_page=True)
            if level == "district":
                clerk_page.screenshot(path=str(artifacts_dir / "subsidy-journey-3-district-queue.png"), full_page=True)
        clerk_page = pages[level][1]
        _take_step(clerk_page, live_server, application, step, remark)
        expect(clerk_page.locator("#application-status")).to_have_text(str(ApplicationStatus(status).label))
        assert Application.objects.get(pk=application.pk).status == status, (step, status)

    # The clerk sees the whole timeline with due dates, the money on the fund and the audit trail.
    clerk_page = pages["district"][1]
    timeline = clerk_page.locator("#timeline li")
    expect(timeline).to_have_count(5)
    for remark in ("材料齐全，予以受理", "经核实，情况属实", "同意贴息", "已通过银行转账"):
        expect(clerk_page.locator("#timeline")).to_contain_text(remark)
    expect(clerk_page.locator("#fund-entries tbody tr")).to_have_count(2)
    expect(clerk_page.locator("#fund-entries")).to_contain_text("6,000.00")
    expect(clerk_page.locator("#audit-trail li")).to_have_count(5)  # submitted and the four steps
    clerk_page.screenshot(path=str(artifacts_dir / "subsidy-journey-4-district-application.png"), full_page=True)

    fund.refresh_from_db()
    assert (fund.reserved_fen, fund.paid_fen) == (0, SUBSIDY_FEN)
    assert list(FundEntry.objects.filter(application=application).values_list("kind", flat=True)) == [
        FundEntryKind.RESERVED, FundEntryKind.PAID]

    # The applicant follows it on the phone: the timeline to the end, and the notices.
    page.goto(f"{live_server.url}/subsidies/my/applications/{application.pk}/")
    expect(page.locator("main")).to_contain_text(str(ApplicationStatus.DISBURSED.label))
    applicant_timeline = page.locator(".timeline li")
    expect(applicant_timeline).to_have_count(5)  # submitted and the four steps, each dated; nothing left to wait for
    expect(applicant_timeline.locator("time")).to_have_count(5)
    expect(applicant_timeline.last).to_contain_text(str(ApplicationStatus.DISBURSED.label))
    for remark in ("材料齐全，予以受理", "经核实，情况属实", "同意贴息", "已通过银行转账"):
        expect(page.locator(".timeline")).to_contain_text(remark)
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "subsidy-journey-5-applicant-timeline.png"), full_page=True)

    for context, clerk_page in pages.values():
        assert clerk_page.log.problems() == []
        context.close()
    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
    assert Fund.objects.get(pk=fund.pk).available_fen == 100_000_000 - SUBSIDY_FEN


def test_a_district_clerk_bulk_approves_on_a_phone_and_sees_each_result(phone_page, live_server, artifacts_dir):
    community = Area.objects.get(code=COMMUNITY)
    clerk = make_staff(StaffRole.CLERK, Area.objects.get(code=DISTRICT), username="district_clerk")
    fund_for(community, available_fen=150_000)  # 1,500 yuan: room for one of the two
    first = eligible_application(community, status=ApplicationStatus.STREET_REVIEWED,
                                 person=eligible_person(community, name="李娜"))
    second = eligible_application(community, status=ApplicationStatus.STREET_REVIEWED,
                                  person=eligible_person(community, name="赵强"))
    page = phone_page
    log_in(page, live_server, clerk, "/staff/subsidies/applications/?mine=on")
    expect(page.locator("#queue tbody tr")).to_have_count(2)
    page.locator(f"#select-{first.pk}").check()
    page.locator(f"#select-{second.pk}").check()
    page.locator("#id_bulk_remark").fill("批量审批")
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "subsidy-bulk-1-queue-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#bulk-form .bulk-bar button[type=submit]").click()
    rows = page.locator("#bulk-results li")
    expect(rows).to_have_count(2)
    expect(page.locator("#bulk-results")).to_contain_text("李娜")
    expect(page.locator("#bulk-results")).to_contain_text("赵强")
    expect(page.locator("#bulk-results .result-approved")).to_have_count(1)
    expect(page.locator("#bulk-results .result-refused")).to_have_count(1)
    expect(page.locator("#bulk-results")).to_contain_text("300.00")  # what the fund had left, in the refusal
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "subsidy-bulk-2-results-phone.png"), full_page=True)
    statuses = sorted(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == [ApplicationStatus.APPROVED, ApplicationStatus.STREET_REVIEWED]
    approved = Application.objects.get(pk__in=[first.pk, second.pk], status=ApplicationStatus.APPROVED)

    page.goto(f"{live_server.url}/staff/subsidies/applications/{approved.pk}/")
    expect(page.locator("#amount-approved")).to_contain_text("1,200.00")
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "subsidy-bulk-3-application-phone.png"), full_page=True)
    assert page.log.problems() == []
