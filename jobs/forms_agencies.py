"""Forms and filters of the agency pages. They parse input; jobs/services/agencies.py decides."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.constants import LICENCE_TRANSITIONS, LicenceStatus, SupervisionResult
from jobs.models import Agency
from jobs.selectors.agencies import LicenceBadge, agency_district_choices
from jobs.services.agencies import (
    AGENCY_AREA_LEVELS,
    AGENCY_STAFF_LEVELS,
    AGENCY_STAFF_ROLES,
    FINDINGS_MAX,
    REASON_MAX,
)
from portal.forms import ServiceErrorsMixin
from portal.scoping import area_in_scope
from portal.widgets import AreaField


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgencyForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Agency name"), max_length=100)
    licence_number = forms.CharField(label=_("Licence number"), max_length=40)
    holder = forms.CharField(label=_("Licence holder"), max_length=60,
                             help_text=_("The legal representative or person in charge named on the licence."))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False,
                                  help_text=_("18 characters; optional."))
    scope = forms.CharField(label=_("Business scope"), max_length=300,
                            widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Address"), max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    valid_from = forms.DateField(label=_("Licence valid from"), widget=date_input())
    valid_to = forms.DateField(label=_("Licence valid to"), widget=date_input())
    area = AreaField(label=_("Area"), allowed_levels=AGENCY_AREA_LEVELS,
                     help_text=_("The district, street or community where the agency operates."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_area(self):
        area = self.cleaned_data.get("area")
        if area is not None and not area_in_scope(self.user, area, roles=AGENCY_STAFF_ROLES,
                                                  levels=AGENCY_STAFF_LEVELS):
            raise forms.ValidationError(_("Choose an area in your own district."), code="out_of_scope")
        return area

    @classmethod
    def initial_for(cls, agency: Agency) -> dict:
        return {name: getattr(agency, name) for name in cls.base_fields}


class AgencyStatusForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New licence status"))
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = LICENCE_TRANSITIONS.get(agency.status, set())
        self.fields["status"].choices = [(value, label) for value, label in LicenceStatus.choices
                                         if value in allowed]


class SupervisionForm(ServiceErrorsMixin, forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=date_input(), initial=timezone.localdate)
    result = forms.ChoiceField(label=_("Result"), choices=SupervisionResult.choices)
    findings = forms.CharField(label=_("Findings"), max_length=FINDINGS_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class AgencyPublicFilter(django_filters.FilterSet):
    district = django_filters.ChoiceFilter(label=_("District"), method="filter_district")

    class Meta:
        model = Agency
        fields = ["district"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {area.code: area for area in agency_district_choices()}
        self.filters["district"].extra["choices"] = [(code, area.name) for code, area in self.districts.items()]

    def filter_district(self, queryset, name, value: str):
        area = self.districts.get(value)
        return queryset.within(area) if area else queryset.none()


class StaffAgencyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or licence number"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Licence status"), choices=LicenceStatus.choices)
    badge = django_filters.ChoiceFilter(label=_("Validity"), choices=LicenceBadge.choices)

    class Meta:
        model = Agency
        fields = ["q", "status", "badge"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(licence_number__icontains=value))
