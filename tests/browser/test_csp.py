"""The Content-Security-Policy holds on every page: Chromium loads every page the demo roles
reach and the test fails on any violation the browser reports.

Each demo role in turn (anonymous first, the superuser last) opens every route without parameters
(the URL resolver's list, as in tests/url_walk.py) that no role before it opened, and then, for
every route with parameters, the first link to it found on a page already seen: one representative
detail page per kind of record (a vacancy, a person, an application…). Each route's page is opened
once, by the first role that reaches it (about 140 pages, a minute); tests/portal/test_csp.py reads
every template for the inline code a role's branch might hold.

The browser reports each refused script, style or image as a
``securitypolicyviolation`` event (sent to the test through an exposed function) and as a console
message naming the Content Security Policy; both are collected, with the page and the role.
"""

from __future__ import annotations

import io
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from portal.models import User
from tests.browser.conftest import DESKTOP, TIMEOUT_MS
from tests.url_walk import all_routes

pytestmark = pytest.mark.browser

# One account of every kind the demo data has (README: demo accounts); "" is the anonymous visitor.
ROLES = ["", "seeker", "employer", "jiangan_community_clerk", "jiangan_street_clerk", "jiangan_clerk",
         "jiangan_official", "city_official", "jiangan_admin", "city_admin", "admin"]

# Routes that are not pages to look at: the JSON API (its documentation page is kept), the JSON
# unread count, the test suite's plugin app, the health check, the admin's scripts and look-ups,
# files to download, and actions that only take a POST. Only the superuser opens the admin; the
# anonymous visitor sees its login page.
SKIP_PREFIXES = ("api/", "plugin/", "healthz", "notifications/unread.json", "i18n/", "accounts/logout/",
                 "admin/logout/", "admin/jsi18n/", "admin/autocomplete/")
KEEP = ("api/docs/",)
SKIP_NAME_ENDINGS = ("export", "download", "my-document", "card")
ADMIN_FOR = {"admin": "admin/", "": "admin/login/"}

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample,
    source: event.sourceFile ? event.sourceFile + ":" + event.lineNumber : "",
  });
});
"""
# Charts are drawn after their numbers arrive: wait for them, so what drawing does is seen too.
CHARTS_SETTLED = """() => Array.from(document.querySelectorAll("[data-chart-url]"))
  .every((chart) => chart.hidden || chart.hasAttribute("data-chart-drawn")
                   || chart.classList.contains("chart-failed"))"""


def start_urls(role: str) -> list[str]:
    """Every route without parameters that a browser would open as this role, as a path."""
    urls = []
    for route in all_routes():
        if route.params or "^" in route.route:
            continue
        if route.route.startswith(SKIP_PREFIXES) and not route.route.startswith(KEEP):
            continue
        if route.route.startswith("admin/") and not route.route.startswith(ADMIN_FOR.get(role, "-")):
            continue
        if (route.name or "").endswith(SKIP_NAME_ENDINGS):
            continue
        urls.append("/" + route.route)
    return sorted(set(urls))


def route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def has_parameters(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(match.args or match.kwargs)


def session_cookie(live_server, username: str) -> list[dict]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies["sessionid"]
    return [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]


def walk(context, live_server, role: str, violations: list[str], statuses_seen: set[int],
         routes_opened: set[str]) -> None:
    """Open every page this role reaches that no role before it opened.

    Each address is first asked for without the browser (the context's request API, same cookies,
    no redirects followed): only HTML pages are opened, and of the answers that are not pages
    (a redirect to the login page, the portal's 403 and 404 pages) only the first of each status.
    """
    page = context.new_page()
    page.on("console", lambda message: "Content Security Policy" in message.text
            and violations.append(f"[{role or 'anonymous'}] {page.url}: console: {message.text}"))
    queue = deque(path for path in start_urls(role) if route_name(path) not in routes_opened)
    seen_paths = set(queue)
    seen_routes = routes_opened | {route_name(path) for path in queue}
    while queue:
        path = queue.popleft()
        answer = context.request.get(live_server.url + path, max_redirects=0)
        is_page = (answer.status < 300 or answer.status >= 400) and "text/html" in answer.headers.get(
            "content-type", "") and "attachment" not in answer.headers.get("content-disposition", "") and answer.body()
        if not is_page or answer.status != 200 and answer.status in statuses_seen:
            continue
        statuses_seen.add(answer.status)
        page.goto(live_server.url + path)
        if answer.status == 200:
            routes_opened.add(route_name(path))
        if page.locator("[data-chart-url]").count():
            page.wait_for_function(CHARTS_SETTLED, timeout=TIMEOUT_MS)
        # One page per route with parameters: the first link to it.
        for href in page.eval_on_selector_all("a[href]", "links => links.map((link) => link.href)"):
            parts = urlsplit(href)
            if "{0.scheme}://{0.netloc}".format(parts) != live_server.url or parts.path in seen_paths:
                continue
            if not has_parameters(parts.path):
                continue
            name = route_name(parts.path)
            if name in seen_routes or name.endswith(SKIP_NAME_ENDINGS):
                continue
            seen_routes.add(name)
            seen_paths.add(parts.path)
            queue.append(parts.path)
    page.close()


def new_context(browser, role: str, violations: list[str]):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.expose_binding("reportCspViolation", lambda source, violation: violations.append(
        f"[{role or 'anonymous'}] {source['page'].url}: {violation}"))
    context.add_init_script(REPORT_VIOLATIONS)
    return context


def test_the_walk_hears_of_an_inline_style_and_an_inline_script(browser, live_server, committed_tree):
    """The listener works: markup with a style attribute and an inline script, added by a script
    the way innerHTML would, is refused by the policy and reported."""
    heard: list[str] = []
    context = new_context(browser, "", heard)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("""() => {
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.appendChild(script);
    }""")
    page.wait_for_timeout(100)
    context.close()
    assert any("style-src" in line for line in heard), heard
    assert any("script-src" in line for line in heard), heard


def test_no_page_breaks_the_content_security_policy_for_any_demo_role(browser, live_server, committed_tree):
    """Every demo role in turn opens the pages it reaches that no role before it opened (each
    route's page once, the portal's error pages once); not one violation is reported."""
    call_command("demo_data", stdout=io.StringIO())
    violations: list[str] = []
    statuses_seen: set[int] = set()
    routes_opened: set[str] = set()
    for role in ROLES:
        context = new_context(browser, role, violations)
        if role:
            context.add_cookies(session_cookie(live_server, role))
        walk(context, live_server, role, violations, statuses_seen, routes_opened)
        context.close()
    assert violations == []
    # The walk reached the pages behind the logins: the staff's queues, lists and detail pages.
    assert len(routes_opened) > 120, sorted(routes_opened)
    assert {"staff:workbench", "staff-analytics:overview", "staff-registration:person-detail",
            "jobs:vacancy-detail", "api:docs"} <= routes_opened, sorted(routes_opened)
