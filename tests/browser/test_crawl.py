"""The accessibility and dead-end crawl: every demo role opens every page its navigation and its
lists lead to, at desktop and phone size, and nothing on the way is broken.

Each demo role (portal/demo.py; one account per role and tier, and the anonymous visitor) starts
from its navigation entries and its home, and follows the links of the site header and of the first
row of each list (a table's first body row, a list's or card list's first item) in the main area.
Addresses are deduplicated by route pattern, so fifty vacancy pages are one visit: a new page joins
the crawl by being linked. On every page opened the crawl fails on

1. an axe-core violation of impact serious or critical (axe-playwright-python runs the axe-core
   bundled in the package; it loads nothing from the network). Roles that share templates (the
   clerks of three tiers, the officials of two, the administrators) run axe once per page and size;
2. the page body scrolling sideways (a wide table scrolls inside its own box, not the page);
3. a link the role is shown that answers it 403 (or 404, a server error, or for a signed-in role a
   redirect to the login page): every same-origin link on every page opened is asked for with the
   role's cookies, once per route pattern and set of query parameters (`link_key`);
4. English words on a Chinese page, outside the allow-list below and outside code, input values and
   elements marked translate="no" or lang="en";
5. a page answer slower than 1 s: the document request's server time (request sent → first byte),
   measured again once if over, because the suite shares two cores with other tests;
6. a console error or an uncaught page error.

The findings, with address, role and size, are the assertion message and go to
test-artifacts/crawl-report.txt (one part per role group under test-artifacts/crawl/, combined).
"""

from __future__ import annotations

import fcntl
import io
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from portal.context_processors import home_url_for, navigation
from portal.models import User
from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, _open_page

pytestmark = pytest.mark.browser

# One test per group spreads the crawl over xdist workers (each test loads the demo data once).
# Each role is (username, template class): roles of one class see the same templates (the clerks of
# three tiers, the officials of two, the administrators), so axe runs once per page, size and class;
# every other check runs for every role.
ROLE_GROUPS = {
    "public": [("", "anonymous"), ("seeker", "seeker"), ("employer", "employer")],
    "clerks": [("jiangan_community_clerk", "clerk"), ("jiangan_street_clerk", "clerk"), ("jiangan_clerk", "clerk")],
    "officials": [("jiangan_official", "official"), ("city_official", "official")],
    "administrators": [("jiangan_admin", "administrator"), ("city_admin", "administrator"), ("admin", "administrator")],
}
# The phone at one device pixel per CSS pixel: the layout is the same as at two, the painting cheaper.
SIZES = {"desktop": DESKTOP, "phone": {**PHONE, "device_scale_factor": 1}}

SLOW_SECONDS = 1.0
SCROLL_TOLERANCE_PX = 1
AXE_IMPACTS = ("serious", "critical")
DEAD_STATUSES = (403, 404)

# Not pages to crawl or links to check: the JSON API (its documentation page is a page), the
# Django admin (not the portal's templates), language switching and logging out (POST only), the
# health check, the test plugin, and files to download.
SKIP_PREFIXES = ("/api/", "/admin/", "/i18n/", "/accounts/logout/", "/healthz", "/plugin/",
                 "/notifications/unread.json", "/static/", "/media/")
KEEP = ("/api/docs/",)
SKIP_NAME_ENDINGS = ("export", "download", "my-document", "card", "logout")

# English a Chinese page may show: names, abbreviations and units that Chinese text writes in
# Latin letters. Codes (a token with a digit), e-mail addresses and web addresses are not words.
ALLOWED_ENGLISH = {
    # file types and formats
    "XLSX", "XLS", "PDF", "OFD", "CSV", "JSON", "HTML", "ZIP", "PNG", "JPG", "JPEG",
    # technical names
    "API", "OpenAPI", "URL", "ID", "IP", "HTTP", "HTTPS", "REST", "Token", "Bearer", "ECharts",
    # abbreviations used in Chinese administrative text
    "HR", "GDP", "QQ", "APP", "App", "Excel", "Word",
    # units
    "km", "kg", "MB", "KB", "GB",
    # keys, as printed on the keyboard
    "Ctrl", "Shift", "Alt", "Tab", "Enter", "Esc",
}

# Text outside these elements is what a visitor reads; hidden elements are skipped, text for
# screen readers (visually hidden) is kept.
VISIBLE_LATIN_WORDS = r"""() => {
  const exempt = "script, style, noscript, template, code, kbd, samp, pre, [translate='no'], [lang]:not([lang^='zh'])";
  const noise = /(https?:\/\/\S*|\S+@\S+\.\S+|\/[\w\/.?=&-]*)/g;
  const found = [];
  const take = (text, el) => {
    for (const token of text.replace(noise, " ").matchAll(/[A-Za-z0-9][A-Za-z0-9_'.-]*/g)) {
      const word = token[0].replace(/[.'-]+$/, "");
      // A token with a digit is a code (a credit code, a number); one letter is a code (a section).
      if (/[0-9]/.test(word) || !/[A-Za-z]{2}/.test(word)) continue;
      found.push([word, (el.outerHTML || "").slice(0, 120)]);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(exempt) || !el.checkVisibility()) continue;
    take(walker.currentNode.textContent, el);
  }
  for (const el of document.body.querySelectorAll("[placeholder], [aria-label], img[alt], [title]")) {
    if (el.closest(exempt) || !el.checkVisibility()) continue;
    for (const name of ["placeholder", "aria-label", "alt", "title"]) {
      if (el.hasAttribute(name)) take(el.getAttribute(name), el);
    }
  }
  return found;
}"""

# The links the crawl follows: the site header's (navigation and account), and those of the first
# row of each list in the main area. Every same-origin link is checked for a dead end.
FOLLOWED_LINKS = """() => {
  const rows = [];
  for (const link of document.querySelectorAll(".site-header a[href]")) rows.push(link.href);
  const main = document.querySelector("main");
  if (main) {
    const firsts = main.querySelectorAll(
      "table > tbody > tr:first-child, ul > li:first-child, ol > li:first-child, .cards > :first-child");
    for (const first of firsts) {
      if (first.closest("nav")) continue;
      for (const link of first.querySelectorAll("a[href]")) rows.push(link.href);
    }
    for (const link of main.querySelectorAll("a[href]")) {
      if (!link.closest("table, ul, ol, .cards")) rows.push(link.href);
    }
  }
  return rows;
}"""
ALL_LINKS = "() => Array.from(document.querySelectorAll('a[href]'), (link) => link.href)"
PAGE_SCROLLS_SIDEWAYS = f"""() => document.scrollingElement.scrollWidth >
  document.documentElement.clientWidth + {SCROLL_TOLERANCE_PX}"""
CHARTS_SETTLED = """() => Array.from(document.querySelectorAll("[data-chart-url]"))
  .every((chart) => chart.hidden || chart.hasAttribute("data-chart-drawn")
                   || chart.classList.contains("chart-failed"))"""


@dataclass
class Crawl:
    """What one role group's crawl saw and found."""

    group: str
    failures: list[str] = field(default_factory=list)
    visits: int = 0                               # pages opened (pattern × role × size)
    patterns: set[str] = field(default_factory=set)
    axe_runs: int = 0
    links_checked: int = 0
    timings: list[tuple[float, str, str, str]] = field(default_factory=list)  # seconds, url, role, size
    missed_nav: list[str] = field(default_factory=list)
    nav_entries: int = 0
    spent: dict[str, float] = field(default_factory=dict)  # seconds per step of the crawl

    def clock(self, step: str, started: float) -> None:
        self.spent[step] = self.spent.get(step, 0.0) + time.perf_counter() - started

    def fail(self, kind: str, url: str, role: str, size: str, detail: str) -> None:
        self.failures.append(f"[{kind}] {url} · {role or 'anonymous'} · {size}: {detail}")


def route_pattern(path: str) -> str | None:
    """The route a path resolves to with its parameters left as placeholders (the dedupe key)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"/{match.route}" if match.route else path


def is_skipped(address: str) -> bool:
    path = urlsplit(address).path
    if path.startswith(SKIP_PREFIXES) and not path.startswith(KEEP):
        return True
    try:
        name = resolve(path).url_name or ""
    except Resolver404:
        return False
    return name.endswith(SKIP_NAME_ENDINGS)


def same_origin_path(href: str, origin: str) -> str | None:
    """The path and query of a link to this site, or None for other sites, anchors and mailto."""
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_key(address: str) -> tuple[str, tuple[str, ...]] | None:
    """Links are checked once per route pattern and set of query parameters: the permission a view
    checks is the same for every record of a list (out-of-scope records are not listed), and a
    filter's values do not change who may open the page."""
    parts = urlsplit(address)
    return route_pattern(parts.path), tuple(sorted({name for name, _ in parse_qsl(parts.query)}))


def nav_urls_for(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [item["url"] for item in navigation(request)["nav_items"]]


def english_words(page) -> list[tuple[str, str]]:
    return [(word, where) for word, where in page.evaluate(VISIBLE_LATIN_WORDS)
            if word not in ALLOWED_ENGLISH]


def server_seconds(response, context, url: str) -> float:
    """Request sent → first byte of the document; asked again once when over, on a busy machine."""
    timing = response.request.timing
    seconds = (timing["responseStart"] - timing["requestStart"]) / 1000
    if seconds > SLOW_SECONDS:
        started = time.perf_counter()
        context.request.get(url, max_redirects=0)
        seconds = min(seconds, time.perf_counter() - started)
    return seconds


def crawl_role(crawl: Crawl, browser, origin: str, username: str, size: str, axe: Axe,
               axe_done: set[tuple[str, str, str]], template_class: str, links: dict, opened: set) -> None:
    """Open every page this role reaches at this size, once per route pattern, and check it."""
    user = User.objects.get(username=username) if username else AnonymousUser()
    context, page = _open_page(browser, SIZES[size])
    if username:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}])
    nav = nav_urls_for(user)
    crawl.nav_entries += len([path for path in nav if not is_skipped(path)])
    queue = list(dict.fromkeys(nav + [home_url_for(user), "/"]))
    requested = set(queue)
    seen_patterns: set[str] = set()
    while queue:
        path = queue.pop(0)
        pattern = route_pattern(urlsplit(path).path)
        if pattern is None or pattern in seen_patterns or is_skipped(path):
            continue
        seen_patterns.add(pattern)
        log = page.log
        marks = len(log.console_errors), len(log.page_errors)
        started = time.perf_counter()
        try:
            response = page.goto(origin + path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a file behind a page-like address
                continue
            raise
        crawl.clock("open", started)
        final_path = same_origin_path(page.url, origin) or path
        final_pattern = route_pattern(urlsplit(final_path).path) or pattern
        if response is None or response.status >= 400:
            crawl.fail("dead end", path, username, size, f"answers {response.status if response else 'nothing'}")
            continue
        if username and final_path.startswith(reverse("login")) and not path.startswith(reverse("login")):
            crawl.fail("dead end", path, username, size, "sends the signed-in role to the login page")
            continue
        if final_pattern != pattern:
            if final_pattern in seen_patterns:
                continue
            seen_patterns.add(final_pattern)
        if page.locator("[data-chart-url]").count():
            page.wait_for_function(CHARTS_SETTLED, timeout=TIMEOUT_MS)
        crawl.visits += 1
        crawl.patterns.add(final_pattern)
        url = final_path
        started = time.perf_counter()
        seconds = server_seconds(response, context, page.url)
        crawl.timings.append((seconds, url, username, size))
        if seconds > SLOW_SECONDS:
            crawl.fail("slow", url, username, size, f"document answered in {seconds:.2f} s")
        if page.evaluate(PAGE_SCROLLS_SIDEWAYS):
            width = page.evaluate("document.scrollingElement.scrollWidth")
            crawl.fail("scrolls sideways", url, username, size, f"page is {width}px wide")
        if (page.evaluate("document.documentElement.lang") or "").lower().startswith("zh"):
            words = english_words(page)
            if words:
                shown = "; ".join(f"{word!r} in {where}" for word, where in words[:5])
                crawl.fail("English", url, username, size, f"{len(words)} words: {shown}")
        crawl.clock("checks", started)
        if (final_pattern, size, template_class) not in axe_done:
            axe_done.add((final_pattern, size, template_class))
            crawl.axe_runs += 1
            started = time.perf_counter()
            results = axe.run(page, options={"resultTypes": ["violations"]})
            crawl.clock("axe", started)
            for violation in results.response["violations"]:
                if violation["impact"] in AXE_IMPACTS:
                    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
                    crawl.fail(f"axe {violation['id']}", url, username, size,
                               f"{violation['impact']}: {violation['help']} ({len(violation['nodes'])}×: {targets})")
        for error in log.console_errors[marks[0]:] + log.page_errors[marks[1]:]:
            crawl.fail("console", url, username, size, error)
        opened.add(link_key(url))
        for href in page.evaluate(ALL_LINKS):
            link = same_origin_path(href, origin)
            if link and not is_skipped(link):
                links.setdefault(link_key(link), (link, f"{url} · {size}"))
        for href in page.evaluate(FOLLOWED_LINKS):
            link = same_origin_path(href, origin)
            if link and link not in requested:
                requested.add(link)
                queue.append(link)
    for path in nav:
        if not is_skipped(path) and route_pattern(path) not in seen_patterns:
            crawl.missed_nav.append(f"{path} · {username or 'anonymous'} · {size}")
    context.close()


def check_links(crawl: Crawl, browser, origin: str, username: str, links: dict, opened: set) -> None:
    """Ask for every link the role was shown and did not open as a page (once per `link_key`),
    with its cookies and without following redirects."""
    context = browser.new_context()
    if username:
        client = Client()
        client.force_login(User.objects.get(username=username))
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}])
    login_url = reverse("login")
    started = time.perf_counter()
    for key, (link, shown_on) in links.items():
        if key in opened:
            continue
        answer = context.request.get(origin + link, max_redirects=0)
        crawl.links_checked += 1
        page_url, size = shown_on.split(" · ")
        if answer.status in DEAD_STATUSES or answer.status >= 500:
            crawl.fail(f"link {answer.status}", link, username, size, f"shown on {page_url}")
        elif username and answer.status in (301, 302) and answer.headers.get("location", "").startswith(login_url):
            # A signed-in role sent to the login page is refused too, only less plainly.
            crawl.fail("link to login", link, username, size, f"shown on {page_url}")
        answer.dispose()
    crawl.clock("links", started)
    context.close()


def report(crawl: Crawl, roles: list[str], artifacts_dir) -> str:
    slowest = sorted(crawl.timings, reverse=True)[:5]
    lines = [
        f"== {crawl.group}: roles {', '.join(role or 'anonymous' for role in roles)}",
        f"pages visited (pattern × role × size): {crawl.visits}; distinct patterns {len(crawl.patterns)}; "
        f"roles {len(roles)} × sizes {len(SIZES)}; navigation entries {crawl.nav_entries}; "
        f"axe runs {crawl.axe_runs}; links checked {crawl.links_checked}",
        "seconds spent: " + ", ".join(f"{step} {seconds:.1f}" for step, seconds in crawl.spent.items()),
        "slowest answers: " + "; ".join(f"{seconds:.3f} s {url} ({role or 'anonymous'}, {size})"
                                       for seconds, url, role, size in slowest),
        f"failures: {len(crawl.failures)}",
        *crawl.failures,
        *(f"[navigation entry not visited] {entry}" for entry in crawl.missed_nav),
    ]
    text = "\n".join(lines) + "\n"
    parts = artifacts_dir / "crawl"
    parts.mkdir(exist_ok=True)
    (parts / f"{crawl.group}.txt").write_text(text, encoding="utf-8")
    # The combined report: every group's part, rebuilt under a lock (xdist runs groups in parallel).
    with open(artifacts_dir / "crawl-report.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        texts = [part.read_text(encoding="utf-8") for part in (parts / f"{group}.txt" for group in ROLE_GROUPS)
                 if part.exists()]
        visits = sum(int(re.search(r"pattern × role × size\): (\d+)", text).group(1)) for text in texts)
        failures = sum(int(re.search(r"^failures: (\d+)", text, re.M).group(1)) for text in texts)
        header = (f"Crawl of {len(texts)} of {len(ROLE_GROUPS)} role groups: {visits} pages visited "
                  f"(pattern × role × size), {failures} failures\n\n")
        (artifacts_dir / "crawl-report.txt").write_text(header + "\n".join(texts), encoding="utf-8")
    return text


@pytest.mark.parametrize("group", list(ROLE_GROUPS))
def test_every_page_a_role_reaches_is_accessible_fits_the_phone_and_leads_nowhere_dead(
        browser, live_server, committed_tree, artifacts_dir, group):
    call_command("demo_data", stdout=io.StringIO())
    crawl = Crawl(group=group)
    axe = Axe()
    axe_done: set[tuple[str, str, str]] = set()
    roles = [username for username, _ in ROLE_GROUPS[group]]
    for username, template_class in ROLE_GROUPS[group]:
        links: dict = {}    # link_key → (first such link, where it was shown)
        opened: set = set()  # link_key of every page opened
        for size in SIZES:
            crawl_role(crawl, browser, live_server.url, username, size, axe, axe_done, template_class, links, opened)
        check_links(crawl, browser, live_server.url, username, links, opened)
    text = report(crawl, roles, artifacts_dir)
    # The crawl went where the navigation leads: every entry of every role, at both sizes.
    assert crawl.nav_entries > 0 and not crawl.missed_nav, text
    assert crawl.visits >= crawl.nav_entries, text
    assert crawl.failures == [], text


def test_the_checks_hear_english_a_sideways_page_and_an_axe_violation(desktop_page, live_server):
    """The crawl's checks can fail: on a page given an English sentence, a wide box and an image
    without a text alternative, each reports it; a username marked translate="no" is not a word."""
    page = desktop_page
    page.goto(live_server.url + "/")
    assert english_words(page) == [] and not page.evaluate(PAGE_SCROLLS_SIDEWAYS)
    page.evaluate("""() => {
      const main = document.querySelector("main");
      main.insertAdjacentHTML("beforeend",
        '<p>Please wait 10 MB</p><p translate="no">city_official</p><code>manage.py</code><img src="data:,">');
      const wide = document.createElement("div");
      wide.style.width = "2000px";
      wide.style.height = "1em";
      main.appendChild(wide);
    }""")
    assert [word for word, _ in english_words(page)] == ["Please", "wait"]
    assert page.evaluate(PAGE_SCROLLS_SIDEWAYS)
    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    assert "image-alt" in {violation["id"] for violation in violations if violation["impact"] in AXE_IMPACTS}
