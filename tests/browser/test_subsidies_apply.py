"""Applying for a subsidy in a real browser: a job seeker on a phone reads the programmes, applies
online in yuan, uploads a document, follows the timeline and sees the notification; a community clerk
enters an application at the window; a city administrator saves a new version of the rules."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.constants import StaffRole
from portal.models import Area
from subsidies.constants import DocumentKind, ProgrammeKind
from subsidies.models import Application, SupportingDocument
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD
from tests.subsidies.apply_support import hard_to_employ_flexible, linked_seeker, months_from_now, programme
from tests.subsidies.factories import this_month

pytestmark = pytest.mark.browser

COMMUNITY = "420102002003"  # 保成社区
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.fixture
def private_storage(tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(SupportingDocument._meta.get_field("file"), "storage",
                        FileSystemStorage(location=tmp_path / "private"))


def test_a_job_seeker_applies_on_a_phone_uploads_a_document_and_follows_it(page, live_server, artifacts_dir,
                                                                           private_storage, tmp_path):
    area = Area.objects.get(code=COMMUNITY)
    social = programme(ProgrammeKind.SOCIAL_INSURANCE, required_documents=[DocumentKind.IDENTITY,
                                                                           DocumentKind.CONTRIBUTION_PROOF])
    seeker = linked_seeker(hard_to_employ_flexible(area, name="李梅"))

    page.goto(f"{live_server.url}/subsidies/")
    expect(page.locator("h1")).to_have_text("就业补贴")
    expect(page.locator(".card").first).to_contain_text("2/3")
    page.screenshot(path=artifacts_dir / "subsidies-apply-1-programmes-phone.png", full_page=True)

    log_in(page, live_server, seeker, f"/subsidies/apply/{social.code}/")
    expect(page.locator("h1")).to_contain_text("申请")
    page.locator("#id_period_start").fill(f"{this_month():%Y-%m}")
    page.locator("#id_period_end").fill(f"{months_from_now(2):%Y-%m}")
    page.locator("#id_basis_fen").fill("abc")
    page.locator("#id_payee_account").fill("6222020200001234567")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_basis_fen_error")).to_be_visible()  # a clear error, what was typed kept
    expect(page.locator("#id_payee_account")).to_have_value("6222020200001234567")
    page.screenshot(path=artifacts_dir / "subsidies-apply-2-form-error-phone.png", full_page=True)
    page.locator("#id_basis_fen").fill("600.00")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    application = Application.objects.get()
    expect(page).to_have_url(re.compile(rf"/subsidies/my/applications/{application.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(str(application.pk))
    expect(page.locator("main")).to_contain_text("1,200.00")
    expect(page.locator(".missing")).to_contain_text("居民身份证")
    expect(page.locator(".timeline .current")).to_contain_text("社区受理")

    document = tmp_path / "身份证.pdf"
    document.write_bytes(PDF)
    page.locator("#id_kind").select_option(DocumentKind.IDENTITY)
    page.locator("#id_file").set_input_files(str(document))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("身份证.pdf")
    expect(page.locator(".missing")).not_to_contain_text("居民身份证")
    page.screenshot(path=artifacts_dir / "subsidies-apply-3-my-application-phone.png", full_page=True)

    open_site_menu(page)
    expect(page.locator("[data-notification-count]")).to_have_text("（1 条未读）")
    page.screenshot(path=artifacts_dir / "subsidies-apply-4-menu-notification-phone.png")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator(".notification.unread")).to_contain_text(str(application.pk))
    page.screenshot(path=artifacts_dir / "subsidies-apply-5-notifications-phone.png", full_page=True)
    with page.expect_navigation():
        page.locator(".notification button[name=open]").click()
    expect(page).to_have_url(re.compile(rf"/subsidies/my/applications/{application.pk}/$"))
    page.goto(f"{live_server.url}/me/")
    expect(page.locator("main")).to_contain_text("我的补贴申请")
    page.screenshot(path=artifacts_dir / "subsidies-apply-6-me-panel-phone.png", full_page=True)
    assert page.log.problems() == []


def test_a_community_clerk_enters_an_application_at_the_window(desktop_page, live_server, artifacts_dir):
    page = desktop_page
    area = Area.objects.get(code=COMMUNITY)
    social = programme(ProgrammeKind.SOCIAL_INSURANCE)
    hard_to_employ_flexible(area, name="王建华")
    clerk = make_staff(StaffRole.CLERK, area, username="window_clerk")
    log_in(page, live_server, clerk, "/staff/subsidies/window/")
    with page.expect_navigation():
        page.locator(f"a[href$='/window/apply/{social.code}/']").click()
    page.locator("#person-q").fill("王建华")
    with page.expect_navigation():
        page.locator("form.search-step button").click()
    page.locator("input[name=person]").first.check()
    page.locator("#id_period_start").fill(f"{this_month():%Y-%m}")
    page.locator("#id_period_end").fill(f"{months_from_now(5):%Y-%m}")
    page.locator("#id_basis_fen").fill("750")
    page.locator("#id_payee_account").fill("6222020200007654321")
    expect(page.locator("#id_payee_name")).to_have_value("")  # left empty: the chosen person's own name
    page.screenshot(path=artifacts_dir / "subsidies-apply-7-window-form-desktop.png", full_page=True)
    with page.expect_navigation():
        page.locator("form[aria-labelledby=enter-title] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("补贴申请")
    expect(page.locator("main")).to_contain_text("3,000.00")  # 500 yuan a month for six months
    page.screenshot(path=artifacts_dir / "subsidies-apply-8-window-application-desktop.png", full_page=True)
    entered = Application.objects.get()
    assert (entered.entered_by, entered.payee_name) == (clerk, "王建华")
    assert page.log.problems() == []


def test_a_city_administrator_saves_a_new_version_of_the_rules(desktop_page, live_server, artifacts_dir):
    page = desktop_page
    social = programme(ProgrammeKind.SOCIAL_INSURANCE)
    admin = make_staff(StaffRole.ADMINISTRATOR, Area.objects.get(code="420100000000"), username="city_admin_b")
    log_in(page, live_server, admin, f"/staff/subsidies/programmes/{social.code}/versions/new/")
    expect(page.locator("#id_monthly_cap_fen")).to_have_value("800.00")
    page.locator("#id_effective_from").fill("2030-01-01")
    page.locator("#id_monthly_cap_fen").fill("1000")
    page.locator("#id_share").fill("3/2")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_share_error")).to_be_visible()
    page.screenshot(path=artifacts_dir / "subsidies-apply-9-version-error-desktop.png", full_page=True)
    page.locator("#id_share").fill("2/3")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("2030-01-01")
    expect(page.locator("main")).to_contain_text("1,000.00")
    page.screenshot(path=artifacts_dir / "subsidies-apply-10-programme-versions-desktop.png", full_page=True)
    assert social.versions.get(number=2).parameters["monthly_cap_fen"] == 100_000
    assert page.log.problems() == []
