"""An official's dashboards in a real browser: a district official of 江岸区 drills down from the
district to a street and a community, reads a chart and the table of its numbers, exports a table as
XLSX, and prints the monthly report to an A4 PDF; phone and desktop screenshots of each page."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from analytics.constants import AnalyticsEvent, ForecastModel
from portal.constants import AreaLevel, StaffRole
from portal.models import Area, AuditEvent
from tests.analytics.dashboard_data import DAY, WUCHANG_UNEMPLOYED, make_dashboard_facts
from tests.analytics.factories_dashboard import backtests, forecast
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def wuhan(committed_tree):
    d1 = Area.objects.get(code="420102000000")  # 江岸区
    d2 = Area.objects.get(code="420106000000")  # 武昌区
    s1, s2 = Area.objects.filter(parent=d1).order_by("code")[:2]
    c1 = Area.objects.filter(parent=s1).order_by("code").first()
    c3 = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=d2.path).order_by("code").first()
    tree = SimpleNamespace(city=Area.objects.get(code="420100000000"), d1=d1, d2=d2, s1=s1, s2=s2, c1=c1, c3=c3)
    make_dashboard_facts(tree)
    forecast(d1, "new_employment", DAY, [330.0 + 10 * i for i in range(12)], reconciled=True)
    backtests(d1, "new_employment", DAY, {ForecastModel.ETS: 0.72, ForecastModel.SEASONAL_NAIVE: 0.91},
              chosen=ForecastModel.ETS)
    return tree


@pytest.fixture
def official(wuhan):
    return make_staff(StaffRole.OFFICIAL, wuhan.d1, username="jiangan_official")


def log_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?{urlencode({'next': next_url})}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def charts_drawn(page) -> None:
    for chart in page.locator("[data-chart-url]").all():
        expect(chart).to_have_attribute("data-chart-drawn", "true")


def no_wuchang(page) -> None:
    main = page.locator("main").inner_text()
    assert "武昌" not in main and f"{WUCHANG_UNEMPLOYED:,}" not in main


def test_a_district_official_drills_down_reads_a_chart_and_exports_xlsx(desktop_page, live_server, wuhan, official,
                                                                      artifacts_dir):
    page = desktop_page
    log_in(page, live_server, official, "/staff/analytics/")
    expect(page.locator("main h1")).to_contain_text(wuhan.d1.name)
    expect(page.locator("#figure-new_employment .value")).to_have_text("216")
    charts_drawn(page)
    no_wuchang(page)
    page.screenshot(path=str(artifacts_dir / "analytics-overview-desktop.png"), full_page=True)

    # The trend chart: ECharts' aria option describes it, and the table after it has its numbers.
    trend = page.locator("#chart-trend")
    assert "2025-06" in (trend.get_attribute("aria-label") or "")
    last_month = page.locator("#table-trend tbody tr").last
    expect(last_month.locator("th")).to_have_text("2025-06")
    expect(last_month.locator("td").first).to_have_text("216")
    data = page.evaluate("fetch(document.querySelector('#chart-trend').dataset.chartUrl).then(r => r.json())")
    assert data["series"][0]["data"][-1] == 216 and data["categories"][-1] == "2025-06"
    # Pointing at the chart shows its tooltip within the page's policy (no inline style in markup).
    trend.scroll_into_view_if_needed()
    box = trend.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4)
    page.mouse.move(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.4, steps=5)
    page.wait_for_timeout(500)
    assert "216" in trend.inner_text() or "216" in trend.get_attribute("aria-label")
    assert not [e for e in page.log.console_errors if "Content Security Policy" in e], page.log.console_errors

    # District → street: the street's row in the areas table links one level down.
    with page.expect_navigation():
        page.locator("#table-areas tbody a", has_text=wuhan.s1.name).click()
    expect(page).to_have_url(re.compile(rf"/staff/analytics/areas/{wuhan.s1.code}/$"))
    crumbs = page.locator("nav.breadcrumb li")
    expect(crumbs).to_have_text([wuhan.city.name, wuhan.d1.name, wuhan.s1.name])
    expect(page.locator("nav.breadcrumb a")).to_have_text([wuhan.d1.name])  # the city is named, not linked
    expect(page.locator("#figure-new_employment .value")).to_have_text(str(7 * 18))
    charts_drawn(page)
    no_wuchang(page)

    # Street → community, then back up by the breadcrumb.
    with page.expect_navigation():
        page.locator("#table-areas tbody a", has_text=wuhan.c1.name).click()
    expect(crumbs).to_have_text([wuhan.city.name, wuhan.d1.name, wuhan.s1.name, wuhan.c1.name])
    expect(page.locator("#figure-new_employment .value")).to_have_text(str(3 * 18))
    expect(page.locator("#areas-title")).to_have_count(0)
    with page.expect_navigation():
        page.locator("nav.breadcrumb a", has_text=wuhan.s1.name).click()
    expect(page).to_have_url(re.compile(rf"/areas/{wuhan.s1.code}/$"))

    # Export the street's areas table as XLSX: the communities' rows, nothing of 武昌区, audited.
    with page.expect_download() as download:
        page.locator("#table-areas .exports a", has_text="XLSX").click()
    assert download.value.suggested_filename == f"area-areas-{wuhan.s1.code}-{DAY:%Y%m%d}.xlsx"
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert wuhan.s1.name in rows[0][0]
    community = next(row for row in rows[2:] if row[0] == wuhan.c1.name)
    assert community[1:3] == (3 * 18, 3 * 169)
    assert not any("武昌" in str(cell) for row in rows for cell in row)
    event = AuditEvent.objects.get(event_type=AnalyticsEvent.DATA_EXPORTED)
    assert (event.actor, event.area_id, event.new_values["format"]) == (official, wuhan.s1.code, "xlsx")

    # Out of reach: 武昌区's page is not found.
    response = page.goto(f"{live_server.url}/staff/analytics/areas/{wuhan.d2.code}/")
    assert response.status == 404
    assert page.log.foreign_requests(live_server.url) == []  # ECharts is served by the portal itself
    # A download ends its navigation (net::ERR_ABORTED); the 404 above was asked for.
    assert [p for p in page.log.problems()
            if f"/areas/{wuhan.d2.code}/" not in p and not ("format=xlsx" in p and "ERR_ABORTED" in p)] == []


def test_the_dashboards_fit_a_phone(page, live_server, wuhan, official, artifacts_dir):
    log_in(page, live_server, official, "/staff/analytics/")
    charts_drawn(page)  # before leaving the page, so that no chart's request is cut short
    for name, url in (("overview", "/staff/analytics/"), ("drill", f"/staff/analytics/areas/{wuhan.s1.code}/"),
                      ("forecasts", f"/staff/analytics/forecasts/?area={wuhan.d1.code}")):
        page.goto(live_server.url + url)
        expect(page.locator("main h1")).to_be_visible()
        charts_drawn(page)
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), url
        page.screenshot(path=str(artifacts_dir / f"analytics-{name}-phone.png"), full_page=True)
    # The forecast page says which model it uses and why.
    expect(page.locator("#model-new_employment")).to_contain_text("0.72")
    expect(page.locator("#model-new_employment")).to_contain_text("0.91")
    open_site_menu(page)
    expect(page.locator(".site-nav a[href='/staff/analytics/']")).to_be_visible()
    assert page.log.problems() == []


def test_the_monthly_report_prints_on_a4_without_the_site_navigation(desktop_page, live_server, wuhan, official,
                                                                     artifacts_dir):
    page = desktop_page
    log_in(page, live_server, official, f"/staff/analytics/report/?area={wuhan.d1.code}&month=2025-05")
    expect(page.locator("#report-title")).to_contain_text(wuhan.d1.name)
    expect(page.locator("#report-title")).to_contain_text("2025")
    expect(page.locator("#table-figures tbody tr").first.locator("td").first).to_have_text(f"{12 * 31:,}")
    charts_drawn(page)
    no_wuchang(page)
    page.screenshot(path=str(artifacts_dir / "analytics-report-desktop.png"), full_page=True)

    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".report-tools").is_hidden()
    assert page.locator(".exports").first.is_hidden()
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.report table')]
        .filter(t => t.getBoundingClientRect().right > document.querySelector('.report').getBoundingClientRect().right + 1)
        .map(t => t.querySelector('caption').textContent)""")
    assert overflowing == []
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (artifacts_dir / "analytics-report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 4
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]", pdf)
    assert page.log.problems() == []
