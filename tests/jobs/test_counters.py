"""What the HR market puts on the staff workbench (to-do counters) and on the job seeker's own page
(the "My applications" panel), registered in jobs/apps.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobs.constants import ApplicationStatus, EmployerStatus, VacancyStatus
from jobs.selectors.employers import employers_awaiting_verification
from jobs.selectors.vacancies import vacancies_awaiting_my_review
from jobs.services.vacancies import vacancy_publish
from portal.constants import StaffRole
from portal.registry import counters, panels
from portal.selectors import own_page_panels, todo_counters
from tests.conftest import make_staff
from tests.jobs.factories import ApplicationFactory, EmployerFactory, SeekerProfileFactory, VacancyFactory

pytestmark = pytest.mark.django_db

REVIEW = "jobs.vacancies-awaiting-review"
VERIFY = "jobs.employers-awaiting-verification"


def _counts(user) -> dict[str, int]:
    return {counter.key: counter.count for counter in todo_counters(user=user)}


def test_the_counters_and_the_panel_are_registered():
    assert {REVIEW, VERIFY} <= {counter.key for counter in counters()}
    assert "jobs.my-applications" in {panel.key for panel in panels()}


def test_vacancies_awaiting_review_count_what_the_district_clerk_may_publish(tree, staff):
    clerk = staff["clerk@district"]
    org = EmployerFactory(area=tree.c1)
    VacancyFactory.create_batch(2, employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None)
    VacancyFactory(employer=org, area=tree.c1)  # published: nothing to do
    VacancyFactory(employer=EmployerFactory(area=tree.c3), area=tree.c3, status=VacancyStatus.PENDING,
                   published_at=None)  # another district's
    # Posted by this clerk on the employer's behalf: another clerk reviews it (maker ≠ checker).
    own = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None,
                         posted_by=clerk)
    assert vacancies_awaiting_my_review(fetched_by=clerk) == 2
    assert _counts(clerk)[REVIEW] == 2
    other_clerk = make_staff(StaffRole.CLERK, tree.d1)
    assert vacancies_awaiting_my_review(fetched_by=other_clerk) == 3
    vacancy_publish(actor=other_clerk, vacancy=own)
    assert vacancies_awaiting_my_review(fetched_by=other_clerk) == 2


@pytest.mark.parametrize("position", ["clerk@street", "clerk@community", "administrator@district",
                                      "official@district"])
def test_vacancy_review_is_not_the_work_of_other_tiers_or_roles(tree, staff, position):
    VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, status=VacancyStatus.PENDING,
                   published_at=None)
    assert vacancies_awaiting_my_review(fetched_by=staff[position]) is None
    assert REVIEW not in _counts(staff[position])


def test_employers_awaiting_verification_count_the_pending_employers_of_the_district(tree, staff):
    EmployerFactory.create_batch(2, area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    EmployerFactory(area=tree.c2, status=EmployerStatus.REJECTED, verified_at=None)
    EmployerFactory(area=tree.c1)  # verified
    EmployerFactory(area=tree.c3, status=EmployerStatus.PENDING, verified_at=None)  # another district's
    assert employers_awaiting_verification(fetched_by=staff["clerk@district"]) == 2
    assert _counts(staff["clerk@district"])[VERIFY] == 2
    for position in ("clerk@street", "clerk@community", "administrator@district"):
        assert employers_awaiting_verification(fetched_by=staff[position]) is None


def test_each_counter_is_one_query_once_the_grants_are_known(tree, staff, django_assert_num_queries):
    clerk = staff["clerk@district"]
    VacancyFactory.create_batch(3, employer=EmployerFactory(area=tree.c1), area=tree.c1,
                                status=VacancyStatus.PENDING, published_at=None)
    EmployerFactory.create_batch(3, area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    vacancies_awaiting_my_review(fetched_by=clerk)  # the grants, cached on the user for the request
    with django_assert_num_queries(1):
        assert vacancies_awaiting_my_review(fetched_by=clerk) == 3
    with django_assert_num_queries(1):
        assert employers_awaiting_verification(fetched_by=clerk) == 3


def test_the_workbench_shows_the_counters_with_links_to_the_queues(client, tree, staff):
    VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, status=VacancyStatus.PENDING,
                   published_at=None)
    client.force_login(staff["clerk@district"])
    shown = {counter.key: counter for counter in client.get(reverse("staff:workbench")).context["counters"]}
    assert shown[REVIEW].count == 1 and shown[REVIEW].url == reverse("staff-jobs:vacancy-review")
    assert shown[VERIFY].count == 0 and shown[VERIFY].url == reverse("staff-jobs:employer-list")


# --- The job seeker's own page ----------------------------------------------------------------


def _panel(user):
    return next((panel for panel in own_page_panels(user=user) if panel.key == "jobs.my-applications"), None)


def test_my_applications_panel_shows_the_latest_applications_with_their_status(client, tree):
    seeker = SeekerProfileFactory(area=tree.c1)
    vacancies = VacancyFactory.create_batch(7, employer=EmployerFactory(area=tree.c1), area=tree.c1)
    for vacancy in vacancies:
        ApplicationFactory(vacancy=vacancy, seeker=seeker)
    ApplicationFactory(vacancy=VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1),
                       seeker=SeekerProfileFactory(area=tree.c1))  # someone else's
    panel = _panel(seeker.account)
    assert len(panel.context["applications"]) == 5 and panel.context["more"]
    client.force_login(seeker.account)
    page = client.get(reverse("me")).content.decode()
    assert vacancies[-1].title in page and reverse("jobs:my-applications") in page
    assert f"status-{ApplicationStatus.SUBMITTED}" in page


def test_a_job_seeker_without_a_profile_is_invited_to_fill_it_in(client, job_seeker):
    panel = _panel(job_seeker)
    assert panel is not None and panel.context["applications"] == [] and not panel.context["has_profile"]
    client.force_login(job_seeker)
    page = client.get(reverse("me")).content.decode()
    assert reverse("jobs:my-profile") in page and reverse("jobs:search") in page


def test_a_job_seeker_with_a_profile_but_no_application_is_sent_to_find_a_job(client, tree):
    seeker = SeekerProfileFactory(area=tree.c1)
    panel = _panel(seeker.account)
    assert panel.context["has_profile"] and panel.context["applications"] == []
    client.force_login(seeker.account)
    assert reverse("jobs:search") in client.get(reverse("me")).content.decode()


def test_the_panel_is_for_job_seekers_only(employer, staff):
    assert _panel(employer) is None
    assert _panel(staff["clerk@district"]) is None
