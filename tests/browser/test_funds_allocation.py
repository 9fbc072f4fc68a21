"""In a real browser: the city enters a district's employment fund on a phone (a bad amount first),
sees it flagged below 1.5 % and allocates money into it; on a desktop it saves weights (refused showing
the sum first), completes the districts' inputs, computes an allocation and a what-if, and compares the
two; a district official reads their own share on a phone. Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.constants import StaffRole
from portal.models import Area
from subsidies.constants import AllocationKind
from subsidies.models import AllocationRun, Fund
from subsidies.services import allocation as services
from tests.browser.conftest import open_site_menu
from tests.browser.test_registration_persons import log_in, no_sideways_scroll
from tests.conftest import make_staff
from tests.subsidies.factories_funds import small_city

pytestmark = pytest.mark.browser

WEIGHTS = {"funds_raised": "0.4", "target_task": "0.3", "last_year_results": "0.1", "fiscal_difficulty": "0.1",
           "fund_performance": "0.1"}
VALUES = {
    "甲区": {"funds_raised": 30_000_000, "target_task": 100, "last_year_results": 50, "fiscal_difficulty": "1",
            "fund_performance": "90"},
    "乙区": {"funds_raised": 20_000_000, "target_task": 100, "last_year_results": 30, "fiscal_difficulty": "1",
            "fund_performance": "60"},
}


def test_the_city_enters_a_fund_on_a_phone_and_allocates_money(page, live_server, committed_tree, artifacts_dir):
    city = Area.objects.get(code="420100000000")
    official = make_staff(StaffRole.OFFICIAL, city, username="wuhan_fund_official")
    log_in(page, live_server, official, "/staff/")
    open_site_menu(page)
    with page.expect_navigation():
        page.locator(".site-nav").get_by_role("link", name="就业专项资金", exact=True).click()
    expect(page.locator("main .empty")).to_contain_text("录入资金")
    with page.expect_navigation():
        page.get_by_role("link", name="录入资金").click()
    form = page.locator("main form.form")
    form.locator("#id_area").select_option("420102000000")
    form.locator("#id_budget_fen").fill("-1,000")
    form.locator("#id_prior_year_revenue_fen").fill("100,000,000.00")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#id_budget_fen_error")).to_contain_text("不能为负数")
    expect(page.locator("#id_prior_year_revenue_fen")).to_have_value("100,000,000.00")
    page.locator("#id_budget_fen").fill("1,000,000")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator("main h1")).to_contain_text("江岸区")
    expect(page.locator("main .flag-short")).to_contain_text("差 500,000.00 元")
    page.locator("#id_amount_fen").fill("250,000.50")
    page.locator("#id_note").fill("一季度预算")
    with page.expect_navigation():
        page.get_by_role("button", name="拨入").click()
    expect(page.locator(".messages")).to_contain_text("资金已拨入")
    expect(page.locator("main table")).to_contain_text("一季度预算")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "funds-detail-phone.png"), full_page=True)
    with page.expect_navigation():
        page.goto(f"{live_server.url}/staff/subsidies/funds/")
    expect(page.locator("main table")).to_contain_text("江岸区")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "funds-list-phone.png"), full_page=True)
    fund = Fund.objects.get(area_id="420102000000", year=timezone.localdate().year)
    assert (fund.budget_fen, fund.allocated_fen) == (100_000_000, 25_000_050)
    assert page.log.problems() == []


def test_the_city_allocates_compares_and_a_district_reads_its_share(desktop_page, phone_page, live_server,
                                                                     committed_tree, artifacts_dir):
    page = desktop_page
    city, districts = small_city()
    manager = make_staff(StaffRole.OFFICIAL, city, username="test_city_official")
    year = timezone.localdate().year
    for district in districts[:2]:
        services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=year, area=district,
                                       values=VALUES[district.name])
    log_in(page, live_server, manager, "/staff/subsidies/allocation/weights/?kind=transfer")
    for name, value in {**WEIGHTS, "fund_performance": "0.2"}.items():
        page.locator(f"#id_{name}").fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name="保存权重").click()
    expect(page.locator("main .form-errors")).to_contain_text("各权重之和为 1.1，不等于 1")
    page.locator("#id_fund_performance").fill("0.1")
    with page.expect_navigation():
        page.get_by_role("button", name="保存权重").click()
    expect(page.locator(".messages")).to_contain_text("权重第 1 版已保存")

    page.goto(f"{live_server.url}/staff/subsidies/allocation/inputs/?kind=transfer&year={year}")
    expect(page.locator("main")).to_contain_text("尚未录入（1 个）：丙区")
    with page.expect_navigation():
        page.get_by_role("link", name="录入").click()
    for name, value in {"funds_raised": "100,000", "target_task": "100", "last_year_results": "20",
                        "fiscal_difficulty": "2", "fund_performance": "90"}.items():
        page.locator(f"#id_{name}").fill(value)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("丙区")

    page.goto(f"{live_server.url}/staff/subsidies/allocation/runs/new/?kind=transfer")
    page.locator("#id_total_fen").fill("1,000,000.01")
    page.locator("#id_label").fill("第一批")
    with page.expect_navigation():
        page.get_by_role("button", name="测算", exact=True).click()
    expect(page.locator("main")).to_contain_text("412,500.00")
    expect(page.locator("main")).to_contain_text("313,333.34")
    expect(page.locator("main")).to_contain_text("274,166.67")
    page.screenshot(path=str(artifacts_dir / "allocation-run-desktop.png"), full_page=True)
    page.locator("#id_funds_raised").fill("0.3")
    page.locator("#id_fiscal_difficulty").fill("0.2")
    with page.expect_navigation():
        page.get_by_role("button", name="测算并对比").click()
    expect(page.locator("main")).to_contain_text("各区增减")
    expect(page.locator("main .gain").first).to_contain_text("+")
    page.screenshot(path=str(artifacts_dir / "allocation-compare-desktop.png"), full_page=True)
    assert AllocationRun.objects.count() == 2
    assert page.log.problems() == []

    official = make_staff(StaffRole.OFFICIAL, districts[0], username="jia_district_official")
    phone = phone_page
    log_in(phone, live_server, official, "/staff/subsidies/allocation/")
    expect(phone.locator("main")).to_contain_text("本区分得的资金")
    with phone.expect_navigation():
        phone.locator("main table a").first.click()
    expect(phone.locator("main")).to_contain_text("逐项因素")
    expect(phone.locator("main")).not_to_contain_text("乙区")
    assert no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "allocation-share-phone.png"), full_page=True)
    phone.goto(f"{live_server.url}/staff/subsidies/evaluation/")
    expect(phone.locator("main table")).to_contain_text("甲区")
    assert no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts_dir / "evaluation-phone.png"), full_page=True)
    assert phone.log.problems() == []
