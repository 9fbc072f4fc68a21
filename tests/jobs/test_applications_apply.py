"""Applying once to a public vacancy, following it and withdrawing: pages, API and the apply box."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from jobs.constants import ApplicationStatus, JobsEvent, VacancyStatus
from jobs.models import Application
from jobs.services.applications import ApplicationExists, application_submit
from portal.constants import AccountType
from portal.models import AuditEvent, StatusChange
from tests.factories import UserFactory
from tests.jobs.factories import (
    ApplicationFactory,
    EmployerFactory,
    SeekerProfileFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vacancy(tree):
    return VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, title="仓库保管员")


@pytest.fixture
def seeker(tree):
    return SeekerProfileFactory(area=tree.c2)


def apply_url(vacancy) -> str:
    return f"/jobs/vacancies/{vacancy.pk}/apply/"


def test_apply_route_has_exactly_the_agreed_name_and_path(vacancy):
    assert reverse("jobs:vacancy-apply", kwargs={"pk": vacancy.pk}) == apply_url(vacancy)


def test_job_seeker_applies_with_a_note_and_sees_it_in_my_applications(client, vacancy, seeker):
    client.force_login(seeker.account)
    response = client.post(apply_url(vacancy), {"cover_note": "有三年仓管经验"})
    application = Application.objects.get(vacancy=vacancy, seeker=seeker)
    assert response.status_code == 302
    assert response.url == f"/jobs/me/applications/#application-{application.pk}"
    assert application.status == ApplicationStatus.SUBMITTED and application.cover_note == "有三年仓管经验"
    assert application.area == vacancy.area
    assert AuditEvent.objects.filter(event_type=JobsEvent.APPLICATION_SUBMITTED,
                                     object_id=str(application.pk), actor=seeker.account).exists()
    page = client.get("/jobs/me/applications/").content.decode()
    assert f'id="application-{application.pk}"' in page and "仓库保管员" in page


def test_a_second_application_is_refused_with_a_clear_message_pointing_to_the_first(client, vacancy, seeker):
    client.force_login(seeker.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is asserted in English
    client.post(apply_url(vacancy), {})
    first = Application.objects.get(vacancy=vacancy, seeker=seeker)
    response = client.post(apply_url(vacancy), {"cover_note": "再投一次"}, follow=True)
    assert Application.objects.filter(vacancy=vacancy, seeker=seeker).count() == 1
    assert response.redirect_chain[-1][0] == f"/jobs/me/applications/#application-{first.pk}"
    messages = [str(m) for m in response.context["messages"]]
    assert any("already applied" in m for m in messages), messages


def test_service_second_application_is_decided_by_the_database_constraint(vacancy, seeker):
    first = application_submit(actor=seeker.account, vacancy=vacancy)
    with pytest.raises(ApplicationExists) as caught:
        application_submit(actor=seeker.account, vacancy=vacancy)
    assert caught.value.application == first
    assert caught.value.error_dict["vacancy"][0].code == "duplicate"


@pytest.mark.django_db(transaction=True)
def test_two_applications_at_the_same_moment_give_one(committed_tree):
    """Two requests race past any check; the unique constraint lets exactly one through."""
    from portal.models import Area
    area = Area.objects.get(code="420102002003")
    vacancy = VacancyFactory(employer=EmployerFactory(area=area), area=area)
    seeker = SeekerProfileFactory(area=area)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def apply():
        try:
            barrier.wait(timeout=5)
            application_submit(actor=seeker.account, vacancy=vacancy)
            outcomes.append("created")
        except ApplicationExists:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Application.objects.filter(vacancy=vacancy, seeker=seeker).count() == 1


@pytest.mark.parametrize("change", [
    {"status": VacancyStatus.PENDING, "published_at": None},
    {"status": VacancyStatus.CLOSED, "close_reason": "filled"},
    {"closing_date": timezone.localdate() - datetime.timedelta(days=1)},  # expired
])
def test_unpublished_closed_or_expired_vacancy_cannot_be_applied_to(client, api_client, tree, seeker, change):
    vacancy = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, **change)
    client.force_login(seeker.account)
    assert client.get(apply_url(vacancy)).status_code == 404
    assert client.post(apply_url(vacancy), {}).status_code == 404
    api_client.force_authenticate(seeker.account)
    response = api_client.post("/api/jobs/me/applications/", {"vacancy": vacancy.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["vacancy"][0]["code"] == "not_open"
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=seeker.account, vacancy=vacancy)
    assert caught.value.error_dict["vacancy"][0].code == "not_open"
    assert not Application.objects.exists()


def test_job_seeker_without_profile_is_sent_to_the_profile_page_and_back(client, vacancy, job_seeker):
    client.force_login(job_seeker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(apply_url(vacancy), {}, follow=True)
    url, _ = response.redirect_chain[-1]
    assert url.startswith("/jobs/me/profile/?next=/jobs/vacancies/")
    assert any("profile" in str(m) for m in response.context["messages"])
    assert not Application.objects.exists()


def test_too_long_note_is_refused_on_the_apply_page_with_the_text_kept(client, vacancy, seeker):
    client.force_login(seeker.account)
    response = client.post(apply_url(vacancy), {"cover_note": "很" * 1001})
    assert response.status_code == 200
    assert "cover_note" in response.context["form"].errors
    assert "很" * 1001 in response.content.decode()
    assert not Application.objects.exists()


def test_apply_is_for_job_seekers(client, vacancy, employer, staff):
    response = client.post(apply_url(vacancy), {})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    for user in (employer, staff["clerk@district"]):
        client.force_login(user)
        assert client.post(apply_url(vacancy), {}).status_code == 403
    assert not Application.objects.exists()


def test_apply_page_shows_already_applied_with_a_link(client, vacancy, seeker):
    application = ApplicationFactory(vacancy=vacancy, seeker=seeker)
    client.force_login(seeker.account)
    page = client.get(apply_url(vacancy)).content.decode()
    assert f"/jobs/me/applications/#application-{application.pk}" in page
    assert 'name="cover_note"' not in page


# --- My applications --------------------------------------------------------------------------


def test_my_applications_show_status_and_history_and_withdraw_while_open(client, vacancy, seeker):
    application = ApplicationFactory(vacancy=vacancy, seeker=seeker)
    client.force_login(seeker.account)
    response = client.post(f"/jobs/me/applications/{application.pk}/withdraw/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    change = StatusChange.objects.get(object_type="jobs.application", object_id=str(application.pk))
    assert (change.from_status, change.to_status, change.actor) == ("submitted", "withdrawn", seeker.account)
    page = client.get("/jobs/me/applications/").content.decode()
    assert str(ApplicationStatus.WITHDRAWN.label) in page
    assert f"/jobs/me/applications/{application.pk}/withdraw/" not in page  # no longer open
    # Withdrawing again is refused with a message, nothing changes.
    response = client.post(f"/jobs/me/applications/{application.pk}/withdraw/", follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert StatusChange.objects.filter(object_id=str(application.pk)).count() == 1


def test_another_seekers_application_cannot_be_withdrawn(client, vacancy, seeker, tree):
    other = ApplicationFactory(vacancy=vacancy, seeker=SeekerProfileFactory(area=tree.c1))
    client.force_login(seeker.account)
    assert client.post(f"/jobs/me/applications/{other.pk}/withdraw/").status_code == 404
    other.refresh_from_db()
    assert other.status == ApplicationStatus.SUBMITTED
    assert "电焊工" not in client.get("/jobs/me/applications/").content.decode()


def test_my_applications_page_keeps_a_constant_query_count(client, tree, seeker, django_assert_num_queries):
    client.force_login(seeker.account)

    def make(n):
        for _ in range(n):
            application = ApplicationFactory(vacancy=VacancyFactory(employer=EmployerFactory(area=tree.c1),
                                                                    area=tree.c1), seeker=seeker)
            StatusChange.objects.create(area=application.area, object_type="jobs.application",
                                        object_id=str(application.pk), from_status="submitted",
                                        to_status="viewed")

    make(2)
    client.get("/jobs/me/applications/")  # warm the session
    with django_assert_num_queries(7):
        client.get("/jobs/me/applications/")
    make(10)
    with django_assert_num_queries(7):
        response = client.get("/jobs/me/applications/")
    assert len(response.context["applications"]) == 12


# --- The apply box on the public vacancy page -------------------------------------------------


def _render_box(vacancy, user):
    request = RequestFactory().get(f"/jobs/vacancies/{vacancy.pk}/")
    request.user = user
    template = Template('{% include "jobs/seekers/apply_box.html" %}')
    return template.render(Context({"vacancy": vacancy, "user": user, "request": request}))


def test_apply_box_shows_a_login_link_to_visitors(vacancy):
    from django.contrib.auth.models import AnonymousUser
    html = _render_box(vacancy, AnonymousUser())
    assert f"/accounts/login/?next=/jobs/vacancies/{vacancy.pk}/" in html
    assert "<form" not in html


def test_apply_box_shows_the_form_to_a_job_seeker_and_already_applied_after(vacancy, seeker):
    html = _render_box(vacancy, seeker.account)
    assert f'action="/jobs/vacancies/{vacancy.pk}/apply/"' in html and 'name="cover_note"' in html
    application = ApplicationFactory(vacancy=vacancy, seeker=seeker)
    html = _render_box(vacancy, seeker.account)
    assert "<form" not in html
    assert f"/jobs/me/applications/#application-{application.pk}" in html


def test_apply_box_offers_no_form_to_employers(vacancy):
    html = _render_box(vacancy, UserFactory(account_type=AccountType.EMPLOYER))
    assert "<form" not in html


# --- API --------------------------------------------------------------------------------------


def test_api_apply_once_second_try_is_400_duplicate_with_the_existing_id(api_client, vacancy, seeker):
    api_client.force_authenticate(seeker.account)
    first = api_client.post("/api/jobs/me/applications/", {"vacancy": vacancy.pk, "cover_note": "您好"},
                            format="json")
    assert first.status_code == 201
    body = first.json()
    assert body["status"] == "submitted" and body["vacancy"]["id"] == vacancy.pk and body["history"] == []
    second = api_client.post("/api/jobs/me/applications/", {"vacancy": vacancy.pk}, format="json")
    assert second.status_code == 400
    error = second.json()["error"]
    assert error["status"] == 400
    item = error["fields"]["vacancy"][0]
    assert item["code"] == "duplicate" and item["application_id"] == body["id"] and item["message"]


def test_api_my_applications_list_filter_and_withdraw(api_client, vacancy, seeker, tree):
    mine = ApplicationFactory(vacancy=vacancy, seeker=seeker)
    ApplicationFactory(vacancy=vacancy, seeker=SeekerProfileFactory(area=tree.c1))  # someone else's
    api_client.force_authenticate(seeker.account)
    data = api_client.get("/api/jobs/me/applications/").json()
    assert [row["id"] for row in data["results"]] == [mine.pk]
    assert api_client.get("/api/jobs/me/applications/", {"vacancy": vacancy.pk + 999}).json()["count"] == 0
    response = api_client.post(f"/api/jobs/me/applications/{mine.pk}/withdraw/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "withdrawn" and body["is_open"] is False
    assert [h["to_status"] for h in body["history"]] == ["withdrawn"]
    again = api_client.post(f"/api/jobs/me/applications/{mine.pk}/withdraw/")
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["non_field_errors"][0]["code"] == "invalid_transition"


def test_api_another_seekers_application_is_404(api_client, vacancy, seeker, tree):
    other = ApplicationFactory(vacancy=vacancy, seeker=SeekerProfileFactory(area=tree.c1))
    api_client.force_authenticate(seeker.account)
    assert api_client.get(f"/api/jobs/me/applications/{other.pk}/").status_code == 404
    assert api_client.post(f"/api/jobs/me/applications/{other.pk}/withdraw/").status_code == 404


def test_api_without_profile_says_so(api_client, vacancy, job_seeker):
    api_client.force_authenticate(job_seeker)
    response = api_client.post("/api/jobs/me/applications/", {"vacancy": vacancy.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"][0]["code"] == "no_profile"


def test_api_applications_are_for_job_seekers(api_client, vacancy, employer):
    api_client.force_authenticate(employer)
    assert api_client.get("/api/jobs/me/applications/").status_code == 403
    assert api_client.post("/api/jobs/me/applications/", {"vacancy": vacancy.pk}, format="json").status_code == 403


def test_api_my_applications_keep_a_constant_query_count(api_client, tree, seeker, django_assert_num_queries):
    api_client.force_authenticate(seeker.account)
    for _ in range(2):
        ApplicationFactory(vacancy=VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1),
                           seeker=seeker)
    with django_assert_num_queries(3):  # count, page, histories
        api_client.get("/api/jobs/me/applications/")
    for _ in range(8):
        ApplicationFactory(vacancy=VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1),
                           seeker=seeker)
    with django_assert_num_queries(3):
        assert api_client.get("/api/jobs/me/applications/").json()["count"] == 10
