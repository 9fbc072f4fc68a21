"""API conventions shared by every app: pagination and one error format.

Every error answers::

    {"error": {"status": 400, "code": "invalid", "message": "…",
               "fields": {"username": [{"code": "duplicate", "message": "…"}]}}}

``fields`` is present only for validation errors; ``non_field_errors`` holds errors about the
whole request. Messages follow the request's language; codes are stable for programs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def django_validation_error_detail(exc: DjangoValidationError) -> dict | list:
    """Turn a service's ValidationError into DRF's detail, keeping the codes."""
    def details(errors):
        return [
            exceptions.ErrorDetail(message, code=error.code or "invalid")
            for error in errors
            for message in error.messages
        ]

    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): details(errors)
            for name, errors in exc.error_dict.items()
        }
    return {"non_field_errors": details(exc.error_list)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    body: dict = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        full = exc.get_full_details()
        if isinstance(full, list):
            full = {"non_field_errors": full}
        body["code"] = "invalid"
        body["message"] = _("Some fields are invalid; see the field errors.")
        body["fields"] = full
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body["code"] = codes if isinstance(codes, str) else "error"
        body["message"] = str(getattr(exc, "detail", exc))
    response.data = {"error": body}
    return response


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=ErrorItemSerializer(many=True), required=False)


class ErrorSerializer(serializers.Serializer):
    """The one error format, for the OpenAPI schema."""

    error = ErrorBodySerializer()
