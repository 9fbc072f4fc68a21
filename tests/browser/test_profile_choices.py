"""A job seeker on a phone narrows the list of occupations by typing, ticks one, and saves the
profile: no Ctrl or ⌘, and what is chosen stays in view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jobs.models import SeekerProfile
from portal.constants import AccountType
from portal.reference.models import Occupation
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

DISTRICT, STREET, COMMUNITY = "420102000000", "420102002000", "420102002003"  # 江岸区 大智街道 保成社区


def _log_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_seeker_filters_the_occupations_ticks_one_on_a_phone_and_the_profile_keeps_it(page, live_server,
                                                                                        artifacts_dir):
    user = UserFactory(username="zhang_wei", full_name="张伟", account_type=AccountType.JOB_SEEKER)
    wanted = Occupation.objects.get(code="4-02")  # 交通运输、仓储物流和邮政业服务人员
    total = Occupation.objects.filter(parent__isnull=False).count()
    _log_in(page, live_server, user, "/jobs/me/profile/")
    expect(page).to_have_url(re.compile(r"/jobs/me/profile/$"))
    assert page.viewport_size == {"width": 390, "height": 844}

    page.locator("#id_area_district").select_option(DISTRICT)
    expect(page.locator(f"#id_area_street option[value='{STREET}']")).to_be_attached()
    page.locator("#id_area_street").select_option(STREET)
    expect(page.locator(f"#id_area_community option[value='{COMMUNITY}']")).to_be_attached()
    page.locator("#id_area_community").select_option(COMMUNITY)

    widget = page.locator("#id_wanted_occupations")
    expect(widget.locator("[data-chosen-title]")).to_have_text("尚未选择。")
    search = page.get_by_label("查找职业（例如“司机”或“4-02”）")
    expect(search).to_be_visible()
    search.fill("仓储")
    # Only the matching occupation is left, in its group; the other groups are hidden.
    visible = widget.locator("[data-option]:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text(f"4-02 {wanted.name}")
    expect(widget.locator("[data-group]:visible")).to_have_count(1)
    expect(widget.locator("[data-count]")).to_have_text(f"显示 1 项，共 {total} 项")
    # Enter in the box narrows, it does not send the form.
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/jobs/me/profile/$"))
    assert not SeekerProfile.objects.filter(account=user).exists()

    # Ticked by tapping its label (a finger-sized row); the choice shows above the list.
    widget.get_by_text(f"4-02 {wanted.name}").tap()
    expect(widget.locator("input[value='4-02']")).to_be_checked()
    expect(widget.locator("[data-chosen-title]")).to_have_text("已选（1 项）：")
    expect(widget.locator("[data-chips] button")).to_have_text(f"4-02 {wanted.name} ×")
    search.fill("")
    expect(widget.locator("[data-option]:visible")).to_have_count(total)
    # A nonsense word hides everything and says so.
    search.fill("不存在的职业")
    expect(widget.locator("[data-none]")).to_be_visible()
    search.press("Escape")
    expect(search).to_have_value("")
    expect(widget.locator("[data-none]")).to_be_hidden()

    # The district list has its own box; tick one with the keyboard (Space on the focused checkbox).
    districts = page.locator("#id_wanted_areas")
    districts.locator("input[type=search]").fill("江岸")
    districts.locator(f"input[value='{DISTRICT}']").focus()
    page.keyboard.press("Space")
    expect(districts.locator(f"input[value='{DISTRICT}']")).to_be_checked()

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    widget.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "profile-choices-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    profile = SeekerProfile.objects.get(account=user)
    assert list(profile.wanted_occupations.values_list("code", flat=True)) == ["4-02"]
    assert list(profile.wanted_areas.values_list("code", flat=True)) == [DISTRICT]

    # Back on the form, the saved occupation is ticked and listed first; unticking it from its chip works.
    page.goto(f"{live_server.url}/jobs/me/profile/")
    expect(widget.locator("input[value='4-02']")).to_be_checked()
    chip = widget.locator("[data-chips] button")
    expect(chip).to_have_attribute("aria-label", f"取消选择：4-02 {wanted.name}")
    chip.click()
    expect(widget.locator("input[value='4-02']")).not_to_be_checked()
    expect(widget.locator("[data-chosen-title]")).to_have_text("尚未选择。")

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []


def test_without_javascript_the_occupations_are_plain_checkboxes_that_save(browser, live_server, committed_tree):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        user = UserFactory(username="wang_fang", account_type=AccountType.JOB_SEEKER)
        _log_in(page, live_server, user, "/jobs/me/profile/")
        widget = page.locator("#id_wanted_occupations")
        expect(widget.locator("input[type=search]")).to_be_hidden()  # the filter box needs the script
        # Without the script the picker is filled level by level by the server; give the whole chain.
        page.locator("#id_area_district").select_option(DISTRICT)
        widget.locator("input[value='6-18']").check()
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").click()
        page.locator("#id_area_street").select_option(STREET)
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").click()
        page.locator("#id_area_community").select_option(COMMUNITY)
        expect(widget.locator("input[value='6-18']")).to_be_checked()  # kept across the re-shown form
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").click()
        profile = SeekerProfile.objects.get(account=user)
        assert list(profile.wanted_occupations.values_list("code", flat=True)) == ["6-18"]
    finally:
        context.close()
