"""What every operation of the OpenAPI schema shares, documented in one place (a drf-spectacular
post-processing hook), so no view can forget it:

- the error answers: the statuses and the one error shape of ``portal.api_base``; a view's own
  description of a status (``THROTTLED`` on the throttled ones, a 404 that says more) is kept;
- an optional query parameter sent empty (``?status=``) is the same as one left out, as HTML forms
  send them (``allowEmptyValue``)."""

from __future__ import annotations

ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}

# Status → description; 409 only on the methods that change something.
ERROR_STATUSES = {
    "400": "Invalid input: a field, a query parameter or the body (code `invalid`; `fields` names each).",
    "401": "No valid credentials: log in, or send `Authorization: Token …` with a valid token.",
    "403": "This account may not do this (or the form's CSRF check failed).",
    "404": "No such record in your jurisdiction, or no such page of a list.",
    "409": "The current state does not allow this now (code `conflict`; `fields` carries the reason, such as "
           "`invalid_transition`, `locked` or `fund_exhausted`).",
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "head", "options", *UNSAFE_METHODS}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                if status == "409" and method not in UNSAFE_METHODS:
                    continue
                responses.setdefault(status, {"content": {"application/json": {"schema": ERROR_SCHEMA}},
                                              "description": description})
    return result
