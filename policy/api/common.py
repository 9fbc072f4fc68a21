"""Pieces the policy API modules share."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from portal.api_base import ErrorSerializer
from portal.selectors import area_by_code

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
PUBLIC_ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}


def raise_form_errors(form) -> None:
    """A form's errors as the one API error format, keeping their codes."""
    raise exceptions.ValidationError({
        name: [exceptions.ErrorDetail(error["message"], code=error["code"] or "invalid") for error in errors]
        for name, errors in form.errors.get_json_data().items()})


class PolicyAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class AreaCodeField(serializers.CharField):
    """A division code in, the Area out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        area = area_by_code(code=code) if len(code) <= 12 else None
        if area is None:
            raise serializers.ValidationError(_("Unknown division code."), code="unknown_area")
        return area

    def run_validators(self, value):
        """The code was checked by ``to_internal_value``; the Area it became has no length to check."""
