"""Forms and filters of the hard-to-employ pages: intake, decisions, handovers, the commitment's
referral and follow-up visits. They parse input; services validate and write."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.forms import ServiceErrorsMixin
from portal.models import Area
from registration.constants import CommitmentStatus, FollowUpStatus, HardshipStatus
from registration.models import FollowUpVisit, HardshipCase

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Intake and decisions -------------------------------------------------------------------------


class CaseIntakeForm(ServiceErrorsMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose the person (search above)."),
                                                    "invalid_choice": _("Choose one of the persons found.")})
    categories = forms.MultipleChoiceField(label=_("Categories"), widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one category.")})
    circumstances = forms.CharField(label=_("Circumstances"), required=False, max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text=_("What makes finding work hard: household, health, time out of work."))

    def __init__(self, *args, persons, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.persons = {p.pk: p for p in persons}
        self.categories = {c.code: c for c in categories}
        self.fields["person"].choices = [(p.pk, f"{p.name} · {p.id_masked} · {p.area.name}") for p in persons]
        self.fields["categories"].choices = [(c.code, c.name) for c in categories]


class CaseDecisionForm(ServiceErrorsMixin, forms.Form):
    """The note of a review, approval, rejection or end (a reason is required to reject or end)."""

    decision_note = forms.CharField(label=_("Note or reason"), required=False, max_length=300,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class HandoverProposeForm(ServiceErrorsMixin, forms.Form):
    to_district = forms.ChoiceField(label=_("Receiving district"))
    reason = forms.CharField(label=_("Reason for the handover"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {d.code: d for d in districts}
        self.fields["to_district"].choices = [("", "—"), *[(d.code, d.name) for d in districts]]


class HandoverAcceptForm(ServiceErrorsMixin, forms.Form):
    handling_area = forms.ChoiceField(label=_("Handling street or community"))
    decision_note = forms.CharField(label=_("Note"), required=False, max_length=300,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {a.code: a for a in areas}
        groups: dict[str, list] = {}
        names: dict[str, str] = {}
        for area in areas:  # streets first by code, each followed by its communities
            street = area.code[:9]
            if area.level == "street":
                names[street] = area.name
                groups.setdefault(street, []).insert(0, (area.code, _("%(street)s (whole street)")
                                                         % {"street": area.name}))
            else:
                groups.setdefault(street, []).append((area.code, area.name))
        self.fields["handling_area"].choices = [("", "—"), *[(names.get(k, k), v) for k, v in groups.items()]]


class HandoverDeclineForm(ServiceErrorsMixin, forms.Form):
    decision_note = forms.CharField(label=_("Reason for declining"), max_length=300,
                                    widget=forms.Textarea(attrs={"rows": 2}))


# --- The commitment -------------------------------------------------------------------------------


class CommitmentReferForm(ServiceErrorsMixin, forms.Form):
    vacancy = forms.TypedChoiceField(label=_("Vacancy"), coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": _("Choose a vacancy (search above)."),
                                                     "invalid_choice": _("Choose one of the vacancies found.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.vacancies = {v.pk: v for v in vacancies}
        self.fields["vacancy"].choices = [
            (v.pk, f"{v.title} · {v.employer.name} · {v.area.name}") for v in vacancies]


# --- Follow-up visits -----------------------------------------------------------------------------


class FollowUpForm(ServiceErrorsMixin, forms.Form):
    VISITED, MISSED = "visited", "missed"
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, initial=VISITED,
                                choices=[(VISITED, _("Visited")), (MISSED, _("Could not be reached"))])
    visited_on = forms.DateField(label=_("Date of the visit"), required=False, widget=DATE_INPUT)
    still_employed = forms.TypedChoiceField(
        label=_("Still employed?"), required=False, widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes", empty_value=None)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))


# --- Filters --------------------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HardshipStatus.choices, label=_("Status"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name"))

    class Meta:
        model = HardshipCase
        fields = ["status", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(person__name__icontains=value))


class FollowUpFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FollowUpStatus.choices, label=_("Status"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due by"),
                                           widget=DATE_INPUT)

    class Meta:
        model = FollowUpVisit
        fields = ["status", "due_before"]


class CommitmentQueueForm(forms.Form):
    """Whose commitments and which: the queue proper (mine) or everything in my area."""

    show = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("mine", _("My queue")), ("all", _("Everything in my area"))])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=CommitmentStatus.choices)
