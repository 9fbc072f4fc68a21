"""Forms and filters of employment and unemployment registration and of the ledger. The staff
and seeker APIs validate with the same forms (``portal.api_forms``); the services judge."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import Application, Employer, Referral
from portal.forms import ServiceErrorsMixin
from portal.scoping import area_in_scope
from portal.widgets import AreaField
from registration.constants import (
    EMPLOYER_NAME_MAX,
    NOTE_MAX,
    CancellationReason,
    EmploymentKind,
    UnemploymentStatus,
)
from registration.models import UnemploymentRegistration
from registration.selectors.ledger import LedgerKind
from registration.selectors.registrations import employment_source_queryset


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnemploymentRegisterForm(ServiceErrorsMixin, forms.Form):
    """Registration at the window; after a refused duplicate, ``existing`` is the registration already open."""

    existing = None

    registered_on = forms.DateField(label=_("Registered on"), widget=date_input(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    prefix = "unemployment"

    def add_service_errors(self, exc):
        self.existing = getattr(exc, "existing", None)
        super().add_service_errors(exc)


class UnemploymentApplyForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Anything the clerk should know"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    prefix = "confirm"


class RejectForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Why it is not confirmed"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    prefix = "reject"


class CancelForm(ServiceErrorsMixin, forms.Form):
    cancel_reason = forms.ChoiceField(label=_("Reason for cancellation"), choices=CancellationReason.choices)
    cancelled_on = forms.DateField(label=_("Cancelled on"), widget=date_input(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    prefix = "cancel"


class EmploymentForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of employment"), choices=EmploymentKind.choices)
    started_on = forms.DateField(label=_("Employed since"), widget=date_input(), initial=timezone.localdate)
    employer_name = forms.CharField(label=_("Employer"), max_length=EMPLOYER_NAME_MAX, required=False,
                                    help_text=_("Required for a hire by an enterprise."))
    # The jobs records an employment came from; set by links and the API, checked by the service.
    employer = forms.ModelChoiceField(queryset=employment_source_queryset(model=Employer), required=False,
                                      widget=forms.HiddenInput)
    application = forms.ModelChoiceField(queryset=employment_source_queryset(model=Application), required=False,
                                         widget=forms.HiddenInput)
    referral = forms.ModelChoiceField(queryset=employment_source_queryset(model=Referral), required=False,
                                      widget=forms.HiddenInput)

    prefix = "employment"


class UnemploymentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=UnemploymentStatus.choices)
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")

    class Meta:
        model = UnemploymentRegistration
        fields = ["status", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(person__name__icontains=value.strip()))


class LedgerForm(forms.Form):
    """Which ledger: kind, area (in the reader's scope; empty: their own area) and date."""

    kind = forms.ChoiceField(label=_("Ledger"), required=False, choices=[
        (LedgerKind.UNEMPLOYED, _("Registered unemployed")),
        (LedgerKind.HARD_TO_EMPLOY, _("Hard-to-employ persons"))])
    area = AreaField(label=_("Area"), required=False)
    on = forms.DateField(label=_("On date"), required=False, widget=date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_area(self):
        area = self.cleaned_data.get("area")
        if area is not None and not area_in_scope(self.user, area):
            raise forms.ValidationError(_("Choose an area in your own jurisdiction."), code="out_of_scope")
        return area

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on is not None and on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return on

    def clean_kind(self):
        return self.cleaned_data.get("kind") or LedgerKind.UNEMPLOYED


class LedgerExportForm(LedgerForm):
    prefix = "export"
    file_format = forms.ChoiceField(label=_("File format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")],
                                    initial="csv", required=False)
    full_numbers = forms.BooleanField(
        label=_("Include whole identity numbers"), required=False,
        help_text=_("Only when you need them: the export is recorded in the audit trail."))
