"""Forms and filters of the employer pages. They parse input; services validate and write."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.constants import EmployerStatus
from jobs.models import Employer
from jobs.selectors.employers import industries
from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.selectors import area_by_code
from portal.widgets import AreaField

LOCKED_WHEN_VERIFIED = ("credit_code", "area")


class EmployerForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=100)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18,
        help_text=_("18 characters, as on the business licence (统一社会信用代码)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}))
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=industries(), empty_label=_("— choose —"),
                                      error_messages={"invalid_choice": _("Unknown industry; please choose again.")})
    area = AreaField(label=_("Registered in (community)"), allowed_levels={AreaLevel.COMMUNITY},
                     help_text=_("The district employment service of this area verifies your organisation."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=40)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    introduction = forms.CharField(label=_("Introduction"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()

    @classmethod
    def initial_from(cls, employer: Employer) -> dict:
        return {"name": employer.name, "credit_code": employer.credit_code, "industry": employer.industry_id,
                "area": employer.area, "address": employer.address, "contact_name": employer.contact_name,
                "contact_phone": employer.contact_phone, "introduction": employer.introduction}

    def lock_verified_fields(self) -> None:
        """A verified organisation keeps its code and area (see employer_update): the page shows them as text."""
        for name in LOCKED_WHEN_VERIFIED:
            del self.fields[name]


class EmployerRejectForm(ServiceErrorsMixin, forms.Form):
    prefix = "reject"
    reason = forms.CharField(label=_("Reason for not verifying"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The employer sees this and corrects its details."))


class MembershipForm(ServiceErrorsMixin, forms.Form):
    prefix = "membership"
    is_member = forms.TypedChoiceField(
        label=_("Member unit"), coerce=lambda v: v == "1", widget=forms.HiddenInput,
        choices=[("1", _("Make a member unit")), ("0", _("End membership"))])
    member_since = forms.DateField(label=_("Member since"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))
    status = django_filters.ChoiceFilter(choices=EmployerStatus.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    member = django_filters.ChoiceFilter(choices=[("yes", _("Member units only")), ("no", _("Not member units"))],
                                         method="filter_member", label=_("Member unit"), empty_label=_("All"))
    area = django_filters.CharFilter(method="filter_area", label=_("Within area (division code)"))

    class Meta:
        model = Employer
        fields = ["q", "status", "member", "area"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value)) if value else queryset

    def filter_member(self, queryset, name, value):
        return queryset.filter(is_member_unit=(value == "yes"))

    def filter_area(self, queryset, name, value):
        area = area_by_code(code=value.strip())
        return queryset.within(area) if area else queryset.none()
