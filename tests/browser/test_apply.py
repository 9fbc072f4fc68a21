"""A job seeker on a phone fills the profile, opens a vacancy, applies, and follows the application."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jobs.models import Application, SeekerProfile
from portal.constants import AccountType
from portal.models import Area
from tests.factories import TEST_PASSWORD, UserFactory
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.browser

DISTRICT, STREET, COMMUNITY = "420102000000", "420102002000", "420102002003"  # 江岸区 大智街道 保成社区


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_job_seeker_fills_profile_applies_on_a_phone_and_sees_it_in_my_applications(page, live_server):
    community = Area.objects.get(code=COMMUNITY)
    vacancy = VacancyFactory(employer=EmployerFactory(area=community, name="江岸物流有限公司"), area=community,
                             title="仓库叉车司机", description="负责仓库货物装卸。")
    user = UserFactory(username="li_hua", full_name="李华", account_type=AccountType.JOB_SEEKER)

    page.goto(f"{live_server.url}/accounts/login/?next=/jobs/me/profile/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobs/me/profile/$"))

    # The profile: the area picker loads each level as the previous one is chosen.
    page.locator("#id_area_district").select_option(DISTRICT)
    expect(page.locator(f"#id_area_street option[value='{STREET}']")).to_be_attached()
    page.locator("#id_area_street").select_option(STREET)
    expect(page.locator(f"#id_area_community option[value='{COMMUNITY}']")).to_be_attached()
    page.locator("#id_area_community").select_option(COMMUNITY)
    page.locator("#id_education").select_option("senior_middle")
    page.locator("#id_experience_years").fill("4")
    page.locator("#id_skills").fill("叉车证、仓储管理")
    page.locator("input[name=wanted_occupations][value='4-02']").check()
    page.locator("input[name=wanted_occupations][value='6-18']").check()
    page.locator(f"input[name=wanted_areas][value='{DISTRICT}']").check()
    page.locator("#id_expected_salary").fill("5000")
    page.locator("#id_summary").fill("做事踏实。\n可以倒班。")
    assert _fits_the_phone(page)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    profile = SeekerProfile.objects.get(account=user)
    assert profile.area_id == COMMUNITY and profile.expected_salary == 5000
    assert sorted(profile.wanted_occupations.values_list("code", flat=True)) == ["4-02", "6-18"]

    # The public vacancy page carries the apply box.
    page.goto(f"{live_server.url}/jobs/vacancies/{vacancy.pk}/")
    expect(page.locator("main h1")).to_contain_text("仓库叉车司机")
    box = page.locator("section.apply-box")
    expect(box).to_be_visible()
    box.locator("textarea[name=cover_note]").fill("有叉车证，能马上到岗。")
    assert _fits_the_phone(page)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()

    application = Application.objects.get(vacancy=vacancy, seeker=profile)
    expect(page).to_have_url(re.compile(rf"/jobs/me/applications/#application-{application.pk}$"))
    card = page.locator(f"#application-{application.pk}")
    expect(card).to_contain_text("仓库叉车司机")
    expect(card).to_contain_text("有叉车证，能马上到岗。")
    expect(card.locator("form button[type=submit]")).to_be_visible()  # withdraw while open
    assert _fits_the_phone(page)

    # Back on the vacancy, the box says it is done and links to the application.
    page.goto(f"{live_server.url}/jobs/vacancies/{vacancy.pk}/")
    expect(page.locator("section.apply-box textarea")).to_have_count(0)
    expect(page.locator(f"section.apply-box a[href$='#application-{application.pk}']")).to_be_visible()

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
