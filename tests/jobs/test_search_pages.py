"""The public search page (/jobs/) and a vacancy's public page (/jobs/vacancies/<pk>/)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.constants import VacancyStatus
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory
from tests.jobs.test_search_selector import employer, make  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_reference_memo")]

SEARCH = reverse("jobs:search")


def detail_url(vacancy) -> str:
    return reverse("jobs:vacancy-detail", kwargs={"pk": vacancy.pk})


def result_ids(response) -> list[int]:
    return [v.pk for v in response.context["result"].vacancies]


@pytest.fixture
def visitors(tree, job_seeker, employer):  # noqa: F811
    """Anyone may search: nobody, a job seeker, an employer, a clerk of another district."""
    clerk = make_staff(StaffRole.CLERK, tree.d2)
    clients = {"anonymous": Client()}
    for name, user in (("job seeker", job_seeker), ("employer", employer.account), ("other clerk", clerk)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_anyone_can_search_and_sees_public_vacancies_only(client, make, visitors):  # noqa: F811
    public = make(title="电焊工")
    make(title="电焊工（待审）", status=VacancyStatus.PENDING, published_at=None)
    for name, visitor in visitors.items():
        response = visitor.get(SEARCH, {"q": "焊工"})
        assert response.status_code == 200, name
        assert result_ids(response) == [public.pk], name
        page = response.content.decode()
        assert "电焊工" in page and "待审" not in page
        assert f'href="{detail_url(public)}"' in page


def test_the_page_shows_title_employer_area_salary_tags_and_date(client, make, tree):  # noqa: F811
    vacancy = make(title="货车司机", salary_min=5000, salary_max=8000, for_graduates=True, area=tree.c1)
    page = client.get(SEARCH).content.decode()
    assert "货车司机" in page and vacancy.employer.name in page
    assert tree.d1.name in page and tree.c1.name in page
    assert "5000–8000" in page
    assert vacancy.published_at.astimezone().strftime("%Y-%m-%d") in page or timezone.localdate().isoformat() in page
    assert 'class="badge flag"' in page


def test_a_keyword_with_a_district_narrows_the_results_and_keeps_the_choice(client, make, tree):  # noqa: F811
    in_d1 = make(title="电焊工", area=tree.c1)
    make(title="电焊工", area=tree.c3)
    response = client.get(SEARCH, {"q": "焊工", "area_district": tree.d1.code})
    assert result_ids(response) == [in_d1.pk]
    page = response.content.decode()
    assert 'value="焊工"' in page
    assert re.search(rf'<option value="{tree.d1.code}" selected>', page)


def test_facets_are_links_that_add_their_filter(client, make, tree):  # noqa: F811
    in_d1 = make(title="电焊工", area=tree.c1)
    make(title="电焊工", area=tree.c3)
    response = client.get(SEARCH, {"q": "焊工"})
    facets = {g["name"]: g["values"] for g in response.context["facet_groups"]}
    d1 = next(v for v in facets["district"] if v.value == tree.d1.code)
    assert d1.count == 1 and f'href="{d1.url.replace("&", "&amp;")}"' in response.content.decode()
    followed = client.get(SEARCH + d1.url)
    assert result_ids(followed) == [in_d1.pk]
    assert followed.context["result"].filters.area == tree.d1


def test_next_and_previous_links_page_through_without_counting_everything(client, make):  # noqa: F811
    made = [make(published_at=timezone.now() - datetime.timedelta(minutes=i)) for i in range(5)]
    first = client.get(SEARCH, {"page_size": 2})
    assert result_ids(first) == [made[0].pk, made[1].pk]
    assert first.context["previous_url"] == "" and first.context["next_url"]
    second = client.get(SEARCH + first.context["next_url"])
    assert result_ids(second) == [made[2].pk, made[3].pk]
    back = client.get(SEARCH + second.context["previous_url"])
    assert result_ids(back) == result_ids(first)
    assert 'rel="next"' in second.content.decode() and 'rel="prev"' in second.content.decode()


def test_an_empty_result_suggests_which_filter_to_drop_with_a_link(client, make, tree):  # noqa: F811
    make(title="电焊工", area=tree.c3)
    make(title="电焊工", area=tree.c3)
    response = client.get(SEARCH, {"q": "焊工", "area_district": tree.d1.code})
    assert result_ids(response) == []
    suggestion = response.context["result"].suggestions[0]
    assert (suggestion.filter, suggestion.count) == ("area", 2)
    page = response.content.decode()
    assert 'id="no-results"' in page and suggestion.url.replace("&", "&amp;") in page
    assert len(result_ids(client.get(SEARCH + suggestion.url))) == 2


@pytest.mark.parametrize("params, field, words", [
    ({"salary_min": "8000", "salary_max": "5000"}, "salary_max", "lowest"),
    ({"q": "焊" * 101}, "q", "100"),
    ({"occupation": "9-99"}, "occupation", "9-99"),
    ({"area": "420199999999"}, "area", ""),
    ({"salary_min": "abc"}, "salary_min", ""),
    ({"page": "101"}, "page", "100"),
])
def test_bad_input_is_refused_next_to_its_field_and_what_was_typed_is_kept(client, params, field, words, settings):
    settings.LANGUAGE_CODE = "en"
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert response.context["result"] is None
    form = response.context["form"]
    assert field in form.errors
    assert words in " ".join(form.errors[field])
    page = response.content.decode()
    assert 'id="form-errors"' in page
    if field in ("q", "salary_min", "salary_max"):
        assert f'id="id_{field}_error"' in page
        assert f'value="{params[field]}"' in page


def test_html_typed_into_a_title_is_shown_as_text(client, make):  # noqa: F811
    make(title="<script>alert(1)</script>电焊工")
    page = client.get(SEARCH, {"q": "焊工"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;电焊工" in page


def test_the_search_page_query_count_does_not_grow_with_data_or_page_size(client, make, tree,  # noqa: F811
                                                                        django_assert_num_queries):
    for i in range(3):
        make(title="电焊工", area=tree.c1 if i % 2 else tree.c3)
    params = {"q": "焊工", "area_district": tree.d1.code, "page_size": "2"}
    client.get(SEARCH, params)  # reference tables read once per process
    client.get(SEARCH, {"page_size": "2"})
    with CaptureQueriesContext(connection) as small:
        client.get(SEARCH, params)
    with CaptureQueriesContext(connection) as small_unfiltered:
        client.get(SEARCH, {"page_size": "2"})
    for i in range(40):
        make(title="电焊工" if i % 2 else "货车司机", area=tree.c1 if i % 3 else tree.c3,
             employer=EmployerFactory(area=tree.c1))
    with django_assert_num_queries(len(small)):
        response = client.get(SEARCH, {**params, "page_size": "20"})
    assert len(result_ids(response)) == 14
    with django_assert_num_queries(len(small_unfiltered)):
        response = client.get(SEARCH, {"page_size": "50"})
    assert len(result_ids(response)) == 43


def test_the_unfiltered_search_page_runs_no_count(client, make):  # noqa: F811
    for _ in range(3):
        make()
    client.get(SEARCH)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH)
    assert len(result_ids(response)) == 3
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_the_search_page_is_phone_ready_and_labelled(client, make):  # noqa: F811
    make()
    page = client.get(SEARCH).content.decode()
    assert 'name="viewport"' in page and "jobs/css/search.css" in page
    assert '<label for="id_q">' in page and 'role="search"' in page
    assert "<table" not in page  # results are cards, nothing to scroll sideways


# --- The vacancy's public page ----------------------------------------------------------------------


def test_the_public_page_shows_the_vacancy_and_its_description_as_text(client, make, tree):  # noqa: F811
    vacancy = make(title="电焊工", area=tree.c1, benefits="五险一金",
                   description="岗位职责：\n1. 焊接<script>alert('x')</script>\n2. <b>持证</b>上岗")
    response = client.get(detail_url(vacancy))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(" not in page and "<b>持证</b>" not in page
    assert "焊接&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>2. &lt;b&gt;持证&lt;/b&gt;上岗" in page
    assert "岗位职责：<br>1." in page
    for text in (vacancy.employer.name, tree.d1.name, tree.s1.name, tree.c1.name, "五险一金", vacancy.contact_phone):
        assert text in page
    assert 'class="apply-box"' in page


def test_a_vacancy_that_is_not_public_is_not_found_for_anyone(make, visitors):  # noqa: F811
    today = timezone.localdate()
    hidden = [
        make(status=VacancyStatus.PENDING, published_at=None),
        make(status=VacancyStatus.RETURNED, published_at=None, return_reason="资料不全"),
        make(status=VacancyStatus.CLOSED, close_reason="filled"),
        make(closing_date=today - datetime.timedelta(days=1)),
    ]
    for name, visitor in visitors.items():
        for vacancy in hidden:
            assert visitor.get(detail_url(vacancy)).status_code == 404, (name, vacancy.status)
    assert visitors["anonymous"].get(reverse("jobs:vacancy-detail", kwargs={"pk": 999999})).status_code == 404


def test_the_vacancy_page_reads_a_fixed_number_of_queries(client, make, django_assert_num_queries):  # noqa: F811
    vacancy = make()
    client.get(detail_url(vacancy))
    with CaptureQueriesContext(connection) as first:
        client.get(detail_url(vacancy))
    other = make(description="很长的描述。" * 500)
    with django_assert_num_queries(len(first)):
        assert client.get(detail_url(other)).status_code == 200


def test_errors_are_summed_up_at_the_top_with_a_link_to_each_field(client, tree):
    """On a phone the summary is what a person sees first: each field's error links to the field; the
    page number, a hidden field, says what is wrong in words (nothing below could be marked)."""
    page = client.get(reverse("jobs:search"), {"page": "99999"}).content.decode()
    summary = re.search(r'<div class="form-errors" role="alert" id="form-errors">(.*?)</div>', page, re.S).group(1)
    assert "最多只显示前" in summary and "<a href" not in summary
    page = client.get(reverse("jobs:search"), {"salary_min": "abc"}).content.decode()
    summary = re.search(r'<div class="form-errors" role="alert" id="form-errors">(.*?)</div>', page, re.S).group(1)
    assert re.search(r'<a href="#id_salary_min">[^<]+：[^<]+</a>', summary), summary
    assert 'id="id_salary_min"' in page
