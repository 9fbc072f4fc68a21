"""Malformed input never answers 5xx: a fixed set of bad values sent, as a staff user with every role
at the city, to every query parameter of every API list (from the OpenAPI schema) and every filter of
every page list (from the URL resolver), and to every field of every JSON body the API documents
for a POST on a collection."""

from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from portal.constants import StaffRole
from portal.models import RoleGrant
from tests.conftest import make_staff
from tests.url_walk import all_routes

pytestmark = pytest.mark.django_db

QUERY_VALUES = ["\x00", "a\x01b\x1f", "2147483648", "-2147483649", "9" * 40, "-1", "0001-01-01",
                "9999-12-31T23:59", "x" * 100_000, "[]"]
BODY_VALUES = ["\x00", "a\x01b", 2147483648, -2147483649, 10**40, -1, "0001-01-01", "9999-12-31T23:59:00",
               "x" * 1_000_000, [], {}, True, 1.5, None, [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
DEEP_JSON = "[" * 1000 + "]" * 1000


@pytest.fixture
def staff_client(tree) -> Client:
    user = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    for role in (StaffRole.OFFICIAL, StaffRole.CLERK):
        RoleGrant.objects.create(user=user, role=role, area=tree.city)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _api_operations() -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """``(path, parameter)`` for every query parameter of a GET, and ``(path, fields)`` for every POST
    with a JSON body, on the API's paths without path parameters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    queries, bodies = [], []
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue
        get = operations.get("get", {})
        queries += [(path, parameter["name"]) for parameter in get.get("parameters", [])
                    if parameter.get("in") == "query"]
        post = operations.get("post")
        content = (post or {}).get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            bodies.append((path, sorted(_resolve(schema, content["schema"]).get("properties", {}))))
    return queries, bodies


def _page_filters() -> list[tuple[str, str]]:
    """``(path, parameter)`` for every filter and the page number of every page list without path parameters."""
    found = []
    for route in all_routes():
        filterset = getattr(route.view, "filterset_class", None)
        if route.params or route.route.startswith(("api/", "admin/")) or filterset is None:
            continue
        found += [(f"/{route.route}", name) for name in [*filterset.base_filters, "page"]]
    return found


def test_no_malformed_query_parameter_or_body_field_answers_5xx(staff_client):
    queries, bodies = _api_operations()
    pages = _page_filters()
    assert len(queries) > 50 and len(bodies) > 10 and len(pages) > 20  # the walk found the routes
    failures = []
    for path, name in [*queries, *pages]:
        for value in QUERY_VALUES:
            response = staff_client.get(path, {name: value})
            if response.status_code >= 500:
                failures.append(f"GET {path}?{name}={value[:20]!r} → {response.status_code}")
    for path, fields in bodies:
        response = staff_client.post(path, DEEP_JSON, content_type="application/json")
        if response.status_code >= 500:
            failures.append(f"POST {path} deep JSON → {response.status_code}")
        for name in fields:
            for value in BODY_VALUES:
                response = staff_client.post(path, {name: value}, content_type="application/json")
                if response.status_code >= 500:
                    failures.append(f"POST {path} {name}={str(value)[:20]!r} → {response.status_code}")
    assert failures == [], "\n".join(failures)
