"""A job seeker on a phone searches 焊工 in one district and opens a result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.constants import AccountType
from portal.models import Area
from tests.factories import TEST_PASSWORD, UserFactory
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.browser

JIANGAN, JIANGAN_COMMUNITY = "420102000000", "420102002003"  # 江岸区, 保成社区
WUCHANG = "420106000000"  # 武昌区


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_job_seeker_searches_a_keyword_in_a_district_on_a_phone_and_opens_a_result(page, live_server,
                                                                                  artifacts_dir):
    jiangan = Area.objects.get(code=JIANGAN_COMMUNITY)
    wuchang = Area.objects.filter(path__startswith=WUCHANG[:6], level="community").order_by("code").first()
    welder = VacancyFactory(employer=EmployerFactory(area=jiangan, name="江岸钢构有限公司"), area=jiangan,
                            title="电焊工（长白班）", salary_min=6000, salary_max=9000,
                            description="负责钢结构焊接。\n持证上岗，<b>包吃住</b>。")
    VacancyFactory(employer=EmployerFactory(area=wuchang, name="武昌机械厂"), area=wuchang, title="氩弧焊工")
    VacancyFactory(employer=EmployerFactory(area=jiangan, name="江岸超市"), area=jiangan, title="收银员",
                   description="负责收银。")
    user = UserFactory(username="zhang_san", full_name="张三", account_type=AccountType.JOB_SEEKER)

    page.goto(f"{live_server.url}/accounts/login/?next=/jobs/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))
    expect(page.locator("main h1")).not_to_be_empty()
    assert _fits_the_phone(page)

    # Keyword, then the district under "more filters".
    form = page.locator("main form[role=search]")
    form.locator("#id_q").fill("焊工")
    form.locator("details.more-filters summary").click()
    form.locator("#id_area_district").select_option(JIANGAN)
    expect(form.locator("#id_area_street option:not([value=''])").first).to_be_attached()  # the picker loaded
    with page.expect_navigation():
        form.locator(".keyword-row button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"q=%E7%84%8A%E5%B7%A5"))
    results = page.locator("ol.results > li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("电焊工（长白班）")
    expect(results.first).to_contain_text("江岸钢构有限公司")
    expect(results.first).to_contain_text("6000–9000")
    expect(page.locator("#results-heading")).to_contain_text("1")
    expect(form.locator("#id_q")).to_have_value("焊工")
    expect(form.locator("#id_area_district")).to_have_value(JIANGAN)
    expect(page.locator("aside.facets [aria-current=true]").first).to_contain_text("江岸区")
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "job-search-phone.png"), full_page=True)

    with page.expect_navigation():
        results.first.locator("h3 a").click()
    expect(page).to_have_url(re.compile(rf"/jobs/vacancies/{welder.pk}/$"))
    expect(page.locator("main h1")).to_have_text("电焊工（长白班）")
    description = page.locator(".description")
    expect(description).to_contain_text("<b>包吃住</b>")  # typed HTML shows as text
    expect(description.locator("br")).to_have_count(1)
    expect(page.locator("section.apply-box")).to_be_visible()
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "job-search-vacancy-phone.png"), full_page=True)
    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []


def test_on_a_wide_screen_the_facets_sit_beside_the_results_and_link_to_narrower_searches(
        desktop_page, live_server, artifacts_dir):
    page = desktop_page
    jiangan = Area.objects.get(code=JIANGAN_COMMUNITY)
    wuchang = Area.objects.filter(path__startswith=WUCHANG[:6], level="community").order_by("code").first()
    for area, title in ((jiangan, "货车司机"), (jiangan, "网约车司机"), (wuchang, "专职司机")):
        VacancyFactory(employer=EmployerFactory(area=area), area=area, title=title, description="驾龄三年以上。")

    page.goto(f"{live_server.url}/jobs/?q=司机")
    expect(page.locator("ol.results > li")).to_have_count(3)
    results, facets = page.locator("section.search-results"), page.locator("aside.facets")
    assert facets.bounding_box()["x"] > results.bounding_box()["x"] + results.bounding_box()["width"] - 1
    district_links = facets.locator("section.facet").first.locator("a")
    expect(district_links.first).to_contain_text("(2)")  # most first
    with page.expect_navigation():
        district_links.first.click()
    expect(page.locator("ol.results > li")).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / "job-search-desktop.png"), full_page=True)
    assert page.log.problems() == []
