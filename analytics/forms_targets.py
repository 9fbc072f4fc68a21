"""Forms of targets, district types, authenticity checks and the employed population. Pages and the
staff API validate with the same forms (``portal.api_forms``); the services judge the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.constants import (
    POPULATION_EMPLOYED_MAX,
    POPULATION_LEVELS,
    POPULATION_SOURCE_MAX,
    POPULATION_YEAR_RANGE,
    TARGET_AREA_LEVELS,
    TARGET_VALUE_MAX,
    TARGET_YEAR_RANGE,
    DistrictType,
    Indicator,
)
from portal.forms import ServiceErrorsMixin
from portal.models import Area
from portal.widgets import AreaField


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValidationError(_("Remove the invisible control characters."), code="null_characters")
    return value


class DistrictField(AreaField):
    """A district by its division code. Anything but 12 digits is an unknown area before any lookup
    (the kernel's ``AreaField`` passes a NUL byte on to the database, which refuses it with a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("District"))
        super().__init__(allowed_levels=TARGET_AREA_LEVELS, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value and not (len(value) == 12 and value.isascii() and value.isdigit()):
            raise ValidationError(self.error_messages["unknown"], code="unknown_area")
        if value not in self.empty_values and not isinstance(value, str | Area):
            raise ValidationError(self.error_messages["unknown"], code="unknown_area")
        return super().to_python(value)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        first, last = kwargs.pop("year_range", TARGET_YEAR_RANGE)
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("error_messages", {"invalid": _("Enter a year such as 2025."),
                                             "min_value": _("Enter a year from %(first)s to %(last)s.")
                                             % {"first": first, "last": last},
                                             "max_value": _("Enter a year from %(first)s to %(last)s.")
                                             % {"first": first, "last": last}})
        super().__init__(min_value=first, max_value=last, **kwargs)


class PeopleField(forms.IntegerField):
    """A whole number of people, shown as a number box that fits a phone."""

    def __init__(self, *, minimum: int = 1, **kwargs):
        kwargs.setdefault("error_messages", {
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter a whole number of people from %(low)s to %(max)s.")
            % {"low": minimum, "max": f"{TARGET_VALUE_MAX:,}"},
            "max_value": _("Enter a whole number of people from %(low)s to %(max)s.")
            % {"low": minimum, "max": f"{TARGET_VALUE_MAX:,}"}})
        super().__init__(min_value=minimum, max_value=TARGET_VALUE_MAX,
                         widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "number-input"}), **kwargs)


class YearAreaForm(forms.Form):
    """Which year, and which area (a code in the reader's subtree; their own area when empty)."""

    year = YearField(required=False)
    area = forms.CharField(label=_("Area"), required=False, max_length=12, widget=forms.HiddenInput)

    def clean_area(self) -> str:
        code = _no_nul(self.cleaned_data.get("area") or "").strip()
        if code and not (len(code) == 12 and code.isascii() and code.isdigit()):
            raise ValidationError(_("Unknown division code."), code="unknown_area")
        return code

    def year_or_this(self) -> int:
        """The year asked for, or this year when none or an invalid one was given (the form shows why)."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        if self.is_bound and not self.errors.get("year") and getattr(self, "cleaned_data", {}).get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class TargetForm(ServiceErrorsMixin, forms.Form):
    """One district's target (the API's input; the page sets a whole year at once)."""

    area = DistrictField()
    year = YearField()
    indicator = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    value = PeopleField(label=_("Target (people)"))


class TargetYearForm(ServiceErrorsMixin, forms.Form):
    """The year's targets of every district in the reader's subtree: one box per district and indicator
    of its type (``<district code>_<indicator>``). An empty box leaves that target as it is."""

    def __init__(self, *args, rows=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_values = initial_values or {}
        self.rows = list(rows)
        self.cells: list[tuple] = []
        for row in self.rows:
            for indicator, label in row.indicators:
                name = f"{row.district.code}_{indicator}"
                self.fields[name] = PeopleField(label=f"{row.district.name} · {label}", required=False,
                                                initial=initial_values.get((row.district.code, indicator)))
                self.cells.append((row.district, indicator, name))

    def values(self) -> list[tuple]:
        """(district, indicator, value) of the boxes filled in."""
        return [(district, indicator, self.cleaned_data[name]) for district, indicator, name in self.cells
                if self.cleaned_data.get(name) is not None]

    def grid(self):
        """Rows of (district row, [(indicator, bound field)]) for the template."""
        for row in self.rows:
            yield row, [(indicator, self[f"{row.district.code}_{indicator}"]) for indicator, _label in row.indicators]


class DecomposeForm(ServiceErrorsMixin, forms.Form):
    """A part for every child of the target's area (named by its code); 0 allowed."""

    service_field_names = {"parts": "__all__"}

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        for child in self.children:
            self.fields[child.area.code] = PeopleField(
                label=child.area.name, minimum=0,
                initial=child.value if child.value is not None else child.suggested)

    def parts(self) -> dict[str, int]:
        return {child.area.code: self.cleaned_data[child.area.code] for child in self.children}

    def rows(self):
        for child in self.children:
            yield child, self[child.area.code]

    def add_service_errors(self, exc):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class DecomposeInputForm(forms.Form):
    """The API's body: ``{"parts": {"<child code>": <part>, …}}``."""

    def __init__(self, data=None, *args, **kwargs):
        self.raw_parts = (data or {}).get("parts") if hasattr(data, "get") else None
        super().__init__(data, *args, **kwargs)

    def clean(self):
        parts = self.raw_parts
        if not isinstance(parts, dict) or not parts:
            raise ValidationError(_("Give the parts as an object of division codes and numbers."), code="invalid")
        cleaned: dict[str, int] = {}
        for code, value in parts.items():
            if not isinstance(code, str) or len(code) > 12 or "\x00" in code:
                raise ValidationError(_("Unknown division code."), code="unknown_area")
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(_("Each part is a whole number."), code="invalid")
            cleaned[code] = value
        return {"parts": cleaned}


class DistrictTypesForm(ServiceErrorsMixin, forms.Form):
    """Each district's type (central or outer); a district left unset keeps new employment only."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[row.district.code] = forms.ChoiceField(
                label=row.district.name, required=False, initial=row.district_type or "",
                choices=[("", _("Not set")), *DistrictType.choices])

    def changed_types(self) -> list[tuple]:
        chosen = {row.district.code: self.cleaned_data.get(row.district.code) for row in self.rows}
        return [(row.district, chosen[row.district.code]) for row in self.rows
                if chosen[row.district.code] and chosen[row.district.code] != row.district_type]

    def pairs(self):
        for row in self.rows:
            yield row, self[row.district.code]


class DistrictTypeForm(forms.Form):
    """One district's type (the API's input)."""

    district = DistrictField()
    district_type = forms.ChoiceField(label=_("District type"), choices=DistrictType.choices)


class ChecksForm(YearAreaForm):
    """The year checked (to yesterday) and the district whose records are listed."""

    district = forms.CharField(label=_("District"), required=False, max_length=12, widget=forms.HiddenInput)

    def clean_district(self) -> str:
        code = _no_nul(self.cleaned_data.get("district") or "").strip()
        if code and not (len(code) == 12 and code.isascii() and code.isdigit()):
            raise ValidationError(_("Unknown division code."), code="unknown_area")
        return code


class PopulationForm(ServiceErrorsMixin, forms.Form):
    """The employed population of the city or a district in a year (the unemployment rate's denominator)."""

    area = forms.ChoiceField(label=_("Area"))
    year = YearField(year_range=POPULATION_YEAR_RANGE, initial=lambda: timezone.localdate().year)
    employed = forms.IntegerField(label=_("Employed population"), min_value=1, max_value=POPULATION_EMPLOYED_MAX,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    source = forms.CharField(label=_("Source of the figure"), max_length=POPULATION_SOURCE_MAX,
                             help_text=_("For example 区统计局2024年统计年报."), validators=[_no_nul])

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {area.code: area for area in areas if area.level in POPULATION_LEVELS}
        self.fields["area"].choices = [(code, area.name) for code, area in self.areas.items()]

    def clean_area(self):
        return self.areas[self.cleaned_data["area"]]

