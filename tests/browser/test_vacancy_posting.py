"""On a phone, an employer posts a vacancy; a district clerk finds it in the review queue and publishes it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jobs.constants import VacancyStatus
from jobs.models import Vacancy
from portal.constants import StaffRole
from portal.models import Area
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD
from tests.jobs.factories import EmployerFactory

pytestmark = pytest.mark.browser

DESCRIPTION = '负责钢结构焊接。\n<script>alert("x")</script> 持证上岗'


def log_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + next_url)


def log_out(page) -> None:
    """On a phone the site menu is folded behind its button: open it, then log out."""
    open_site_menu(page)
    with page.expect_navigation():
        page.locator(".site-header form button.link-button").click()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def pick_first(page, select_id: str) -> str:
    """Wait for the area picker's script to fill a level, then choose its first area."""
    select = page.locator(f"#{select_id}")
    expect(select).to_be_enabled()
    expect(select).not_to_have_attribute("aria-busy", "true")
    first = select.locator("option:not([value=''])").first
    expect(first).to_be_attached()
    code = first.get_attribute("value")
    select.select_option(code)
    return code


def test_employer_posts_on_a_phone_and_a_district_clerk_publishes(page, live_server):
    district = Area.objects.get(code="420102000000")
    org = EmployerFactory(area=Area.objects.filter(path__startswith=district.path, level="community")
                          .order_by("code").first(), name="武汉江城钢构有限公司")
    clerk = make_staff(StaffRole.CLERK, district, username="jiangan_clerk")

    # The employer starts from its organisation page.
    log_in(page, live_server, org.account, "/jobs/employer/")
    main = page.locator("main")
    expect(main.locator("h1")).to_be_visible()
    expect(main.locator(".status-verified")).to_be_visible()
    with page.expect_navigation():
        main.locator("a[href='/jobs/employer/vacancies/new/']").click()

    form = main.locator("form.form")
    # A salary range upside down is refused next to the field, and the input is kept.
    form.locator("#id_title").fill("电焊工（夜班）")
    form.locator("#id_occupation").select_option("6-18")
    form.locator("#id_area_district").select_option("420102000000")
    street = pick_first(page, "id_area_street")
    form.locator("#id_headcount").fill("3")
    form.locator("#id_salary_min").fill("9000")
    form.locator("#id_salary_max").fill("6000")
    form.locator("#id_working_time").select_option("shifts")
    form.locator("#id_description").fill(DESCRIPTION)
    form.locator("#id_closing_date").fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    form.locator("#id_for_graduates").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    salary_field = page.locator(".field.has-error").filter(has=page.locator("#id_salary_min"))
    expect(salary_field.locator("p.error")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("电焊工（夜班）")
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_area_street")).to_have_value(street)
    assert fits_the_screen(page)
    assert not Vacancy.objects.exists()

    page.locator("#id_salary_min").fill("5000")
    page.locator("#id_salary_max").fill("8000")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobs/employer/vacancies/\d+/$"))
    expect(main.locator(".status-pending")).to_be_visible()
    # What the employer typed is shown as text, script and all.
    expect(main.locator(".description")).to_contain_text('<script>alert("x")</script>')
    vacancy = Vacancy.objects.get()
    assert (vacancy.status, vacancy.area.code, vacancy.salary_min, vacancy.for_graduates) == (
        VacancyStatus.PENDING, street, 5000, True)
    assert fits_the_screen(page)
    # Its organisation page lists the vacancy with its actions, still without sideways scrolling.
    with page.expect_navigation():
        main.locator("a[href='/jobs/employer/']").last.click()
    expect(main.locator("table tbody tr").filter(has_text="电焊工（夜班）").locator(".status-pending")).to_be_visible()
    assert fits_the_screen(page)
    log_out(page)

    # The district clerk finds it in the review queue and publishes it.
    log_in(page, live_server, clerk, "/staff/jobs/vacancies/review/")
    row = main.locator("table tbody tr").filter(has_text="电焊工（夜班）")
    expect(row).to_have_count(1)
    assert fits_the_screen(page)
    with page.expect_navigation():
        row.locator("a").first.click()
    expect(main.locator("h1")).to_have_text("电焊工（夜班）")
    expect(main.locator(".description")).to_contain_text('<script>alert("x")</script>')
    assert fits_the_screen(page)
    with page.expect_navigation():
        main.locator(f"form[action='/staff/jobs/vacancies/{vacancy.pk}/publish/'] button").click()
    expect(main.locator(".status-published")).to_be_visible()
    expect(main.locator("ol.history li")).to_have_count(1)

    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED and vacancy.published_at is not None
    assert list(Vacancy.objects.public()) == [vacancy]
    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
