"""Matching: vacancies for a job seeker, candidate seekers for a vacancy; ranked in SQL with reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobs.constants import VacancyStatus
from jobs.selectors.matching import REASONS, candidate_matches, vacancy_matches
from portal.constants import StaffRole
from portal.reference.models import Occupation
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, ReferralFactory, SeekerProfileFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def vacancy_in(area, occupation="6-18", **kwargs):
    return VacancyFactory(employer=EmployerFactory(area=area), area=area,
                          occupation=Occupation.objects.get(code=occupation), **kwargs)


@pytest.fixture
def seeker(tree):
    """Lives in c1 (street s1, district d1), wants 6-18 and to work in d2, expects 5000, senior middle school."""
    profile = SeekerProfileFactory(area=tree.c1, education="senior_middle", expected_salary=5000)
    profile.wanted_occupations.set(["6-18"])
    profile.wanted_areas.set([tree.d2])
    return profile


@pytest.fixture
def vacancies(tree):
    return {
        "same_occupation_same_street": vacancy_in(tree.c2, title="焊工A"),
        "same_major_same_community": vacancy_in(tree.c1, occupation="6-02", title="面点师"),
        "other_major_same_community": vacancy_in(tree.c1, occupation="2-02", title="工程师"),
        "same_occupation_wanted_district": vacancy_in(tree.c3, title="焊工B"),
        "same_occupation_same_district": vacancy_in(tree.s2, title="焊工C"),
        "needs_a_degree": vacancy_in(tree.c2, education="bachelor", title="焊接工程师"),
        "pays_too_little": vacancy_in(tree.c2, salary_min=2500, salary_max=3000, title="学徒工"),
        "not_public": vacancy_in(tree.c2, status=VacancyStatus.PENDING, published_at=None, title="待审岗位"),
    }


def test_same_occupation_same_street_vacancy_ranks_first_with_its_reasons(seeker, vacancies):
    matches = vacancy_matches(fetched_by=seeker.account, seeker=seeker)
    assert matches[0] == vacancies["same_occupation_same_street"]
    assert [r.code for r in matches[0].reasons] == ["occupation_middle", "place_street", "salary", "education"]
    assert matches[0].match_score == 40 + 24 + 15 + 15
    assert vacancies["not_public"] not in matches
    by_pk = {v.pk: v for v in matches}
    reasons = {name: [r.code for r in by_pk[v.pk].reasons] for name, v in vacancies.items() if v.pk in by_pk}
    assert reasons["same_major_same_community"] == ["occupation_major", "place_community", "salary", "education"]
    assert reasons["other_major_same_community"] == ["place_community", "salary", "education"]
    assert reasons["same_occupation_wanted_district"] == ["occupation_middle", "place_wanted_area", "salary",
                                                          "education"]
    assert reasons["same_occupation_same_district"][1] == "place_district"
    assert "education" not in reasons["needs_a_degree"]
    assert "salary" not in reasons["pays_too_little"]


def test_ranking_order_follows_the_scores(seeker, vacancies):
    matches = vacancy_matches(fetched_by=seeker.account, seeker=seeker)
    scores = [v.match_score for v in matches]
    assert scores == sorted(scores, reverse=True)
    position = {v.pk: i for i, v in enumerate(matches)}
    # Occupation weighs more than the place: the same middle group further away beats another group next door.
    next_door = position[vacancies["other_major_same_community"].pk]
    assert position[vacancies["same_occupation_same_district"].pk] < next_door
    assert position[vacancies["same_major_same_community"].pk] < next_door


def test_matches_are_limited_to_fifty_in_one_query(seeker, tree, django_assert_num_queries):
    for _ in range(55):
        vacancy_in(tree.c2)
    seeker = (type(seeker).objects.select_related("account", "area")
              .prefetch_related("wanted_occupations", "wanted_areas").get(pk=seeker.pk))
    with django_assert_num_queries(1):
        matches = vacancy_matches(fetched_by=seeker.account, seeker=seeker)
    assert len(matches) == 50


def test_my_matches_page_shows_ranked_vacancies_with_reasons(client, seeker, vacancies):
    client.force_login(seeker.account)
    response = client.get(reverse("jobs:my-matches"))
    assert response.status_code == 200
    assert response.context["matches"][0] == vacancies["same_occupation_same_street"]
    page = response.content.decode()
    first = page.index(f'id="match-{vacancies["same_occupation_same_street"].pk}"')
    assert first < page.index(f'id="match-{vacancies["other_major_same_community"].pk}"')
    for code in ("occupation_middle", "place_street", "salary", "education", "place_wanted_area"):
        assert str(REASONS[code]) in page
    assert "待审岗位" not in page


def test_my_matches_without_a_profile_sends_to_the_profile_page(client, job_seeker):
    client.force_login(job_seeker)
    response = client.get("/jobs/me/matches/")
    assert response.status_code == 302 and response.url.startswith("/jobs/me/profile/?next=/jobs/me/matches/")


def test_my_matches_page_is_for_job_seekers(client, employer):
    client.force_login(employer)
    assert client.get("/jobs/me/matches/").status_code == 403


def test_my_matches_page_keeps_a_constant_query_count(client, seeker, tree, django_assert_num_queries):
    client.force_login(seeker.account)
    vacancy_in(tree.c2)
    client.get("/jobs/me/matches/")
    with django_assert_num_queries(7):  # session, user, profile (+2 prefetches), grants, matches
        client.get("/jobs/me/matches/")
    for _ in range(30):
        vacancy_in(tree.c3)
    with django_assert_num_queries(7):
        assert len(client.get("/jobs/me/matches/").context["matches"]) == 31


def test_api_my_matches(api_client, seeker, vacancies, job_seeker):
    api_client.force_authenticate(seeker.account)
    data = api_client.get("/api/jobs/me/matches/").json()
    first = data["results"][0]
    assert first["id"] == vacancies["same_occupation_same_street"].pk and first["score"] == 94
    assert [r["code"] for r in first["reasons"]] == ["occupation_middle", "place_street", "salary", "education"]
    assert all(r["label"] for r in first["reasons"])
    api_client.force_authenticate(job_seeker)  # no profile yet
    assert api_client.get("/api/jobs/me/matches/").status_code == 404


# --- Candidates for a vacancy (clerks) --------------------------------------------------------


@pytest.fixture
def candidates(tree):
    def seeker_in(area, occupations, **kwargs):
        profile = SeekerProfileFactory(area=area, **kwargs)
        profile.wanted_occupations.set(occupations)
        return profile

    return {
        "same_occupation_same_community": seeker_in(tree.c1, ["6-18"]),
        "same_major_same_street": seeker_in(tree.c2, ["6-02"]),
        "other_occupation_same_street": seeker_in(tree.c2, ["2-02"], education="bachelor"),
        "expects_too_much": seeker_in(tree.c1, ["6-18"], expected_salary=9000),
        "other_district": seeker_in(tree.c3, ["6-18"]),
    }


@pytest.fixture
def welding(tree):
    return vacancy_in(tree.c1, title="电焊工（急招）")


def test_candidates_are_ranked_for_a_vacancy_within_the_clerks_scope(staff, candidates, welding):
    ranked = candidate_matches(fetched_by=staff["clerk@street"], vacancy=welding)
    assert ranked[0] == candidates["same_occupation_same_community"]
    assert [r.code for r in ranked[0].reasons] == ["occupation_middle", "place_community", "salary", "education"]
    assert candidates["other_district"] not in ranked
    by_pk = {s.pk: [r.code for r in s.reasons] for s in ranked}
    assert by_pk[candidates["same_major_same_street"].pk][:2] == ["occupation_major", "place_street"]
    assert "salary" not in by_pk[candidates["expects_too_much"].pk]
    # A community clerk sees only the seekers of that community.
    community = candidate_matches(fetched_by=staff["clerk@community"], vacancy=welding)
    assert {s.pk for s in community} == {candidates["same_occupation_same_community"].pk,
                                         candidates["expects_too_much"].pk}


def test_candidates_page_has_a_refer_button_per_candidate_and_marks_pending_referrals(client, staff, candidates,
                                                                                    welding):
    pending = candidates["same_major_same_street"]
    ReferralFactory(seeker=pending, vacancy=welding, area=pending.area)
    client.force_login(staff["clerk@street"])
    response = client.get(f"/staff/jobs/vacancies/{welding.pk}/candidates/")
    assert response.status_code == 200
    page = response.content.decode()
    best = candidates["same_occupation_same_community"]
    assert f"/staff/jobs/referrals/new/?seeker={best.pk}&amp;vacancy={welding.pk}" in page
    assert f"/staff/jobs/referrals/new/?seeker={pending.pk}&amp;vacancy={welding.pk}" not in page
    assert str(REASONS["occupation_middle"]) in page
    assert page.index(f'id="candidate-{best.pk}"') < page.index(f'id="candidate-{pending.pk}"')


def test_candidates_route_name(welding):
    assert reverse("staff-jobs:vacancy-candidates", kwargs={"pk": welding.pk}) == \
        f"/staff/jobs/vacancies/{welding.pk}/candidates/"


def test_candidates_of_a_vacancy_in_another_district_are_404(client, api_client, tree, welding):
    other = make_staff(StaffRole.CLERK, tree.d2)
    client.force_login(other)
    assert client.get(f"/staff/jobs/vacancies/{welding.pk}/candidates/").status_code == 404
    api_client.force_authenticate(other)
    assert api_client.get("/api/staff/jobs/candidates/", {"vacancy": welding.pk}).status_code == 404


def test_candidates_are_for_clerks(client, staff, welding, job_seeker):
    for user in (staff["official@district"], job_seeker):
        client.force_login(user)
        assert client.get(f"/staff/jobs/vacancies/{welding.pk}/candidates/").status_code == 403


def test_candidates_page_keeps_a_constant_query_count(client, staff, tree, welding, django_assert_num_queries):
    client.force_login(staff["clerk@street"])
    SeekerProfileFactory(area=tree.c1).wanted_occupations.set(["6-18"])
    client.get(f"/staff/jobs/vacancies/{welding.pk}/candidates/")
    with django_assert_num_queries(5):  # session, user, grants, vacancy, candidates
        client.get(f"/staff/jobs/vacancies/{welding.pk}/candidates/")
    for _ in range(20):
        SeekerProfileFactory(area=tree.c2).wanted_occupations.set(["6-02", "4-02"])
    with django_assert_num_queries(5):
        assert len(client.get(f"/staff/jobs/vacancies/{welding.pk}/candidates/").context["candidates"]) == 21


def test_api_candidates(api_client, staff, candidates, welding):
    api_client.force_authenticate(staff["clerk@district"])
    assert api_client.get("/api/staff/jobs/candidates/").status_code == 400
    data = api_client.get("/api/staff/jobs/candidates/", {"vacancy": welding.pk}).json()
    assert data["results"][0]["id"] == candidates["same_occupation_same_community"].pk
    assert data["results"][0]["reasons"][0]["code"] == "occupation_middle"
    assert candidates["other_district"].pk not in {row["id"] for row in data["results"]}


def test_matching_endpoints_keep_a_constant_query_count(api_client, staff, seeker, tree, welding,
                                                        django_assert_num_queries):
    api_client.force_authenticate(seeker.account)
    api_client.get("/api/jobs/me/matches/")
    with django_assert_num_queries(4):  # profile (+2 prefetches), matches
        api_client.get("/api/jobs/me/matches/")
    clerk = staff["clerk@street"]
    api_client.force_authenticate(clerk)
    api_client.get("/api/staff/jobs/candidates/", {"vacancy": welding.pk})
    with django_assert_num_queries(2):  # vacancy, candidates
        api_client.get("/api/staff/jobs/candidates/", {"vacancy": welding.pk})
    for _ in range(25):
        vacancy_in(tree.c2)
        SeekerProfileFactory(area=tree.c2).wanted_occupations.set(["6-18", "2-02"])
    api_client.force_authenticate(seeker.account)
    with django_assert_num_queries(4):
        assert api_client.get("/api/jobs/me/matches/").json()["count"] == 26
    api_client.force_authenticate(clerk)
    with django_assert_num_queries(2):
        assert api_client.get("/api/staff/jobs/candidates/", {"vacancy": welding.pk}).json()["count"] == 26
