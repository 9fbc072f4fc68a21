"""The employer's applicants: only its own vacancies, moving applicants on, a hire records its date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from jobs.constants import ApplicationStatus, JobsEvent
from jobs.models import Application
from jobs.services.applications import application_move
from portal.models import AuditEvent, StatusChange
from tests.jobs.factories import ApplicationFactory, EmployerFactory, SeekerProfileFactory, VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(tree):
    """An employer's vacancy with one applicant."""
    employer = EmployerFactory(area=tree.c1)
    vacancy = VacancyFactory(employer=employer, area=tree.c1, title="叉车司机")
    seeker = SeekerProfileFactory(area=tree.c2, skills="<b>叉车证</b>", summary="第一行\n第二行")
    seeker.account.phone = "13800138000"
    seeker.account.save()
    application = ApplicationFactory(vacancy=vacancy, seeker=seeker, cover_note="<script>x()</script>")
    return employer, vacancy, application


def page_url(vacancy) -> str:
    return f"/jobs/employer/vacancies/{vacancy.pk}/applicants/"


def test_applicants_route_name(own):
    _, vacancy, _ = own
    assert reverse("jobs:vacancy-applicants", kwargs={"pk": vacancy.pk}) == page_url(vacancy)


def test_employer_sees_applicants_of_its_own_vacancy_with_profile_summary(client, own):
    employer, vacancy, application = own
    client.force_login(employer.account)
    response = client.get(page_url(vacancy))
    assert response.status_code == 200
    page = response.content.decode()
    assert application.seeker.account.display_name in page and "13800138000" in page
    # Typed text is shown as text, never as markup.
    assert "<script>x()</script>" not in page and "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "&lt;b&gt;叉车证&lt;/b&gt;" in page and "第一行<br>第二行" in page


def test_employer_moves_an_applicant_viewed_interview_hired_with_a_date(client, own):
    employer, vacancy, application = own
    client.force_login(employer.account)
    prefix = f"a{application.pk}"
    for step in ("viewed", "interview"):
        response = client.post(page_url(vacancy), {"application": application.pk, f"{prefix}-status": step})
        assert response.status_code == 302 and response.url.endswith(f"#applicant-{application.pk}")
    hired_on = timezone.localdate()
    response = client.post(page_url(vacancy), {"application": application.pk, f"{prefix}-status": "hired",
                                               f"{prefix}-hired_on": hired_on.isoformat()})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HIRED and application.hired_on == hired_on
    moves = list(StatusChange.objects.filter(object_type="jobs.application", object_id=str(application.pk))
                 .values_list("from_status", "to_status"))
    assert moves == [("submitted", "viewed"), ("viewed", "interview"), ("interview", "hired")]
    assert AuditEvent.objects.filter(event_type=JobsEvent.APPLICATION_STATUS_CHANGED,
                                     object_id=str(application.pk), actor=employer.account).count() == 3
    # A hired applicant has no further step on the page; the seeker sees the hire.
    page = client.get(page_url(vacancy)).content.decode()
    assert f'name="{prefix}-status"' not in page
    client.force_login(application.seeker.account)
    assert hired_on.strftime("%Y-%m-%d") in client.get("/jobs/me/applications/").content.decode()


def test_hired_without_a_date_is_refused_next_to_the_date_field(client, own):
    employer, vacancy, application = own
    client.force_login(employer.account)
    prefix = f"a{application.pk}"
    response = client.post(page_url(vacancy), {"application": application.pk, f"{prefix}-status": "hired",
                                               f"{prefix}-note": "下周一入职"})
    assert response.status_code == 200
    form = next(a.move_form for a in response.context["applications"] if a.pk == application.pk)
    assert form.errors["hired_on"][0]
    page = response.content.decode()
    assert f'id="id_{prefix}-hired_on_error"' in page
    assert 'value="下周一入职"' in page  # what was typed is kept
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.hired_on is None


@pytest.mark.parametrize("hired_on, code", [
    (None, "required"),
    (timezone.localdate() + datetime.timedelta(days=3), "future"),
    (timezone.localdate() - datetime.timedelta(days=30), "before_application"),
])
def test_service_hire_date_rules(own, hired_on, code):
    employer, _, application = own
    with pytest.raises(ValidationError) as caught:
        application_move(actor=employer.account, application=application, to="hired", hired_on=hired_on)
    assert caught.value.error_dict["hired_on"][0].code == code


def test_service_employer_cannot_withdraw_for_the_seeker_or_skip_back(own):
    employer, _, application = own
    with pytest.raises(ValidationError) as caught:
        application_move(actor=employer.account, application=application, to="withdrawn")
    assert caught.value.error_dict["status"][0].code == "invalid_choice"
    application_move(actor=employer.account, application=application, to="rejected")
    with pytest.raises(ValidationError) as caught:
        application_move(actor=employer.account, application=application, to="viewed")
    assert caught.value.code == "invalid_transition"


def test_another_employer_gets_404_and_changes_nothing(client, own, tree):
    _, vacancy, application = own
    other = EmployerFactory(area=tree.c1)
    client.force_login(other.account)
    assert client.get(page_url(vacancy)).status_code == 404
    response = client.post(page_url(vacancy), {"application": application.pk,
                                               f"a{application.pk}-status": "rejected"})
    assert response.status_code == 404
    # Its own vacancy's page cannot be used to move someone else's applicant either.
    own_vacancy = VacancyFactory(employer=other, area=tree.c1)
    response = client.post(page_url(own_vacancy), {"application": application.pk,
                                                   f"a{application.pk}-status": "rejected"})
    assert response.status_code == 404
    with pytest.raises(Http404):
        application_move(actor=other.account, application=application, to="rejected")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_job_seeker_and_clerk_get_404_or_403_on_the_applicants_page(client, own, staff):
    _, vacancy, application = own
    client.force_login(application.seeker.account)
    assert client.get(page_url(vacancy)).status_code in (403, 404)
    client.force_login(staff["clerk@district"])
    assert client.get(page_url(vacancy)).status_code in (403, 404)


def test_applicants_page_filters_by_status(client, own, tree):
    employer, vacancy, application = own
    hired = ApplicationFactory(vacancy=vacancy, seeker=SeekerProfileFactory(area=tree.c1),
                               status="hired", hired_on=timezone.localdate())
    client.force_login(employer.account)
    response = client.get(page_url(vacancy), {"status": "hired"})
    assert [a.pk for a in response.context["applications"]] == [hired.pk]


def test_applicants_page_keeps_a_constant_query_count(client, own, tree, django_assert_num_queries):
    employer, vacancy, _ = own
    client.force_login(employer.account)
    client.get(page_url(vacancy))
    with django_assert_num_queries(8):
        client.get(page_url(vacancy))
    for _ in range(12):
        seeker = SeekerProfileFactory(area=tree.c1)
        seeker.wanted_occupations.set(["6-18", "4-02"])
        ApplicationFactory(vacancy=vacancy, seeker=seeker)
    with django_assert_num_queries(8):
        response = client.get(page_url(vacancy))
    assert len(response.context["applications"]) == 13


# --- API --------------------------------------------------------------------------------------


def test_api_employer_lists_its_applicants_filtered_by_vacancy(api_client, own, tree):
    employer, vacancy, application = own
    second = VacancyFactory(employer=employer, area=tree.c1)
    other_application = ApplicationFactory(vacancy=second, seeker=SeekerProfileFactory(area=tree.c1))
    ApplicationFactory(vacancy=VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1))  # not ours
    api_client.force_authenticate(employer.account)
    rows = api_client.get("/api/jobs/employer/applicants/").json()["results"]
    assert {row["id"] for row in rows} == {application.pk, other_application.pk}
    rows = api_client.get("/api/jobs/employer/applicants/", {"vacancy": vacancy.pk}).json()["results"]
    assert [row["id"] for row in rows] == [application.pk]
    assert rows[0]["applicant"]["phone"] == "13800138000" and rows[0]["applicant"]["skills"] == "<b>叉车证</b>"


def test_api_move_and_hired_requires_a_date(api_client, own):
    employer, _, application = own
    api_client.force_authenticate(employer.account)
    url = f"/api/jobs/employer/applicants/{application.pk}/move/"
    response = api_client.post(url, {"status": "hired"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["hired_on"][0]["code"] == "required"
    response = api_client.post(url, {"status": "interview", "note": "周三上午面试"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "interview"
    assert response.json()["history"][0]["note"] == "周三上午面试"
    today = timezone.localdate().isoformat()
    response = api_client.post(url, {"status": "hired", "hired_on": today}, format="json")
    assert response.status_code == 200 and response.json()["hired_on"] == today
    assert Application.objects.get(pk=application.pk).hired_on == timezone.localdate()


def test_api_another_employer_gets_404(api_client, own, tree):
    _, _, application = own
    api_client.force_authenticate(EmployerFactory(area=tree.c1).account)
    assert api_client.get(f"/api/jobs/employer/applicants/{application.pk}/").status_code == 404
    response = api_client.post(f"/api/jobs/employer/applicants/{application.pk}/move/", {"status": "viewed"},
                               format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_applicants_are_for_employers(api_client, own, job_seeker):
    api_client.force_authenticate(job_seeker)
    assert api_client.get("/api/jobs/employer/applicants/").status_code == 403


def test_api_applicants_keep_a_constant_query_count(api_client, own, tree, django_assert_num_queries):
    employer, vacancy, _ = own
    api_client.force_authenticate(employer.account)
    with django_assert_num_queries(4):  # count, page, wanted occupations, histories
        api_client.get("/api/jobs/employer/applicants/")
    for _ in range(10):
        seeker = SeekerProfileFactory(area=tree.c1)
        seeker.wanted_occupations.set(["6-18"])
        ApplicationFactory(vacancy=vacancy, seeker=seeker)
    with django_assert_num_queries(4):
        assert api_client.get("/api/jobs/employer/applicants/").json()["count"] == 11


def test_api_each_applicant_lists_the_employers_moves_and_the_applicant_sees_withdraw(api_client, own):
    employer, _, application = own
    seeker = application.seeker
    api_client.force_authenticate(employer.account)
    body = api_client.get(f"/api/jobs/employer/applicants/{application.pk}/").json()
    assert sorted(body["moves"]) == ["hire", "interview", "reject", "view"]
    api_client.force_authenticate(seeker.account)
    assert api_client.get(f"/api/jobs/me/applications/{application.pk}/").json()["moves"] == ["withdraw"]
    api_client.force_authenticate(employer.account)
    moved = api_client.post(f"/api/jobs/employer/applicants/{application.pk}/move/", {"status": "rejected"},
                            format="json").json()
    assert moved["status"] == "rejected" and moved["moves"] == []
