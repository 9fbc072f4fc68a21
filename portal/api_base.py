"""API conventions shared by every app: pagination, one error format, and the toolkit every app's
API uses (error responses for the schema, the area serializer and area-code input, form errors,
service actions that answer with the fresh record, and the moves a user may take).

Every error answers::

    {"error": {"status": 400, "code": "invalid", "message": "…",
               "fields": {"username": [{"code": "duplicate", "message": "…"}]}}}

``fields`` is present only for validation errors; ``non_field_errors`` holds errors about the
whole request. A field of a list or of a nested object carries its errors the same way one level
down: ``{"items": {"0": {"name": [{…}]}}}`` (DRF keys a list's items by index). Messages follow the
request's language; codes are stable for programs.

Statuses: 400 invalid input; 401 no valid credentials (``WWW-Authenticate: Token``); 403 a logged-in
account that may not do this; 404 no such record in the caller's jurisdiction; 409 the record's state
does not allow the action now (the codes in ``CONFLICT_CODES``: a move its status does not allow, a
field locked once verified, an approval its fund cannot cover); 429 throttled or locked out (``Retry-After``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.models import Area
from portal.reference.models import Industry
from portal.selectors import area_by_code, industry_by_code
from portal.workflow import available_moves


class StandardPagination(pagination.PageNumberPagination):
    """Pages of 20 rows (``page_size`` up to 100; more is cut to 100). A ``page`` or ``page_size`` that
    is not a whole number from 1 up is a 400 naming the parameter (DRF would answer 404 to ``page=0``
    and silently ignore a bad ``page_size``); a page past the last is a 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            raw = request.query_params.get(name, "")
            if raw == "" or (name == self.page_query_param and raw in self.last_page_strings):
                continue
            if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
                errors[name] = [exceptions.ErrorDetail(_("Give a whole number from 1 up."), code="invalid")]
        if errors:
            raise exceptions.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)


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


def api_error_body(*, status: int, code: str, message: str, fields: dict | None = None) -> dict:
    """The API's one error shape (the module's docstring): from DRF's views through
    ``exception_handler``, and from answers made outside them (the error pages, the input limits)."""
    body = {"status": status, "code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


# Validation errors that are about the record's state, not the input: answered 409 Conflict (the body
# keeps the field errors, so a client reads the same codes as before).
CONFLICT_CODES = frozenset({"invalid_transition", "locked", "not_draft", "not_editable", "fund_exhausted"})


def _error_codes(full) -> set[str]:
    if isinstance(full, dict):
        if set(full) == {"message", "code"} and isinstance(full["code"], str):
            return {full["code"]}
        return set().union(*(_error_codes(value) for value in full.values())) if full else set()
    if isinstance(full, list):
        return set().union(*(_error_codes(value) for value in full)) if full else set()
    return set()


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

    if isinstance(exc, exceptions.ValidationError):
        full = exc.get_full_details()
        if isinstance(full, list):
            full = {"non_field_errors": full}
        codes = _error_codes(full)
        if codes and codes <= CONFLICT_CODES:
            response.status_code = 409
            response.data = api_error_body(status=409, code="conflict", fields=full, message=_(
                "This cannot be done in the current state; see the field errors."))
        else:
            response.data = api_error_body(status=response.status_code, code="invalid",
                                           message=_("Some fields are invalid; see the field errors."), fields=full)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = api_error_body(status=response.status_code, code=codes if isinstance(codes, str) else "error",
                                       message=str(getattr(exc, "detail", exc)))
    return response


@extend_schema_field({
    "type": "object",
    "description": "Field name → its errors; a list or nested field → its items or subfields, the same way "
                   "(a list's items keyed by index).",
    "additionalProperties": {"anyOf": [
        {"type": "array", "items": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}}}},
        {"type": "array", "items": {"type": "object"}, "description": "A list's items, each its field errors."},
        {"type": "object", "description": "A list's items keyed by index, or a nested object's fields."},
    ]},
})
class FieldErrorsField(serializers.DictField):
    pass


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = FieldErrorsField(required=False)


class ErrorSerializer(serializers.Serializer):
    """The one error format, for the OpenAPI schema."""

    error = ErrorBodySerializer()


# Error answers for the schema: ``responses={200: XSerializer, **ERRORS}``.
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
PUBLIC_ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}
# Throttled endpoints (portal/throttling.py) and the locked-out token endpoint: 429 with Retry-After.
# ``extend_schema(responses={..., **THROTTLED}, parameters=[..., *THROTTLE_HEADERS])``.
THROTTLED = {429: OpenApiResponse(ErrorSerializer, description=(
    "Too many requests from this client (code `throttled`) or, on the token endpoint, logging in locked "
    "after repeated failures (code `login_locked`, the message gives the unlock time). `Retry-After` "
    "says how many seconds to wait."))}
THROTTLE_HEADERS = [OpenApiParameter("Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429],
                                     description="Seconds to wait before the next request is accepted.")]


class AreaBriefSerializer(serializers.ModelSerializer):
    """An area as records show it: code, name and level."""

    class Meta:
        model = Area
        fields = ["code", "name", "level"]


class AreaCodeField(serializers.CharField):
    """A 12-digit division code in, the Area out (a field error ``unknown_area`` otherwise)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        area = area_by_code(code=code) if len(code) == 12 and code.isascii() and code.isdigit() else None
        if area is None:
            raise serializers.ValidationError(_("Unknown division code."), code="unknown_area")
        return area

    def to_representation(self, value):
        return value.code if isinstance(value, Area) else value

    def run_validators(self, value):
        """The code was checked by ``to_internal_value``; the Area it became has no length to check."""


class IndustryCodeField(serializers.CharField):
    """A GB/T 4754 section letter in, the Industry out (a field error ``unknown_industry`` otherwise)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        industry = industry_by_code(code=code) if code.isascii() and code.isalpha() else None
        if industry is None:
            raise serializers.ValidationError(_("Unknown industry code."), code="unknown_industry")
        return industry

    def to_representation(self, value):
        return value.code if isinstance(value, Industry) else value

    def run_validators(self, value):
        """The code was checked by ``to_internal_value``."""


def raise_form_errors(form) -> None:
    """A Django form's errors as the one API error format, keeping their codes."""
    raise exceptions.ValidationError({
        ("non_field_errors" if name == "__all__" else name):
            [exceptions.ErrorDetail(error["message"], code=error["code"] or "invalid") for error in errors]
        for name, errors in form.errors.get_json_data().items()})


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class MovesField(serializers.Field):
    """The workflow steps the requesting user may take on the record now, by name (``publish``,
    ``return`` …): the API's action list, from the same table as the pages' buttons."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "Workflow actions the requesting user may take on this record now.")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        return available_moves(getattr(request, "user", None), obj).names()


class ServiceActionMixin:
    """For viewsets whose actions each call one service.

    ``self.call(service, record="vacancy", input=ReturnSerializer)`` looks the record up through
    the viewset's (scoped) queryset, validates the body with ``input``, calls
    ``service(actor=request.user, vacancy=record, **validated)`` and answers with the record the
    service returned, re-read through the same queryset so the answer shows what a GET would.
    Refusals from the service become the one error format (``exception_handler``).
    """

    def call(self, service, /, *, record: str | None = None, input=None, status: int = 200, **extra) -> Response:
        arguments = dict(extra)
        if record is not None:
            arguments[record] = self.get_object()
        if input is not None:
            data = input(data=self.request.data, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            arguments.update(data.validated_data)
        result = service(actor=self.request.user, **arguments)
        return self.answer(result, status=status)

    def answer(self, record, *, status: int = 200, serializer_class=None) -> Response:
        """``record`` as this viewset shows it, fresh from its queryset when it is one of the viewset's
        records and still there (a sign-up made on a fair's action is answered as it is)."""
        queryset = self.get_queryset()
        fresh = (queryset.filter(pk=record.pk).first() if isinstance(record, queryset.model) else None) or record
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=status)
