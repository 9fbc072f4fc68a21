"""The job seeker's own profile: page and API, validation, audit, who may use it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jobs.constants import JobsEvent
from jobs.models import SeekerProfile
from jobs.services.seekers import seeker_profile_save
from portal.models import AuditEvent
from portal.reference.models import Occupation
from tests.jobs.factories import SeekerProfileFactory

pytestmark = pytest.mark.django_db

URL = "/jobs/me/profile/"
API = "/api/jobs/me/profile/"


def _post_data(tree, **overrides):
    data = {
        "area_district": tree.d1.code, "area_street": tree.s1.code, "area_community": tree.c1.code,
        "education": "junior_college", "experience_years": "3", "skills": "电焊、叉车证",
        "wanted_occupations": ["6-18", "4-02"], "wanted_areas": [tree.d1.code, tree.d2.code],
        "expected_salary": "5500", "summary": "能吃苦，服从安排。", "is_graduate": "on",
    }
    data.update(overrides)
    return data


def test_profile_url_has_the_agreed_name():
    assert reverse("jobs:my-profile") == URL


def test_job_seeker_creates_profile_on_the_page_and_it_is_audited(client, tree, job_seeker):
    client.force_login(job_seeker)
    response = client.post(URL, _post_data(tree))
    assert response.status_code == 302 and response.url == URL
    profile = SeekerProfile.objects.get(account=job_seeker)
    assert profile.area == tree.c1 and profile.area_path == tree.c1.path
    assert profile.education == "junior_college" and profile.experience_years == 3
    assert profile.expected_salary == 5500 and profile.is_graduate
    assert sorted(profile.wanted_occupations.values_list("code", flat=True)) == ["4-02", "6-18"]
    assert sorted(profile.wanted_areas.values_list("code", flat=True)) == sorted([tree.d1.code, tree.d2.code])
    event = AuditEvent.objects.get(event_type=JobsEvent.SEEKER_PROFILE_SAVED, object_id=str(profile.pk))
    assert event.actor == job_seeker and event.new_values["expected_salary"] == 5500

    # The form shows what was saved.
    page = client.get(URL).content.decode()
    assert 'value="5500"' in page and "电焊、叉车证" in page
    assert f'<option value="{tree.c1.code}" selected>' in page


def test_saving_again_updates_and_audits_only_what_changed(client, tree, job_seeker):
    client.force_login(job_seeker)
    client.post(URL, _post_data(tree))
    client.post(URL, _post_data(tree, expected_salary="6000"))
    assert SeekerProfile.objects.filter(account=job_seeker).count() == 1
    last = AuditEvent.objects.filter(event_type=JobsEvent.SEEKER_PROFILE_SAVED).order_by("-id").first()
    assert last.old_values == {"expected_salary": 5500} and last.new_values == {"expected_salary": 6000}


def test_profile_groups_wanted_occupations_by_major_group_as_checkboxes(client, job_seeker):
    client.force_login(job_seeker)
    page = client.get(URL).content.decode()
    major = Occupation.objects.get(code="6")
    assert f'<fieldset class="choice-search-group" data-group><legend>{major.name}</legend>' in page
    assert 'type="checkbox" name="wanted_occupations" value="6-18"' in page and 'value="6"' not in page
    assert 'type="checkbox" name="wanted_areas"' in page
    assert "<select multiple" not in page and " multiple" not in page
    assert "portal/js/choice-search.js" in page


def test_the_saved_profile_shows_its_wanted_occupations_ticked_and_listed_first(client, job_seeker, tree):
    client.force_login(job_seeker)
    client.post(URL, _post_data(tree))
    page = client.get(URL).content.decode()
    chosen = Occupation.objects.get(code="6-18")
    assert 'value="6-18" id="id_wanted_occupations_' in page
    assert page.count('name="wanted_occupations" value="6-18"') == 1
    assert f'value="6-18" id="id_wanted_occupations_{_index_of(page, "6-18")}" checked>' in page
    summary = page[page.index('data-chips'):page.index('data-filter')]
    assert f"<li>6-18 {chosen.name}</li>" in summary and "已选（2 项）：" in page
    assert page.index("data-chips") < page.index('name="wanted_occupations"')


def _index_of(page, code):
    start = page.index(f'name="wanted_occupations" value="{code}" id="id_wanted_occupations_')
    rest = page[start:].split('id="id_wanted_occupations_', 1)[1]
    return rest.split('"', 1)[0]


@pytest.mark.parametrize("overrides, field", [
    ({"area_community": "", "area_street": ""}, "area"),            # stopped at the district
    ({"expected_salary": "2000000"}, "expected_salary"),           # above the ceiling
    ({"experience_years": "-1"}, "experience_years"),
    ({"wanted_occupations": ["9-99"]}, "wanted_occupations"),       # unknown occupation
    ({"wanted_areas": ["420102002003"]}, "wanted_areas"),           # a community is not a district choice
    ({"summary": "长" * 2001}, "summary"),
])
def test_bad_profile_input_is_refused_next_to_the_field_and_input_is_kept(client, tree, job_seeker, overrides, field):
    client.force_login(job_seeker)
    response = client.post(URL, _post_data(tree, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert not SeekerProfile.objects.filter(account=job_seeker).exists()
    assert "电焊、叉车证" in response.content.decode()  # what was typed is still there


def test_html_in_about_me_is_shown_as_text(client, tree, job_seeker):
    client.force_login(job_seeker)
    client.post(URL, _post_data(tree, summary="<script>alert(1)</script>\n第二行"))
    page = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_profile_page_is_for_job_seekers_only(client, employer, tree):
    assert client.get(URL).status_code == 302  # to log in
    client.force_login(employer)
    assert client.get(URL).status_code == 403


def test_profile_save_next_returns_to_a_local_page_only(client, tree, job_seeker):
    client.force_login(job_seeker)
    response = client.post(URL, {**_post_data(tree), "next": "/jobs/vacancies/1/"})
    assert response.url == "/jobs/vacancies/1/"
    response = client.post(URL, {**_post_data(tree), "next": "https://evil.example/"})
    assert response.url == URL


def test_service_refuses_a_street_as_residence_and_a_middle_group_is_required(tree, job_seeker):
    with pytest.raises(ValidationError) as caught:
        seeker_profile_save(actor=job_seeker, area=tree.s1, education="none",
                            wanted_occupations=[Occupation.objects.get(code="6")])
    assert caught.value.error_dict["area"][0].code == "level"
    assert caught.value.error_dict["wanted_occupations"][0].code == "level"


def test_service_refuses_an_employer(tree, employer):
    with pytest.raises(PermissionDenied):
        seeker_profile_save(actor=employer, area=tree.c1)


# --- API --------------------------------------------------------------------------------------


def test_api_profile_put_then_get(api_client, tree, job_seeker):
    api_client.force_authenticate(job_seeker)
    assert api_client.get(API).status_code == 404
    response = api_client.put(API, {"area": tree.c2.code, "education": "bachelor", "experience_years": 1,
                                    "wanted_occupations": ["2-02"], "wanted_areas": [tree.d1.code],
                                    "expected_salary": 8000, "summary": "<b>hi</b>"}, format="json")
    assert response.status_code == 200, response.json()
    data = api_client.get(API).json()
    assert data["area"]["code"] == tree.c2.code and data["education"] == "bachelor"
    assert [o["code"] for o in data["wanted_occupations"]] == ["2-02"]
    assert [a["code"] for a in data["wanted_areas"]] == [tree.d1.code]
    assert data["summary"] == "<b>hi</b>" and data["expected_salary"] == 8000


def test_api_profile_errors_come_in_the_one_format(api_client, tree, job_seeker):
    api_client.force_authenticate(job_seeker)
    response = api_client.put(API, {"area": tree.s1.code, "expected_salary": -5, "wanted_occupations": ["x"]},
                              format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["wanted_occupations"][0]["code"] == "unknown_occupation"
    response = api_client.put(API, {"area": tree.s1.code, "expected_salary": -5}, format="json")
    fields = response.json()["error"]["fields"]
    assert fields["area"][0]["code"] == "level" and fields["expected_salary"][0]["code"] == "range"
    assert not SeekerProfile.objects.filter(account=job_seeker).exists()


def test_api_profile_is_for_job_seekers_only(api_client, employer, staff):
    assert api_client.get(API).status_code in (401, 403)
    for user in (employer, staff["clerk@district"]):
        api_client.force_authenticate(user)
        assert api_client.get(API).status_code == 403


def test_another_seekers_profile_is_never_returned(api_client, tree, job_seeker):
    SeekerProfileFactory(area=tree.c1)  # someone else's
    api_client.force_authenticate(job_seeker)
    assert api_client.get(API).status_code == 404


def test_every_seekers_endpoint_is_in_the_openapi_schema_with_the_error_format(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    expected = {
        "/api/jobs/me/profile/": {"get", "put"},
        "/api/jobs/me/applications/": {"get", "post"},
        "/api/jobs/me/applications/{id}/withdraw/": {"post"},
        "/api/jobs/me/matches/": {"get"},
        "/api/jobs/employer/applicants/": {"get"},
        "/api/jobs/employer/applicants/{id}/move/": {"post"},
        "/api/staff/jobs/referrals/": {"get", "post"},
        "/api/staff/jobs/referrals/{id}/": {"get"},
        "/api/staff/jobs/referrals/{id}/outcome/": {"post"},
        "/api/staff/jobs/seekers/": {"get"},
        "/api/staff/jobs/seekers/{id}/": {"get"},
        "/api/staff/jobs/candidates/": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for method in methods:
            responses = paths[path][method]["responses"]
            assert "404" in responses or "400" in responses, (path, method)
    create = paths["/api/jobs/me/applications/"]["post"]["responses"]["400"]
    assert "DuplicateApplicationError" in create["content"]["application/json"]["schema"]["$ref"]
    candidates = paths["/api/staff/jobs/candidates/"]["get"]
    assert any(p["name"] == "vacancy" and p["required"] for p in candidates["parameters"])
