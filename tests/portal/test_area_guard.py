"""Guard of the area-addressed routes: every dashboard, chart data endpoint and export of analytics and
subsidies, for every staff position, against its own, a sibling and the parent area (issue 10).

The record guard (test_jurisdiction_guard.py) tries routes that address one record by ``pk``. The
dashboards are addressed by an AREA instead: a path converter (``areas/<code>/``) or a query
parameter (``?area=``, ``?district=``), and every table of a page exports from the page's own URL
(``?export=<table>&format=csv|xlsx``). Each area of the tree gets facts, targets, forecasts and
funds with numbers that appear nowhere else, so a leaked number is visible. For every position:

- own area: 200 where the role may use the view at all (else 403), which shows the test can tell;
  every table of the page exports in every format as a file;
- sibling and parent area: 404 (403 where the role may not use the view), never a file, and no
  number of an area outside the reader's subtree in any answer;
- routes that take no area (the reader's subtree: run log, funds, the fund-use evaluation and its
  exports, API lists) never carry a number of an area outside the reader's subtree either.

Every GET staff route of analytics and subsidies is accounted for: area-addressed (``AREA_ROUTES``),
record-addressed (a ``pk``: the record guard), reader-scoped (``READER_SCOPED``, read here without an
area) or listed in ``NOT_AREA_ADDRESSED`` with a reason; a new route that is none of these fails
``test_every_analytics_and_subsidies_route_is_accounted_for``. Two discoveries back the table up: a
list whose filter set filters by ``area``/``district``, and a staff API operation whose schema takes
an ``area``/``district`` query parameter, must be in ``AREA_ROUTES``.
"""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.constants import EXPORT_FORMATS, ForecastModel, Indicator
from analytics.models import Target
from portal.constants import AreaLevel
from subsidies.forms_funds import FILE_FORMATS
from subsidies.services.fundbooks import is_fund_manager
from tests.analytics.factories_dashboard import backtests, fact_rows, forecast, run
from tests.conftest import STAFF_POSITIONS, make_staff
from tests.factories import UserFactory
from tests.scoped_records import SCOPED_RECORD_FACTORIES
from tests.subsidies.factories import FundFactory
from tests.url_walk import all_routes

# Ids unique across tables: an id found in an answer is the record's, not a nested one of another model.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("distinct_ids")]

APPS = ("analytics", "subsidies")
SUBSIDY_FORMATS = tuple(value for value, _label in FILE_FORMATS)


@dataclass(frozen=True)
class AreaRoute:
    """How a route takes its area: ``path`` (the converter ``code``) or query parameters."""

    path: bool = False
    query: tuple[str, ...] = ()  # query parameters naming an area (``area``, ``district``)
    extra: dict = field(default_factory=dict)  # other parameters the route needs to answer 200
    exports: bool = False  # tables export from the page (?export=<table>&format=…)
    # Only pre-fills a form: an out-of-scope code is ignored (200), but nothing of that area may show.
    prefill: bool = False
    # A list filter on a scoped list: an out-of-scope area lists nothing of it (200 empty, or 400/404).
    filter: bool = False
    may_use: object = None  # who may use the view at all (default: the view's scope_roles)


AREA_ROUTES: dict[str, AreaRoute] = {
    # Dashboard pages (analytics/routes/dashboards.py)
    "staff-analytics:overview": AreaRoute(query=("area",), exports=True),
    "staff-analytics:drill": AreaRoute(path=True, exports=True),
    "staff-analytics:staff-use": AreaRoute(query=("area",), exports=True),
    "staff-analytics:forecasts": AreaRoute(query=("area",), exports=True),
    "staff-analytics:report": AreaRoute(query=("area",), exports=True),
    # Target pages (analytics/routes/targets.py)
    "staff-analytics:targets": AreaRoute(query=("area",), exports=True),
    "staff-analytics:checks": AreaRoute(query=("area", "district"), exports=True),
    # Chart data (analytics/api/charts.py)
    "api:staff-analytics:chart-trend": AreaRoute(query=("area",)),
    "api:staff-analytics:chart-areas": AreaRoute(query=("area",)),
    "api:staff-analytics:chart-staff-use": AreaRoute(query=("area",)),
    "api:staff-analytics:chart-forecast": AreaRoute(query=("area",), extra={"series": "new_employment"}),
    # Staff API of targets, checks and staff use (analytics/api/targets.py)
    "api:staff-analytics:target-list": AreaRoute(query=("area",)),
    "api:staff-analytics:target-progress": AreaRoute(query=("area",)),
    "api:staff-analytics:check-list": AreaRoute(query=("area", "district")),
    "api:staff-analytics:staff-use-list": AreaRoute(query=("area",)),
    # List filters of the subsidies queues (subsidies/forms_review.py, subsidies/forms_payments.py)
    "staff-subsidies:application-list": AreaRoute(query=("area",), filter=True),
    "api:staff-subsidies:application-list": AreaRoute(query=("area",), filter=True),
    "staff-subsidies:cycle-list": AreaRoute(query=("district",), filter=True),
    "api:staff-subsidies:cycle-list": AreaRoute(query=("district",), filter=True),
    # The city's allocation input form pre-fills a district's values from ?area= (subsidies)
    "staff-subsidies:allocation-input-create": AreaRoute(query=("area",), prefill=True,
                                                         may_use=lambda user: is_fund_manager(user)),
}

# The city's official exports every table of every page in every format (the city's pages have every
# table a lower tier has, and ?district= the checks' record tables); the other readers export one table
# per format, in turn (the matrix is slow to repeat, and every export goes through the same code).
EXPORT_MATRIX = ("official@city",)
assert set(EXPORT_MATRIX) <= {p[0] for p in STAFF_POSITIONS}

# Routes whose answer for the own area shows the own area's seeded numbers (checked for readers).
SHOWS_OWN_NUMBERS = {"staff-analytics:overview", "staff-analytics:drill", "staff-analytics:report",
                     "staff-analytics:targets", "api:staff-analytics:chart-trend",
                     "api:staff-analytics:chart-forecast", "api:staff-analytics:target-progress"}

# Area routes also read without their area (the home area), besides every API route of AREA_ROUTES.
HOME_AREA_READ = {"staff-analytics:overview", "staff-subsidies:application-list", "staff-subsidies:cycle-list"}

# GET routes without a pk that take no area: they answer for the reader's own subtree. Each is also
# read by test_routes_without_an_area_carry_nothing_from_outside_the_subtree.
READER_SCOPED: dict[str, str] = {
    "staff-analytics:runs": "the run log of the reader's subtree (area_code() is None)",
    "staff-analytics:target-set": "the city's form for its districts' targets",
    "staff-analytics:district-types": "the districts of the reader's subtree",
    "staff-analytics:population": "the employed population rows of the reader's subtree",
    "api:staff-analytics:district-type-list": "the districts of the reader's subtree",
    "staff-subsidies:fund-list": "funds of the reader's subtree, by year",
    "staff-subsidies:evaluation": "the evaluation of the reader's districts, by year",
    "staff-subsidies:evaluation-export": "the evaluation of the reader's districts as a file, by year",
    "staff-subsidies:allocation": "allocation runs of the city (managers only)",
    "staff-subsidies:allocation-weights": "allocation weights of the city (managers only)",
    "staff-subsidies:allocation-inputs": "allocation inputs of the reader's districts",
    "api:staff-subsidies:payment-list": "payments of the reader's subtree",
    "api:staff-subsidies:fund-list": "funds of the reader's subtree, by year",
    "api:staff-subsidies:evaluation-list": "the evaluation of the reader's districts, by year",
    "api:staff-subsidies:evaluation-export": "the evaluation of the reader's districts as a file, by year",
    "api:staff-subsidies:allocation-weights-list": "allocation weights of the city",
    "api:staff-subsidies:allocation-input-list": "allocation inputs of the reader's districts",
    "api:staff-subsidies:allocation-run-list": "allocation runs of the reader's scope",
    "api:staff-subsidies:allocation-share-list": "allocation shares of the reader's districts",
}

# Routes that take no area and show no figures, or whose path parameter (code) is not an area.
NOT_AREA_ADDRESSED: dict[str, str] = {
    "staff-subsidies:programme-detail": "<code> is a programme code (city-wide records)",
    "staff-subsidies:programme-version": "<code> is a programme code (city-wide records)",
    "staff-subsidies:window-apply": "<code> is a programme code (city-wide records)",
    "api:staff-subsidies:programme-detail": "<code> is a programme code (city-wide records)",
    "api:staff-subsidies:programme-versions": "<code> is a programme code; POST only",
    "staff-subsidies:programme-list": "programmes are city-wide records (no area, no figures)",
    "staff-subsidies:programme-create": "a blank form for a city-wide programme",
    "staff-subsidies:window": "the window's start page: a list of programmes to apply for",
    "staff-subsidies:fund-create": "a blank form (the city enters a fund)",
    "staff-subsidies:allocation-run-create": "a blank form (the city starts a run)",
    "api:staff-subsidies:programme-list": "programmes are city-wide records (no area, no figures)",
    "staff-subsidies:allocation-compare": "two allocation runs by pk (?a=&b=): records, not an area",
    "staff-subsidies:allocation-compare-export": "two allocation runs by pk (?a=&b=): records, not an area",
    "api:staff-subsidies:allocation-run-compare": "two allocation runs by pk (?a=&b=): records, not an area",
    "api:staff-subsidies:allocation-run-compare-export": "two allocation runs by pk (?a=&b=): records, not an area",
}

# Reader-scoped routes whose files are exported by a format parameter: every format is read.
READER_EXPORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "staff-subsidies:evaluation-export": ("file_format", SUBSIDY_FORMATS),
    "api:staff-subsidies:evaluation-export": ("file_format", SUBSIDY_FORMATS),
}


@functools.cache
def _routes():
    return [r for r in all_routes() if r.is_staff and r.name and r.view.__module__.split(".")[0] in APPS]


def _answers_get(route) -> bool:
    if route.actions:
        return "get" in route.actions
    names = getattr(route.view, "http_method_names", ())
    return hasattr(route.view, "get") and "get" in names


def _is_record_route(route) -> bool:
    return "pk" in route.params


# --- Distinctive numbers ---------------------------------------------------------------------------

# Every area of the tree the positions meet; each gets its own numbers (7 digits, nowhere else).
AREA_NAMES = ("province", "city", "other_city", "d1", "d2", "s1", "s2", "c1", "c2", "c3")
FACTS = ("new_employment", "unemployed", "vacancy_positions", "active_seekers")


def _number(index: int, slot: int) -> int:
    return 6_100_000 + index * 10_000 + slot * 101 + 37


@dataclass
class Seeded:
    day: datetime.date
    numbers: dict  # area code → its distinctive numbers
    paths: dict  # area code → path

    def foreign(self, own_path: str) -> set[int]:
        """Every number of an area outside the subtree at ``own_path``."""
        return {n for code, numbers in self.numbers.items() if not self.paths[code].startswith(own_path)
                for n in numbers}

    def of(self, area) -> set[int]:
        return set(self.numbers[area.code])


def _seed(tree) -> Seeded:
    """Facts of yesterday, a target of this year, a forecast with its backtests and (for the city and
    districts) an employment fund in every area of the tree, each with its own numbers."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    setter = UserFactory()
    numbers, paths, targets = {}, {}, []
    for index, name in enumerate(AREA_NAMES):
        area = getattr(tree, name)
        own = [_number(index, slot) for slot in range(len(FACTS) + 3)]
        fact_rows(area, day, **dict(zip(FACTS, own, strict=False)))
        targets.append(Target(area=area, area_path=area.path, year=day.year, indicator=Indicator.NEW_EMPLOYMENT,
                              value=own[len(FACTS)], set_by=setter))
        forecast(area, "new_employment", day, [float(own[len(FACTS) + 1])] * 3)
        backtests(area, "new_employment", day, {ForecastModel.ETS: 0.5, ForecastModel.SEASONAL_NAIVE: 0.9},
                  chosen=ForecastModel.ETS)
        if area.level in (AreaLevel.CITY, AreaLevel.DISTRICT) and name != "other_city":
            FundFactory(area=area, year=day.year, budget_fen=own[len(FACTS) + 2] * 100,
                        allocated_fen=own[len(FACTS) + 2] * 100)
        numbers[area.code], paths[area.code] = own, area.path
    Target.objects.bulk_create(targets)
    run(day)
    return Seeded(day=day, numbers=numbers, paths=paths)


# --- Reading answers ---------------------------------------------------------------------------------


def _text(response) -> str:
    """Everything an answer shows: the page, the JSON, the CSV, every cell of an XLSX."""
    content_type = response.headers.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return response.content.decode("utf-8-sig", errors="replace")


def _shown(numbers: set[int], text: str) -> list[int]:
    return sorted(n for n in numbers if str(n) in text or f"{n:,}" in text)


def _is_file(response) -> bool:
    return "attachment" in response.headers.get("Content-Disposition", "")


def _user(position: str, tree):
    """The one staff member of this position (as tests/conftest.py's ``staff`` makes them)."""
    _name, role, attr = next(p for p in STAFF_POSITIONS if p[0] == position)
    return make_staff(role, getattr(tree, attr), username=position.replace("@", "_"))


def _allowed(spec: AreaRoute | None, view, user) -> bool:
    if spec is not None and spec.may_use is not None:
        return spec.may_use(user)
    roles = getattr(view, "scope_roles", None)
    return roles is None or user.role_grants.get().role in roles


def _request(client, route, spec: AreaRoute, param: str, code: str, **more):
    if param == "path":
        return client.get(reverse(route.name, kwargs={"code": code}), {**spec.extra, **more})
    return client.get(reverse(route.name), {**spec.extra, param: code, **more})


def _own_for(param: str, own_area, tree):
    """The area of the reader's subtree this parameter is tried with (None: no such area).
    ``district`` names a district: the reader's own, or a district of the city for the city."""
    if param != "district":
        return own_area
    if own_area.level == AreaLevel.DISTRICT:
        return own_area
    return tree.d1 if own_area.level == AreaLevel.CITY else None


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else getattr(view, "model", None)


def _ids(data):
    if isinstance(data, dict):
        if "id" in data:
            yield data["id"]
        for value in data.values():
            yield from _ids(value)
    elif isinstance(data, list):
        for value in data:
            yield from _ids(value)


def _lists(response, record) -> bool:
    """Does a list answer show the record?"""
    if response.status_code != 200:
        return False
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return record.pk in set(_ids(response.json()))
    object_list = response.context.get("object_list") if response.context else None
    assert object_list is not None, "a list page without object_list"
    return record.pk in {obj.pk for obj in object_list}


def _table_keys(response) -> list[str]:
    tables = (response.context or {}).get("tables") or []
    return [t.key for t in tables]


# --- Tests ---------------------------------------------------------------------------------------------


def test_every_analytics_and_subsidies_route_is_accounted_for():
    """Every GET staff route of the two apps is area-addressed, record-addressed or declared; a path
    parameter that could name an area (code, area, district) is never left unexplained."""
    routes = _routes()
    names = {r.name for r in routes}
    assert {"staff-analytics:overview", "api:staff-analytics:chart-trend", "staff-subsidies:evaluation"} <= names
    unknown = [f"{r.name} ({r.route})" for r in routes
               if _answers_get(r) and not _is_record_route(r)
               and r.name not in AREA_ROUTES and r.name not in READER_SCOPED and r.name not in NOT_AREA_ADDRESSED]
    assert unknown == [], "declare these routes in AREA_ROUTES, READER_SCOPED or NOT_AREA_ADDRESSED:\n" + \
        "\n".join(unknown)
    area_like = [r.name for r in routes if {"code", "area", "district"} & set(r.params)
                 and r.name not in AREA_ROUTES and r.name not in NOT_AREA_ADDRESSED]
    assert area_like == [], f"a path parameter naming an area is not guarded: {area_like}"
    stale = sorted((set(AREA_ROUTES) | set(READER_SCOPED) | set(NOT_AREA_ADDRESSED)) - names)
    assert stale == [], f"declared routes that no longer exist: {stale}"
    path_routes = {r.name for r in routes if r.name in AREA_ROUTES and AREA_ROUTES[r.name].path}
    assert path_routes == {n for n, s in AREA_ROUTES.items() if s.path}
    assert all(set(r.params) == {"code"} for r in routes if r.name in path_routes)


def test_every_area_filter_of_a_list_is_guarded():
    """Discovery from the filter sets: a list (page or API) filtering by ``area``/``district`` is listed."""
    found = [r.name for r in _routes() if _answers_get(r) and not _is_record_route(r)
             and {"area", "district"} & set(getattr(getattr(r.view, "filterset_class", None), "base_filters", {}))]
    assert found, "no list filters by area at all: discovery is broken"
    assert [n for n in found if n not in AREA_ROUTES] == []


def test_every_api_area_parameter_in_the_schema_is_guarded():
    """Discovery from the API schema: a staff GET operation of the two apps with an ``area`` or
    ``district`` query parameter is in AREA_ROUTES (so a new chart endpoint cannot be forgotten)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(patterns=None).get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        if not path.startswith(("/api/staff/analytics/", "/api/staff/subsidies/")):
            continue
        get = operations.get("get")
        if get is None or "{" in path:  # one record (a pk): the record guard's
            continue
        params = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        if params & {"area", "district"}:
            found.append(path)
    assert found, "the schema shows no area parameter at all: discovery is broken"
    names = {r.route.replace("^", "").replace("$", ""): r.name for r in _routes()}
    missing = [p for p in found if names.get(p.removeprefix("/")) not in AREA_ROUTES]
    assert missing == [], f"API operations taking an area that AREA_ROUTES does not list: {missing}"


@pytest.mark.parametrize("position", [p[0] for p in STAFF_POSITIONS])
def test_area_addressed_routes_answer_for_the_own_area_only(position, tree):
    seeded = _seed(tree)
    user = _user(position, tree)
    own_area = user.role_grants.get().area
    sibling, parent = tree.sibling_and_parent(own_area)
    foreign = seeded.foreign(own_area.path)
    assert seeded.of(sibling) <= foreign and seeded.of(parent) <= foreign
    client = Client()
    client.force_login(user)
    routes = [r for r in _routes() if r.name in AREA_ROUTES]
    assert len(routes) == len(AREA_ROUTES)
    own_ok = exported = denied = 0
    showing_own: set[str] = set()
    records: dict = {}

    def record(model, area):
        """One record of a listed model in an area (made once per test)."""
        if (model, area.code) not in records:
            records[model, area.code] = SCOPED_RECORD_FACTORIES[model](area)
        return records[model, area.code]

    for route in routes:
        spec = AREA_ROUTES[route.name]
        allowed = _allowed(spec, route.view, user)
        model = _model_of(route.view) if spec.filter else None
        for param in ("path",) if spec.path else spec.query:
            own = _own_for(param, own_area, tree)
            keys: list[str] = []
            if own is not None:
                mine = record(model, own) if model else None
                response = _request(client, route, spec, param, own.code)
                where = (position, route.name, param, "own area")
                assert response.status_code == (200 if allowed else 403), (*where, response.status_code)
                assert _shown(foreign, _text(response)) == [], where
                if response.status_code == 200:
                    own_ok += 1
                    if _shown(seeded.of(own), _text(response)):
                        showing_own.add(route.name)
                    if mine is not None:
                        assert _lists(response, mine), (*where, "the own area's record is not listed")
                    if spec.exports:
                        keys = _table_keys(response)
                        assert keys, (*where, "a page that exports shows no table")
                        pairs = [(k, f) for k in keys for f in EXPORT_FORMATS] if position in EXPORT_MATRIX \
                            else [(keys[i % len(keys)], f) for i, f in enumerate(EXPORT_FORMATS)]
                        for key, file_format in pairs:
                            file = _request(client, route, spec, param, own.code, export=key, format=file_format)
                            assert file.status_code == 200 and _is_file(file), (*where, key, file_format)
                            assert _shown(foreign, _text(file)) == [], (*where, key, file_format)
                            exported += 1

            for label, area in (("sibling", sibling), ("parent", parent)):
                theirs = record(model, area) if model else None
                expected = {403} if not allowed else ({200, 404} if spec.prefill else
                                                      {200, 400, 404} if spec.filter else {404})
                where = (position, route.name, param, label)
                variants = [{}]
                if spec.exports and label == "sibling":  # the parent is refused by the same code
                    # Every format, with a table the page really has (the area is refused before the table).
                    variants += [{"export": (keys or ["figures"])[0], "format": f} for f in EXPORT_FORMATS]
                for more in variants:
                    response = _request(client, route, spec, param, area.code, **more)
                    assert response.status_code in expected, (*where, more, response.status_code)
                    assert not _is_file(response), (*where, more, "a file of another area")
                    assert _shown(foreign, _text(response)) == [], (*where, more)
                    if theirs is not None:
                        assert not _lists(response, theirs), (*where, "lists a record of another area")
                    denied += 1

    dashboard_reader = user.role_grants.get().role in ("official", "administrator")
    assert denied > 0
    assert (own_ok > 0 and exported > 0) == dashboard_reader, (position, own_ok, exported)
    if dashboard_reader:  # the seeded numbers are read: their absence elsewhere means something
        assert SHOWS_OWN_NUMBERS <= showing_own, (position, SHOWS_OWN_NUMBERS - showing_own)


@pytest.mark.parametrize("position", [p[0] for p in STAFF_POSITIONS])
def test_routes_without_an_area_carry_nothing_from_outside_the_subtree(position, tree):
    """The run log, the funds, the fund-use evaluation and its files, the API lists: no number of an
    area outside the reader's subtree, in any format; a fund reader sees their own fund's number."""
    seeded = _seed(tree)
    user = _user(position, tree)
    own_area = user.role_grants.get().area
    foreign = seeded.foreign(own_area.path)
    client = Client()
    client.force_login(user)
    read = 0
    for route in _routes():
        # An area route left without its area answers for the home area (dashboard_area / reader_area with
        # no code): read through the overview, the API and the list filters; the other pages were read
        # with their area above, through the same selectors.
        plain = route.name in HOME_AREA_READ or (route.name in AREA_ROUTES and route.route.startswith("api/"))
        if not (route.name in READER_SCOPED or plain) or not _answers_get(route):
            continue
        name, formats = READER_EXPORTS.get(route.name, (None, (None,)))
        params = dict(AREA_ROUTES[route.name].extra) if plain else {}
        for file_format in formats:
            response = client.get(reverse(route.name), {**params, **({name: file_format} if name else {})})
            where = (position, route.name, file_format, response.status_code)
            assert response.status_code in (200, 403), where
            assert _shown(foreign, _text(response)) == [], where
            if name and response.status_code == 200:
                assert _is_file(response), where
            read += response.status_code == 200
    assert read > 0

    # The test can tell: the fund list shows the reader's own fund (city and district staff).
    if own_area.level in (AreaLevel.CITY, AreaLevel.DISTRICT):
        response = client.get(reverse("api:staff-subsidies:fund-list"), {"year": seeded.day.year})
        assert response.status_code == 200, position
        own_fund = seeded.numbers[own_area.code][len(FACTS) + 2]
        assert str(own_fund * 100) in response.content.decode(), position
