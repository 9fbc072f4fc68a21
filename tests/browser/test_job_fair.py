"""A job seeker on a phone finds a published job fair, signs up and books a remote interview."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import FairSignup, InterviewSlot
from jobs.services import fairs as services
from portal.constants import StaffRole
from portal.models import Area
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD
from tests.jobs.factories import EmployerFactory, SeekerProfileFactory, VacancyFactory

pytestmark = pytest.mark.browser

LINK = "https://meeting.example.cn/room/2026"


@pytest.fixture
def fair_with_slot(committed_tree):
    district = Area.objects.get(code="420102000000")
    clerk = make_staff(StaffRole.CLERK, district, username="jiangan_fair_clerk")
    starts = (timezone.now() + datetime.timedelta(days=5)).replace(second=0, microsecond=0)
    fair = services.fair_create(actor=clerk, title="江岸区春季专场招聘会", starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=4), venue="江岸区人力资源市场一楼",
                                target_group="migrant_workers", capacity=100, area=district,
                                description="面向进城务工人员，现场及远程面试。")
    fair = services.fair_publish(actor=clerk, fair=fair)
    employer = EmployerFactory(name="武汉长江焊接工程有限公司")
    vacancy = VacancyFactory(employer=employer, title="电焊工")
    services.fair_join(actor=employer.account, fair=fair, vacancies=[vacancy])
    slot = services.interview_slot_offer(actor=employer.account, fair=fair,
                                         starts_at=starts + datetime.timedelta(minutes=30), minutes=20,
                                         meeting_link=LINK, vacancy=vacancy)
    return fair, slot


def test_job_seeker_finds_a_fair_signs_up_and_books_an_interview_on_a_phone(page, live_server, fair_with_slot):
    fair, slot = fair_with_slot
    seeker = SeekerProfileFactory(account__full_name="王小红").account

    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.locator("#id_username").fill(seeker.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".site-header .who")).to_have_text("王小红")

    # From the main navigation (behind the menu button on a phone) to the list of fairs, then the fair.
    open_site_menu(page)
    with page.expect_navigation():
        page.locator(".site-header nav a[href='/jobs/fairs/']").click()
    card = page.locator(".fair-card").filter(has_text=fair.title)
    expect(card).to_have_count(1)
    expect(card.locator(".employer-count")).to_contain_text("1")
    expect(card.locator(".vacancy-count")).to_contain_text("1")
    with page.expect_navigation():
        card.locator(f"a[href='/jobs/fairs/{fair.pk}/']").click()
    expect(page.locator("h1")).to_have_text(fair.title)
    expect(page.locator(".participant")).to_contain_text("武汉长江焊接工程有限公司")
    expect(page.locator(".free-slots li")).to_have_count(1)
    expect(page.locator(".book-slot")).to_have_count(0)  # sign up first

    with page.expect_navigation():
        page.locator("button.sign-up").click()
    expect(page.locator(".messages .message.success")).to_be_visible()
    expect(page.locator(".signed-up")).to_be_visible()
    assert FairSignup.objects.filter(fair=fair, seeker__account=seeker).count() == 1

    with page.expect_navigation():
        page.locator(".free-slots .book-slot").click()
    expect(page.locator(".messages .message.success")).to_be_visible()
    booking = page.locator(".my-bookings li")
    expect(booking).to_have_count(1)
    expect(booking.locator("a.meeting-link")).to_have_attribute("href", LINK)
    slot.refresh_from_db()
    assert slot.booked_by.account == seeker

    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The booking is also under "My interviews".
    page.goto(f"{live_server.url}/jobs/fairs/my-interviews/")
    expect(page.locator("table a.meeting-link")).to_have_attribute("href", LINK)
    expect(page).to_have_url(re.compile(r"/jobs/fairs/my-interviews/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert InterviewSlot.objects.filter(booked_by__account=seeker).count() == 1

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []
