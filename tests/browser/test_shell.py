"""The site shell on a phone and per role: the header folds into a menu button under 40rem, wide
tables scroll inside their box, each demo role lands on its own home, and errors are the portal's.

Screenshots of every role's header, closed and open, and of the desktop header go to test-artifacts/.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from portal import demo
from portal.context_processors import navigation
from portal.models import User
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

HEADER_MAX_PX = 120
MIN_CELL_CHARACTERS = 4

# Every demo role (portal/demo.py) and the page it lands on after logging in through the form.
DEMO_ROLES = [
    ("", None),  # anonymous
    ("seeker", "me"),
    ("employer", "jobs:employer-home"),
    ("jiangan_community_clerk", "staff:workbench"),
    ("jiangan_street_clerk", "staff:workbench"),
    ("jiangan_clerk", "staff:workbench"),
    ("city_official", "staff:workbench"),
    ("city_admin", "staff:workbench"),
    ("admin", "staff:workbench"),  # the superuser
]


@pytest.fixture
def demo_accounts(committed_tree):
    """The documented demo accounts of every role (the kernel's part of the demo data)."""
    demo.build(scale=0, log=lambda *args, **kwargs: None)


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def nav_urls_for(username: str) -> list[str]:
    """The navigation the server gives this account (the registry's entries for its audiences)."""
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username) if username else AnonymousUser()
    return [item["url"] for item in navigation(request)["nav_items"]]


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("username, home", DEMO_ROLES, ids=[name or "anonymous" for name, _ in DEMO_ROLES])
def test_each_demo_role_lands_on_its_home_with_a_phone_header_that_folds_into_a_menu(
        page, live_server, demo_accounts, artifacts_dir, username, home):
    if username:
        log_in(page, live_server, username)
        expect(page).to_have_url(live_server.url + reverse(home))
        expect(page.locator(".site-header .who")).to_have_text(User.objects.get(username=username).display_name)
    else:
        page.goto(live_server.url + "/")
    name = username or "anonymous"

    # Closed: the brand and the menu button only, at most 120 px tall.
    height = header_height(page)
    assert height <= HEADER_MAX_PX, f"{name}: header {height} px"
    button = page.locator(".site-header .menu-button")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    menu = page.locator("#site-menu")
    expect(menu).to_be_hidden()
    # A visitor can log in without opening the menu; an account's links are all in the menu.
    expect(page.locator(f".site-header > .container > a[href='{reverse('login')}']")).to_have_count(0 if username else 1)
    if not username:
        expect(page.locator(f".site-header .header-login[href='{reverse('login')}']")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / f"shell-{name}-phone-closed.png"))

    # Open: every navigation entry the server gives this account, each on screen, in its group.
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    links = menu.locator("nav a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == nav_urls_for(username) and hrefs, name
    for i in range(len(hrefs)):
        link = links.nth(i)
        link.scroll_into_view_if_needed()
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 40, (hrefs[i], box)
    headings = menu.locator(".nav-heading")
    assert headings.count() >= 2
    for i in range(headings.count()):
        expect(headings.nth(i)).to_be_visible()
    # The account links are in the menu too.
    account = menu.locator(".account")
    if username:
        expect(account.locator(".who")).to_be_visible()
        expect(account.locator(f"a[href='{reverse('password_change')}']")).to_be_visible()
        expect(account.locator(f"form[action='{reverse('logout')}'] button")).to_be_visible()
    else:
        expect(account.locator(f"a[href='{reverse('login')}']")).to_be_visible()
        expect(account.locator(f"a[href='{reverse('signup')}']")).to_be_visible()
    expect(account.locator("select[name=language]")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / f"shell-{name}-phone-open.png"), full_page=True)

    # And closes again.
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    assert header_height(page) <= HEADER_MAX_PX

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []


def test_the_menu_works_with_the_keyboard(page, live_server, demo_accounts):
    log_in(page, live_server, "jiangan_clerk")
    button = page.locator(".site-header .menu-button")
    # Skip link, brand, then the menu button.
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    first = page.locator("#site-menu nav a").first
    expect(first).to_be_focused()
    # Escape closes the menu and gives the focus back to its button; Space opens it again.
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#site-menu")).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press(" ")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(first).to_be_visible()
    assert page.log.problems() == []


def test_without_javascript_the_navigation_is_simply_shown(browser, live_server, demo_accounts):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.locator(".site-header .menu-button")).to_be_hidden()
        links = page.locator("#site-menu nav a")
        assert links.count() == len(nav_urls_for(""))
        for i in range(links.count()):
            expect(links.nth(i)).to_be_visible()
        expect(page.locator(f"#site-menu a[href='{reverse('login')}']")).to_be_visible()
    finally:
        context.close()


def test_on_a_desktop_the_header_shows_everything_in_one_wrapping_row(desktop_page, live_server, demo_accounts,
                                                                      artifacts_dir):
    page = desktop_page
    log_in(page, live_server, "jiangan_clerk")
    expect(page.locator(".site-header .menu-button")).to_be_hidden()
    links = page.locator("#site-menu nav a")
    tops = set()
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
        tops.add(round(links.nth(i).bounding_box()["y"]))
    # Twenty-odd links flow on a few lines (not one per line as in the phone menu).
    assert len(tops) <= 3, sorted(tops)
    expect(page.locator(".site-header .who")).to_be_visible()
    expect(page.locator(".site-header form.lang-form select")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "shell-jiangan_clerk-desktop.png"))
    assert page.log.problems() == []


def _narrow_cells(page) -> list:
    """Cells of the page's tables narrower than MIN_CELL_CHARACTERS characters of their own font."""
    return page.evaluate("""(minimum) => Array.from(document.querySelectorAll('main .table th, main .table td'))
        .map(cell => {
          const style = getComputedStyle(cell);
          const width = cell.getBoundingClientRect().width - parseFloat(style.paddingLeft)
                        - parseFloat(style.paddingRight);
          return {text: cell.textContent.trim().slice(0, 20), characters: width / parseFloat(style.fontSize)};
        })
        .filter(cell => cell.characters < minimum)""", MIN_CELL_CHARACTERS)


@pytest.mark.parametrize("path", ["/staff/jobs/agencies/", "/jobs/agencies/", "/staff/jobs/vacancies/review/"])
def test_wide_tables_scroll_in_their_box_instead_of_squeezing_a_column(page, live_server, committed_tree,
                                                                      artifacts_dir, path):
    call_command("demo_data", stdout=io.StringIO())
    log_in(page, live_server, "jiangan_clerk")
    page.goto(live_server.url + path)
    rows = page.locator("main .table tbody tr")
    assert rows.count() >= 2, "the demo data gives this list rows"
    assert _narrow_cells(page) == []
    # The page itself does not scroll sideways: the table scrolls inside its own box.
    assert fits_the_screen(page)
    box = page.locator("main .table-wrap").first
    assert box.evaluate("box => box.scrollWidth > box.clientWidth"), "the table is wider than a phone: it scrolls"
    page.screenshot(path=str(artifacts_dir / f"shell-table-{path.strip('/').replace('/', '-')}-phone.png"),
                    full_page=True)
    assert page.log.problems() == []


def test_a_missing_page_on_a_phone_offers_a_way_home_and_a_search(page, live_server, committed_tree, artifacts_dir):
    response = page.goto(live_server.url + "/no/such/page/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text("页面不存在")
    expect(page.locator(f"main a.button[href='{reverse('home')}']")).to_be_visible()
    assert fits_the_screen(page)
    assert header_height(page) <= HEADER_MAX_PX
    page.screenshot(path=str(artifacts_dir / "shell-404-phone.png"), full_page=True)
    page.locator("main input[name=q]").fill("焊工")
    with page.expect_navigation():
        page.locator(f"main button[formaction='{reverse('jobs:search')}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("jobs:search")) + r"\?q=%E7%84%8A%E5%B7%A5$"))
