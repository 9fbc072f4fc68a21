"""On a phone: a community clerk registers a person (bad check character first), shows the full
number once, registers them as unemployed and finds them on the ledger; the person links their
own account and sees the registration."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from portal.constants import StaffRole
from portal.models import Area, AuditEvent
from registration.identity import identity_make
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

NUMBER = identity_make("420102", datetime.date(1986, 3, 12), 135)
MASKED = NUMBER[:6] + "********" + NUMBER[-4:]


def log_in(page, live_server, user, next_url: str):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + next_url)


def choose(page, select_id: str, value: str):
    select = page.locator(f"#{select_id}")
    expect(select).to_be_enabled()
    expect(select.locator(f"option[value='{value}']")).to_be_attached()
    select.select_option(value)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_clerk_registers_a_person_on_a_phone_and_the_person_links_their_account(page, live_server, committed_tree):
    community = Area.objects.get(code="420102002003")
    clerk = make_staff(StaffRole.CLERK, community, username="baocheng_clerk")
    log_in(page, live_server, clerk, "/staff/registration/persons/new/")

    form = page.locator("main form.form")
    wrong = NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2")
    form.locator("#id_identity_number").fill(wrong)
    form.locator("#id_name").fill("周红")
    form.locator("#id_phone").fill("13607140000")
    choose(page, "id_area_district", "420102000000")
    choose(page, "id_area_street", "420102002000")
    choose(page, "id_area_community", community.code)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#id_identity_number_error")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("周红")
    assert no_sideways_scroll(page)

    page.locator("#id_identity_number").fill(NUMBER.lower())
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("周红")
    expect(page.locator("main")).to_contain_text(MASKED)
    expect(page.locator("main")).not_to_contain_text(NUMBER)
    assert no_sideways_scroll(page)

    button = page.locator("form.reveal-form button")
    # Readable: the link-styled button is drawn in the link colour, not the buttons' white on a white page.
    assert button.evaluate("b => getComputedStyle(b).color") == page.locator("main a").first.evaluate(
        "a => getComputedStyle(a).color") != "rgb(255, 255, 255)"
    with page.expect_navigation():
        button.click()
    expect(page.locator("#full-identity-number")).to_have_text(NUMBER)
    assert AuditEvent.objects.filter(event_type="personal_data.viewed", actor=clerk).count() == 1

    with page.expect_navigation():
        page.locator("form[action$='/unemployment/'] button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    page.goto(f"{live_server.url}/staff/registration/ledger/")
    expect(page.locator("main table")).to_contain_text("周红")
    expect(page.locator("#count-unemployed")).to_have_text("1")
    assert no_sideways_scroll(page)

    # The person signs up and links their account with the identity number and name.
    page.context.clear_cookies()
    seeker = UserFactory(username="zhouhong")
    log_in(page, live_server, seeker, "/registration/me/")
    page.locator("#id_identity_number").fill(NUMBER)
    page.locator("#id_name").fill("周红")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#my-unemployment")).to_be_visible()
    expect(page.locator("main")).to_contain_text(MASKED)
    assert no_sideways_scroll(page)
    assert page.log.problems() == []
