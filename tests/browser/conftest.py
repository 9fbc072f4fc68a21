"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Browser downloads are not available, so Playwright launches the system Chromium at /usr/bin/chromium.
One browser serves all the browser tests; each test gets a fresh context (cookies, storage) and page,
either phone-sized (`page`, `phone_page`) or desktop-sized (`desktop_page`).

Every page records what it did in `page.log` (a PageLog): requests, failed requests, HTTP errors
and console errors, so a journey can assert that nothing went wrong along the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 10_000


@dataclass
class PageLog:
    """What one page did: every request URL, and anything that went wrong."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)        # network failures
    http_errors: list[str] = field(default_factory=list)   # responses with status >= 400
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)   # uncaught JavaScript exceptions

    def foreign_requests(self, origin: str) -> list[str]:
        """Requests to anywhere but ``origin`` (scheme://host:port); data: and blob: URLs are local."""
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob", "about")
                and "{0.scheme}://{0.netloc}".format(urlsplit(url)) != origin]

    def problems(self) -> list[str]:
        return self.failed + self.http_errors + self.console_errors + self.page_errors


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests, started by the first and closed after the last.

    While Playwright runs, its sync API keeps an asyncio loop marked as running in the main
    thread, and Django refuses database access from test code ("You cannot call this from an
    async context") unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The variable is set only for the
    browser's lifetime: set for the whole session it would also reach subprocesses of other tests,
    and `manage.py check --deploy` rightly fails on it (async.E001). For the same reason the
    browser lives for this package, not the session, so no later test runs beside its loop.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()


def _aborted_by_navigation(request) -> bool:
    """A script's background fetch (the header's unread count) that the browser cancelled because
    the page moved on: not a failure of the page."""
    return request.resource_type in ("fetch", "xhr") and "ERR_ABORTED" in (request.failure or "")


def _open_page(browser, options: dict):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = PageLog()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("requestfailed", lambda request: _aborted_by_navigation(request)
            or log.failed.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400
            and log.http_errors.append(f"{response.status} {response.url}"))
    page.on("console", lambda message: message.type == "error"
            and log.console_errors.append(f"{message.text} @ {message.location.get('url', '')}"))
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.log = log
    return context, page


@pytest.fixture
def phone_page(browser, live_server, committed_tree):
    """A fresh phone-sized page (390×844, touch); `page.log` records its traffic and errors.

    Live-server tests commit their data and the database is flushed afterwards; `committed_tree`
    loads the Wuhan tree for the test and again after the flush for the tests that follow.
    """
    context, page = _open_page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture
def page(phone_page):
    """The default page of a browser test is a phone: most users come on one."""
    return phone_page


@pytest.fixture
def desktop_page(browser, live_server, committed_tree):
    """A fresh desktop-sized page (1280×900)."""
    context, page = _open_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def open_site_menu(page) -> None:
    """On a phone the navigation and the account links are folded behind the menu button: open it
    (on a desktop, or without JavaScript, the button is hidden and there is nothing to open)."""
    button = page.locator(".site-header .menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
