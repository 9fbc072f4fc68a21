"""Input limits (portal/input_limits.py): deep JSON, control characters, integers beyond a column,
dates outside the window, and the API's error shape for 404s and 500s outside DRF's views. Each was
a 500 before; each is now a 400 (or the API's JSON 404/500) naming what is wrong, and nothing saved."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import path

from rest_framework.exceptions import ParseError

from jobs.models import JobFair
from portal import urls as portal_urls
from portal.constants import StaffRole
from portal.forms import StaffAccountForm
from portal.input_limits import LimitedJSONParser
from tests.conftest import make_staff
from tests.jobs.conftest import client_for
from tests.jobs.test_fairs_services import fair_times

pytestmark = pytest.mark.django_db

STAFF_FAIRS = "/api/staff/jobs/fairs/"
DEEP_JSON = "[" * 1000 + "]" * 1000


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]


def field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in error_of(response)["fields"].items()}


def fair_body(tree, **overrides) -> dict:
    starts, ends = fair_times()
    return {"title": "江岸区招聘会", "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
            "venue": "江岸区人力资源市场", "area": tree.d1.code, **overrides}


@pytest.fixture
def organiser(tree):
    return make_staff(StaffRole.CLERK, tree.d1)


# --- JSON depth and size --------------------------------------------------------------------------


def test_deeply_nested_json_on_the_anonymous_token_endpoint_is_a_400_in_the_error_shape(api_client):
    response = api_client.post("/api/auth/token/", DEEP_JSON, content_type="application/json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["status"] == 400 and error["fields"]["non_field_errors"][0]["code"] == "too_deep"
    assert "32" in error["fields"]["non_field_errors"][0]["message"]


def test_json_nested_deeper_than_the_limit_in_a_field_names_the_field(organiser, tree):
    nested: list = []
    for _ in range(40):
        nested = [nested]
    response = client_for(organiser).post(STAFF_FAIRS, {**fair_body(tree), "title": nested}, format="json")
    assert response.status_code == 400 and field_codes(response) == {"title": ["too_deep"]}
    assert not JobFair.objects.exists()


def test_a_json_body_larger_than_the_upload_limit_is_a_400(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_client.post("/api/auth/token/", {"username": "x" * 2000, "password": "y"}, format="json")
    assert response.status_code == 400 and error_of(response)["code"] == "too_large"


def test_the_json_parser_reads_no_more_than_the_upload_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    with pytest.raises(ParseError) as caught:
        LimitedJSONParser().parse(io.BytesIO(b'"' + b"x" * 2000 + b'"'))
    assert caught.value.get_codes() == "too_large"
    assert LimitedJSONParser().parse(io.BytesIO(b'{"a": [1, {"b": "\\t"}]}')) == {"a": [1, {"b": "\t"}]}


def test_malformed_json_is_a_400_in_the_error_shape(api_client):
    response = api_client.post("/api/auth/token/", '{"username": ', content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "parse_error"


# --- NUL and control characters -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/jobs/vacancies/?area=%00", "/api/jobs/vacancies/?q=a%01b"])
def test_control_characters_in_an_api_query_parameter_are_a_400_naming_it(api_client, tree, url):
    response = api_client.get(url)
    assert response.status_code == 400
    (name, items), = error_of(response)["fields"].items()
    assert name in url and items[0]["code"] == "control_characters"
    assert "控制字符" in items[0]["message"]


def test_a_nul_in_a_page_query_parameter_is_the_portals_400_page_naming_it(client, tree):
    response = client.get("/jobs/?area=%00")
    assert response.status_code == 400
    assert "area" in response.content.decode() and "控制字符" in response.content.decode()


def test_a_nul_in_a_json_body_is_a_400_naming_the_field_and_saves_nothing(organiser, tree):
    response = client_for(organiser).post(STAFF_FAIRS, fair_body(tree, area="\x00"), format="json")
    assert response.status_code == 400 and field_codes(response) == {"area": ["control_characters"]}
    response = client_for(organiser).post(STAFF_FAIRS, fair_body(tree, venue="大厅\x07"), format="json")
    assert response.status_code == 400 and field_codes(response) == {"venue": ["control_characters"]}
    assert not JobFair.objects.exists()


def test_a_nul_in_a_posted_page_form_is_a_400_and_creates_no_account(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    client.force_login(admin)
    response = client.post("/staff/accounts/new/", {"username": "new_clerk", "full_name": "张三",
                                                    "role": StaffRole.CLERK, "area": "\x00"})
    assert response.status_code == 400 and "area" in response.content.decode()
    assert not get_user_model().objects.filter(username="new_clerk").exists()


def test_tabs_and_line_breaks_are_still_accepted(api_client, tree):
    assert api_client.get("/api/jobs/vacancies/?q=%E7%94%B5%E5%B7%A5%09%0A").status_code == 200


# --- Integers within the column's range -----------------------------------------------------------


@pytest.mark.parametrize("capacity", [2147483648, 10**30, -1])
def test_fair_capacity_beyond_the_column_is_a_400_naming_the_field(organiser, tree, capacity):
    response = client_for(organiser).post(STAFF_FAIRS, fair_body(tree, capacity=capacity), format="json")
    assert response.status_code == 400 and list(field_codes(response)) == ["capacity"]
    assert not JobFair.objects.exists()


# --- Dates within the window ----------------------------------------------------------------------


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_fair_starting_outside_the_date_window_is_a_400_naming_the_field(organiser, tree, starts_at):
    response = client_for(organiser).post(STAFF_FAIRS, fair_body(tree, starts_at=starts_at), format="json")
    assert response.status_code == 400
    assert field_codes(response)["starts_at"] == ["date_out_of_range"]
    assert "1900" in error_of(response)["fields"]["starts_at"][0]["message"]
    assert not JobFair.objects.exists()


def test_page_forms_and_filters_check_the_date_window_too(tree):
    form = StaffAccountForm(data={"valid_from": "0001-01-01"})
    assert not form.is_valid() and form.errors.as_data()["valid_from"][0].code == "date_out_of_range"


def test_an_audit_filter_date_outside_the_window_is_a_400(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    response = client_for(admin).get("/api/staff/audit-events/?since=0001-01-01")
    assert response.status_code == 400 and field_codes(response) == {"since": ["date_out_of_range"]}


# --- The API's error shape outside DRF's views ----------------------------------------------------


def test_an_api_path_no_route_matches_answers_the_json_404(api_client):
    response = api_client.get("/api/jobs/fairs/abc/")
    assert response.status_code == 404
    assert error_of(response) == {"status": 404, "code": "not_found", "message": "未找到相关内容。"}


def test_a_page_no_route_matches_keeps_the_portals_404_page(client):
    response = client.get("/jobs/fairs/abc/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def _crash(request):
    raise RuntimeError("boom")


crash_patterns = [path("api/crash/", _crash), path("crash/", _crash), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500
urlpatterns = crash_patterns


@pytest.mark.urls(__name__)
def test_a_500_under_the_api_answers_in_the_error_shape_and_a_page_keeps_the_html_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/api/crash/")
    assert response.status_code == 500
    assert error_of(response)["status"] == 500 and error_of(response)["code"] == "server_error"
    page = client.get("/crash/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_every_api_view_parses_json_with_the_limits():
    from rest_framework.parsers import JSONParser

    from portal.input_limits import LimitedJSONParser
    from tests.url_walk import all_routes

    unlimited = sorted({route.route for route in all_routes() if route.route.startswith("api/")
                        for parser in getattr(route.view, "parser_classes", ())
                        if issubclass(parser, JSONParser) and not issubclass(parser, LimitedJSONParser)})
    assert unlimited == []


def _project_modules_imported() -> None:
    import importlib
    import pkgutil

    from tests.url_walk import PROJECT_APPS

    for app in PROJECT_APPS:
        for module in pkgutil.walk_packages(importlib.import_module(app).__path__, f"{app}."):
            if not any(part in module.name for part in (".migrations", ".management", ".tests")):
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_integer_field_of_a_form_is_bounded_within_the_integer_column():
    """A form's number goes into an ``integer`` column (or is compared with one): without both bounds
    a number beyond the column's range is a database error, not a field error."""
    from django import forms

    from portal.input_limits import INTEGER_COLUMN_MAX, INTEGER_COLUMN_MIN
    from tests.url_walk import PROJECT_APPS

    _project_modules_imported()
    unbounded = sorted(
        f"{form.__module__}.{form.__name__}.{name}"
        for form in set(_subclasses(forms.BaseForm)) if form.__module__.split(".")[0] in PROJECT_APPS
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.IntegerField) and not (
            field.min_value is not None and field.max_value is not None
            and INTEGER_COLUMN_MIN <= field.min_value and field.max_value <= INTEGER_COLUMN_MAX))
    assert unbounded == []
