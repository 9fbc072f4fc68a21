"""Clerks see the job seekers living in their area: pages and API, scoped."""

from __future__ import annotations

import pytest

from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import (
    ApplicationFactory,
    EmployerFactory,
    ReferralFactory,
    SeekerProfileFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker(tree):
    profile = SeekerProfileFactory(area=tree.c1, skills="会计电算化", summary="<img src=x onerror=alert(1)>")
    profile.account.full_name = "王芳"
    profile.account.save()
    profile.wanted_occupations.set(["2-06"])
    return profile


def test_clerk_lists_and_searches_seekers_of_the_area(client, staff, seeker, tree):
    far = SeekerProfileFactory(area=tree.c3)
    client.force_login(staff["clerk@street"])
    listed = {s.pk for s in client.get("/staff/jobs/seekers/").context["seekers"]}
    assert seeker.pk in listed and far.pk not in listed
    found = client.get("/staff/jobs/seekers/", {"q": "王芳"}).context["seekers"]
    assert [s.pk for s in found] == [seeker.pk]


def test_seeker_detail_shows_profile_applications_and_referrals(client, staff, seeker, tree):
    vacancy = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, title="出纳")
    ApplicationFactory(vacancy=vacancy, seeker=seeker)
    referral = ReferralFactory(seeker=seeker, vacancy=vacancy, area=seeker.area)
    client.force_login(staff["clerk@community"])
    response = client.get(f"/staff/jobs/seekers/{seeker.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "王芳" in page and "会计电算化" in page and "出纳" in page
    assert f"/staff/jobs/referrals/{referral.pk}/" in page
    assert f"/staff/jobs/referrals/new/?seeker={seeker.pk}" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_clerk_of_another_district_gets_404_for_a_seeker(client, api_client, tree, seeker):
    other = make_staff(StaffRole.CLERK, tree.d2)
    client.force_login(other)
    assert client.get(f"/staff/jobs/seekers/{seeker.pk}/").status_code == 404
    api_client.force_authenticate(other)
    assert api_client.get(f"/api/staff/jobs/seekers/{seeker.pk}/").status_code == 404
    assert api_client.get("/api/staff/jobs/seekers/").json()["count"] == 0


def test_seekers_pages_are_for_clerks(client, staff, seeker, employer):
    for user in (staff["official@district"], staff["administrator@district"], seeker.account, employer):
        client.force_login(user)
        assert client.get("/staff/jobs/seekers/").status_code == 403
        assert client.get(f"/staff/jobs/seekers/{seeker.pk}/").status_code == 403


def test_api_staff_seekers_list_and_retrieve(api_client, staff, seeker):
    api_client.force_authenticate(staff["clerk@district"])
    data = api_client.get("/api/staff/jobs/seekers/", {"q": "王"}).json()
    assert [row["id"] for row in data["results"]] == [seeker.pk]
    detail = api_client.get(f"/api/staff/jobs/seekers/{seeker.pk}/").json()
    assert detail["name"] == "王芳" and detail["wanted_occupations"] == [{"code": "2-06", "name": detail[
        "wanted_occupations"][0]["name"]}]


def test_seeker_list_page_and_api_keep_a_constant_query_count(client, api_client, staff, tree,
                                                              django_assert_num_queries):
    clerk = staff["clerk@community"]

    def make(n):
        for _ in range(n):
            SeekerProfileFactory(area=tree.c1).wanted_occupations.set(["6-18", "4-02"])

    make(2)
    client.force_login(clerk)
    client.get("/staff/jobs/seekers/")
    with django_assert_num_queries(6) as page_small:  # session, user, grants, count, page, occupations
        client.get("/staff/jobs/seekers/")
    page_queries = len(page_small.captured_queries)
    api_client.force_authenticate(clerk)
    api_client.get("/api/staff/jobs/seekers/")
    with django_assert_num_queries(3) as api_small:  # count, page, occupations
        api_client.get("/api/staff/jobs/seekers/")
    api_queries = len(api_small.captured_queries)
    make(10)
    with django_assert_num_queries(page_queries):
        assert len(client.get("/staff/jobs/seekers/").context["seekers"]) == 12
    with django_assert_num_queries(api_queries):
        assert api_client.get("/api/staff/jobs/seekers/").json()["count"] == 12
