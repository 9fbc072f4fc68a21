"""A clerk's day of look-ups by identity number leaves no identity number in any web address.

The community clerk finds persons by name (and pages through them), then by whole identity number
on the persons page, opens a hard-to-employ case for one found by number at the intake, and finds
another by number at the subsidy window. Every address the browser requested (what a web server or
proxy would log) is then scanned for 15- and 18-digit numbers. The staff pages are not stored, so
after logout the back button shows no personal data.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from portal.constants import StaffRole
from portal.models import Area
from registration.identity import identity_make
from registration.models import HardshipCase
from subsidies.constants import ProgrammeKind
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD
from tests.registration.factories import PersonFactory
from tests.subsidies.apply_support import hard_to_employ_flexible, programme

pytestmark = pytest.mark.browser

COMMUNITY = "420102002003"
IDENTITY_NUMBER = re.compile(r"\b\d{17}[\dXx]\b|\b\d{15}\b")


def log_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + next_url)


def test_a_clerks_look_ups_by_identity_number_leave_no_number_in_any_address(desktop_page, live_server,
                                                                             committed_tree):
    page = desktop_page
    area = Area.objects.get(code=COMMUNITY)
    for n in range(22):  # more than a page of 李
        PersonFactory(area=area, name=f"李{n:02d}", identity_number=identity_make("420102", datetime.date(1980, 1, 1),
                                                                                  100 + n))
    number = identity_make("420102", datetime.date(1972, 3, 8), 131)
    person = PersonFactory(area=area, name="孙建华", identity_number=number)
    window_person = hard_to_employ_flexible(area, name="王建华",
                                            identity_number=identity_make("420102", datetime.date(1975, 6, 1), 222))
    window_number = identity_make("420102", datetime.date(1975, 6, 1), 222)
    social = programme(ProgrammeKind.SOCIAL_INSURANCE)
    clerk = make_staff(StaffRole.CLERK, area, username="lookup_clerk")
    log_in(page, live_server, clerk, "/staff/registration/persons/")

    # 1. By name, with the result's second page and the back button.
    search = page.locator("main form.filters")
    search.locator("input[name=q]").fill("李")
    with page.expect_navigation():
        search.locator("button[type=submit]").click()
    expect(page.locator("main table tbody tr")).to_have_count(20)
    with page.expect_navigation():
        page.locator("main a[href*='page=2']").first.click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    page.go_back()
    expect(page.locator("main table tbody tr")).to_have_count(20)

    # 2. By whole identity number (Enter in the box): the person, then their page.
    search = page.locator("main form.filters")
    search.locator("input[name=q]").fill(number)
    with page.expect_navigation():
        search.locator("input[name=q]").press("Enter")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(person.id_masked)
    with page.expect_navigation():
        rows.locator("a").click()
    expect(page.locator("h1")).to_have_text("孙建华")

    # 3. The hard-to-employ intake, finding the person by number.
    intake_response = page.goto(f"{live_server.url}/staff/registration/cases/new/")
    page.locator("#person-q").fill(number)
    with page.expect_navigation():
        page.locator("form.search-step button[type=submit]").click()
    intake = page.locator("form[aria-labelledby=intake-title]")
    intake.locator(f"input[name=person][value='{person.pk}']").check()
    intake.locator("input[name=categories][value=older_urban]").check()
    intake.locator("#id_circumstances").fill("原企业破产，失业两年。")
    with page.expect_navigation():
        intake.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/registration/cases/\d+/$"))
    assert HardshipCase.objects.filter(person=person).count() == 1

    # 4. The subsidy window, finding another person by number.
    page.goto(f"{live_server.url}/staff/subsidies/window/apply/{social.code}/")
    page.locator("#person-q").fill(window_number)
    with page.expect_navigation():
        page.locator("#person-q").press("Enter")
    expect(page.locator(f"input[name=person][value='{window_person.pk}']")).to_be_attached()
    expect(page.locator("main")).to_contain_text(window_person.id_masked)

    # What a web server or proxy would have logged: no identity number, whole or 15-digit.
    numbers_in_addresses = [url for url in page.log.requests if IDENTITY_NUMBER.search(url)]
    assert numbers_in_addresses == []
    assert not [url for url in page.log.requests if number in url or window_number in url]
    assert len(page.log.requests) > 10

    # 5. Staff pages are not stored: logged out, the back button brings back no personal data.
    assert intake_response.headers.get("cache-control") == "no-store"
    open_site_menu(page)
    with page.expect_navigation():
        page.locator(".site-header form[action$='/accounts/logout/'] button").click()
    page.go_back()
    expect(page.locator("main")).not_to_contain_text(window_person.id_masked)
    expect(page.locator("main")).not_to_contain_text("王建华")
    assert page.log.problems() == []
