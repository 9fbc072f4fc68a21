"""The public vacancy search API: GET /api/jobs/vacancies/ and /api/jobs/vacancies/{id}/."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.constants import VacancyStatus
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory
from tests.jobs.test_search_selector import employer, make  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_reference_memo")]

LIST = reverse("api:jobs:vacancy-search")


def detail(pk) -> str:
    return reverse("api:jobs:vacancy-search-detail", kwargs={"pk": pk})


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_anyone_can_search_without_signing_in(api_client, make):  # noqa: F811
    vacancy = make(title="电焊工", salary_min=4500, salary_max=7000)
    response = api_client.get(LIST, {"q": "焊工"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next", "previous", "total", "total_is_estimate", "facets", "suggestions"}
    row = body["results"][0]
    assert row["id"] == vacancy.pk and row["title"] == "电焊工"
    assert row["employer"] == {"id": vacancy.employer.pk, "name": vacancy.employer.name}
    assert row["area"]["code"] == vacancy.area.code and row["area"]["district"]
    assert row["occupation"]["code"] == vacancy.occupation_id
    assert (row["salary_min"], row["salary_max"]) == (4500, 7000)
    assert row["closing_date"] == vacancy.closing_date.isoformat()
    assert body["total"] == 1 and body["total_is_estimate"] is False
    assert body["next"] is None and body["previous"] is None and body["suggestions"] == []


def test_signed_in_users_of_every_kind_get_the_same_public_results(make, tree, job_seeker):  # noqa: F811
    public = make(title="电焊工")
    make(title="电焊工", status=VacancyStatus.PENDING, published_at=None)
    for user in (job_seeker, public.employer.account, make_staff(StaffRole.CLERK, tree.d2)):
        client = APIClient()
        client.force_authenticate(user)
        assert result_ids(client.get(LIST, {"q": "焊工"})) == [public.pk]


def test_every_filter_is_a_query_parameter(api_client, make, tree):  # noqa: F811
    wanted = make(title="电焊工", area=tree.c1, occupation_id="6-18", industry_id="C", salary_min=5000,
                  salary_max=8000, education="junior_middle", working_time="shifts", is_public_welfare=True,
                  open_to_hard_to_employ=True, for_graduates=True)
    make(title="电焊工", area=tree.c3)
    params = {"q": "焊工", "area": tree.s1.code, "occupation": "6", "industry": "C", "salary_min": 6000,
              "salary_max": 9000, "education": "junior_middle", "working_time": "shifts", "posted_within": "7",
              "public_welfare": "true", "hard_to_employ": "true", "graduates": "true", "sort": "salary"}
    assert result_ids(api_client.get(LIST, params)) == [wanted.pk]
    assert result_ids(api_client.get(LIST, {**params, "graduates": "false"})) == [wanted.pk]
    assert result_ids(api_client.get(LIST, {**params, "working_time": "part_time"})) == []


def test_next_and_previous_are_links_with_the_same_filters(api_client, make):  # noqa: F811
    made = [make(title="电焊工", published_at=timezone.now() - datetime.timedelta(minutes=i)) for i in range(5)]
    first = api_client.get(LIST, {"q": "焊工", "sort": "newest", "page_size": 2}).json()
    assert [r["id"] for r in first["results"]] == [made[0].pk, made[1].pk]
    assert first["previous"] is None and "q=%E7%84%8A%E5%B7%A5" in first["next"] and "page=2" in first["next"]
    second = api_client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [made[2].pk, made[3].pk]
    back = api_client.get(second["previous"]).json()
    assert back["results"] == first["results"]
    last = api_client.get(second["next"]).json()
    assert [r["id"] for r in last["results"]] == [made[4].pk] and last["next"] is None


def test_facets_and_the_total_describe_the_filtered_set(api_client, make, tree):  # noqa: F811
    make(title="电焊工", area=tree.c1, education="none")
    make(title="电焊工", area=tree.c3, education="bachelor")
    body = api_client.get(LIST, {"q": "焊工"}).json()
    assert body["total"] == 2
    assert {f["value"]: f["count"] for f in body["facets"]["district"]} == {tree.d1.code: 1, tree.d2.code: 1}
    assert {f["value"]: f["count"] for f in body["facets"]["education"]} == {"none": 1, "bachelor": 1}
    # A facet's value is the parameter that selects it.
    narrowed = api_client.get(LIST, {"q": "焊工", "area": body["facets"]["district"][0]["value"]}).json()
    assert narrowed["total"] == 1


def test_the_unfiltered_listing_has_no_total_and_facets_without_counts(api_client, make):  # noqa: F811
    make()
    body = api_client.get(LIST).json()
    assert body["total"] is None and body["total_is_estimate"] is False
    assert {f["count"] for f in body["facets"]["district"]} == {None}


def test_an_empty_result_comes_with_suggestions(api_client, make, tree):  # noqa: F811
    make(title="电焊工", area=tree.c3)
    body = api_client.get(LIST, {"q": "焊工", "area": tree.d1.code, "education": "none"}).json()
    assert body["results"] == [] and body["total"] == 0
    assert body["suggestions"] == [{"filter": "area", "label": body["suggestions"][0]["label"], "count": 1,
                                    "count_is_capped": False}]


@pytest.mark.parametrize("params, field, code", [
    ({"salary_min": 8000, "salary_max": 5000}, "salary_max", "salary_range"),
    ({"q": "焊" * 101}, "q", "max_length"),
    ({"area": "420199999999"}, "area", "unknown"),
    ({"occupation": "9-99"}, "occupation", "invalid_choice"),
    ({"industry": "Z"}, "industry", "invalid_choice"),
    ({"education": "phd"}, "education", "invalid_choice"),
    ({"sort": "random"}, "sort", "invalid_choice"),
    ({"salary_min": -1}, "salary_min", "min_value"),
    ({"salary_min": "lots"}, "salary_min", "invalid"),
    ({"page": 101}, "page", "max_value"),
    ({"page": 0}, "page", "min_value"),
    ({"page_size": 51}, "page_size", "max_value"),
])
def test_bad_parameters_answer_400_in_the_one_error_format(api_client, params, field, code):
    response = api_client.get(LIST, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert [e["code"] for e in error["fields"][field]] == [code]
    assert error["fields"][field][0]["message"]


def test_an_oversized_keyword_is_refused_with_a_clear_message(api_client):
    response = api_client.get(LIST, {"q": "焊" * 101}, HTTP_COOKIE="django_language=en")
    message = response.json()["error"]["fields"]["q"][0]["message"]
    assert "100" in message and "101" in message


def test_the_detail_shows_a_public_vacancy(api_client, make, tree):  # noqa: F811
    vacancy = make(title="电焊工", area=tree.c1, description="<script>x</script>\n持证上岗", benefits="五险一金")
    body = api_client.get(detail(vacancy.pk)).json()
    assert body["id"] == vacancy.pk and body["description"] == "<script>x</script>\n持证上岗"
    assert [a["code"] for a in body["areas"]] == [tree.d1.code, tree.s1.code, tree.c1.code]
    assert body["industry"]["code"] == vacancy.industry_id and body["benefits"] == "五险一金"
    assert body["area"]["district"] == tree.d1.name


def test_the_detail_of_a_vacancy_that_is_not_public_is_not_found(api_client, make, tree):  # noqa: F811
    pending = make(status=VacancyStatus.PENDING, published_at=None)
    expired = make(closing_date=timezone.localdate() - datetime.timedelta(days=1))
    owner = APIClient()
    owner.force_authenticate(pending.employer.account)
    clerk = APIClient()
    clerk.force_authenticate(make_staff(StaffRole.CLERK, tree.d2))
    for client in (api_client, owner, clerk):
        for vacancy in (pending, expired):
            response = client.get(detail(vacancy.pk))
            assert response.status_code == 404
            assert response.json()["error"]["status"] == 404


def test_the_list_query_count_does_not_grow_with_data_or_page_size(api_client, make, tree,  # noqa: F811
                                                                 django_assert_num_queries):
    for _ in range(3):
        make(title="电焊工", area=tree.c1)
    params = {"q": "焊工", "area": tree.d1.code, "page_size": 2}
    api_client.get(LIST, params)  # reference tables and the area are read once per process
    api_client.get(LIST, {"page_size": 2})
    with CaptureQueriesContext(connection) as small:
        api_client.get(LIST, params)
    with CaptureQueriesContext(connection) as small_unfiltered:
        api_client.get(LIST, {"page_size": 2})
    for i in range(40):
        make(title="电焊工", area=tree.c1, employer=EmployerFactory(area=tree.c1, name=f"武汉第{i}建筑公司"))
    with django_assert_num_queries(len(small)):
        body = api_client.get(LIST, {**params, "page_size": 50}).json()
    assert len(body["results"]) == 43 and body["total"] == 43
    with django_assert_num_queries(len(small_unfiltered)):
        assert len(api_client.get(LIST, {"page_size": 10}).json()["results"]) == 10
    assert not any("COUNT(" in q["sql"].upper() for q in small_unfiltered.captured_queries)


def test_both_endpoints_are_in_the_openapi_schema(api_client):
    response = api_client.get(reverse("api:schema"))
    schema = yaml.safe_load(response.content)
    listing = schema["paths"]["/api/jobs/vacancies/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"q", "area", "occupation", "industry", "salary_min", "salary_max", "education", "working_time",
            "posted_within", "public_welfare", "hard_to_employ", "graduates", "sort", "page", "page_size"} <= names
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/VacancySearchResponse"}
    assert "400" in listing["responses"]
    one = schema["paths"]["/api/jobs/vacancies/{id}/"]["get"]
    assert one["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/VacancyDetail"}
    assert set(schema["components"]["schemas"]["VacancySearchResponse"]["properties"]) == {
        "results", "next", "previous", "total", "total_is_estimate", "facets", "suggestions"}


def test_facet_labels_follow_the_language_of_each_request(api_client, make, tree):  # noqa: F811
    make(title="电焊工", education="junior_middle")
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # English, as chosen on the site
    english = api_client.get(LIST, {"q": "焊工"}).json()
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = api_client.get(LIST, {"q": "焊工"}).json()
    assert [f["label"] for f in english["facets"]["education"]] == ["Junior middle school"]
    assert [f["label"] for f in chinese["facets"]["education"]] == ["初中"]
