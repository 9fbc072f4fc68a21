"""A job seeker signs up on a phone, recovers from a weak password, and logs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.constants import AccountType
from portal.models import User
from tests.browser.conftest import open_site_menu

pytestmark = pytest.mark.browser

USERNAME = "zhang_xiaoming"
FULL_NAME = "张小明"
STRONG_PASSWORD = "Qingshan-Lake-2024"


def test_job_seeker_signs_up_after_fixing_a_weak_password_then_logs_out(page, live_server):
    page.goto(live_server.url + "/")
    page.locator("section.doors > article.door").first.locator("a[href]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))

    form = page.locator("main form.form")
    form.locator("input[name=account_type][value=job_seeker]").check()
    form.locator("#id_username").fill(USERNAME)
    form.locator("#id_full_name").fill(FULL_NAME)
    form.locator("#id_phone").fill("13800138000")
    form.locator("#id_password1").fill("12345678")
    form.locator("#id_password2").fill("12345678")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    # Re-shown with the error beside the password, and what was typed is still there.
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    expect(page.locator("#form-errors")).to_be_visible()
    password_field = page.locator(".field.has-error").filter(has=page.locator("#id_password1"))
    expect(password_field).to_have_count(1)
    expect(password_field.locator("p.error").first).to_be_visible()
    expect(password_field.locator("p.error").first).not_to_be_empty()
    expect(page.locator("#id_username")).to_have_value(USERNAME)
    expect(page.locator("#id_full_name")).to_have_value(FULL_NAME)
    expect(page.locator("#id_phone")).to_have_value("13800138000")
    expect(page.locator("input[name=account_type][value=job_seeker]")).to_be_checked()
    assert not User.objects.filter(username=USERNAME).exists()

    page.locator("#id_password1").fill(STRONG_PASSWORD)
    page.locator("#id_password2").fill(STRONG_PASSWORD)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()

    # Logged in on the job seeker's own page: the header names the new user.
    expect(page).to_have_url(live_server.url + "/me/")
    expect(page.locator(".site-header .who")).to_have_text(FULL_NAME)
    expect(page.locator(".messages")).to_contain_text(FULL_NAME)
    user = User.objects.get(username=USERNAME)
    assert user.account_type == AccountType.JOB_SEEKER
    assert user.full_name == FULL_NAME
    assert user.check_password(STRONG_PASSWORD)

    # On a phone the account links are in the menu.
    open_site_menu(page)
    with page.expect_navigation():
        page.locator(".site-header form[action='/accounts/logout/'] button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".site-header .who")).to_have_count(0)
    # A visitor's way to log in stays beside the menu button.
    expect(page.locator(".site-header .header-login[href='/accounts/login/']")).to_be_visible()

    # The session is really gone: a logged-in page sends us to log in.
    page.goto(live_server.url + "/accounts/password/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/password/"))

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
