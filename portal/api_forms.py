"""API input read by the pages' Django forms, so each input is declared once (fields, types, limits).

Every app's API validates a request body with the same form its page uses, and the service behind
both checks the business rules. Errors answer in the one API format with the form's codes.

- ``form_input(ReasonForm, rename={"decision_note": "note"})`` makes a serializer class whose
  ``validated_data`` is the form's ``cleaned_data``: the ``input=`` of
  ``ServiceActionMixin.call`` (the record is looked up first, so out of scope answers 404 whatever
  the body), and the request body of the OpenAPI schema.
- ``clean_with_form(Form, request.data)`` inside an action that does more than one call;
  ``FormActionMixin.form_data(Form)`` is the same for viewsets.
- ``form_schema(Form, "Name")`` describes a body a view reads by hand, for the schema only.

Options shared by all of them: ``codes`` (a small serializer of the kernel's code fields,
``AreaCodeField`` and ``IndustryCodeField``, for records the API names by code where a page picks
them from a list), ``optional`` (fields a page asks for that the API may leave out: the service then
takes today, say), ``not_found`` (a field's error code that means "outside your jurisdiction": the
API answers 404 for it, as for anything out of scope), ``rename`` (a form field to the service's
argument), and ``form_kwargs`` (what the form's constructor needs, or a callable of the request).
A field left out takes the form's initial value (what the page pre-fills); with ``partial=True`` the
``initial`` in the serializer's context (the record as input) fills what is left out. An empty value
given for a required field is ``blank`` (``null`` for null), a missing one ``required``, as DRF says.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from portal.api_base import ServiceActionMixin, raise_form_errors
from portal.scoping import OutOfScope
from portal.widgets import AreaField


def schema_field(field: forms.Field) -> serializers.Field:
    """What a form field takes, for the OpenAPI schema only. A field class may describe itself with
    an ``api_schema_field(**options)`` method (a yes/no field takes true/false)."""
    options = {"required": field.required and field.initial is None, "label": field.label}
    if field.help_text:
        options["help_text"] = field.help_text
    if hasattr(field, "api_schema_field"):
        return field.api_schema_field(**options)
    if isinstance(field, AreaField):
        options.setdefault("help_text", _("Division code (12 digits)."))
        return serializers.CharField(max_length=12, allow_null=not field.required, **options)
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return serializers.BooleanField(**options)
    if isinstance(field, forms.FileField):
        return serializers.FileField(**options)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(), **options)  # ids or codes
    if isinstance(field, forms.MultipleChoiceField):
        if isinstance(field.choices, CallableChoiceIterator):
            return serializers.ListField(child=serializers.CharField(), **options)
        return serializers.ListField(child=serializers.ChoiceField(
            choices=[(value, label) for value, label in field.choices if value != ""]), **options)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.CharField(allow_null=not field.required, **options)  # an id or a code
    if isinstance(field, forms.ChoiceField) and not isinstance(field.choices, CallableChoiceIterator):
        return serializers.ChoiceField(choices=[(value, label) for value, label in field.choices if value != ""],
                                       **options)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value,
                                        allow_null=not field.required, **options)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(allow_null=not field.required, **options)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=not field.required, **options)
    return serializers.CharField(max_length=getattr(field, "max_length", None), allow_blank=not field.required,
                                 **options)


def _form_fields(form_class: type[forms.Form], form_kwargs: dict | None, optional=()) -> dict[str, forms.Field]:
    """The fields of an unbound form (the choices a form sets up in ``__init__`` are there)."""
    try:
        fields = form_class(prefix="", **(form_kwargs or {})).fields
    except TypeError:  # a form that needs constructor arguments the schema has no value for
        fields = copy.deepcopy(form_class.base_fields)
    for name in optional:
        fields[name].required = False
    return fields


def form_schema(form_class: type[forms.Form], name: str, *, exclude=(), optional=(), extra: dict | None = None,
                form_kwargs: dict | None = None) -> type[serializers.Serializer]:
    """A serializer describing the body ``form_class`` reads, for the OpenAPI schema (never used to
    validate); ``extra`` adds or refines fields a plain mapping cannot describe (a list of steps)."""
    fields = {field_name: schema_field(field)
              for field_name, field in _form_fields(form_class, form_kwargs, optional).items()
              if field_name not in exclude}
    return type(name, (serializers.Serializer,), {**fields, **(extra or {}),
                                                  "__doc__": f"The body {form_class.__name__} reads."})


def validated_form(form_class: type[forms.Form], data, *, files=None, optional=(),
                   not_found: dict[str, str] | None = None, **form_kwargs) -> forms.Form:
    """``form_class`` bound to ``data`` (without the page's prefix) and valid, or its errors as a 400
    (a ``not_found`` error as a 404). A body that is not an object (a JSON list, a number) is a 400."""
    if data is not None and not hasattr(data, "get"):
        raise exceptions.ValidationError({"non_field_errors": [exceptions.ErrorDetail(
            _("Send an object of named fields."), code="not_an_object")]})
    form = form_class(data=data, files=files, prefix="", **form_kwargs)
    for name in optional:
        form.fields[name].required = False
    _refuse_wrong_types(form, data)
    if form.is_valid():
        return form
    errors = form.errors.as_data()
    if any(error.code == code for name, code in (not_found or {}).items() for error in errors.get(name, [])):
        raise OutOfScope()
    raise_form_errors(form)


# What a yes/no field accepts: JSON true/false, or the words a form or a query string sends.
BOOLEAN_WORDS = frozenset({"true", "True", "false", "False", "on", ""})


def _wrong_type(field: forms.Field, value) -> bool:
    if isinstance(field, BaseTemporalField):
        return not isinstance(value, str | datetime.date | None)
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return not (value is None or isinstance(value, bool) or (isinstance(value, str) and value in BOOLEAN_WORDS))
    return False


def _refuse_wrong_types(form: forms.Form, data) -> None:
    """A JSON number, true/false, list or object where a date or a time is expected, and anything but
    true or false for a yes/no field, is the field's ``invalid`` error (Django's date fields read only
    text and dates; its yes/no fields read any other text as yes)."""
    if not hasattr(data, "get"):
        return
    errors = {name: [exceptions.ErrorDetail(
                  field.error_messages["invalid"] if "invalid" in field.error_messages else _("Give true or false."),
                  code="invalid")]
              for name, field in form.fields.items() if _wrong_type(field, data.get(name))}
    if errors:
        raise exceptions.ValidationError(errors)


def clean_with_form(form_class: type[forms.Form], data, **options) -> dict:
    """The cleaned data of ``form_class`` built on ``data`` (see ``validated_form``)."""
    return validated_form(form_class, data, **options).cleaned_data


class FormInput(serializers.Serializer):
    """A request body read by a page's form (made by ``form_input``)."""

    form_class: type[forms.Form]
    codes: type[serializers.Serializer] | None = None
    rename: dict[str, str] = {}
    optional: tuple[str, ...] = ()
    not_found: dict[str, str] | None = None
    form_kwargs: dict | Callable | None = None

    def get_form_kwargs(self) -> dict:
        declared = self.form_kwargs
        if callable(declared):
            declared = declared(self.context.get("request"))
        return {**(declared or {}), **self.context.get("form_kwargs", {})}

    def to_internal_value(self, data):
        given = data.copy() if hasattr(data, "copy") else dict(data)
        values = given.copy()
        for name, value in (self.context.get("initial") or {}).items() if self.partial else ():
            if name not in values:
                values[name] = value
        for name, field in self.form_class.base_fields.items():
            if name not in values and field.initial is not None and not callable(field.initial):
                values[name] = field.initial
        errors: dict = {}
        found: dict = {}
        if self.codes is not None:
            code_names = set(self.codes._declared_fields)
            codes = self.codes(data={name: values[name] for name in code_names if name in values},
                               partial=self.partial, context=self.context)
            if codes.is_valid():
                found = dict(codes.validated_data)
                values.update(found)
            else:
                errors.update(codes.errors)
        form = None
        try:
            form = validated_form(self.form_class, values, optional=self.optional, not_found=self.not_found,
                                  **self.get_form_kwargs())
        except exceptions.ValidationError as exc:
            for name, details in exc.detail.items():
                errors.setdefault(name, [self._as_given(name, given, detail) for detail in details])
        if errors:
            raise exceptions.ValidationError(errors)
        cleaned = {self.rename.get(name, name): value for name, value in form.cleaned_data.items()}
        # Records named by code that the form does not take (a clerk names the employer) go along.
        return {**{name: value for name, value in found.items() if name not in form.fields}, **cleaned}

    @staticmethod
    def _as_given(name: str, given, detail: exceptions.ErrorDetail) -> exceptions.ErrorDetail:
        """DRF's words for a required field: ``blank`` when given empty, ``null`` when given null."""
        if detail.code == "required" and name in given:
            if given[name] is None:
                return exceptions.ErrorDetail(str(detail), code="null")
            if given[name] in ("", [], ()):
                return exceptions.ErrorDetail(str(detail), code="blank")
        return detail


def form_input(form_class: type[forms.Form], *, codes: type[serializers.Serializer] | None = None,
               rename: dict[str, str] | None = None, optional=(), not_found: dict[str, str] | None = None,
               form_kwargs: dict | Callable | None = None, name: str | None = None) -> type[FormInput]:
    """The serializer that validates a request body with ``form_class`` (see the module's docstring);
    its declared fields, generated from the form, describe the body in the OpenAPI schema."""
    schema_kwargs = form_kwargs if isinstance(form_kwargs, dict) else None
    attrs = {field_name: schema_field(field)
             for field_name, field in _form_fields(form_class, schema_kwargs, optional).items()}
    if codes is not None:
        attrs.update({field_name: copy.deepcopy(field) for field_name, field in codes._declared_fields.items()})
    attrs.update(form_class=form_class, codes=codes, rename=dict(rename or {}), optional=tuple(optional),
                 not_found=not_found, form_kwargs=staticmethod(form_kwargs) if callable(form_kwargs) else form_kwargs,
                 __module__=form_class.__module__,
                 __doc__=form_class.__doc__ or f"The input of {form_class.__name__}.")
    return type(name or form_class.__name__.removesuffix("Form") + "Input", (FormInput,), attrs)


class FormActionMixin(ServiceActionMixin):
    """Viewset actions whose body is read by a page's form:
    ``self.call(services.course_cancel, course=self.get_object(), **self.form_data(ReasonForm))``."""

    def valid_form(self, form_class: type[forms.Form], *, data=None, **kwargs) -> forms.Form:
        """The request body (or ``data``) through ``form_class``; its errors answer 400."""
        return validated_form(form_class, self.request.data if data is None else data,
                              files=self.request.FILES or None, **kwargs)

    def form_data(self, form_class: type[forms.Form], **kwargs) -> dict:
        return self.valid_form(form_class, **kwargs).cleaned_data
