"""A city administrator creates a community clerk through the JavaScript area picker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.constants import AccountType, AreaLevel, StaffRole
from portal.models import Area, RoleGrant, User
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Tanhualin-Clerk-77"


@pytest.fixture
def city_admin(committed_tree):
    return make_staff(StaffRole.ADMINISTRATOR, Area.objects.get(code="420100000000"), username="city_admin")


def log_in(page, live_server, user, next_url: str):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + next_url)
    expect(page.locator(".site-header .who")).to_have_text(user.display_name)


def pick_next_level(page, select_id: str) -> tuple[str, str]:
    """Wait for the picker's script to fill a level, choose its first area; return (code, name)."""
    select = page.locator(f"#{select_id}")
    expect(select).to_be_enabled()
    expect(select).not_to_have_attribute("aria-busy", "true")
    first = select.locator("option:not([value=''])").first
    expect(first).to_be_attached()
    code, name = first.get_attribute("value"), first.inner_text()
    select.select_option(code)
    return code, name


def test_administrator_creates_a_community_clerk_with_the_area_picker(desktop_page, live_server, city_admin):
    page = desktop_page
    log_in(page, live_server, city_admin, "/staff/accounts/new/")
    form = page.locator("main form.form")
    district = form.locator("#id_area_district")
    street = form.locator("#id_area_street")
    community = form.locator("#id_area_community")

    form.locator("#id_username").fill("jiangan_clerk")
    form.locator("#id_full_name").fill("李社区")
    form.locator("#id_role").select_option(StaffRole.CLERK.value)

    # Lower levels stay closed until the level above is chosen.
    expect(street).to_be_disabled()
    expect(community).to_be_disabled()
    with page.expect_response(re.compile(r"/api/areas/\?parent=420102000000&page_size=500")) as streets:
        district.select_option(label="江岸区")
    assert streets.value.ok
    street_code, street_name = pick_next_level(page, "id_area_street")
    community_code, community_name = pick_next_level(page, "id_area_community")

    # The picker offered exactly the areas under each choice, in code order.
    street_codes = street.locator("option:not([value=''])").evaluate_all("options => options.map(o => o.value)")
    assert street_codes == list(Area.objects.filter(parent__code="420102000000")
                                .order_by("code").values_list("code", flat=True))
    assert street_code == street_codes[0]
    community_area = Area.objects.get(code=community_code)
    assert community_area.level == AreaLevel.COMMUNITY
    assert community_area.parent.code == street_code
    assert community_area.name == community_name
    assert (community_area.parent.name, community_area.parent.parent.name) == (street_name, "江岸区")

    form.locator("#id_password1").fill(NEW_PASSWORD)
    form.locator("#id_password2").fill(NEW_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    # The grant's page names the new account and its community.
    expect(page).to_have_url(re.compile(r"/staff/accounts/\d+/$"))
    main = page.locator("main")
    expect(main.locator("h1")).to_contain_text("jiangan_clerk")
    expect(main.locator("h1")).to_contain_text("李社区")
    expect(main.locator("dl.facts")).to_contain_text(community_name)
    expect(main.locator("dl.facts")).to_contain_text(community_code)

    grant = RoleGrant.objects.select_related("user", "area", "granted_by").get(user__username="jiangan_clerk")
    assert page.url.endswith(f"/staff/accounts/{grant.pk}/")
    assert grant.role == StaffRole.CLERK
    assert grant.area.code == community_code
    assert grant.granted_by == city_admin
    assert grant.user.account_type == AccountType.STAFF
    assert grant.user.check_password(NEW_PASSWORD)

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []


def test_staff_account_form_without_an_area_shows_an_error_and_keeps_the_input(page, live_server, city_admin):
    log_in(page, live_server, city_admin, "/staff/accounts/new/")
    form = page.locator("main form.form")
    form.locator("#id_username").fill("no_area_clerk")
    form.locator("#id_full_name").fill("王无区")
    form.locator("#id_role").select_option(StaffRole.CLERK.value)
    form.locator("#id_password1").fill(NEW_PASSWORD)
    form.locator("#id_password2").fill(NEW_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    expect(page).to_have_url(live_server.url + "/staff/accounts/new/")
    expect(page.locator("#form-errors")).to_be_visible()
    area_field = page.locator(".field.has-error").filter(has=page.locator("[data-area-picker]"))
    expect(area_field).to_have_count(1)
    expect(area_field.locator("p.error")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("no_area_clerk")
    expect(page.locator("#id_full_name")).to_have_value("王无区")
    expect(page.locator("#id_role")).to_have_value(StaffRole.CLERK.value)
    # The district list is still there to choose from.
    expect(page.locator("#id_area_district option", has_text="江岸区")).to_have_count(1)
    assert not User.objects.filter(username="no_area_clerk").exists()

    # No horizontal scrolling on the phone, even with the picker and errors shown.
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert page.log.problems() == []
