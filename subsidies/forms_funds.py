"""Forms of the fund, allocation and evaluation pages (and, through ``portal.api_forms``, of their API).

They parse what was typed into stored units (yuan into fen with ``YuanField``, one field per factor of
an allocation, named after the factor) and leave every business rule to the services:
``subsidies.services.fundbooks``, ``allocation`` and ``evaluation``.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.models import Area
from subsidies.constants import (
    ALLOCATION_FACTOR_UNITS,
    ALLOCATION_FACTORS,
    ALLOCATION_LABEL_MAX,
    FACTOR_FEN,
    FACTOR_PEOPLE,
    FACTOR_PEOPLE_MAX,
    FUND_FIRST_YEAR,
    FUND_MANAGERS,
    FUND_NOTE_MAX,
    STARTUP_LOAN_COSTS,
    WEIGHT_DECIMALS,
    AllocationKind,
)
from subsidies.forms_programmes import YuanField
from subsidies.models import AllocationWeights

FILE_FORMATS = [("xlsx", "XLSX (Excel)"), ("csv", "CSV")]
UNIT_HELP = {
    "people": _("Number of people."),
    "percent": _("A percentage, such as 92.5."),
    "index": _("An index where larger means needier, such as 1.2."),
    "score": _("Last year's evaluation score, 0 to 100."),
}


def this_year() -> int:
    return timezone.localdate().year


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", FUND_FIRST_YEAR)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)


class AreaCodeChoiceField(forms.ModelChoiceField):
    """An area picked from a short list (the city and its districts), given by division code."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", _("Choose…"))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name


def managed_areas(user, levels):
    """Areas of the given levels whose funds the user keeps (the declared ``FUND_MANAGERS`` rule)."""
    if user is None:
        return Area.objects.none()
    return (Area.objects.visible_to(user, roles=FUND_MANAGERS.roles, levels=FUND_MANAGERS.levels)
            .filter(level__in=levels).order_by("code"))


# --- Funds ------------------------------------------------------------------------------------------


class FundYearForm(forms.Form):
    """The year of the funds list, and whether to show only funds short of the 1.5 % rule."""

    year = YearField(required=False)
    short = forms.BooleanField(label=_("Only funds below 1.5 percent of last year's revenue"), required=False)

    def year_or_default(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return this_year()


class FundForm(ServiceErrorsMixin, forms.Form):
    """A year's employment fund of the city or a district."""

    area = AreaCodeChoiceField(queryset=Area.objects.none(), label=_("City or district"))
    year = YearField(initial=this_year)
    budget_fen = YuanField(label=_("Fund for the year (yuan)"),
                           help_text=_("The employment fund the budget sets aside this year."))
    prior_year_revenue_fen = YuanField(label=_("Last year's general budget revenue (yuan)"),
                                       help_text=_("The fund must be at least 1.5 percent of it."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = managed_areas(user, (AreaLevel.CITY, AreaLevel.DISTRICT))


class FundEditForm(ServiceErrorsMixin, forms.Form):
    budget_fen = YuanField(label=_("Fund for the year (yuan)"))
    prior_year_revenue_fen = YuanField(label=_("Last year's general budget revenue (yuan)"))


class FundAllocateForm(ServiceErrorsMixin, forms.Form):
    amount_fen = YuanField(label=_("Amount to allocate (yuan)"))
    note = forms.CharField(label=_("Note"), max_length=FUND_NOTE_MAX, required=False,
                           help_text=_("For example: first quarter budget, central transfer payment."))


# --- Allocation ---------------------------------------------------------------------------------------


def factor_field(name: str, label) -> forms.Field:
    unit = ALLOCATION_FACTOR_UNITS[name]
    if unit == FACTOR_FEN:
        return YuanField(label=_("%(factor)s (yuan)") % {"factor": label})
    if unit == FACTOR_PEOPLE:
        return forms.IntegerField(label=label, min_value=0, max_value=FACTOR_PEOPLE_MAX, help_text=UNIT_HELP["people"],
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    return forms.CharField(label=label, max_length=30, help_text=UNIT_HELP[unit],
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


class KindMixin:
    """Forms with one field per factor of an allocation kind."""

    def factor_names(self) -> list[str]:
        return [name for name, _label in ALLOCATION_FACTORS[AllocationKind(self.kind)]]

    def add_weight_fields(self) -> None:
        for name, label in ALLOCATION_FACTORS[AllocationKind(self.kind)]:
            self.fields[name] = forms.CharField(
                label=label, max_length=12,
                help_text=_("From 0 to 1, at most %(places)d decimals.") % {"places": WEIGHT_DECIMALS},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))

    def weights_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.factor_names()}


class WeightsForm(KindMixin, ServiceErrorsMixin, forms.Form):
    """A new version of an allocation's weights: one field per factor; they add up to exactly 1."""

    effective_from = forms.DateField(label=_("Effective from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     help_text=_("Leave empty for today."))

    def __init__(self, *args, kind: str = AllocationKind.TRANSFER, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.add_weight_fields()
        self.order_fields([*self.factor_names(), "effective_from"])


class InputForm(KindMixin, ServiceErrorsMixin, forms.Form):
    """A district's values of an allocation's factors for a year (and start-up loan costs)."""

    area = AreaCodeChoiceField(queryset=Area.objects.none(), label=_("District"))
    year = YearField(initial=this_year)

    def __init__(self, *args, kind: str = AllocationKind.TRANSFER, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["area"].queryset = managed_areas(user, (AreaLevel.DISTRICT,))
        for name, label in ALLOCATION_FACTORS[AllocationKind(kind)]:
            self.fields[name] = factor_field(name, label)
        if kind == AllocationKind.STARTUP_LOAN:
            for name, label in STARTUP_LOAN_COSTS:
                self.fields[name] = YuanField(label=_("%(cost)s expected this year (yuan)") % {"cost": label},
                                              required=False, help_text=_("0 if none; the city bears half."))

    def values_data(self) -> dict:
        names = [*self.factor_names(), *(name for name, _label in STARTUP_LOAN_COSTS
                                         if self.kind == AllocationKind.STARTUP_LOAN)]
        return {name: self.cleaned_data.get(name) for name in names}


class WeightsChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        shares = "，".join(f"{value}" for value in obj.weights.values())
        return _("Version %(number)d (%(weights)s)") % {"number": obj.number, "weights": shares}


class RunForm(ServiceErrorsMixin, forms.Form):
    """A new allocation run: the year whose inputs it uses, the total, the weights version, a label."""

    year = YearField(initial=this_year)
    total_fen = YuanField(label=_("Total to allocate (yuan)"))
    weights = WeightsChoiceField(queryset=AllocationWeights.objects.none(), label=_("Weights"),
                                 empty_label=_("Choose…"))
    label = forms.CharField(label=_("Label"), max_length=ALLOCATION_LABEL_MAX, required=False,
                            help_text=_("For example: 2026 central transfer, first batch."))

    def __init__(self, *args, kind: str = AllocationKind.TRANSFER, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["weights"].queryset = AllocationWeights.objects.filter(kind=kind).order_by("-number")


class WhatIfForm(KindMixin, ServiceErrorsMixin, forms.Form):
    """The same run with other weights (prefilled with the run's): they add up to exactly 1."""

    label = forms.CharField(label=_("Label"), max_length=ALLOCATION_LABEL_MAX, required=False)

    def __init__(self, *args, kind: str = AllocationKind.TRANSFER, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.add_weight_fields()
        self.order_fields([*self.factor_names(), "label"])


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Run"), min_value=1, max_value=2**31 - 1)
    b = forms.IntegerField(label=_("Compared with run"), min_value=1, max_value=2**31 - 1)


# --- Evaluation -----------------------------------------------------------------------------------------


class EvaluationYearForm(forms.Form):
    year = YearField(required=False)

    def year_or_default(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return this_year()


class EvaluationExportForm(EvaluationYearForm):
    file_format = forms.ChoiceField(label=_("File format"), choices=FILE_FORMATS, required=False)


class TargetForm(ServiceErrorsMixin, forms.Form):
    """A district's fund-use targets for a year."""

    area = AreaCodeChoiceField(queryset=Area.objects.none(), label=_("District"))
    year = YearField(initial=this_year)
    people_served = forms.IntegerField(label=_("People to serve"), min_value=1, max_value=FACTOR_PEOPLE_MAX)
    placements = forms.IntegerField(label=_("Placements"), min_value=1, max_value=FACTOR_PEOPLE_MAX)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = managed_areas(user, (AreaLevel.DISTRICT,))
