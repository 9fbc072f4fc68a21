"""The public vacancy search's parameters, shared by the search page and the API.

The FilterSet parses and validates the query string; ``search_filters`` turns the clean values
into the selector's ``SearchFilters``. Its form also carries the page number and page size,
which are not filters.
"""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField as FilterChoiceField
from django_filters.fields import ChoiceIterator
from drf_spectacular.utils import extend_schema_field

from jobs.constants import SALARY_CEILING, WorkingTime
from jobs.models import Vacancy
from jobs.selectors.search import (
    PAGE_MAX,
    PAGE_SIZE,
    PAGE_SIZE_MAX,
    SORT_NEWEST,
    SORT_RELEVANCE,
    SORT_SALARY,
    SearchFilters,
    area_by_code_remembered,
    area_chain_remembered,
    area_children_remembered,
    area_first_of_level_remembered,
    industry_choices,
    occupation_choices,
    vacancy_search_queryset,
)
from portal.filters import YesNoCheckbox, YesNoField
from portal.models import Area
from portal.reference.education import Education
from portal.textsearch import QUERY_MAX
from portal import widgets as portal_widgets
from portal.widgets import AreaField, AreaPickerWidget, AreaReads

SORT_CHOICES = [
    (SORT_RELEVANCE, _("Best match")),
    (SORT_NEWEST, _("Newest")),
    (SORT_SALARY, _("Highest salary")),
]
POSTED_WITHIN_CHOICES = [
    ("1", _("Last 24 hours")),
    ("3", _("Last 3 days")),
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
]
FLAG_WIDGET = YesNoCheckbox  # portal.widgets' CheckboxInput (no template), refusing junk


class VacancySearchForm(forms.Form):
    """Checks that go across fields; the page number rides along."""

    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=PAGE_MAX,
                              widget=forms.HiddenInput,
                              error_messages={"max_value": _("Only the first %(limit_value)s pages are shown; "
                                                             "narrow your search instead.")})
    page_size = forms.IntegerField(label=_("Results per page"), required=False, min_value=1, max_value=PAGE_SIZE_MAX,
                                   widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", forms.ValidationError(
                _("The highest salary must not be below the lowest (%(low)s yuan)."), code="salary_range",
                params={"low": low}))
        return data


class _Shared:
    """These filters keep no state of their own per search, so the copy a FilterSet makes of
    each one per request can be shallow (django-filter deep-copies them, which costs more than
    the search's database work)."""

    def __deepcopy__(self, memo):
        return copy.copy(self)


# Every search page draws the area picker; its lists come from the per-process reference memo
# (the division tree changes only with load_areas).
REMEMBERED_AREA_READS = AreaReads(chain=area_chain_remembered, first_of_level=area_first_of_level_remembered,
                                  children=area_children_remembered)


class PublicAreaField(AreaField):
    """The area picker's field, looking areas up in the per-process reference memo."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", AreaPickerWidget(reads=REMEMBERED_AREA_READS))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, Area):
            return super().to_python(value)
        area = area_by_code_remembered(code=str(value))
        if area is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return area


class AreaFilter(_Shared, django_filters.Filter):
    field_class = PublicAreaField


class IntegerFilter(_Shared, django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", portal_widgets.NumberInput)
        super().__init__(*args, **kwargs)


class FlagFilter(_Shared, django_filters.Filter):
    """A yes/no flag: ``true`` or a ticked box's ``on``; junk is the field's ``invalid`` error."""

    field_class = YesNoField


class KeywordFilter(_Shared, django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", portal_widgets.TextInput)
        super().__init__(*args, **kwargs)


class PlainChoiceIterator(ChoiceIterator):
    """django-filter's choice iterator without ``normalize_choices`` on every pass: the search's
    choices are (value, label) pairs and groups already, and normalizing the hundred occupations
    each time the form validated or drew them cost as much as the search's query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from (self.choices() if callable(self.choices) else self.choices)


class SharedChoicesField(FilterChoiceField):
    """The choices are constants or lists from the reference memo, never changed on a form, so the
    copy of the field each form makes shares them (Django deep-copies every choice and label)."""

    iterator = PlainChoiceIterator

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class ChoiceFilter(_Shared, django_filters.ChoiceFilter):
    field_class = SharedChoicesField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", portal_widgets.Select)  # the page draws six selects, one with a hundred options
        super().__init__(*args, **kwargs)


def _noop(queryset, name, value):
    return queryset  # the whole set of filters is applied at once in filter_queryset


class VacancySearchFilterSet(django_filters.FilterSet):
    q = KeywordFilter(
        label=_("Keywords"), method=_noop, max_length=QUERY_MAX,
        help_text=_("Job title, employer or words in the description; separate several words with spaces."),
        error_messages={"max_length": _("Keywords can be at most %(limit_value)d characters long "
                                        "(you typed %(show_value)d).")})
    area = extend_schema_field({"type": "string", "description": "A district, street or community code (12 digits); "
                                                                 "its whole area is searched."})(AreaFilter(
        label=_("Work area"), method=_noop,
        help_text=_("A district, street or community code; its whole area is searched.")))
    occupation = ChoiceFilter(
        label=_("Occupation"), method=_noop, choices=occupation_choices, empty_label=_("Any occupation"),
        help_text=_("A major group (6) or a middle group (6-18) of the 2022 occupational classification."),
        error_messages={"invalid_choice": _("Unknown occupation code “%(value)s”.")})
    industry = ChoiceFilter(
        label=_("Industry"), method=_noop, choices=industry_choices, empty_label=_("Any industry"),
        help_text=_("A section letter of GB/T 4754 (A–T)."),
        error_messages={"invalid_choice": _("Unknown industry code “%(value)s”.")})
    salary_min = extend_schema_field({"type": "integer", "description": "Vacancies paying at least this much at "
                                                                       "their top (ranges overlap)."})(IntegerFilter(
        label=_("Monthly salary from (yuan)"), method=_noop, min_value=0, max_value=SALARY_CEILING))
    salary_max = extend_schema_field({"type": "integer", "description": "Vacancies starting at or below this "
                                                                       "(ranges overlap)."})(IntegerFilter(
        label=_("Monthly salary up to (yuan)"), method=_noop, min_value=0, max_value=SALARY_CEILING))
    education = ChoiceFilter(
        label=_("Education required"), method=_noop, choices=Education.choices, empty_label=_("Any"))
    working_time = ChoiceFilter(
        label=_("Working time"), method=_noop, choices=WorkingTime.choices, empty_label=_("Any"))
    posted_within = ChoiceFilter(
        label=_("Posted"), method=_noop, choices=POSTED_WITHIN_CHOICES, empty_label=_("Any time"))
    public_welfare = extend_schema_field({"type": "boolean", "description": "Public-welfare posts only."})(FlagFilter(
        label=_("Public-welfare posts only"), method=_noop, required=False, widget=FLAG_WIDGET))
    hard_to_employ = extend_schema_field({"type": "boolean", "description": "Open to hard-to-employ people only."})(FlagFilter(
        label=_("Open to hard-to-employ people"), method=_noop, required=False, widget=FLAG_WIDGET))
    graduates = extend_schema_field({"type": "boolean", "description": "For graduates only."})(FlagFilter(
        label=_("For graduates"), method=_noop, required=False, widget=FLAG_WIDGET))
    sort = ChoiceFilter(
        label=_("Sort by"), method=_noop, choices=SORT_CHOICES, empty_label=None,
        help_text=_("Best match needs keywords; without them the newest come first."))

    class Meta:
        model = Vacancy
        fields: list[str] = []
        form = VacancySearchForm

    def get_form_class(self):
        # The form's fields never depend on the request (choices are read when used), so the
        # class is built once instead of on every search.
        cls = type(self)
        if "_form_class_cache" not in cls.__dict__:
            cls._form_class_cache = super().get_form_class()
        return cls._form_class_cache

    @property
    def search_filters(self) -> SearchFilters:
        """The clean values as the selector's filters (call after ``is_valid()``)."""
        data = self.form.cleaned_data
        return SearchFilters(
            q=(data.get("q") or "").strip(),
            area=data.get("area"),
            occupation=data.get("occupation") or "",
            industry=data.get("industry") or "",
            salary_min=data.get("salary_min"),
            salary_max=data.get("salary_max"),
            education=data.get("education") or "",
            working_time=data.get("working_time") or "",
            posted_within=int(data["posted_within"]) if data.get("posted_within") else None,
            public_welfare=bool(data.get("public_welfare")),
            hard_to_employ=bool(data.get("hard_to_employ")),
            graduates=bool(data.get("graduates")),
            sort=data.get("sort") or "",
        )

    @property
    def page(self) -> int:
        return self.form.cleaned_data.get("page") or 1

    @property
    def page_size(self) -> int:
        return self.form.cleaned_data.get("page_size") or PAGE_SIZE

    def filter_queryset(self, queryset):
        return queryset.filter(pk__in=vacancy_search_queryset(filters=self.search_filters).values("pk"))
