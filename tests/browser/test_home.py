"""The home page on a phone, and the language switcher in the header."""

from __future__ import annotations

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
