"""Every form and filter of the apps asks for an area with the area picker (district → street →
community) or a list, never as a division code typed into a text box.

The classes are discovered, not listed: every module of the apps is imported and every subclass of
Django's ``BaseForm`` and django-filter's ``FilterSet`` defined in them is walked, so a new form or
filter with a free-text area field fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import django_filters
import pytest
from django import forms
from django.utils import translation

from portal.widgets import AreaPickerWidget

pytestmark = pytest.mark.django_db

APPS = ("portal", "jobs", "registration", "policy", "subsidies", "analytics")

# A field asks for an area when its name says so (``area``, ``district_code``, ``within``…) or its label
# does ("Within area", "District", "…division code"; not a label that merely mentions a district).
AREA_NAME = re.compile(r"(^|_)(area|areas|district|districts|street|streets|community|communities|within|"
                       r"division)(_code|_codes)?$")
AREA_LABEL = re.compile(r"\b(division|area) codes?\b|^(within )?(area|district|street|community)\b", re.IGNORECASE)

# Inputs that take a code and are not met by a person, each with why.
EXEMPT = {
    ("portal.filters.AreaFilter", "parent"):
        "the area tree API the picker itself reads each next level from; it also takes 'root'",
    ("analytics.api.targets.StaffUseForm", "area"):
        "a query parameter of the staff-use chart API, answered 404 when unknown or out of scope alike; "
        "the page moves between areas by its links",
}


def _app_modules():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _own(cls) -> bool:
    return cls.__module__.split(".")[0] in APPS


def _fields_of_form(cls):
    """The form's declared fields and, where it can be made without arguments, those its __init__ adds."""
    fields = dict(cls.base_fields)
    try:
        fields.update(cls().fields)
    except Exception:  # noqa: BLE001 - forms that need their record or user: the declared fields suffice
        pass
    return fields.items()


def _fields_of_filterset(cls):
    for name, declared in cls.base_filters.items():
        try:
            field = declared.field
        except Exception:  # noqa: BLE001 - a queryset that needs the request: the field class's own widget
            field = declared.field_class(label=declared.label)
        yield name, field


def free_text_area_fields(cls, fields) -> list[str]:
    """``module.Class.field`` for each field that asks for an area as text typed in."""
    found = []
    for name, field in fields:
        widget = field.widget
        if isinstance(widget, (forms.HiddenInput, AreaPickerWidget)):
            continue
        typed = isinstance(widget, (forms.TextInput, forms.Textarea))
        with translation.override("en"):
            label = str(field.label or "")
        if typed and (AREA_NAME.search(name) or AREA_LABEL.search(label)):
            key = (f"{cls.__module__}.{cls.__qualname__}", name)
            if key not in EXEMPT:
                found.append(".".join(key))
    return found


@pytest.fixture(scope="module")
def classes():
    _app_modules()
    form_classes = sorted({c for c in _subclasses(forms.BaseForm) if _own(c)}, key=lambda c: c.__qualname__)
    filtersets = sorted({c for c in _subclasses(django_filters.FilterSet) if _own(c)},
                        key=lambda c: c.__qualname__)
    return form_classes, filtersets


def test_no_form_or_filter_asks_for_an_area_code_as_free_text(classes):
    form_classes, filtersets = classes
    names = {c.__qualname__ for c in [*form_classes, *filtersets]}
    # Discovery works: forms and filters of several apps are found, among them ones with the picker.
    assert {"SeekerProfileForm", "PersonRegisterForm", "VacancyReviewFilter", "EmployerFilter",
            "RoleGrantFilter", "ApplicationFilter"} <= names
    offenders = []
    for cls in form_classes:
        offenders += free_text_area_fields(cls, _fields_of_form(cls))
    for cls in filtersets:
        offenders += free_text_area_fields(cls, _fields_of_filterset(cls))
    assert offenders == [], "use portal.widgets.AreaField (forms) or portal.filters.AreaPickerFilter " \
                            f"(filters) for: {offenders}"


def test_the_exemptions_name_fields_that_exist(classes):
    form_classes, filtersets = classes
    by_name = {f"{c.__module__}.{c.__qualname__}": c for c in [*form_classes, *filtersets]}
    for class_name, field_name in EXEMPT:
        cls = by_name[class_name]
        assert field_name in getattr(cls, "base_fields", getattr(cls, "base_filters", {}))


def test_a_text_box_for_an_area_is_found():
    """The check itself: a form or filter with an area typed in is reported, the picker is not."""

    class TypedForm(forms.Form):
        district_code = forms.CharField()
        comment = forms.CharField(label="Comment")

    class TypedFilter(django_filters.FilterSet):
        area = django_filters.CharFilter(label="Within area")
        name = django_filters.CharFilter(label="Name")

    class PickedFilter(django_filters.FilterSet):
        from portal.filters import AreaPickerFilter
        area = AreaPickerFilter(label="Within area")

    assert free_text_area_fields(TypedForm, _fields_of_form(TypedForm)) == [
        f"{__name__}.test_a_text_box_for_an_area_is_found.<locals>.TypedForm.district_code"]
    assert [f.rsplit(".", 1)[1] for f in free_text_area_fields(TypedFilter, _fields_of_filterset(TypedFilter))] \
        == ["area"]
    assert free_text_area_fields(PickedFilter, _fields_of_filterset(PickedFilter)) == []
