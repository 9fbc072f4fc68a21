"""The audit trail on a phone: a full page of entries as short cards, details folded away, filters
folded away; on a desktop the same page is a table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.audit import audit_record
from portal.constants import AuditEventType, StaffRole
from portal.models import Area
from tests.browser.test_staff_accounts import log_in
from tests.conftest import make_staff
from tests.policy.factories import PolicyDocumentFactory

pytestmark = pytest.mark.browser

PHONE_HEIGHT_BOUND = 2500  # px, for a full page of entries at 390×844


@pytest.fixture
def full_page_of_events(committed_tree):
    city = Area.objects.get(code="420100000000")
    admin = make_staff(StaffRole.ADMINISTRATOR, city, username="city_admin")
    clerk = make_staff(StaffRole.CLERK, Area.objects.get(code="420102002003"), username="baocheng_clerk")
    community = Area.objects.get(code="420102002003")
    document = PolicyDocumentFactory(
        title="武汉市人民政府办公厅转发市人力资源和社会保障局关于进一步完善就业服务管理工作机制意见的通知（武政办〔2009〕138号）"
              "及其配套的就业专项资金管理、小额担保贷款和公益性岗位补贴实施细则")
    for n in range(60):
        audit_record(event_type=AuditEventType.ROLE_GRANTED, actor=admin, obj=document if n % 2 else clerk,
                     area=community,
                     old={"role": "", "valid_to": None, "area": ""},
                     new={"role": "clerk", "area": f"江岸区大智街道保成社区居民委员会第{n}号窗口", "valid_from": "2026-01-01",
                          "note": "按照武政办〔2009〕138号文件要求，为社区服务窗口经办人员开通账号并授予经办员角色。" * 2},
                     ip_address="10.0.0.1")
    return admin


def _measure(page) -> dict:
    return page.evaluate("""() => ({height: document.documentElement.scrollHeight,
                                     scroll: document.documentElement.scrollWidth, viewport: window.innerWidth})""")


def test_a_full_page_of_audit_events_stays_short_on_a_phone(page, live_server, full_page_of_events, artifacts_dir):
    log_in(page, live_server, full_page_of_events, "/staff/audit/")
    page.wait_for_load_state("networkidle")
    size = _measure(page)
    page.screenshot(path=str(artifacts_dir / "audit-phone.png"), full_page=True)
    page.screenshot(path=str(artifacts_dir / "audit-phone-first-screen.png"))
    print("audit trail on a phone:", size)
    rows = page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(20)  # a full page
    expect(page.locator("nav.pagination a[rel=next]")).to_be_visible()
    assert size["scroll"] <= size["viewport"], size
    assert size["height"] < PHONE_HEIGHT_BOUND, size

    # Filters and each entry's details are folded; a card opens to show the recorded values.
    expect(page.locator("details.filter-box")).not_to_have_attribute("open", "")
    expect(page.locator("details.filter-box select[name=event_type]")).to_be_hidden()
    expect(page.locator("table.audit-table thead")).not_to_be_in_viewport()
    first = rows.first
    expect(first.locator("dl")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator("dl")).to_be_visible()
    expect(first.locator("dl")).to_contain_text("江岸区大智街道保成社区居民委员会第59号窗口")
    assert _measure(page)["scroll"] <= 390
    page.locator("details.filter-box > summary").click()
    expect(page.locator("details.filter-box select[name=event_type]")).to_be_visible()
    assert page.log.problems() == []


def test_on_a_desktop_the_audit_trail_stays_a_table(desktop_page, live_server, full_page_of_events, artifacts_dir):
    page = desktop_page
    log_in(page, live_server, full_page_of_events, "/staff/audit/")
    table = page.locator("table.audit-table")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    expect(table.locator("thead th")).to_have_count(6)
    expect(table.locator("thead")).to_be_visible()
    row = table.locator("tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
    page.screenshot(path=str(artifacts_dir / "audit-desktop.png"), full_page=True)
    assert page.log.problems() == []
