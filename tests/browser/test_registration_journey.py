"""A clerk journey in a real browser: register a person, identify them as hard-to-employ through the
three tiers, see the 10-working-day commitment in the queue, refer them to a vacancy, see it met."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from jobs.constants import ReferralOutcome
from jobs.models import Referral
from portal.constants import StaffRole
from portal.models import Area
from portal.reference.calendar import add_working_days
from registration.constants import CommitmentStatus, HardshipStatus
from registration.identity import identity_make
from registration.models import HardshipCase, Person
from tests.browser.conftest import open_site_menu
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.browser

COMMUNITY, STREET, DISTRICT = "420102002003", "420102002000", "420102000000"  # 保成社区, 大智街道, 江岸区


def log_in(page, live_server, user, next_url: str) -> None:
    if page.locator(".site-header form[action$='/accounts/logout/'] button").count():
        open_site_menu(page)
        with page.expect_navigation():
            page.locator(".site-header form[action$='/accounts/logout/'] button").click()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".site-header .who")).to_have_text(user.display_name)


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.fixture
def clerks(committed_tree):
    return {level: make_staff(StaffRole.CLERK, Area.objects.get(code=code), username=f"{level}_clerk")
            for level, code in (("community", COMMUNITY), ("street", STREET), ("district", DISTRICT))}


def test_clerks_identify_a_hard_to_employ_person_and_meet_the_commitment_by_a_referral(
        desktop_page, live_server, clerks):
    page = desktop_page
    vacancy = VacancyFactory(employer=EmployerFactory(area=Area.objects.get(code=COMMUNITY), name="武汉江滩物业公司"),
                             area=Area.objects.get(code=COMMUNITY), title="小区保安员", open_to_hard_to_employ=True)
    number = identity_make("420102", datetime.date(1972, 5, 3), 321)

    # 1. The community clerk registers the person on the persons page, with the area picker.
    log_in(page, live_server, clerks["community"], "/staff/registration/persons/new/")
    form = page.locator("main form.form")
    form.locator("#id_identity_number").fill(number)
    form.locator("#id_name").fill("孙建华")
    form.locator("#id_phone").fill("13912340000")
    form.locator("#id_area_district").select_option(DISTRICT)
    expect(form.locator(f"#id_area_street option[value='{STREET}']")).to_be_attached()
    form.locator("#id_area_street").select_option(STREET)
    expect(form.locator(f"#id_area_community option[value='{COMMUNITY}']")).to_be_attached()
    form.locator("#id_area_community").select_option(COMMUNITY)
    submit(page, form)
    expect(page).to_have_url(re.compile(r"/staff/registration/persons/\d+/$"))
    person = Person.objects.get(name="孙建华")

    # 2. …and submits them as hard-to-employ, finding them by identity number.
    page.goto(f"{live_server.url}/staff/registration/cases/new/")
    page.locator("#person-q").fill(number)
    with page.expect_navigation():
        page.locator("form.search-step button[type=submit]").click()
    intake = page.locator("form[aria-labelledby=intake-title]")
    intake.locator(f"input[name=person][value='{person.pk}']").check()
    intake.locator("input[name=categories][value=older_urban]").check()
    intake.locator("input[name=categories][value=long_term_unemployed]").check()
    intake.locator("#id_circumstances").fill("原企业破产，失业两年。")
    submit(page, intake)
    expect(page).to_have_url(re.compile(r"/staff/registration/cases/\d+/$"))
    case = HardshipCase.objects.get(person=person)
    case_url = f"/staff/registration/cases/{case.pk}/"
    expect(page.locator("#case-status")).to_have_text(HardshipCase.objects.get(pk=case.pk).get_status_display())

    # 3. The street clerk reviews.
    log_in(page, live_server, clerks["street"], case_url)
    review = page.locator("main form:has(input[name=action][value=review])")
    review.locator("textarea[name=decision_note]").fill("已入户核实")
    submit(page, review)
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.STREET_REVIEWED

    # 4. The district clerk approves: the commitment falls due in 10 working days.
    log_in(page, live_server, clerks["district"], case_url)
    submit(page, page.locator("main form:has(input[name=action][value=approve])"))
    case = HardshipCase.objects.get(pk=case.pk)
    assert case.status == HardshipStatus.APPROVED
    due = add_working_days(case.approved_on, 10).due_on
    assert case.commitment.due_on == due

    # 5. The commitment is in the queue with its due date.
    page.goto(f"{live_server.url}/staff/registration/commitments/?show=all")
    row = page.locator("main table tbody tr", has_text="孙建华")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(due.isoformat())
    with page.expect_navigation():
        row.locator(f"a[href$='/commitments/{case.commitment.pk}/']").last.click()

    # 6. From there the clerk finds a published vacancy and refers the person.
    page.locator("#vacancy-q").fill("保安")
    with page.expect_navigation():
        page.locator("form.search-step button[type=submit]").click()
    refer = page.locator("form[aria-labelledby=refer-title]")
    refer.locator(f"input[name=vacancy][value='{vacancy.pk}']").check()
    refer.locator("#id_note").fill("本人同意面试")
    submit(page, refer)

    # 7. The commitment shows as met, by a referral to that vacancy.
    commitment = HardshipCase.objects.get(pk=case.pk).commitment
    assert commitment.status == CommitmentStatus.MET
    expect(page.locator("#commitment-status")).to_have_text(commitment.get_status_display())
    expect(page.locator("main dl.facts")).to_contain_text("小区保安员")
    referral = Referral.objects.get()
    assert (referral.vacancy, referral.status, referral.referred_by) == (vacancy, ReferralOutcome.PENDING,
                                                                        clerks["district"])
    assert referral.seeker == Person.objects.get(pk=person.pk).seeker_profile
    page.goto(f"{live_server.url}/staff/registration/commitments/")
    expect(page.locator("main table tbody tr", has_text="孙建华")).to_have_count(0)

    assert page.log.problems() == []
    assert page.log.foreign_requests(live_server.url) == []


def test_the_queue_case_and_commitment_pages_fit_a_phone(page, live_server, clerks):
    from registration.models import HardshipCategory
    from registration.services.hardship import (
        hardship_case_approve,
        hardship_case_review,
        hardship_case_submit,
    )
    from tests.registration.factories import PersonFactory

    person = PersonFactory(area=Area.objects.get(code=COMMUNITY), name="欧阳秀兰")
    case = hardship_case_submit(actor=clerks["community"], person=person,
                                categories=list(HardshipCategory.objects.all()), circumstances="单亲家庭，" * 40)
    case = hardship_case_review(actor=clerks["street"], case=case)
    case = hardship_case_approve(actor=clerks["district"], case=case)
    log_in(page, live_server, clerks["community"], "/staff/registration/commitments/")
    for url in ("/staff/registration/commitments/", f"/staff/registration/cases/{case.pk}/",
                f"/staff/registration/commitments/{case.commitment.pk}/", "/staff/registration/cases/new/"):
        page.goto(live_server.url + url)
        expect(page.locator("main h1")).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), url
    assert page.log.problems() == []
