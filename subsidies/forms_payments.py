"""Forms of the payment cycle pages, also read by the API (``portal.api_forms``): generate a month's
list, export the bank file, import the bank's result, and filter the cycles and their lines."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.models import Area
from portal.scoping import ALL_AREAS, scope_paths
from subsidies.bankfiles import FORMATS
from subsidies.constants import BANK_FILE_MAX_BYTES, RECURRING_KINDS, CycleStatus, PaymentStatus
from subsidies.models import PaymentCycle, Programme
from subsidies.services.payments import cycle_districts

MIN_YEAR, MAX_YEAR = 2000, 2099


def previous_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class MonthField(forms.CharField):
    """A month written ``YYYY-MM`` (a browser's month picker sends that), as the date of its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-05", "inputmode": "numeric"})
    default_error_messages = {"invalid": _("Give a month as YYYY-MM, for example 2026-05.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else value

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        parts = text.strip().split("-")
        if len(parts) not in (2, 3) or not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(parts[0]), int(parts[1])
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(year, month, 1)

    def run_validators(self, value):
        """The text was checked by ``to_python``; the date it became has no length to check."""

    def api_schema_field(self, **options) -> serializers.Field:
        options.setdefault("help_text", "A month, YYYY-MM.")
        return serializers.RegexField(r"^\d{4}-\d{2}$", **options)


def recurring_programmes():
    return Programme.objects.filter(kind__in=RECURRING_KINDS).order_by("code")


class CycleGenerateForm(ServiceErrorsMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=recurring_programmes(), to_field_name="code",
                                       empty_label=None)
    month = MonthField(label=_("Month paid"), initial=previous_month)
    district = forms.ModelChoiceField(label=_("District"), queryset=Area.objects.none(), to_field_name="code",
                                      required=False, help_text=_("The district whose fund pays the list."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = cycle_districts(user) if user is not None else []
        self.fields["district"].queryset = Area.objects.filter(pk__in=[d.pk for d in districts]).order_by("code")
        if len(districts) <= 1:
            self.fields["district"].widget = forms.HiddenInput()


class CycleExportForm(ServiceErrorsMixin, forms.Form):
    file_format = forms.ChoiceField(label=_("File format"), choices=[(f, f.upper()) for f in FORMATS],
                                    initial="csv", widget=forms.RadioSelect)


class BankResultForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("The bank's result file (CSV or XLSX)"),
                           help_text=_("At most %(mb)s MB. You will see what it does before anything is saved.")
                           % {"mb": BANK_FILE_MAX_BYTES // (1024 * 1024)})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > BANK_FILE_MAX_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.")
                                        % {"mb": BANK_FILE_MAX_BYTES // (1024 * 1024)}, code="too_large")
        return upload


class BankResultConfirmForm(forms.Form):
    """The confirmation of a previewed file: its fingerprint, so exactly what was previewed is applied."""

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


def _districts_in_scope(request):
    user = getattr(request, "user", None)
    paths = scope_paths(user)
    districts = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code")
    if ALL_AREAS in paths:
        return districts
    # Districts the reader's grants cover or lie in (a district official sees one; the city all).
    return districts.filter(pk__in=[a.pk for a in districts if any(a.path.startswith(p) or p.startswith(a.path)
                                                                    for p in paths)])


class CycleFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=recurring_programmes(),
                                                 to_field_name="code", empty_label=_("All programmes"))
    month = MonthFilter(label=_("Month"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CycleStatus.choices, empty_label=_("Any status"))
    district = django_filters.ModelChoiceFilter(label=_("District"), field_name="area", to_field_name="code",
                                                queryset=_districts_in_scope, empty_label=_("All districts"))

    class Meta:
        model = PaymentCycle
        fields = ["programme", "month", "status", "district"]


class LineFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All lines")), *PaymentStatus.choices])


class PaymentFilterForm(LineFilterForm):
    cycle = forms.IntegerField(label=_("Cycle"), required=False, min_value=1, max_value=2**31 - 1)
