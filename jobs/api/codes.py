"""Serializer mixins for input that names reference records by code: each turns the code into the
record, or into a field error the client can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jobs.selectors.employers import industry_by_code
from portal.models import Area
from portal.reference.models import Industry
from portal.selectors import area_by_code


class AreaCodeMixin:
    """``area`` is a 12-digit division code."""

    def validate_area(self, value) -> Area:
        area = area_by_code(code=value)
        if area is None:
            raise serializers.ValidationError(_("Unknown division code."), code="unknown_area")
        return area


class IndustryCodeMixin:
    """``industry`` is a GB/T 4754 section letter."""

    def validate_industry(self, value) -> Industry:
        industry = industry_by_code(code=value)
        if industry is None:
            raise serializers.ValidationError(_("Unknown industry code."), code="unknown_industry")
        return industry
