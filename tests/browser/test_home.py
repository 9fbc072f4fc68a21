"""The home page on a phone, and the language switcher in the header."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home_on_a_phone_is_chinese_keyboard_usable_fits_and_stays_on_site(page, live_server, artifacts_dir):
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # The first Tab lands on the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # Three doors, one per kind of user, each with a way in.
    doors = page.locator("section.doors > article.door")
    expect(doors).to_have_count(3)
    hrefs = [doors.nth(i).locator("a[href]").first.get_attribute("href") for i in range(3)]
    assert hrefs == ["/accounts/signup/?type=job_seeker", "/accounts/signup/?type=employer",
                     "/accounts/login/?next=/staff/"]
    for i in range(3):
        expect(doors.nth(i).locator("h2")).not_to_be_empty()
        expect(doors.nth(i).locator("a[href]").first).to_be_visible()

    # No horizontal scrolling on a 390 px wide screen.
    widths = page.evaluate("""() => ({scroll: document.scrollingElement.scrollWidth,
                                       viewport: window.innerWidth})""")
    assert widths["viewport"] == 390
    assert widths["scroll"] <= widths["viewport"], widths

    # Every image has loaded; every link on the page answers without an error.
    broken_images = page.evaluate("""() => Array.from(document.images)
        .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)""")
    assert broken_images == []
    links = page.evaluate("""() => Array.from(document.querySelectorAll('a[href]'))
        .map(a => a.href).filter(href => !href.includes('#'))""")
    assert links, "the home page has no links"
    for url in sorted(set(links)):
        assert url.startswith(live_server.url), f"link off the site: {url}"
        response = page.request.get(url)
        assert response.status < 400, f"{response.status} {url}"

    # Nothing went wrong, and nothing was fetched from another host.
    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
    assert any(url.endswith("/static/portal/css/site.css") for url in page.log.requests)

    page.screenshot(path=str(artifacts_dir / "home-phone.png"), full_page=True)


def test_language_switcher_changes_to_english_and_back(desktop_page, live_server):
    page = desktop_page
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    switcher = page.locator("form.lang-form")
    expect(switcher.locator("select[name=language]")).to_have_value("zh-hans")

    switcher.locator("select[name=language]").select_option(label="English")
    with page.expect_navigation():
        switcher.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))  # back on the page we were on
    expect(switcher.locator("select[name=language]")).to_have_value("en")

    # The choice sticks for the next page.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switcher.locator("select[name=language]").select_option(label="简体中文")
    with page.expect_navigation():
        switcher.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(switcher.locator("select[name=language]")).to_have_value("zh-hans")

    assert page.log.problems() == []


def test_a_seeker_on_a_phone_sees_jobs_near_them_and_searches_from_the_home_box(page, live_server, artifacts_dir):
    from django.utils import timezone

    from jobs.constants import FairStatus
    from portal.models import Area
    from tests.factories import TEST_PASSWORD
    from tests.jobs.factories import EmployerFactory, JobFairFactory, SeekerProfileFactory, VacancyFactory
    from tests.policy.factories import PolicyDocumentFactory, ServiceGuideFactory

    jiangan = Area.objects.get(code="420102002003")  # 保成社区, 江岸区
    wuchang = Area.objects.filter(path__startswith="420106", level="community").order_by("code").first()
    VacancyFactory(employer=EmployerFactory(area=jiangan, name="江岸钢构有限公司"), title="电焊工（长白班）",
                   published_at=timezone.now() - datetime.timedelta(days=3))
    VacancyFactory(employer=EmployerFactory(area=wuchang, name="武昌机械厂"), title="数控车工")
    JobFairFactory(title="江岸区春风行动招聘会", status=FairStatus.PUBLISHED,
                   starts_at=timezone.now() + datetime.timedelta(days=2))
    PolicyDocumentFactory(title="关于做好高校毕业生就业工作的通知", published=True)
    for service, title in (("unemployment_registration", "失业登记"), ("employment_registration", "就业登记")):
        ServiceGuideFactory(service=service, title=title)
    seeker = SeekerProfileFactory(area=jiangan).account

    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.locator("#id_username").fill(seeker.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    # The district's vacancy comes first although the other is newer.
    vacancies = page.locator("section.home-jobsvacancies li a")
    expect(vacancies).to_have_count(2)
    expect(vacancies.first).to_have_text("电焊工（长白班）")
    expect(page.locator("section.home-jobsfairs")).to_contain_text("江岸区春风行动招聘会")
    expect(page.locator("section.home-policydocuments")).to_contain_text("关于做好高校毕业生就业工作的通知")
    expect(page.locator("section.home-policyguides li")).to_have_count(2)
    # The search box is the first thing after the heading, within the first screen.
    box = page.locator("form.home-search input[name=q]").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts_dir / "home-seeker-phone.png"), full_page=True)

    page.locator("form.home-search input[name=q]").fill("车工")
    with page.expect_navigation():
        page.locator("form.home-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobs/\?q=%E8%BD%A6%E5%B7%A5$"))
    results = page.locator("ol.results article.vacancy-card h3")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text("数控车工")
    assert page.log.problems() == []
