"""Forms and filters of the agency pages. Each input is declared once, here: the pages and the API
(``jobs.api.inputs.form_input``) validate with the same forms. They parse input;
jobs/services/agencies.py decides."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    AGENCY_ADDRESS_MAX,
    AGENCY_AREA_LEVELS,
    AGENCY_MANAGERS,
    AGENCY_NAME_MAX,
    AGENCY_PHONE_MAX,
    AGENCY_SCOPE_MAX,
    CREDIT_CODE_LENGTH,
    LICENCE_HOLDER_MAX,
    LICENCE_NUMBER_MAX,
    LICENCE_REASON_MAX,
    LICENCE_WORKFLOW,
    SUPERVISION_FINDINGS_MAX,
    LicenceBadge,
    LicenceStatus,
    SupervisionResult,
)
from jobs.models import Agency
from jobs.selectors.agencies import agency_district_choices
from portal.forms import ServiceErrorsMixin
from portal.scoping import area_in_scope
from portal.widgets import AreaField


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgencyForm(ServiceErrorsMixin, forms.Form):
    """A private employment agency's licence details, to record or to correct."""

    name = forms.CharField(label=_("Agency name"), max_length=AGENCY_NAME_MAX)
    licence_number = forms.CharField(label=_("Licence number"), max_length=LICENCE_NUMBER_MAX)
    holder = forms.CharField(label=_("Licence holder"), max_length=LICENCE_HOLDER_MAX,
                             help_text=_("The legal representative or person in charge named on the licence."))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=CREDIT_CODE_LENGTH,
                                  required=False, help_text=_("18 characters; optional."))
    scope = forms.CharField(label=_("Business scope"), max_length=AGENCY_SCOPE_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Address"), max_length=AGENCY_ADDRESS_MAX)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=AGENCY_PHONE_MAX, required=False)
    valid_from = forms.DateField(label=_("Licence valid from"), widget=date_input())
    valid_to = forms.DateField(label=_("Licence valid to"), widget=date_input())
    area = AreaField(label=_("Area"), allowed_levels=AGENCY_AREA_LEVELS,
                     help_text=_("The district, street or community where the agency operates."))

    def __init__(self, *args, picked_by=None, **kwargs):
        """``picked_by``: the page's picker offers every district, so a page passes its user and a
        choice outside their own district is refused here, where they can pick again. The API passes
        none and the service answers such a choice as any area out of reach (404)."""
        super().__init__(*args, **kwargs)
        self.picked_by = picked_by

    def clean_area(self):
        area = self.cleaned_data.get("area")
        if area is not None and self.picked_by is not None and not area_in_scope(
                self.picked_by, area, roles=AGENCY_MANAGERS.roles, levels=AGENCY_MANAGERS.levels):
            raise forms.ValidationError(_("Choose an area in your own district."), code="out_of_scope")
        return area

    @classmethod
    def initial_for(cls, agency: Agency) -> dict:
        """The agency as input: its area by code (what the picker and the API send)."""
        return {**{name: getattr(agency, name) for name in cls.base_fields}, "area": agency.area_id}


class LicenceStatusField(forms.ChoiceField):
    """The licence status to move to. It offers the statuses given as its choices (a page: the
    user's moves) but accepts any licence status, so whether the move may be taken now is the
    service's answer (404 for a move that is not the user's), never the form's."""

    def valid_value(self, value) -> bool:
        return value in LicenceStatus.values


class AgencyStatusForm(ServiceErrorsMixin, forms.Form):
    """A change of the licence status (suspend, reinstate, revoke), with its reason."""

    status = LicenceStatusField(label=_("New licence status"), choices=LicenceStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=LICENCE_REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, moves=None, **kwargs):
        """``moves``: the user's moves on the agency (``available_moves``); the page offers the
        statuses its steps lead to."""
        super().__init__(*args, **kwargs)
        if moves is not None:
            steps = {step.name for step in LICENCE_WORKFLOW.steps}
            self.fields["status"].choices = [(move.target, LicenceStatus(move.target).label)
                                             for move in moves.values() if move.name in steps]


class SupervisionForm(ServiceErrorsMixin, forms.Form):
    """An inspection of an agency: when, what was found, and the result."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=date_input())  # the page suggests today
    result = forms.ChoiceField(label=_("Result"), choices=SupervisionResult.choices)
    findings = forms.CharField(label=_("Findings"), max_length=SUPERVISION_FINDINGS_MAX,
                               widget=forms.Textarea(attrs={"rows": 4}))


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
