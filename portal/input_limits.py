"""Limits on what a request may send, so malformed input is a 400 naming the field, never a 500.

- JSON bodies: at most ``API_JSON_MAX_DEPTH`` levels of nesting and ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  bytes (``LimitedJSONParser``, the API's JSON parser);
- text: no NUL or other control characters (tab, line feed and carriage return excepted) in a
  query parameter, a form field or a JSON string (``InputLimitsMiddleware`` and the parser);
- dates: within ``INPUT_DATE_WINDOW`` years on every date and date-time field of the pages' forms,
  the filters and the API's serializers (``date_window_install``, run when the portal starts);
- integers: each form field that writes an integer column declares ``min_value`` and ``max_value``
  within the column's range (``INTEGER_COLUMN_MIN`` / ``INTEGER_COLUMN_MAX``); a test walks every
  form and fails on one that does not.
"""

from __future__ import annotations

import codecs
import datetime
import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# PostgreSQL's ``integer`` (what IntegerField and PositiveIntegerField are).
INTEGER_COLUMN_MIN = -2_147_483_648
INTEGER_COLUMN_MAX = 2_147_483_647

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def control_characters_message(field: str) -> str:
    return _("%(field)s contains control characters (such as NUL), which are not allowed.") % {"field": field}


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


# --- JSON bodies -------------------------------------------------------------------------------


def _json_problem(data, max_depth: int) -> tuple[str, str] | None:
    """``(field, code)`` of the first thing wrong with parsed JSON: nested deeper than ``max_depth``
    or a string (key or value) with control characters. Walked without recursion."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, dict):
            if depth > max_depth:
                return field or "non_field_errors", "too_deep"
            for key, item in value.items():
                name = field or key
                if has_control_characters(key):
                    return name, "control_characters"
                stack.append((item, depth + 1, name))
        elif isinstance(value, list):
            if depth > max_depth:
                return field or "non_field_errors", "too_deep"
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str) and has_control_characters(value):
            return field or "non_field_errors", "control_characters"
    return None


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with limits: the body's size, its nesting depth and control characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise exceptions.ParseError(_("The request body is larger than %(size)s KB.") % {"size": limit // 1024},
                                        code="too_large")
        try:
            data = json.loads(codecs.decode(raw, encoding), parse_constant=self._no_constant)
        except RecursionError:
            data = None
            too_deep = True
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(_("The JSON in the request body is malformed: %(error)s")
                                        % {"error": exc}) from None
        else:
            too_deep = False
        problem = ("non_field_errors", "too_deep") if too_deep else _json_problem(data, settings.API_JSON_MAX_DEPTH)
        if problem is None:
            return data
        field, code = problem
        if code == "too_deep":
            message = _("%(field)s is nested deeper than %(depth)s levels.") % {
                "field": field, "depth": settings.API_JSON_MAX_DEPTH}
        else:
            message = control_characters_message(field)
        raise exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code=code)]})

    @staticmethod
    def _no_constant(name):
        raise ValueError(f"{name} is not JSON")


# --- Query strings and form bodies -------------------------------------------------------------


class InputLimitsMiddleware:
    """Refuses a request whose query string or form body has control characters in a name or a
    value: 400 in the API's error shape under /api/, the portal's 400 page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_control_characters(request.GET)
        if field is None and request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            field = self._field_with_control_characters(request.POST)
        if field is None:
            return self.get_response(request)
        message = control_characters_message(field)
        if is_api_path(request.path):
            from portal.api_base import api_error_body  # api_base loads DRF's settings, which name this module

            return JsonResponse(api_error_body(
                status=400, code="invalid", message=_("Some fields are invalid; see the field errors."),
                fields={field: [{"code": "control_characters", "message": message}]}), status=400)
        return render(request, "400.html", {"message": message}, status=400)

    @staticmethod
    def _field_with_control_characters(data) -> str | None:
        for name, values in data.lists():
            if has_control_characters(name):
                return CONTROL_CHARACTERS.sub("\ufffd", name)
            if any(isinstance(value, str) and has_control_characters(value) for value in values):
                return name
        return None


# --- Dates -------------------------------------------------------------------------------------


@deconstructible
class DateWindowValidator:
    """A date (or date-time) within the years ``INPUT_DATE_WINDOW``: anything outside is a typing
    mistake, and the year 1 or 9999 does not survive the conversion to UTC."""

    code = "date_out_of_range"

    def __call__(self, value):
        if not isinstance(value, datetime.date):
            return
        first, last = settings.INPUT_DATE_WINDOW
        if not first <= value.year <= last:
            raise ValidationError(_("Give a date between the years %(first)s and %(last)s.")
                                  % {"first": first, "last": last}, code=self.code)

    def __eq__(self, other):
        return isinstance(other, DateWindowValidator)


def date_window_install() -> None:
    """Every date and date-time field of Django's forms (so of the filters too) and of DRF's
    serializers checks the window, whoever declared it."""
    from django import forms
    from rest_framework import serializers

    for field_class in (forms.DateField, forms.DateTimeField, serializers.DateField, serializers.DateTimeField):
        if DateWindowValidator() not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, DateWindowValidator()]
