"""Vacancy pages: the employer posts and follows its vacancies; district clerks review and publish."""

from __future__ import annotations

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.constants import CloseReason, EmployerStatus, VacancyStatus
from jobs.models import Vacancy
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>\n第二行 & <b>粗体</b>'


def form_data(tree, **overrides) -> dict:
    return {"title": "电焊工", "occupation": "6-18", "industry": "C", "area_district": tree.d1.code,
            "area_street": tree.s1.code, "area_community": tree.c1.code, "headcount": "3", "salary_min": "5000",
            "salary_max": "8000", "education": "junior_middle", "experience_years": "1", "working_time": "shifts",
            "description": "持证上岗，钢结构焊接。", "benefits": "五险一金", "contact_name": "王经理",
            "contact_phone": "027-82000000",
            "closing_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            "open_to_hard_to_employ": "on", **overrides}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None)


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context)


@pytest.fixture
def employer_client(client, org):
    client.force_login(org.account)
    client.cookies["django_language"] = "en"
    return client


def test_named_urls_resolve_to_the_documented_paths():
    assert url("staff-jobs:vacancy-review") == "/staff/jobs/vacancies/review/"
    assert url("staff-jobs:vacancy-list") == "/staff/jobs/vacancies/"
    assert url("staff-jobs:vacancy-create") == "/staff/jobs/vacancies/new/"
    assert url("staff-jobs:vacancy-detail", pk=5) == "/staff/jobs/vacancies/5/"
    assert url("jobs:employer-vacancy-create") == "/jobs/employer/vacancies/new/"


# --- Employer -------------------------------------------------------------------------------------


def test_verified_employer_posts_a_vacancy_and_sees_it_pending(employer_client, org, tree):
    page = employer_client.get(url("jobs:employer-home")).content.decode()
    assert url("jobs:employer-vacancy-create") in page
    page = employer_client.get(url("jobs:employer-vacancy-create"))
    assert page.context["form"].initial["contact_name"] == org.contact_name  # defaults from the organisation
    closing = page.context["form"].initial["closing_date"].isoformat()
    assert f'type="date" name="closing_date" value="{closing}"' in page.content.decode()  # what a date input shows
    response = employer_client.post(url("jobs:employer-vacancy-create"), form_data(tree))
    vacancy = Vacancy.objects.get()
    assert response.status_code == 302 and response["Location"] == url("jobs:employer-vacancy-detail", pk=vacancy.pk)
    assert (vacancy.status, vacancy.area, vacancy.occupation_id, vacancy.open_to_hard_to_employ) == (
        VacancyStatus.PENDING, tree.c1, "6-18", True)
    home = employer_client.get(url("jobs:employer-home"))
    assert [v.pk for v in home.context["vacancies"]] == [vacancy.pk]
    assert "status-pending" in home.content.decode()


def test_occupation_select_is_grouped_by_major_group(employer_client):
    page = employer_client.get(url("jobs:employer-vacancy-create")).content.decode()
    assert '<optgroup label="6 生产制造及有关人员">' in page
    assert '<option value="6-18">' in page


@pytest.mark.parametrize("overrides, field, text", [
    ({"salary_min": "9000", "salary_max": "8000"}, "salary_min", "cannot be above the maximum"),
    ({"closing_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()}, "closing_date",
     "cannot be in the past"),
    ({"title": "焊" * 61}, "title", "at most 60 characters"),
    ({"description": "描" * 5001}, "description", "at most 5000 characters"),
    ({"occupation": "9-99"}, "occupation", "Unknown occupation"),
    ({"occupation": "6"}, "occupation", "Choose a middle group"),
    ({"area_district": "", "area_street": "", "area_community": "", "area": "420199999999"}, "area", "Unknown area"),
    ({"area_street": "", "area_community": ""}, "area", "down to a street or a community"),
])
def test_bad_vacancy_input_shows_a_message_next_to_the_field_and_keeps_the_input(employer_client, tree, overrides,
                                                                                field, text):
    data = form_data(tree, **overrides)
    response = employer_client.post(url("jobs:employer-vacancy-create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and text in " ".join(errors[field]), errors
    page = response.content.decode()
    assert 'value="027-82000000"' in page and "持证上岗" in page or field == "description"
    assert f'value="{html.escape(data["title"])}"' in page
    assert 'id="form-errors"' in page and "has-error" in page
    assert not Vacancy.objects.exists()


def test_unverified_employer_gets_a_page_message_and_keeps_the_input(client, tree):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    client.force_login(org.account)
    client.cookies["django_language"] = "en"
    page = client.get(url("jobs:employer-vacancy-create")).content.decode()
    assert "has not been verified yet" in page
    response = client.post(url("jobs:employer-vacancy-create"), form_data(tree, title="仓库管理员"))
    assert response.status_code == 200
    assert "has not been verified yet" in " ".join(response.context["form"].non_field_errors())
    assert 'value="仓库管理员"' in response.content.decode()
    assert not Vacancy.objects.exists()


def test_employer_without_an_organisation_is_sent_to_register(client, employer):
    client.force_login(employer)
    response = client.get(url("jobs:employer-vacancy-create"))
    assert response.status_code == 302 and response["Location"] == url("jobs:employer-profile")


def test_html_in_a_description_is_shown_as_text(employer_client, org, tree, district_clerk, client):
    employer_client.post(url("jobs:employer-vacancy-create"), form_data(tree, description=SCRIPT))
    vacancy = Vacancy.objects.get()
    assert vacancy.description == SCRIPT
    for page in (employer_client.get(url("jobs:employer-vacancy-detail", pk=vacancy.pk)).content.decode(),):
        assert "<script>alert" not in page and "<b>粗体</b>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行 &amp; &lt;b&gt;粗体&lt;/b&gt;" in page
    client.force_login(district_clerk)
    page = client.get(url("staff-jobs:vacancy-detail", pk=vacancy.pk)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_returned_vacancy_is_edited_then_resubmitted(employer_client, org, tree):
    vacancy = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.RETURNED, published_at=None,
                             return_reason="请写明每周工作时间")
    home = employer_client.get(url("jobs:employer-home")).content.decode()
    assert "请写明每周工作时间" in home and url("jobs:employer-vacancy-edit", pk=vacancy.pk) in home
    edit = employer_client.get(url("jobs:employer-vacancy-edit", pk=vacancy.pk))
    assert edit.context["form"].initial["title"] == vacancy.title
    response = employer_client.post(url("jobs:employer-vacancy-edit", pk=vacancy.pk),
                                    form_data(tree, title="电焊工（白班）", description="每周五天，每天八小时。"))
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.title, vacancy.status) == ("电焊工（白班）", VacancyStatus.RETURNED)
    response = employer_client.post(url("jobs:employer-vacancy-resubmit", pk=vacancy.pk))
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.return_reason) == (VacancyStatus.PENDING, "")


def test_a_published_vacancy_cannot_be_edited_from_the_page(employer_client, org):
    vacancy = VacancyFactory(employer=org)
    response = employer_client.get(url("jobs:employer-vacancy-edit", pk=vacancy.pk))
    assert response.status_code == 302 and response["Location"] == url("jobs:employer-vacancy-detail", pk=vacancy.pk)
    employer_client.post(url("jobs:employer-vacancy-edit", pk=vacancy.pk), {"title": "改"})
    vacancy.refresh_from_db()
    assert vacancy.title != "改"


def test_employer_closes_its_published_vacancy_from_the_home_page(employer_client, org):
    vacancy = VacancyFactory(employer=org)
    response = employer_client.post(url("jobs:employer-vacancy-close", pk=vacancy.pk),
                                    {"close-reason": CloseReason.FILLED, "next": "home"})
    assert response.status_code == 302 and response["Location"] == url("jobs:employer-home")
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.close_reason) == (VacancyStatus.CLOSED, CloseReason.FILLED)
    again = employer_client.post(url("jobs:employer-vacancy-close", pk=vacancy.pk), {"close-reason": "withdrawn"},
                                 follow=True)
    assert "cannot be done now" in again.content.decode()


def test_another_employers_vacancy_is_not_found(employer_client, tree):
    other = VacancyFactory(employer=EmployerFactory(area=tree.c1), status=VacancyStatus.RETURNED)
    for name in ("jobs:employer-vacancy-detail", "jobs:employer-vacancy-edit"):
        assert employer_client.get(url(name, pk=other.pk)).status_code == 404
    for name in ("jobs:employer-vacancy-resubmit", "jobs:employer-vacancy-close"):
        assert employer_client.post(url(name, pk=other.pk), {"close-reason": "withdrawn"}).status_code == 404
    other.refresh_from_db()
    assert other.status == VacancyStatus.RETURNED


def test_job_seekers_and_staff_cannot_use_the_employer_vacancy_pages(client, job_seeker, tree, org):
    vacancy = VacancyFactory(employer=org)
    for user in (job_seeker, make_staff(StaffRole.CLERK, tree.d1)):
        client.force_login(user)
        assert client.get(url("jobs:employer-vacancy-create")).status_code == 403
        assert client.get(url("jobs:employer-vacancy-detail", pk=vacancy.pk)).status_code == 403


def test_employer_home_keeps_a_constant_query_count(employer_client, org, django_assert_num_queries):
    VacancyFactory.create_batch(2, employer=org)
    home = url("jobs:employer-home")
    employer_client.get(home)
    few = queries_of(lambda: employer_client.get(home))
    VacancyFactory.create_batch(12, employer=org, status=VacancyStatus.RETURNED, return_reason="补充")
    with django_assert_num_queries(few):
        response = employer_client.get(home)
    assert len(response.context["vacancies"]) == 14


# --- Staff ----------------------------------------------------------------------------------------


def test_review_queue_lists_pending_vacancies_in_scope_oldest_first(client, tree, district_clerk, org):
    now = timezone.now()
    newer = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None,
                           created_at=now - datetime.timedelta(hours=1))
    older = VacancyFactory(employer=org, area=tree.s2, status=VacancyStatus.PENDING, published_at=None,
                           created_at=now - datetime.timedelta(days=2))
    VacancyFactory(employer=org, area=tree.c1)  # published: not in the queue
    VacancyFactory(employer=EmployerFactory(area=tree.c3), status=VacancyStatus.PENDING, published_at=None)
    client.force_login(district_clerk)
    response = client.get(url("staff-jobs:vacancy-review"))
    assert response.status_code == 200
    assert [v.pk for v in response.context["vacancies"]] == [older.pk, newer.pk]
    within = client.get(url("staff-jobs:vacancy-review"), {"area": tree.s1.code})
    assert [v.pk for v in within.context["vacancies"]] == [newer.pk]
    # The area is picked district → street → community, not typed as a division code.
    assert 'data-area-picker' in within.content.decode()
    assert "区划代码" not in within.content.decode()
    district = client.get(url("staff-jobs:vacancy-review"), {"district": tree.d1.code})
    assert [v.pk for v in district.context["vacancies"]] == [older.pk, newer.pk]


def test_review_queue_filters_by_occupation_middle_or_major_group(client, tree, district_clerk, org):
    from jobs.models import Occupation

    welder = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None)
    cashier = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None,
                             occupation=Occupation.objects.get(code="4-01"))
    client.force_login(district_clerk)
    review = url("staff-jobs:vacancy-review")
    assert [v.pk for v in client.get(review, {"occupation": "4-01"}).context["vacancies"]] == [cashier.pk]
    assert [v.pk for v in client.get(review, {"occupation": "6"}).context["vacancies"]] == [welder.pk]
    bad = client.get(review, {"occupation": "nonsense"})
    assert bad.status_code == 200 and list(bad.context["vacancies"]) == [] and bad.context["filter"].errors


def test_review_queue_and_staff_list_keep_a_constant_query_count(client, tree, district_clerk, org,
                                                                django_assert_num_queries):
    client.force_login(district_clerk)
    VacancyFactory.create_batch(2, employer=org, status=VacancyStatus.PENDING, published_at=None)
    for name in ("staff-jobs:vacancy-review", "staff-jobs:vacancy-list"):
        client.get(url(name))
    few = {name: queries_of(lambda name=name: client.get(url(name)))
           for name in ("staff-jobs:vacancy-review", "staff-jobs:vacancy-list")}
    for _ in range(6):
        VacancyFactory(employer=EmployerFactory(area=tree.c2), area=tree.c2, status=VacancyStatus.PENDING,
                       published_at=None)
        VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.s2)
    for name, count in few.items():
        with django_assert_num_queries(count):
            response = client.get(url(name))
        assert len(response.context["vacancies"]) == (8 if name.endswith("review") else 14)


def test_staff_list_filters_by_status(client, tree, district_clerk, org):
    published = VacancyFactory(employer=org)
    returned = VacancyFactory(employer=org, status=VacancyStatus.RETURNED, published_at=None)
    client.force_login(district_clerk)
    listing = url("staff-jobs:vacancy-list")
    assert {v.pk for v in client.get(listing).context["vacancies"]} == {published.pk, returned.pk}
    assert [v.pk for v in client.get(listing, {"status": "returned"}).context["vacancies"]] == [returned.pk]


def test_district_clerk_publishes_from_the_detail_page(client, tree, district_clerk, org):
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None)
    client.force_login(district_clerk)
    page = client.get(url("staff-jobs:vacancy-detail", pk=vacancy.pk))
    assert {"publish", "return", "close"} <= set(page.context["moves"])
    assert url("staff-jobs:vacancy-publish", pk=vacancy.pk) in page.content.decode()
    response = client.post(url("staff-jobs:vacancy-publish", pk=vacancy.pk))
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED and vacancy in Vacancy.objects.public()
    history = client.get(url("staff-jobs:vacancy-detail", pk=vacancy.pk)).context["history"]
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [("pending", "published", district_clerk)]


def test_returning_needs_a_reason_shown_next_to_the_field(client, tree, district_clerk, org):
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None)
    client.force_login(district_clerk)
    response = client.post(url("staff-jobs:vacancy-return", pk=vacancy.pk), {"return-reason": ""})
    assert response.status_code == 200 and response.context["return_form"].errors["reason"]
    assert "has-error" in response.content.decode()
    response = client.post(url("staff-jobs:vacancy-return", pk=vacancy.pk), {"return-reason": "薪资写法不规范"})
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.return_reason) == (VacancyStatus.RETURNED, "薪资写法不规范")


def test_district_clerk_closes_a_published_vacancy(client, tree, district_clerk, org):
    vacancy = VacancyFactory(employer=org)
    client.force_login(district_clerk)
    assert client.post(url("staff-jobs:vacancy-close", pk=vacancy.pk), {"close-reason": "withdrawn"}).status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.close_reason) == (VacancyStatus.CLOSED, CloseReason.WITHDRAWN)


def test_publishing_a_returned_vacancy_explains_why_not(client, tree, district_clerk, org):
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.RETURNED, published_at=None)
    client.force_login(district_clerk)
    client.cookies["django_language"] = "en"
    response = client.post(url("staff-jobs:vacancy-publish", pk=vacancy.pk), follow=True)
    assert "cannot be done now" in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.RETURNED


@pytest.mark.parametrize("attr", ["s1", "c1"])
def test_street_and_community_clerks_read_but_cannot_publish(client, tree, org, attr):
    vacancy = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None)
    client.force_login(make_staff(StaffRole.CLERK, getattr(tree, attr)))
    page = client.get(url("staff-jobs:vacancy-detail", pk=vacancy.pk))
    assert page.status_code == 200 and not {"publish", "return", "close"} & set(page.context["moves"])
    assert url("staff-jobs:vacancy-publish", pk=vacancy.pk) not in page.content.decode()
    assert client.post(url("staff-jobs:vacancy-publish", pk=vacancy.pk)).status_code == 404
    assert client.post(url("staff-jobs:vacancy-return", pk=vacancy.pk), {"return-reason": "x"}).status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING


def test_clerk_of_another_district_gets_not_found(client, tree, org):
    vacancy = VacancyFactory(employer=org, area=tree.c1, status=VacancyStatus.PENDING, published_at=None)
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))
    assert client.get(url("staff-jobs:vacancy-detail", pk=vacancy.pk)).status_code == 404
    assert client.post(url("staff-jobs:vacancy-publish", pk=vacancy.pk)).status_code == 404
    assert vacancy.pk not in {v.pk for v in client.get(url("staff-jobs:vacancy-review")).context["vacancies"]}


def test_staff_pages_are_closed_to_employers_and_job_seekers(client, job_seeker, org):
    vacancy = VacancyFactory(employer=org)
    for user in (job_seeker, org.account):
        client.force_login(user)
        assert client.get(url("staff-jobs:vacancy-review")).status_code == 403
        assert client.get(url("staff-jobs:vacancy-detail", pk=vacancy.pk)).status_code == 403
        assert client.post(url("staff-jobs:vacancy-publish", pk=vacancy.pk)).status_code == 403


def test_clerk_posts_on_behalf_of_a_verified_employer(client, tree, org):
    street_clerk = make_staff(StaffRole.CLERK, tree.s1)
    client.force_login(street_clerk)
    form = client.get(url("staff-jobs:vacancy-create"), {"employer": org.pk}).context["form"]
    assert form.initial["employer"] == org.credit_code
    response = client.post(url("staff-jobs:vacancy-create"), form_data(tree, employer=org.credit_code.lower()))
    vacancy = Vacancy.objects.get()
    assert response.status_code == 302 and response["Location"] == url("staff-jobs:vacancy-detail", pk=vacancy.pk)
    assert (vacancy.employer, vacancy.posted_by, vacancy.status) == (org, street_clerk, VacancyStatus.PENDING)


def test_posting_on_behalf_refuses_unknown_or_unverified_employers(client, tree):
    client.force_login(make_staff(StaffRole.CLERK, tree.d1))
    client.cookies["django_language"] = "en"
    outside = EmployerFactory(area=tree.c3)
    response = client.post(url("staff-jobs:vacancy-create"), form_data(tree, employer=outside.credit_code))
    assert "No employer with this code" in " ".join(response.context["form"].errors["employer"])
    pending = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING)
    response = client.post(url("staff-jobs:vacancy-create"), form_data(tree, employer=pending.credit_code))
    assert "not been verified" in " ".join(response.context["form"].errors["employer"])
    assert f'value="{pending.credit_code}"' in response.content.decode()
    assert not Vacancy.objects.exists()
