"""Public vacancy search: keyword, filters, order, facet counts, pages and what to relax.

Only ``Vacancy.objects.public()`` is searched: published and not past the closing date.

On PostgreSQL a keyword becomes a ``tsquery`` over ``search_vector`` (GIN index; see
jobs/search.py for how text and queries are cut). The search runs as a few hand-written statements
sharing one WHERE clause (the page's ids then its rows, the grouped facet counts): on a search
that takes a few milliseconds, building ORM queries would cost as much as the database's work.
``_matching`` states the same filters with the ORM (for SQLite and the FilterSet); a test holds
the two equal.

On SQLite, the embedded default, every run of a keyword is looked up with ``icontains`` in the
title, the employer's name and the description (a Latin word as a whole word, as the index
cuts it), which finds the same vacancies; the ORM does all the work there.

Pages never count a large set: a page reads ``page_size + 1`` rows to know whether there is a
next one. Facet counts (district, occupation major group, education) and the total come from one
grouped query over at most ``FACET_CAP + 1`` matches, and only when a keyword or a filter
narrows the set: beyond the cap the total reads "5000+" and facets are listed without counts,
as on the unfiltered listing. When nothing matches, each active filter is tried away to say
which one to relax.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import VacancyStatus, WorkingTime
from jobs.models import Vacancy
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.reference.education import Education
from portal.reference.models import Industry, Occupation
from portal.textsearch import QueryRun, fallback_condition, query_runs, tsquery_text

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_SALARY = "salary"
SORTS = [SORT_RELEVANCE, SORT_NEWEST, SORT_SALARY]

PAGE_SIZE = 20
PAGE_SIZE_MAX = 50
PAGE_MAX = 100  # deeper pages ask the reader to narrow the search
# Totals, facet counts and suggestion counts stop counting here ("5000+"): beyond it counting
# costs more than the page itself.
FACET_CAP = 5000
DISTRICT_PATH_WIDTH = 6

FACET_DISTRICT, FACET_OCCUPATION, FACET_EDUCATION = "district", "occupation", "education"


# --- What is asked and what is answered ---------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """What the searcher asked for; empty values are not applied."""

    q: str = ""
    area: Area | None = None
    occupation: str = ""  # a major group (``6``) or a middle group (``6-18``)
    industry: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    education: str = ""
    working_time: str = ""
    posted_within: int | None = None  # days
    public_welfare: bool = False
    hard_to_employ: bool = False
    graduates: bool = False
    sort: str = ""

    # The filters a searcher can relax, in this order; "salary" is salary_min and salary_max.
    RELAXABLE = ("q", "area", "occupation", "industry", "salary", "education", "working_time", "posted_within",
                 "public_welfare", "hard_to_employ", "graduates")

    @cached_property
    def runs(self) -> list[QueryRun]:
        return query_runs(self.q)

    def is_active(self, name: str) -> bool:
        if name == "q":
            return bool(self.runs)
        if name == "salary":
            return self.salary_min is not None or self.salary_max is not None
        return bool(getattr(self, name))

    def active(self) -> list[str]:
        return [name for name in self.RELAXABLE if self.is_active(name)]

    def without(self, name: str) -> SearchFilters:
        if name == "salary":
            return dataclasses.replace(self, salary_min=None, salary_max=None)
        default = {f.name: f.default for f in dataclasses.fields(self)}[name]
        return dataclasses.replace(self, **{name: default})

    @property
    def effective_sort(self) -> str:
        """Relevance needs keywords; without them (or when nothing is asked) the newest come first."""
        if self.sort in (SORT_NEWEST, SORT_SALARY):
            return self.sort
        return SORT_RELEVANCE if self.runs else SORT_NEWEST


@dataclass(frozen=True)
class AreaRef:
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class EmployerRef:
    pk: int
    name: str

    @property
    def id(self) -> int:
        return self.pk


@dataclass(frozen=True)
class OccupationRef:
    code: str
    name: str


@dataclass
class VacancyHit:
    """A vacancy as a result list shows it (no description: lists do not read the long text)."""

    pk: int
    title: str
    salary_min: int
    salary_max: int
    education: str
    working_time: str
    experience_years: int
    headcount: int
    is_public_welfare: bool
    open_to_hard_to_employ: bool
    for_graduates: bool
    published_at: datetime.datetime | None
    closing_date: datetime.date
    area_path: str
    employer: EmployerRef
    area: AreaRef
    occupation: OccupationRef
    district_name: str = ""

    @property
    def id(self) -> int:
        return self.pk

    # Plain dict look-ups: a result page asks for these on every row, and building the enum
    # member (and ``Choices.values``) each time costs more than the rest of the row.
    def get_education_display(self) -> str:
        return str(EDUCATION_LABELS.get(self.education, self.education))

    def get_working_time_display(self) -> str:
        return str(WORKING_TIME_LABELS.get(self.working_time, self.working_time))

    @property
    def published_on(self) -> str:
        """The local day of publication as the result list shows it (``Y-m-d``), without the date
        filter's general machinery."""
        return timezone.localdate(self.published_at).isoformat() if self.published_at else ""

    def __str__(self) -> str:
        return self.title


EDUCATION_LABELS = dict(Education.choices)
WORKING_TIME_LABELS = dict(WorkingTime.choices)

# The columns a hit is made of, in VacancyHit's order (employer, area and occupation joined).
HIT_COLUMNS = [
    "id", "title", "salary_min", "salary_max", "education", "working_time", "experience_years", "headcount",
    "is_public_welfare", "open_to_hard_to_employ", "for_graduates", "published_at", "closing_date", "area_path",
]
HIT_RELATED = ["employer__id", "employer__name", "area__code", "area__name", "area__level", "occupation__code",
               "occupation__name"]


def _hit(row) -> VacancyHit:
    n = len(HIT_COLUMNS)
    own, (employer_id, employer_name, area_code, area_name, area_level, occupation_code, occupation_name) = (
        row[:n], row[n:])
    return VacancyHit(*own, employer=EmployerRef(employer_id, employer_name),
                      area=AreaRef(area_code, area_name, area_level),
                      occupation=OccupationRef(occupation_code, occupation_name))


@dataclass
class FacetValue:
    value: str  # the query parameter value that selects it
    label: str
    count: int | None  # None when not counted
    selected: bool = False


@dataclass
class Suggestion:
    """Without ``filter`` there would be ``count`` results (``count_is_capped``: at least that many)."""

    filter: str
    label: str
    count: int
    count_is_capped: bool = False


@dataclass
class SearchResult:
    filters: SearchFilters
    vacancies: list[VacancyHit]
    page: int
    page_size: int
    has_next: bool
    total: int | None  # None: not counted (the unfiltered listing)
    total_is_estimate: bool  # True: there are more than ``total``
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    sort: str = SORT_NEWEST

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.vacancies else 0

    @property
    def end_index(self) -> int:
        return (self.page - 1) * self.page_size + len(self.vacancies)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


# --- Reference tables --------------------------------------------------------------------------

_REFERENCE_TTL = 600.0  # seconds; reference tables change only with migrations or load_areas
_reference_memo: dict[str, tuple[float, object]] = {}


def _reference(key: str, load):
    """Small reference tables (districts, occupations, industries), read once per process and
    again after ``_REFERENCE_TTL``, so a search does not query them on every request."""
    now = time.monotonic()
    found = _reference_memo.get(key)
    if found is None or now - found[0] > _REFERENCE_TTL:
        found = (now, load())
        _reference_memo[key] = found
    return found[1]


def reference_forget() -> None:
    """Drop the memo (tests that change reference data, and after load_areas in one process)."""
    _reference_memo.clear()


def area_by_code_remembered(*, code: str) -> Area | None:
    """An area by its code, remembered like the other reference tables; an unknown code is not
    remembered (so made-up codes cannot fill the memo)."""
    key = f"area:{code}"
    found = _reference_memo.get(key)
    if found is not None and time.monotonic() - found[0] <= _REFERENCE_TTL:
        return found[1]
    area = Area.objects.filter(code=code).first()
    if area is None:
        _reference_memo.pop(key, None)
        return None
    _reference_memo[key] = (time.monotonic(), area)
    return area


def area_chain_remembered(*, code: str | None) -> list[Area]:
    """The area of ``code`` and its ancestors from the root down (the area picker's chain); empty if
    unknown."""
    area = area_by_code_remembered(code=str(code)) if code else None
    if area is None:
        return []
    return _reference(f"chain:{area.code}", lambda: [*area.ancestors(), area])


def area_children_remembered(*, parent: Area) -> list[Area]:
    return _reference(f"children:{parent.code}", lambda: list(Area.objects.filter(parent=parent).order_by("code")))


def area_first_of_level_remembered(*, level: str) -> Area | None:
    return _reference(f"first:{level}", lambda: Area.objects.filter(level=level).order_by("code").first())


def district_names() -> dict[str, str]:
    """District names by area path (``420102`` → 江岸区)."""
    return _reference("districts", lambda: dict(
        Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").values_list("path", "name")))


def occupation_majors() -> dict[str, str]:
    return _reference("majors", lambda: dict(
        Occupation.objects.filter(parent__isnull=True).order_by("code").values_list("code", "name")))


def occupation_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Occupations for a select, grouped by major group; a major group's own code selects all of it.

    The memo keeps the occupations as they are in the table (codes and names, the same in every
    language); the major group's "all of" label is translated here, on every call, in the language
    of the request asking (a memo of translated labels would serve everyone the first asker's)."""
    choices = []
    for code, name, middles in _occupation_tree():
        everything = _("All of %(code)s %(name)s") % {"code": code, "name": name}
        choices.append((f"{code} {name}", [(code, everything), *middles]))
    return choices


def _occupation_tree() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Major groups in code order, each ``(code, name, [(middle code, "code name"), ...])``."""
    def load():
        groups: dict[str, list[tuple[str, str]]] = {}
        names: dict[str, str] = {}
        for code, name, parent in Occupation.objects.order_by("code").values_list("code", "name", "parent_id"):
            if parent is None:
                names[code] = name
                groups.setdefault(code, [])
            else:
                groups.setdefault(parent, []).append((code, f"{code} {name}"))
        return [(code, names.get(code, ""), groups[code]) for code in sorted(groups)]
    return _reference("occupation-tree", load)


def industry_choices() -> list[tuple[str, str]]:
    return _reference("industries", lambda: [
        (code, f"{code} {name}") for code, name in Industry.objects.order_by("code").values_list("code", "name")])


# --- Which vacancies match -----------------------------------------------------------------------


# Where a keyword is looked for without the index (SQLite): the fields ``search_text`` is made of.
SEARCHED_FIELDS = ("title", "employer__name", "description")


def _tsquery(filters: SearchFilters) -> SearchQuery:
    return SearchQuery(tsquery_text(filters.runs), search_type="raw", config="simple")


def _matching(filters: SearchFilters, *, today: datetime.date, now: datetime.datetime,
              full_text: bool) -> QuerySet[Vacancy]:
    """Public vacancies matching every active filter, unordered."""
    queryset = Vacancy.objects.public(today).order_by()
    runs = filters.runs
    if runs:
        if full_text:
            queryset = queryset.filter(search_vector=_tsquery(filters))
        else:
            for run in runs:
                queryset = queryset.filter(fallback_condition(run, SEARCHED_FIELDS))
    if filters.area is not None:
        queryset = queryset.filter(area_path__startswith=filters.area.path)
    if filters.occupation:
        if "-" in filters.occupation:
            queryset = queryset.filter(occupation_id=filters.occupation)
        else:
            queryset = queryset.filter(Q(occupation_id=filters.occupation)
                                       | Q(occupation__code__startswith=f"{filters.occupation}-"))
    if filters.industry:
        queryset = queryset.filter(industry_id=filters.industry)
    # Salary: the vacancy's range overlaps the range asked for.
    if filters.salary_min is not None:
        queryset = queryset.filter(salary_max__gte=filters.salary_min)
    if filters.salary_max is not None:
        queryset = queryset.filter(salary_min__lte=filters.salary_max)
    if filters.education:
        queryset = queryset.filter(education=filters.education)
    if filters.working_time:
        queryset = queryset.filter(working_time=filters.working_time)
    if filters.posted_within:
        queryset = queryset.filter(published_at__gte=now - datetime.timedelta(days=filters.posted_within))
    if filters.public_welfare:
        queryset = queryset.filter(is_public_welfare=True)
    if filters.hard_to_employ:
        queryset = queryset.filter(open_to_hard_to_employ=True)
    if filters.graduates:
        queryset = queryset.filter(for_graduates=True)
    return queryset


def vacancy_search_queryset(*, filters: SearchFilters, full_text: bool | None = None,
                            today: datetime.date | None = None) -> QuerySet[Vacancy]:
    """The matching public vacancies as a queryset, unordered (for the FilterSet's ``qs``)."""
    full_text = uses_full_text() if full_text is None else full_text
    return _matching(filters, today=today or timezone.localdate(), now=timezone.now(), full_text=full_text)


# --- PostgreSQL: hand-written statements sharing one WHERE clause ----------------------------------

# Order keys per sort: (SQL expression, alias), most significant first; all descending.
_ORDER_KEYS = {
    SORT_RELEVANCE: [("ts_rank(v.search_vector, to_tsquery('simple', %s))", "k_rank"), ("v.published_at", "k_new"),
                     ("v.id", "k_id")],
    SORT_NEWEST: [("v.published_at", "k_new"), ("v.id", "k_id")],
    SORT_SALARY: [("v.salary_max", "k_max"), ("v.salary_min", "k_min"), ("v.id", "k_id")],
}


class _PgSearch:
    """The statements of one search on PostgreSQL, sharing one WHERE clause."""

    def __init__(self, filters: SearchFilters, *, today, now):
        self.filters = filters
        self.where, self.params = self._where(filters, today=today, now=now)

    @staticmethod
    def _where(filters: SearchFilters, *, today, now) -> tuple[str, list]:
        """The same conditions as ``_matching(full_text=True)`` (a test holds them equal), written
        out: building and compiling the ORM query costs more than some searches take."""
        conditions = ["v.status = %s", "v.closing_date >= %s"]
        params: list = [VacancyStatus.PUBLISHED.value, today]

        def add(condition: str, *values) -> None:
            conditions.append(condition)
            params.extend(values)

        if filters.runs:
            add("v.search_vector @@ to_tsquery('simple', %s)", tsquery_text(filters.runs))
        if filters.area is not None:
            add("v.area_path::text LIKE %s", f"{filters.area.path}%")  # a path is digits only
        if filters.occupation:
            if "-" in filters.occupation:
                add("v.occupation_id = %s", filters.occupation)
            else:
                add("(v.occupation_id = %s OR v.occupation_id::text LIKE %s)", filters.occupation,
                    f"{filters.occupation}-%")
        if filters.industry:
            add("v.industry_id = %s", filters.industry)
        if filters.salary_min is not None:
            add("v.salary_max >= %s", filters.salary_min)
        if filters.salary_max is not None:
            add("v.salary_min <= %s", filters.salary_max)
        if filters.education:
            add("v.education = %s", filters.education)
        if filters.working_time:
            add("v.working_time = %s", filters.working_time)
        if filters.posted_within:
            add("v.published_at >= %s", now - datetime.timedelta(days=filters.posted_within))
        for flag, column in (("public_welfare", "is_public_welfare"), ("hard_to_employ", "open_to_hard_to_employ"),
                             ("graduates", "for_graduates")):
            if getattr(filters, flag):
                conditions.append(f"v.{column}")
        return " AND ".join(conditions), params

    def page_sql(self, *, offset: int, limit: int) -> tuple[str, list]:
        """The rows of one page: ids found first (from an index alone when no keyword is given),
        then only those rows read with their employer, area and occupation."""
        keys = _ORDER_KEYS[self.filters.effective_sort]
        key_params = [tsquery_text(self.filters.runs)] if self.filters.effective_sort == SORT_RELEVANCE else []
        inner_keys = ", ".join(f"{expr} AS {alias}" for expr, alias in keys)
        inner_order = ", ".join(f"{alias} DESC" for _, alias in keys)
        columns = ", ".join([*(f"v.{c}" for c in HIT_COLUMNS), "e.id", "e.name", "a.code", "a.name", "a.level",
                             "o.code", "o.name"])
        sql = (
            f"SELECT {columns} FROM ("
            f"SELECT v.id AS page_id, {inner_keys} FROM jobs_vacancy v WHERE {self.where} "
            f"ORDER BY {inner_order} LIMIT %s OFFSET %s"
            ") p JOIN jobs_vacancy v ON v.id = p.page_id "
            "JOIN jobs_employer e ON e.id = v.employer_id "
            "JOIN portal_area a ON a.code = v.area_id "
            f"JOIN {Occupation._meta.db_table} o ON o.code = v.occupation_id "
            f"ORDER BY {', '.join(f'p.{alias} DESC' for _, alias in keys)}"
        )
        return sql, [*key_params, *self.params, limit, offset]

    def facets_sql(self, *, cap: int) -> tuple[str, list]:
        sql = (
            "SELECT GROUPING(d, m, e), d, m, e, COUNT(*) FROM ("
            f"SELECT left(v.area_path, {DISTRICT_PATH_WIDTH}) AS d, split_part(v.occupation_id, '-', 1) AS m, "
            f"v.education AS e FROM jobs_vacancy v WHERE {self.where} LIMIT %s"
            ") f GROUP BY GROUPING SETS ((d), (m), (e), ())"
        )
        return sql, [*self.params, cap + 1]

    def count_sql(self, *, cap: int) -> tuple[str, list]:
        return f"SELECT COUNT(*) FROM (SELECT 1 FROM jobs_vacancy v WHERE {self.where} LIMIT %s) c", [
            *self.params, cap + 1]

    def hits(self, *, offset: int, limit: int) -> list[VacancyHit]:
        with connection.cursor() as cursor:
            cursor.execute(*self.page_sql(offset=offset, limit=limit))
            return [_hit(row) for row in cursor.fetchall()]

    def facet_counts(self, *, cap: int) -> tuple[dict[str, dict[str, int]], int]:
        counts: dict[str, dict[str, int]] = {FACET_DISTRICT: {}, FACET_OCCUPATION: {}, FACET_EDUCATION: {}}
        total = 0
        with connection.cursor() as cursor:
            cursor.execute(*self.facets_sql(cap=cap))
            for grouping, district, major, education, count in cursor.fetchall():
                if grouping == 0b011:
                    counts[FACET_DISTRICT][district] = count
                elif grouping == 0b101:
                    counts[FACET_OCCUPATION][major] = count
                elif grouping == 0b110:
                    counts[FACET_EDUCATION][education] = count
                else:
                    total = count
        return counts, total

    def count(self, *, cap: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(*self.count_sql(cap=cap))
            return cursor.fetchone()[0]


# --- Anywhere else (SQLite): the ORM -------------------------------------------------------------


class _OrmSearch:
    def __init__(self, filters: SearchFilters, *, today, now):
        self.filters = filters
        self.matching = _matching(filters, today=today, now=now, full_text=False)

    def hits(self, *, offset: int, limit: int) -> list[VacancyHit]:
        # No ranking without the index: relevance lists the newest matches first.
        order = (["-salary_max", "-salary_min", "-id"] if self.filters.effective_sort == SORT_SALARY
                 else ["-published_at", "-id"])
        rows = self.matching.order_by(*order).values_list(*HIT_COLUMNS, *HIT_RELATED)[offset:offset + limit]
        return [_hit(row) for row in rows]

    def facet_counts(self, *, cap: int) -> tuple[dict[str, dict[str, int]], int]:
        counts: dict[str, dict[str, int]] = {FACET_DISTRICT: {}, FACET_OCCUPATION: {}, FACET_EDUCATION: {}}
        rows = self.matching.values_list("area_path", "occupation_id", "education")[:cap + 1]
        for area_path, occupation_id, education in rows:
            for name, value in ((FACET_DISTRICT, area_path[:DISTRICT_PATH_WIDTH]),
                                (FACET_OCCUPATION, occupation_id.split("-")[0]), (FACET_EDUCATION, education)):
                counts[name][value] = counts[name].get(value, 0) + 1
        return counts, sum(counts[FACET_EDUCATION].values())

    def count(self, *, cap: int) -> int:
        return self.matching[:cap + 1].count()


def _search(filters: SearchFilters, *, today, now, full_text: bool):
    return (_PgSearch if full_text else _OrmSearch)(filters, today=today, now=now)


def vacancy_search_page_sql(*, filters: SearchFilters, page: int = 1, page_size: int = PAGE_SIZE) -> tuple[str, list]:
    """The PostgreSQL statement that reads one page (for EXPLAIN in tests and the benchmark)."""
    search = _PgSearch(filters, today=timezone.localdate(), now=timezone.now())
    return search.page_sql(offset=(page - 1) * page_size, limit=page_size + 1)


# --- Facets and suggestions ----------------------------------------------------------------------


def _facets(counts: dict[str, dict[str, int]] | None, filters: SearchFilters) -> dict[str, list[FacetValue]]:
    """Facet values with their counts, most first; without counts (``None``) every value in order."""
    selected = {
        FACET_DISTRICT: filters.area.path[:DISTRICT_PATH_WIDTH] if filters.area is not None else "",
        FACET_OCCUPATION: filters.occupation.split("-")[0] if filters.occupation else "",
        FACET_EDUCATION: filters.education,
    }
    labels = {
        FACET_DISTRICT: district_names(),
        FACET_OCCUPATION: occupation_majors(),
        FACET_EDUCATION: {value: str(label) for value, label in Education.choices},
    }
    to_value = {FACET_DISTRICT: lambda path: path.ljust(12, "0")}
    facets = {}
    for name, names in labels.items():
        order = list(names)
        if counts is None:
            keys = [(key, None) for key in order]
        else:
            keys = sorted(((key, n) for key, n in counts[name].items() if n),
                          key=lambda item: (-item[1] if name != FACET_EDUCATION else 0,
                                            order.index(item[0]) if item[0] in order else len(order)))
        facets[name] = [FacetValue(value=to_value.get(name, str)(key), label=names.get(key, key), count=n,
                                   selected=key == selected[name]) for key, n in keys]
    return facets


def filter_label(name: str) -> str:
    return {
        "q": _("the keywords"),
        "area": _("the area"),
        "occupation": _("the occupation"),
        "industry": _("the industry"),
        "salary": _("the salary range"),
        "education": _("the education"),
        "working_time": _("the working time"),
        "posted_within": _("the posting date"),
        "public_welfare": _("public-welfare posts only"),
        "hard_to_employ": _("open to hard-to-employ people only"),
        "graduates": _("for graduates only"),
    }[name]


def _suggestions(filters: SearchFilters, *, today, now, full_text: bool) -> list[Suggestion]:
    found = []
    for name in filters.active():
        count = _search(filters.without(name), today=today, now=now, full_text=full_text).count(cap=FACET_CAP)
        if count:
            found.append(Suggestion(filter=name, label=filter_label(name), count=min(count, FACET_CAP),
                                    count_is_capped=count > FACET_CAP))
    return sorted(found, key=lambda s: -s.count)


# --- The selectors -------------------------------------------------------------------------------


def vacancy_search(*, fetched_by: User | None, filters: SearchFilters, page: int = 1, page_size: int = PAGE_SIZE,
                   full_text: bool | None = None) -> SearchResult:
    """One page of public vacancies matching ``filters``, with facets, a total when it is cheap,
    and suggestions when nothing matches. ``full_text=False`` takes the simple (SQLite) path.

    Anyone may search, signed in or not: ``fetched_by`` does not narrow the public listing.
    """
    full_text = uses_full_text() if full_text is None else full_text
    page = max(1, min(int(page), PAGE_MAX))
    page_size = max(1, min(int(page_size), PAGE_SIZE_MAX))
    today, now = timezone.localdate(), timezone.now()
    search = _search(filters, today=today, now=now, full_text=full_text)

    hits = search.hits(offset=(page - 1) * page_size, limit=page_size + 1)
    has_next = len(hits) > page_size
    hits = hits[:page_size]
    districts = district_names()
    for hit in hits:
        hit.district_name = districts.get(hit.area_path[:DISTRICT_PATH_WIDTH], "")

    total: int | None = None
    total_is_estimate = False
    counts = None
    if filters.active():
        counts, total = search.facet_counts(cap=FACET_CAP)
        if total > FACET_CAP:
            counts, total, total_is_estimate = None, FACET_CAP, True

    suggestions = []
    if total == 0:
        suggestions = _suggestions(filters, today=today, now=now, full_text=full_text)
    return SearchResult(
        filters=filters, vacancies=hits, page=page, page_size=page_size, has_next=has_next, total=total,
        total_is_estimate=total_is_estimate, facets=_facets(counts, filters), suggestions=suggestions,
        sort=filters.effective_sort)


HOME_VACANCIES = 6


@dataclass
class NearbyVacancies:
    """The newest public vacancies for the home page: ``near`` in the reader's district (empty when
    the district is unknown), then ``elsewhere`` in the rest of the city, ``limit`` in all."""

    district: Area | None
    near: list[VacancyHit]
    elsewhere: list[VacancyHit]

    @property
    def vacancies(self) -> list[VacancyHit]:
        return [*self.near, *self.elsewhere]


def district_of(area: Area | None) -> Area | None:
    """The district an area lies in (itself for a district); None above the district level."""
    if area is None or len(area.path) < DISTRICT_PATH_WIDTH:
        return None
    return area_by_code_remembered(code=area.path[:DISTRICT_PATH_WIDTH].ljust(12, "0"))


def vacancies_latest_near(*, fetched_by: User | None, area: Area | None,
                          limit: int = HOME_VACANCIES) -> NearbyVacancies:
    """The newest public vacancies, those in ``area``'s district first, the rest of the city after
    them. The same statements as the search (no facets, no count): at most two queries."""
    full_text = uses_full_text()
    today, now = timezone.localdate(), timezone.now()
    district = district_of(area)
    near: list[VacancyHit] = []
    if district is not None:
        near = _search(SearchFilters(area=district, sort=SORT_NEWEST), today=today, now=now,
                       full_text=full_text).hits(offset=0, limit=limit)
    elsewhere: list[VacancyHit] = []
    if len(near) < limit:
        # The city's newest, less those already listed as near (at most ``len(near)`` of them).
        shown = {hit.pk for hit in near}
        city = _search(SearchFilters(sort=SORT_NEWEST), today=today, now=now, full_text=full_text)
        elsewhere = [hit for hit in city.hits(offset=0, limit=limit + len(near)) if hit.pk not in shown]
        elsewhere = elsewhere[:limit - len(near)]
    names = district_names()
    for hit in (*near, *elsewhere):
        hit.district_name = names.get(hit.area_path[:DISTRICT_PATH_WIDTH], "")
    return NearbyVacancies(district=district, near=near, elsewhere=elsewhere)


def public_vacancies() -> QuerySet[Vacancy]:
    """Every public vacancy, unordered and unevaluated (the API's model for its schema)."""
    return Vacancy.objects.public()


def vacancy_public_detail(*, fetched_by: User | None, pk: int) -> Vacancy:
    """A public vacancy with what its page shows; anything not public is not found."""
    vacancy = (Vacancy.objects.public().select_related("employer", "area", "occupation__parent", "industry")
               .defer("search_text", "search_vector").filter(pk=pk).first())
    if vacancy is None:
        raise Http404(_("Not found."))
    chain = [*vacancy.area.ancestors(), vacancy.area]
    vacancy.area_chain = [a for a in chain if a.level in (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)]
    vacancy.district_name = next((a.name for a in chain if a.level == AreaLevel.DISTRICT), "")
    return vacancy
