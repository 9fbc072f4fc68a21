"""Forms and filters of the employer pages, and the one declaration of each employer input: the API
validates request bodies with these same forms (``jobs.api.inputs``). Limits come from
``jobs.constants``; the services check every business rule again and have the last word."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    CONTACT_NAME_MAX,
    CONTACT_PHONE_MAX,
    CREDIT_CODE_LENGTH,
    EMPLOYER_ADDRESS_MAX,
    EMPLOYER_FIELDS_LOCKED_WHEN_VERIFIED,
    EMPLOYER_INTRODUCTION_MAX,
    EMPLOYER_NAME_MAX,
    EMPLOYER_REASON_MAX,
    EmployerStatus,
)
from jobs.models import Employer
from jobs.selectors.employers import industries
from portal.forms import ServiceErrorsMixin
from portal.filters import AreaPickerFilter
from portal.widgets import AreaField


class EmployerForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=EMPLOYER_NAME_MAX)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=CREDIT_CODE_LENGTH,
        help_text=_("18 characters, as on the business licence (统一社会信用代码)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}))
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=industries(), empty_label=_("— choose —"),
                                      error_messages={"invalid_choice": _("Unknown industry; please choose again.")})
    area = AreaField(label=_("Registered in (community)"),
                     help_text=_("The district employment service of this area verifies your organisation."))
    address = forms.CharField(label=_("Address"), max_length=EMPLOYER_ADDRESS_MAX, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=CONTACT_NAME_MAX)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=CONTACT_PHONE_MAX,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    introduction = forms.CharField(label=_("Introduction"), max_length=EMPLOYER_INTRODUCTION_MAX, required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))

    @classmethod
    def initial_from(cls, employer: Employer) -> dict:
        """The organisation as input: its area and industry by code (what the page's lists and the API send)."""
        return {"name": employer.name, "credit_code": employer.credit_code, "industry": employer.industry_id,
                "area": employer.area.code, "address": employer.address, "contact_name": employer.contact_name,
                "contact_phone": employer.contact_phone, "introduction": employer.introduction}

    def lock_verified_fields(self) -> None:
        """A verified organisation keeps its code and area (see employer_update): the page shows them as text."""
        for name in EMPLOYER_FIELDS_LOCKED_WHEN_VERIFIED:
            del self.fields[name]


class EmployerRejectForm(ServiceErrorsMixin, forms.Form):
    prefix = "reject"
    # Required, but the service says so (with what the reason is for), for the page and the API alike.
    reason = forms.CharField(label=_("Reason for not verifying"), max_length=EMPLOYER_REASON_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The employer sees this and corrects its details."))


class YesNoField(forms.NullBooleanField):
    """Yes or no, required: "1"/"0" from a page's hidden input, true/false from the API."""

    def validate(self, value):
        if value is None:
            raise ValidationError(self.error_messages["required"], code="required")


class MembershipForm(ServiceErrorsMixin, forms.Form):
    prefix = "membership"
    is_member = YesNoField(label=_("Member unit"), widget=forms.HiddenInput,
                           help_text=_("true: make a member unit; false: end the membership."))
    member_since = forms.DateField(label=_("Member since"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))
    status = django_filters.ChoiceFilter(choices=EmployerStatus.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    member = django_filters.ChoiceFilter(choices=[("yes", _("Member units only")), ("no", _("Not member units"))],
                                         method="filter_member", label=_("Member unit"), empty_label=_("All"))
    area = AreaPickerFilter(method="filter_area", label=_("Within area"))

    class Meta:
        model = Employer
        fields = ["q", "status", "member", "area"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value)) if value else queryset

    def filter_member(self, queryset, name, value):
        return queryset.filter(is_member_unit=(value == "yes"))

    def filter_area(self, queryset, name, value):
        return queryset.within(value)
