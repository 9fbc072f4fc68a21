"""Guard for every later module: each staff role against records of a sibling and a parent area.

For every scoped staff route that addresses one record, and every staff position (role and
tier), a record is made in the position's own area, in a sibling area and in the parent area:

- own area: the role can read it (when the view is open to that role), which shows the test
  can tell a visible record from a hidden one;
- sibling and parent: reading answers 404 (or 403 where the role may not use the view at all),
  every other method leaves the record unchanged, and list routes do not include it.
"""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from portal.scoped_views import ScopedMixin
from tests.conftest import STAFF_POSITIONS
from tests.scoped_records import SCOPED_RECORD_FACTORIES
from tests.url_walk import all_routes

# Ids unique across tables: an id found in an answer is the record's, not a nested one of another model.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("distinct_ids")]


def _scoped_routes():
    for route in all_routes():
        view = route.view
        if route.is_staff and isinstance(view, type) and issubclass(view, ScopedMixin):
            yield route


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else getattr(view, "model", None)


def _methods(route) -> list[str]:
    if route.actions:
        return [m.upper() for m in route.actions]
    return [m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(route.view, m)]


def _allowed(view, user) -> bool:
    roles = getattr(view, "scope_roles", None)
    return roles is None or user.role_grants.get().role in roles


def _main_content(response) -> str:
    """The body without the site shell (navigation names services that records may share)."""
    body = response.content.decode()
    start, end = body.find("<main"), body.find("</main>")
    return body[start:end] if start != -1 and end != -1 else body


def _ids(data):
    """Every ``id`` in a JSON answer, however nested (a page of rows, a table inside a report)."""
    if isinstance(data, dict):
        if "id" in data:
            yield data["id"]
        for value in data.values():
            yield from _ids(value)
    elif isinstance(data, list):
        for value in data:
            yield from _ids(value)


def _lists(response, record) -> bool:
    """Does a list response show the record?"""
    if response.status_code != 200:
        return False
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return record.pk in set(_ids(response.json()))
    object_list = response.context.get("object_list") if response.context else None
    if object_list is not None:
        return record.pk in {obj.pk for obj in object_list}
    # Not a list page (a form or a dashboard): look for a link to the record's own detail page.
    return f"/{record.pk}/\"" in _main_content(response)


def test_every_scoped_model_has_a_record_factory():
    models = {_model_of(r.view) for r in _scoped_routes()}
    missing = sorted(m._meta.label for m in models if m is not None and m not in SCOPED_RECORD_FACTORIES)
    assert missing == [], f"add these models to tests/scoped_records.py: {missing}"


@pytest.mark.parametrize("position", [p[0] for p in STAFF_POSITIONS])
def test_staff_role_cannot_reach_records_of_sibling_or_parent_area(position, tree, staff):
    user = staff[position]
    own_area = user.role_grants.get().area
    sibling, parent = tree.sibling_and_parent(own_area)
    client = Client()
    client.force_login(user)
    routes = list(_scoped_routes())
    detail_routes = [r for r in routes if r.params == ["pk"]]
    list_routes = [r for r in routes if not r.params]
    assert detail_routes and list_routes
    by_model: dict = {}
    for route in detail_routes:
        by_model.setdefault(_model_of(route.view), []).append(route)
    checked = 0

    # One record of each model per area, tried on every route of that model: every route and method
    # still meets a sibling's and a parent's record, and each list is read once per model.
    for model, model_routes in by_model.items():
        make = SCOPED_RECORD_FACTORIES[model]
        own = make(own_area)
        for route in model_routes:
            if "GET" in _methods(route):
                response = client.get(reverse(route.name, kwargs={"pk": own.pk}))
                expected = 200 if _allowed(route.view, user) else 403
                assert response.status_code == expected, (route.route, "own area")

        for label, area in (("sibling", sibling), ("parent", parent)):
            record = make(area)
            before = model_to_dict(model._default_manager.get(pk=record.pk))
            for route in model_routes:
                url = reverse(route.name, kwargs={"pk": record.pk})
                expected = {404} if _allowed(route.view, user) else {403}
                for method in _methods(route):
                    response = getattr(client, method.lower())(url, content_type="application/json")
                    assert response.status_code in expected, (position, route.route, method, label,
                                                               response.status_code)
                    assert str(record) not in _main_content(response), (route.route, method, label)
                    checked += 1
                after = model_to_dict(model._default_manager.get(pk=record.pk))
                assert after == before, (route.route, label, "record changed")

            for list_route in list_routes:
                if _model_of(list_route.view) is model and "GET" in _methods(list_route):
                    response = client.get(reverse(list_route.name), {"page_size": 100})
                    assert not _lists(response, record), (list_route.route, label)
    assert checked > 0
