"""Forms and filters of the hard-to-employ pages: intake, decisions, handovers, the commitment's
referral and follow-up visits. The staff API validates with the same forms
(``portal.api_forms``). They parse input; services validate and write, so a reason the
service requires is not required here too."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.selectors.seekers import public_vacancy_by_id
from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.models import Area
from registration.constants import (
    CIRCUMSTANCES_MAX,
    NOTE_MAX,
    VISIT_NOTES_MAX,
    CommitmentStatus,
    FollowUpStatus,
    HardshipStatus,
)
from registration.forms_fields import LookupChoiceField, YesNoField, area_choice_field
from registration.models import FollowUpVisit, HardshipCase, HardshipCategory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Intake and decisions -------------------------------------------------------------------------


class CategoriesField(forms.MultipleChoiceField):
    """Category codes in (check boxes on the page, a list in the API), the categories out."""

    def __init__(self, *, categories: list[HardshipCategory], **kwargs):
        self.by_code = {c.code: c for c in categories}
        super().__init__(choices=[(c.code, c.name) for c in categories], **kwargs)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        unknown = sorted(set(value) - set(self.by_code))
        if unknown:
            raise ValidationError(_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}, code="unknown")

    def clean(self, value):
        return [self.by_code[code] for code in super().clean(value)]


class CaseIntakeForm(ServiceErrorsMixin, forms.Form):
    """Community intake. ``persons`` are the ones a search found (the page's choices); ``find_person``
    finds any person the clerk may take in by id."""

    person = LookupChoiceField(label=_("Person"), lookup=None, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose the person (search above)."),
                                               "unknown": _("Choose one of the persons found.")})
    circumstances = forms.CharField(label=_("Circumstances"), required=False, max_length=CIRCUMSTANCES_MAX,
                                    widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text=_("What makes finding work hard: household, health, time out of work."))

    field_order = ["person", "categories", "circumstances"]

    def __init__(self, *args, persons, categories, find_person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].lookup = find_person
        self.fields["person"].choices = [(p.pk, f"{p.name} · {p.id_masked} · {p.area.name}") for p in persons]
        self.fields["categories"] = CategoriesField(
            label=_("Categories"), categories=categories, widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one category.")})
        self.order_fields(self.field_order)


class CaseDecisionForm(ServiceErrorsMixin, forms.Form):
    """The note of a review, approval, rejection or end (the service requires a reason to reject or end)."""

    decision_note = forms.CharField(label=_("Note or reason"), required=False, max_length=NOTE_MAX,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class HandoverProposeForm(ServiceErrorsMixin, forms.Form):
    to_district = area_choice_field(label=_("Receiving district"), required=False)
    reason = forms.CharField(label=_("Reason for the handover"), required=False, max_length=NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, districts: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_district"].choices = [("", "—"), *[(d.code, d.name) for d in districts]]


class HandoverAcceptForm(ServiceErrorsMixin, forms.Form):
    handling_area = area_choice_field(label=_("Handling street or community"), required=False)
    decision_note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        names: dict[str, str] = {}
        for area in areas:  # streets first by code, each followed by its communities
            street = area.code[:9]
            if area.level == AreaLevel.STREET:
                names[street] = area.name
                groups.setdefault(street, []).insert(0, (area.code, _("%(street)s (whole street)")
                                                         % {"street": area.name}))
            else:
                groups.setdefault(street, []).append((area.code, area.name))
        self.fields["handling_area"].choices = [("", "—"), *[(names.get(k, k), v) for k, v in groups.items()]]


class HandoverDeclineForm(ServiceErrorsMixin, forms.Form):
    decision_note = forms.CharField(label=_("Reason for declining"), required=False, max_length=NOTE_MAX,
                                    widget=forms.Textarea(attrs={"rows": 2}))


# --- The commitment -------------------------------------------------------------------------------


class CommitmentReferForm(ServiceErrorsMixin, forms.Form):
    """``vacancies`` are the ones a search found; any published vacancy is accepted by id."""

    vacancy = LookupChoiceField(label=_("Vacancy"), widget=forms.RadioSelect, unknown_code="not_open",
                                lookup=lambda pk: public_vacancy_by_id(pk=pk),
                                help_text=_("A published vacancy."),
                                error_messages={"required": _("Choose a vacancy (search above)."),
                                                "unknown": _("This vacancy is not open: choose a published "
                                                             "vacancy.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].choices = [
            (v.pk, f"{v.title} · {v.employer.name} · {v.area.name}") for v in vacancies]


# --- Follow-up visits -----------------------------------------------------------------------------


class FollowUpForm(ServiceErrorsMixin, forms.Form):
    VISITED, MISSED = "visited", "missed"
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, initial=VISITED,
                                choices=[(VISITED, _("Visited")), (MISSED, _("Could not be reached"))])
    visited_on = forms.DateField(label=_("Date of the visit"), required=False, widget=DATE_INPUT,
                                 help_text=_("Required for a visit."))
    still_employed = YesNoField(label=_("Still employed?"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=VISIT_NOTES_MAX,
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
