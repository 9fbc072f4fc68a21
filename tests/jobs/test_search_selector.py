"""The public vacancy search selector on PostgreSQL: keywords, filters, order, facets, pages,
suggestions, the simple (SQLite) path, and the database pieces (trigger, GIN index, UTF-8)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from jobs.constants import VacancyStatus
from jobs.models import Vacancy
from jobs.search import vacancy_search_text
from jobs.selectors import search as search_selectors
from jobs.selectors.search import (
    SearchFilters,
    _matching,
    _PgSearch,
    vacancy_public_detail,
    vacancy_search,
    vacancy_search_page_sql,
)
from portal.models import Area
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_reference_memo")]




@pytest.fixture
def employer(tree):
    return EmployerFactory(area=tree.c1, name="江城人力示范公司")


@pytest.fixture
def make(employer):
    """A published vacancy with a neutral description unless told otherwise."""
    def make(title="普通岗位", description="负责日常工作。", **fields):
        fields.setdefault("employer", employer)
        fields.setdefault("area", fields["employer"].area)
        return VacancyFactory(title=title, description=description, **fields)
    return make


def search(**filters):
    page = filters.pop("page", 1)
    page_size = filters.pop("page_size", 20)
    full_text = filters.pop("full_text", None)
    return vacancy_search(fetched_by=None, filters=SearchFilters(**filters), page=page, page_size=page_size,
                          full_text=full_text)


def ids(result) -> list[int]:
    return [v.pk for v in result.vacancies]


# --- Keywords -----------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword, title", [("焊工", "电焊工"), ("会计", "财务会计"), ("司机", "货车司机"),
                                            ("保安", "小区保安员")])
def test_a_two_character_word_is_found_inside_a_longer_title(make, keyword, title):
    wanted = make(title=title)
    for other in ("电焊工", "财务会计", "货车司机", "小区保安员", "收银员"):
        if other != title:
            make(title=other)
    assert ids(search(q=keyword)) == [wanted.pk]


def test_a_keyword_is_found_in_the_employer_name_and_in_the_description(make, tree):
    by_employer = make(title="普工", employer=EmployerFactory(area=tree.c1, name="武汉焊工技术有限公司"))
    by_description = make(title="学徒", description="跟师傅学习焊工技术，包吃住。")
    make(title="收银员")
    assert set(ids(search(q="焊工"))) == {by_employer.pk, by_description.pk}


def test_a_longer_keyword_must_appear_as_one_run_of_characters(make):
    whole = make(title="电焊工")
    make(title="电焊，工人")  # 电焊 and 工人, but no 焊工 across the comma
    make(title="焊工电")  # the characters, in another order
    assert ids(search(q="电焊工")) == [whole.pk]


def test_several_keywords_must_all_match(make):
    both = make(title="夜班保安", description="小区门岗，包吃住。")
    make(title="夜班保安", description="商场巡逻。")
    make(title="仓库管理", description="包吃住。")
    assert ids(search(q="保安 包吃住")) == [both.pk]


def test_latin_words_match_as_whole_words_in_any_case(make):
    java = make(title="Java开发工程师")
    make(title="JavaScript前端工程师")
    cpp = make(title="C++工程师")
    make(title="C语言工程师")
    assert ids(search(q="java")) == [java.pk]
    assert ids(search(q="C++")) == [cpp.pk]


def test_only_published_vacancies_not_past_their_closing_date_are_found(make):
    today = timezone.localdate()
    public = make(title="电焊工", closing_date=today)
    make(title="电焊工", status=VacancyStatus.PENDING, published_at=None)
    make(title="电焊工", status=VacancyStatus.RETURNED, published_at=None, return_reason="资料不全")
    make(title="电焊工", status=VacancyStatus.CLOSED, close_reason="filled")
    make(title="电焊工", closing_date=today - datetime.timedelta(days=1))
    assert ids(search(q="焊工")) == [public.pk]
    assert ids(search()) == [public.pk]
    assert ids(search(q="焊工", full_text=False)) == [public.pk]


# --- Filters ------------------------------------------------------------------------------------


def test_an_area_filter_takes_the_whole_subtree_of_any_node(make, tree):
    in_c1 = make(area=tree.c1)
    in_c2 = make(area=tree.c2)
    community_of_s2 = Area.objects.filter(parent=tree.s2).order_by("code").first()
    in_s2 = make(area=community_of_s2)
    in_d2 = make(area=tree.c3)
    assert set(ids(search(area=tree.d1))) == {in_c1.pk, in_c2.pk, in_s2.pk}
    assert set(ids(search(area=tree.s1))) == {in_c1.pk, in_c2.pk}
    assert ids(search(area=tree.c2)) == [in_c2.pk]
    assert ids(search(area=tree.d2)) == [in_d2.pk]
    assert set(ids(search(area=tree.city))) == {in_c1.pk, in_c2.pk, in_s2.pk, in_d2.pk}


def test_an_occupation_filter_takes_a_major_group_or_one_middle_group(make):
    welder = make(occupation_id="6-18")
    builder = make(occupation_id="6-29")
    driver = make(occupation_id="4-02")
    assert set(ids(search(occupation="6"))) == {welder.pk, builder.pk}
    assert ids(search(occupation="6-29")) == [builder.pk]
    assert ids(search(occupation="4")) == [driver.pk]


def test_an_industry_filter(make):
    building = make(industry_id="E")
    make(industry_id="C")
    assert ids(search(industry="E")) == [building.pk]


@pytest.mark.parametrize("asked, found", [
    ({"salary_min": 6000}, {"4000-6000", "5000-9000", "7000-8000"}),
    ({"salary_min": 6001}, {"5000-9000", "7000-8000"}),
    ({"salary_max": 4500}, {"3000-3500", "4000-6000"}),
    ({"salary_min": 5500, "salary_max": 6500}, {"4000-6000", "5000-9000"}),
    ({"salary_min": 3600, "salary_max": 3900}, set()),
])
def test_a_salary_filter_keeps_vacancies_whose_range_overlaps_the_range_asked(make, asked, found):
    made = {}
    for low, high in ((3000, 3500), (4000, 6000), (5000, 9000), (7000, 8000)):
        made[make(salary_min=low, salary_max=high).pk] = f"{low}-{high}"
    assert {made[pk] for pk in ids(search(**asked))} == found


def test_education_and_working_time_filters(make):
    bachelor_part_time = make(education="bachelor", working_time="part_time")
    make(education="bachelor", working_time="full_time")
    make(education="none", working_time="part_time")
    assert ids(search(education="bachelor", working_time="part_time")) == [bachelor_part_time.pk]


def test_posted_within_keeps_vacancies_published_in_the_last_days(make):
    now = timezone.now()
    fresh = make(published_at=now - datetime.timedelta(hours=20))
    week = make(published_at=now - datetime.timedelta(days=5))
    make(published_at=now - datetime.timedelta(days=20))
    assert ids(search(posted_within=1)) == [fresh.pk]
    assert set(ids(search(posted_within=7))) == {fresh.pk, week.pk}


@pytest.mark.parametrize("flag, field", [("public_welfare", "is_public_welfare"),
                                         ("hard_to_employ", "open_to_hard_to_employ"),
                                         ("graduates", "for_graduates")])
def test_each_flag_filter_keeps_only_flagged_vacancies(make, flag, field):
    flagged = make(**{field: True})
    make()
    assert ids(search(**{flag: True})) == [flagged.pk]


# --- Order --------------------------------------------------------------------------------------


def test_relevance_puts_the_vacancy_that_says_the_keyword_more_first(make):
    now = timezone.now()
    once = make(title="普工", description="有焊工证优先。", published_at=now)
    often = make(title="电焊工", description="招聘焊工，焊工证齐全，熟练焊工。",
                 published_at=now - datetime.timedelta(days=3))
    result = search(q="焊工")
    assert result.sort == "relevance"
    assert ids(result) == [often.pk, once.pk]


def test_without_keywords_the_newest_come_first_even_when_relevance_is_asked(make):
    now = timezone.now()
    old = make(published_at=now - datetime.timedelta(days=2))
    new = make(published_at=now)
    assert ids(search()) == [new.pk, old.pk]
    result = search(sort="relevance")
    assert result.sort == "newest" and ids(result) == [new.pk, old.pk]


def test_salary_order_puts_the_highest_maximum_first(make):
    low = make(salary_min=3000, salary_max=4000)
    high = make(salary_min=3000, salary_max=9000)
    middle = make(salary_min=5000, salary_max=6000)
    assert ids(search(sort="salary")) == [high.pk, middle.pk, low.pk]
    assert ids(search(sort="salary", full_text=False)) == [high.pk, middle.pk, low.pk]


# --- Facets, totals, suggestions, pages ------------------------------------------------------------


def test_facets_count_districts_occupation_groups_and_education_of_the_filtered_set(make, tree):
    make(title="电焊工", area=tree.c1, occupation_id="6-18", education="none")
    make(title="电焊工", area=tree.c2, occupation_id="6-18", education="junior_middle")
    make(title="电焊工", area=tree.c3, occupation_id="4-02", education="none")
    make(title="收银员", area=tree.c3, occupation_id="4-01", education="none")  # not matched
    result = search(q="焊工")
    assert result.total == 3 and not result.total_is_estimate
    districts = {f.value: f.count for f in result.facets["district"]}
    assert districts == {tree.d1.code: 2, tree.d2.code: 1}
    assert [f.label for f in result.facets["district"]] == [tree.d1.name, tree.d2.name]  # most first
    assert {f.value: f.count for f in result.facets["occupation"]} == {"6": 2, "4": 1}
    assert {f.value: f.count for f in result.facets["education"]} == {"none": 2, "junior_middle": 1}

    narrowed = search(q="焊工", area=tree.d1, education="none")
    assert narrowed.total == 1
    assert [(f.value, f.selected) for f in narrowed.facets["district"]] == [(tree.d1.code, True)]
    assert [(f.value, f.selected) for f in narrowed.facets["education"]] == [("none", True)]


def test_the_unfiltered_listing_is_not_counted_and_lists_facet_values_without_counts(make, tree):
    make()
    result = search()
    assert result.total is None and not result.total_is_estimate
    districts = result.facets["district"]
    assert len(districts) == 13 and all(f.count is None for f in districts)
    assert tree.d1.code in {f.value for f in districts}
    assert len(result.facets["occupation"]) == 8 and len(result.facets["education"]) == 8


def test_an_unfiltered_page_runs_no_count_at_all(make):
    for _ in range(3):
        make()
    search()  # reference tables read once
    with CaptureQueriesContext(connection) as queries:
        result = search(page_size=2)
    assert len(result.vacancies) == 2 and result.has_next
    assert queries.captured_queries and not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_beyond_the_cap_the_total_is_a_lower_bound_and_facets_are_not_counted(make, monkeypatch):
    monkeypatch.setattr(search_selectors, "FACET_CAP", 2)
    for _ in range(3):
        make(title="电焊工")
    result = search(q="焊工")
    assert (result.total, result.total_is_estimate) == (2, True)
    assert all(f.count is None for f in result.facets["district"])
    two = search(q="焊工", page_size=2)
    assert two.has_next and len(two.vacancies) == 2


def test_pages_know_whether_a_next_page_exists(make):
    made = [make(title="电焊工", published_at=timezone.now() - datetime.timedelta(minutes=i)) for i in range(5)]
    first = search(q="焊工", sort="newest", page_size=2)
    second = search(q="焊工", sort="newest", page_size=2, page=2)
    third = search(q="焊工", sort="newest", page_size=2, page=3)
    assert ids(first) == [made[0].pk, made[1].pk] and first.has_next and not first.has_previous
    assert ids(second) == [made[2].pk, made[3].pk] and second.has_next and second.has_previous
    assert ids(third) == [made[4].pk] and not third.has_next
    assert (third.start_index, third.end_index, third.total) == (5, 5, 5)


def test_an_empty_result_says_which_filter_to_relax_and_how_many_it_would_find(make, tree):
    make(title="电焊工", area=tree.c3, education="none")
    make(title="电焊工", area=tree.c3, education="none")
    make(title="电焊工", area=tree.c1, education="bachelor")
    result = search(q="焊工", area=tree.d1, education="none")
    assert result.vacancies == [] and result.total == 0
    assert [(s.filter, s.count) for s in result.suggestions] == [("area", 2), ("education", 1)]
    assert not any(s.count_is_capped for s in result.suggestions)


def test_no_suggestions_are_computed_when_something_matches(make):
    make(title="电焊工")
    with CaptureQueriesContext(connection) as queries:
        result = search(q="焊工", education="none")
    assert result.suggestions == [] and len(queries.captured_queries) <= 4


# --- The simple path and the hand-written SQL agree ------------------------------------------------


QUERIES = ["焊工", "电焊工", "焊", "会计", "财务会计", "java", "C++", "c#", "保安 包吃住", "示范", "五险一金", "电焊，工",
           "5000", "不存在的词"]


def test_the_simple_path_finds_the_same_vacancies_as_full_text(make, tree):
    other = EmployerFactory(area=tree.c3, name="武汉示范焊工有限公司")
    make(title="电焊工", description="持证上岗，五险一金。")
    make(title="焊工电", description="月薪5000元。")
    make(title="财务会计", description="熟悉Java和C++的财务系统。")
    make(title="会计助理", description="熟悉JavaScript。")
    make(title="小区保安", description="包吃住")
    make(title="保安", description="不包吃住，C#")
    make(title="电焊", description="工人")
    make(title="收银员", employer=other)
    make(title="司机", description="五险 一金")
    for q in QUERIES:
        full = search(q=q, page_size=50)
        simple = search(q=q, page_size=50, full_text=False)
        assert sorted(ids(full)) == sorted(ids(simple)), q
        assert full.total == simple.total, q


FILTER_SETS = [
    {"q": "焊工"}, {"occupation": "6"}, {"occupation": "6-18"}, {"industry": "C"}, {"salary_min": 5000},
    {"salary_max": 4500}, {"education": "none"}, {"working_time": "shifts"}, {"posted_within": 3},
    {"public_welfare": True}, {"hard_to_employ": True}, {"graduates": True},
    {"q": "焊工 持证", "occupation": "6", "salary_min": 3000, "salary_max": 9000, "education": "none"},
]


@pytest.mark.parametrize("asked", FILTER_SETS)
def test_the_hand_written_where_clause_matches_the_orm_filters(make, tree, asked):
    now = timezone.now()
    for i, (occupation, education, flag) in enumerate([("6-18", "none", True), ("6-29", "bachelor", False),
                                                       ("4-02", "none", False), ("6-18", "junior_middle", True)]):
        make(title="电焊工" if i % 2 == 0 else "司机", description="持证上岗" if i < 2 else "熟练",
             occupation_id=occupation, education=education, is_public_welfare=flag, for_graduates=not flag,
             open_to_hard_to_employ=flag, working_time="shifts" if flag else "full_time",
             salary_min=3000 + 1000 * i, salary_max=4000 + 1500 * i, industry_id="C" if flag else "E",
             published_at=now - datetime.timedelta(days=2 * i), area=tree.c1 if i < 2 else tree.c3)
    for area in (None, tree.d1):
        filters = SearchFilters(**asked, area=area)
        today = timezone.localdate()
        orm = set(_matching(filters, today=today, now=now, full_text=True).values_list("pk", flat=True))
        sql = _PgSearch(filters, today=today, now=now)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT v.id FROM jobs_vacancy v WHERE {sql.where}", sql.params)
            hand = {row[0] for row in cursor.fetchall()}
        assert hand == orm and orm, (asked, area)


# --- Database pieces -------------------------------------------------------------------------------


def test_the_database_has_a_utf8_character_type():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lc_ctype")
        ctype = cursor.fetchone()[0]
        cursor.execute("SHOW server_encoding")
        encoding = cursor.fetchone()[0]
    assert encoding == "UTF8"
    assert ctype.replace("-", "").lower().endswith("utf8"), ctype


def test_the_trigger_fills_the_vector_on_insert_and_when_the_text_changes(make):
    vacancy = make(title="电焊工")
    vacancy.refresh_from_db()
    assert "'焊工'" in vacancy.search_vector
    vacancy.title = "货车司机"
    vacancy.search_text = vacancy_search_text(title=vacancy.title, employer_name=vacancy.employer.name,
                                              description=vacancy.description)
    vacancy.save()
    assert ids(search(q="司机")) == [vacancy.pk] and ids(search(q="焊工")) == []


def test_keyword_searches_use_the_gin_index_on_a_few_thousand_vacancies(employer, tree):
    titles = ["收银员", "仓库管理员", "快递员", "厨师", "服务员", "营业员", "普工", "保洁员", "前台", "文员"]
    base = VacancyFactory.build(employer=employer, area=tree.c1)
    rows = []
    for i in range(4000):
        title = "电焊工" if i % 200 == 0 else f"{titles[i % len(titles)]}{i}"
        description = f"第{i}号岗位，负责日常工作，按时上下班。"
        rows.append(Vacancy(
            employer=employer, title=title, occupation_id=base.occupation_id, industry_id=base.industry_id,
            area=tree.c1, area_path=tree.c1.path, headcount=1, salary_min=4000, salary_max=6000,
            description=description, contact_name="王", contact_phone="027-1", closing_date=base.closing_date,
            status=VacancyStatus.PUBLISHED, published_at=timezone.now(), posted_by=base.posted_by,
            search_text=vacancy_search_text(title=title, employer_name=employer.name, description=description)))
    Vacancy.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: move the index's pending entries into it, and
        # refresh the planner's statistics.
        cursor.execute("SELECT gin_clean_pending_list('jobs_vacancy_search_gin')")
        cursor.execute("ANALYZE jobs_vacancy")
        sql, params = vacancy_search_page_sql(filters=SearchFilters(q="焊工"))
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        facets_sql, facets_params = _PgSearch(SearchFilters(q="电焊工"), today=timezone.localdate(),
                                              now=timezone.now()).facets_sql(cap=5000)
        cursor.execute(f"EXPLAIN {facets_sql}", facets_params)
        facets_plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "jobs_vacancy_search_gin" in plan, plan
    assert "jobs_vacancy_search_gin" in facets_plan, facets_plan
    assert len(search(q="焊工").vacancies) == 20


def test_the_search_vector_is_kept_in_the_row_and_the_search_text_out_of_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'jobs_vacancy'::regclass "
                       "AND attname IN ('search_vector', 'search_text')")
        storage = dict(cursor.fetchall())
    assert storage == {"search_vector": "m", "search_text": "e"}


# --- The public detail ----------------------------------------------------------------------------


def test_the_public_detail_is_found_only_for_a_public_vacancy(make):
    from django.http import Http404

    public = make(title="电焊工")
    assert vacancy_public_detail(fetched_by=None, pk=public.pk).pk == public.pk
    for hidden in (make(status=VacancyStatus.PENDING, published_at=None),
                   make(closing_date=timezone.localdate() - datetime.timedelta(days=1))):
        with pytest.raises(Http404):
            vacancy_public_detail(fetched_by=None, pk=hidden.pk)


# --- Reference choices and the language of the request -----------------------------------------------


def test_occupation_choices_are_worded_in_the_language_of_each_caller_not_of_the_first():
    """The memo holds the occupations; the "all of the major group" label is worded per call, so an
    English request first does not leave English labels for the Chinese pages (and the other way)."""
    with translation.override("en"):
        english = search_selectors.occupation_choices()
    with translation.override("zh-hans"):
        chinese = search_selectors.occupation_choices()
    with translation.override("en"):
        english_again = search_selectors.occupation_choices()
    group_label, options = english[0]
    major_code, _name = group_label.split(" ", 1)
    assert options[0] == (major_code, f"All of {group_label}")
    assert chinese[0][1][0] == (major_code, f"{group_label}（全部）")
    assert english_again == english
    # Only the wording differs: the same groups, codes and occupation names in both languages.
    assert [(label, [code for code, _ in opts]) for label, opts in english] == \
        [(label, [code for code, _ in opts]) for label, opts in chinese]
    assert english[0][1][1:] == chinese[0][1][1:]


def test_vacancy_review_occupation_choices_follow_the_language_of_each_request():
    from jobs.forms_vacancies import occupation_groups_with_majors
    with translation.override("zh-hans"):
        chinese = occupation_groups_with_majors()
    with translation.override("en"):
        english = occupation_groups_with_majors()
    label = chinese[0][0]
    assert chinese[0][1][0][1] == f"{label}（全部）"
    assert english[0][1][0][1] == f"All of {label}"
