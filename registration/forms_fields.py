"""Form fields shared by registration's forms, which the pages and the API both validate with.

A page offers a short list (the districts one may hand a case to, the vacancies a search found)
but the service is the one judge of whether a choice fits: ``LookupChoiceField`` shows its
``choices`` and takes any value its ``lookup`` finds, leaving "not that one" to the service, so the
page and the API get the service's answer and code.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.selectors import area_by_code


class LookupChoiceField(forms.ChoiceField):
    """Offers ``choices``; cleans any value ``lookup(value)`` finds into that object."""

    default_error_messages = {"unknown": _("Unknown choice; please choose again.")}

    def __init__(self, *, lookup, unknown_code: str = "unknown", **kwargs):
        self.lookup = lookup
        self.unknown_code = unknown_code
        super().__init__(**kwargs)

    def api_schema_field(self, **options) -> serializers.Field:
        """In the API any value the lookup finds is taken (an id or a code), not only those offered."""
        return serializers.CharField(**options)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "pk"):  # already the object (a form re-shown with what a view gave it)
            return value
        found = self.lookup(str(value).strip())
        if found is None:
            raise ValidationError(self.error_messages["unknown"], code=self.unknown_code)
        return found

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        return getattr(value, "code", None) or getattr(value, "pk", value)


def area_choice_field(**kwargs) -> LookupChoiceField:
    """A division code in (the page shows a list of areas), the Area out."""
    kwargs.setdefault("error_messages", {"unknown": _("Unknown division code.")})
    return LookupChoiceField(lookup=lambda code: area_by_code(code=code), unknown_code="unknown_area", **kwargs)


class YesNoField(forms.TypedChoiceField):
    """Yes or no as two radio buttons on a page; also true/false from the API. Empty is None."""

    def __init__(self, **kwargs):
        kwargs.update(choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes",
                      empty_value=None)
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(**kwargs)

    def api_schema_field(self, **options) -> serializers.Field:
        return serializers.BooleanField(allow_null=True, **options)

    def to_python(self, value):
        if value is True or str(value).lower() in ("true", "1"):
            return "yes"
        if value is False or str(value).lower() in ("false", "0"):
            return "no"
        return super().to_python(value)
