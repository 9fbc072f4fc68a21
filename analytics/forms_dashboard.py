"""The dashboards' inputs: the day figures are read on, the month of a report, an export's format.
Pages and the chart endpoints validate with the same forms (``portal.api_forms`` style)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.constants import DASHBOARD_FIRST_DAY, EXPORT_FORMATS, STAFF_USE_MAX_DAYS, TREND_MONTHS


def _latest_day() -> datetime.date:
    return timezone.localdate()


class DayForm(forms.Form):
    """``on``: the day the figures are read on (the last day with facts when empty)."""

    on = forms.DateField(label=_("Figures on"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].widget.attrs.update(min=DASHBOARD_FIRST_DAY.isoformat(), max=_latest_day().isoformat())

    def clean_on(self):
        day = self.cleaned_data.get("on")
        if day is not None and not DASHBOARD_FIRST_DAY <= day <= _latest_day():
            raise ValidationError(_("Choose a day from %(first)s to today."), code="out_of_range",
                                  params={"first": DASHBOARD_FIRST_DAY.isoformat()})
        return day


class TrendForm(DayForm):
    months = forms.IntegerField(label=_("Months"), required=False, min_value=1, max_value=120,
                                initial=TREND_MONTHS)


MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class MonthForm(forms.Form):
    """``month``: the month of the report, as YYYY-MM (the last month with facts when empty)."""

    month = forms.CharField(label=_("Month"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-06"}))

    def clean_month(self) -> datetime.date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = MONTH.fullmatch(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not DASHBOARD_FIRST_DAY.year <= year <= _latest_day().year or not (
                DASHBOARD_FIRST_DAY.replace(day=1) <= datetime.date(year, month, 1) <= _latest_day()):
            raise ValidationError(_("Choose a month from %(first)s to this month."), code="out_of_range",
                                  params={"first": f"{DASHBOARD_FIRST_DAY:%Y-%m}"})
        return datetime.date(year, month, 1)


class ExportForm(forms.Form):
    export = forms.CharField(max_length=40)
    format = forms.ChoiceField(choices=[(f, f.upper()) for f in EXPORT_FORMATS],
                               error_messages={"invalid_choice": _("Export as CSV or XLSX.")})


class PeriodForm(forms.Form):
    """A period of days (staff use): this month so far when left out."""

    date_from = forms.DateField(label=_("Period from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})
    date_to = forms.DateField(label=_("Period to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not DASHBOARD_FIRST_DAY <= day <= _latest_day():
                self.add_error(name, ValidationError(_("Choose a day from %(first)s to today."), code="out_of_range",
                                                     params={"first": DASHBOARD_FIRST_DAY.isoformat()}))
        if first and last and not self.errors:
            if first > last:
                self.add_error("date_to", ValidationError(_("The period ends before it starts."), code="order"))
            elif (last - first).days >= STAFF_USE_MAX_DAYS:
                self.add_error("date_from", ValidationError(_("Choose a period of at most %(days)s days."),
                                                            code="too_long", params={"days": STAFF_USE_MAX_DAYS}))
        return data
