"""A visitor on a phone searches the policies for 就业服务, opens the notice and reads its metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from policy.services import documents
from policy.services.imports import policy_import
from portal.constants import StaffRole
from portal.models import Area
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / "policy" / "data" / "wuhan_2009_138.txt"


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_on_a_phone_finds_the_notice_and_sees_its_metadata_and_badge(page, live_server, artifacts_dir):
    city = Area.objects.get(code="420100000000")
    document = policy_import(actor=None, text=SEED.read_text(encoding="utf-8"), area=city).document
    # Publication is a reviewer's step, after an editor sent it (the system only imports).
    documents.document_submit(actor=make_staff(StaffRole.CLERK, city, username="city_editor"), document=document)
    documents.document_publish(actor=make_staff(StaffRole.OFFICIAL, city, username="city_reviewer"),
                               document=document)

    page.goto(f"{live_server.url}/")
    # The main navigation is behind the menu button on a phone.
    open_site_menu(page)
    with page.expect_navigation():
        page.locator("nav a[href='/policy/']").first.click()
    expect(page.locator("main h1")).not_to_be_empty()
    form = page.locator("main form[role=search]")
    form.locator("#id_q").fill("就业服务")
    with page.expect_navigation():
        form.locator(".keyword-row button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/policy/\?q=%E5%B0%B1%E4%B8%9A%E6%9C%8D%E5%8A%A1"))
    results = page.locator("ol.results > li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("武政办〔2009〕138号")
    expect(results.first.locator(".badge.validity.in_force")).to_be_visible()
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "policy-search-phone.png"), full_page=True)

    with page.expect_navigation():
        results.first.locator("h3 a").click()
    expect(page).to_have_url(re.compile(rf"/policy/documents/{document.pk}/$"))
    expect(page.locator("main h1")).to_contain_text("进一步完善就业服务管理工作机制")
    meta = page.locator("dl.policy-meta")
    for text in ("武政办〔2009〕138号", "2009-09-04", "银川市人民政府", "政策参考"):
        expect(meta).to_contain_text(text)
    expect(page.locator(".validity-row .badge.validity.in_force")).to_be_visible()
    expect(page.locator(".policy-body")).to_contain_text("积极推行就业服务管理工作信息化")
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "policy-document-phone.png"), full_page=True)
    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
