"""Forms and filters of the job fair pages. They parse input; the services in jobs/services/fairs.py
decide and write."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.constants import DESCRIPTION_MAX, FairStatus, FairTargetGroup
from jobs.models import JobFair
from jobs.selectors.fairs import FairPeriod, fairs_in_period
from jobs.services.fairs import FAIR_TITLE_MAX, MEETING_LINK_MAX, SLOT_MINUTES_MAX, SLOT_MINUTES_MIN, VENUE_MAX
from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.reference.models import Industry

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class OrganiserChoiceField(forms.ModelChoiceField):
    """The organising area, indented by tier (city, district, street)."""

    depth = {AreaLevel.CITY: 0, AreaLevel.DISTRICT: 1, AreaLevel.STREET: 2}

    def label_from_instance(self, area):
        return "\u3000" * self.depth.get(area.level, 0) + area.name


class FairForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=FAIR_TITLE_MAX)
    area = OrganiserChoiceField(label=_("Organised by"), queryset=None, empty_label=None,
                                help_text=_("Your city, district or street window."))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=datetime_input())
    is_online = forms.BooleanField(label=_("Online fair"), required=False,
                                   help_text=_("Tick for an online fair; otherwise give the venue."))
    venue = forms.CharField(label=_("Venue"), max_length=VENUE_MAX, required=False)
    target_group = forms.ChoiceField(label=_("Target group"), choices=FairTargetGroup.choices,
                                     initial=FairTargetGroup.GENERAL)
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.order_by("code"),
                                      required=False, help_text=_("Required for an industry fair."))
    capacity = forms.IntegerField(label=_("Seeker places"), required=False, min_value=1,
                                  help_text=_("Leave empty for no limit."))
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas

    @classmethod
    def initial_for(cls, fair: JobFair) -> dict:
        return {name: getattr(fair, name) for name in cls.base_fields}


class FairCancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)


class FairJoinForm(ServiceErrorsMixin, forms.Form):
    vacancies = forms.ModelMultipleChoiceField(label=_("Vacancies you bring to the fair"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancies"].queryset = vacancies


class SlotOfferForm(ServiceErrorsMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Interview starts at"), widget=datetime_input())
    minutes = forms.IntegerField(label=_("Length in minutes"), initial=20, min_value=SLOT_MINUTES_MIN,
                                 max_value=SLOT_MINUTES_MAX)
    # A plain text field: the service refuses anything but https:// with its own clear message.
    meeting_link = forms.CharField(label=_("Meeting link"), max_length=MEETING_LINK_MAX,
                                   widget=forms.URLInput(attrs={"placeholder": "https://"}),
                                   help_text=_("The video meeting address, starting with https://. "
                                               "Only the job seeker who books the slot sees it."))
    vacancy = forms.ModelChoiceField(label=_("For vacancy"), queryset=None, required=False,
                                     empty_label=_("Any of our vacancies"))

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies


class FairPublicFilter(django_filters.FilterSet):
    """The public fair list: upcoming or past fairs, by target group."""

    when = django_filters.ChoiceFilter(label=_("When"), choices=FairPeriod.choices, method="filter_when",
                                       empty_label=None)
    target_group = django_filters.ChoiceFilter(label=_("Target group"), choices=FairTargetGroup.choices)

    class Meta:
        model = JobFair
        fields = ["when", "target_group"]

    def filter_when(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so "upcoming" is also the default

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return fairs_in_period(queryset, period=self.form.cleaned_data.get("when") or FairPeriod.UPCOMING)

    @property
    def qs(self):
        if not self.is_bound:  # no query string at all: upcoming fairs
            return fairs_in_period(self.queryset.all(), period=FairPeriod.UPCOMING)
        return super().qs


class StaffFairFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FairStatus.choices)
    target_group = django_filters.ChoiceFilter(label=_("Target group"), choices=FairTargetGroup.choices)
    when = django_filters.ChoiceFilter(label=_("When"), choices=FairPeriod.choices, method="filter_when")

    class Meta:
        model = JobFair
        fields = ["status", "target_group", "when"]

    def filter_when(self, queryset, name, value):
        return fairs_in_period(queryset, period=value)
