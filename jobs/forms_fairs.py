"""Forms and filters of the job fairs. Each input is declared once, here: the pages render and
validate with these forms, and the API validates its bodies with the same forms
(``jobs.api.inputs.form_input``). They parse input; the services in jobs/services/fairs.py decide
and write.

A form takes the records it may choose from (areas, vacancies) from its caller: a page passes what
it offers, the API every record a request may name, so the service answers for the rest exactly as
it always has (someone else's vacancy, an area outside the user's jurisdiction).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    DESCRIPTION_MAX,
    FAIR_CANCEL_REASON_MAX,
    FAIR_CAPACITY_MAX,
    FAIR_TITLE_MAX,
    FAIR_VENUE_MAX,
    MEETING_LINK_MAX,
    SLOT_MINUTES_DEFAULT,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    FairPeriod,
    FairStatus,
    FairTargetGroup,
)
from jobs.models import JobFair
from jobs.selectors.fairs import fairs_in_period
from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.reference.models import Industry

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class KnownRecordField(forms.ModelChoiceField):
    """A record chosen by its id. An id that names no record at all is refused with
    ``unknown_code`` (what a program sending a wrong id needs to hear); a record that exists but is
    not among those offered stays ``invalid_choice``."""

    def __init__(self, *args, unknown_code: str, unknown_message, **kwargs):
        self.unknown_code, self.unknown_message = unknown_code, unknown_message
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code == "invalid_choice" and not self._exists(value):
                raise ValidationError(self.unknown_message, code=self.unknown_code) from exc
            raise

    def _exists(self, value) -> bool:
        try:
            return self.queryset.model._default_manager.filter(**{self.to_field_name or "pk": value}).exists()
        except (ValueError, TypeError):
            return False


class KnownRecordsField(forms.ModelMultipleChoiceField):
    """``KnownRecordField`` for several records."""

    def __init__(self, *args, unknown_code: str, unknown_message, **kwargs):
        self.unknown_code, self.unknown_message = unknown_code, unknown_message
        super().__init__(*args, **kwargs)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            key = self.to_field_name or "pk"
            known = {str(pk) for pk in self.queryset.model._default_manager.filter(**{f"{key}__in": value})
                     .values_list(key, flat=True)}
            if any(str(item) not in known for item in value):
                raise ValidationError(self.unknown_message, code=self.unknown_code) from exc
            raise


class OrganiserChoiceField(forms.ModelChoiceField):
    """The organising area, indented by tier (city, district, street)."""

    depth = {AreaLevel.CITY: 0, AreaLevel.DISTRICT: 1, AreaLevel.STREET: 2}

    def label_from_instance(self, area):
        return "\u3000" * self.depth.get(area.level, 0) + area.name


class FairForm(ServiceErrorsMixin, forms.Form):
    """A job fair's terms, to draft or to change a draft."""

    title = forms.CharField(label=_("Title"), max_length=FAIR_TITLE_MAX)
    area = OrganiserChoiceField(label=_("Organised by"), queryset=None, empty_label=None,
                                help_text=_("Your city, district or street window."))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=datetime_input())
    is_online = forms.BooleanField(label=_("Online fair"), required=False,
                                   help_text=_("Tick for an online fair; otherwise give the venue."))
    venue = forms.CharField(label=_("Venue"), max_length=FAIR_VENUE_MAX, required=False)
    target_group = forms.ChoiceField(label=_("Target group"), choices=FairTargetGroup.choices,
                                     initial=FairTargetGroup.GENERAL)
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.order_by("code"),
                                      required=False, help_text=_("Required for an industry fair."))
    capacity = forms.IntegerField(label=_("Seeker places"), required=False, min_value=1,
                                  max_value=FAIR_CAPACITY_MAX,
                                  help_text=_("Leave empty for no limit."))
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, areas=None, **kwargs):
        """``areas``: the organising areas to choose from."""
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas

    @classmethod
    def initial_for(cls, fair: JobFair) -> dict:
        """The fair as input: its area and industry by code (what the page's lists and the API send)."""
        return {**{name: getattr(fair, name) for name in cls.base_fields}, "area": fair.area_id,
                "industry": fair.industry_id}


class FairCancelForm(ServiceErrorsMixin, forms.Form):
    """Cancelling a fair, with the reason if there is one."""

    reason = forms.CharField(label=_("Reason for cancelling"), max_length=FAIR_CANCEL_REASON_MAX, required=False)


class FairJoinForm(ServiceErrorsMixin, forms.Form):
    """The published vacancies an employer brings to a fair, by id."""

    vacancies = KnownRecordsField(label=_("Vacancies you bring to the fair"), queryset=None,
                                  widget=forms.CheckboxSelectMultiple, unknown_code="unknown",
                                  unknown_message=_("Some of these vacancies do not exist."))

    def __init__(self, *args, vacancies=None, **kwargs):
        """``vacancies``: those that may be chosen (the page: the employer's published ones)."""
        super().__init__(*args, **kwargs)
        if vacancies is not None:
            self.fields["vacancies"].queryset = vacancies


class SlotOfferForm(ServiceErrorsMixin, forms.Form):
    """A remote interview slot an employer offers at a fair it has joined."""

    starts_at = forms.DateTimeField(label=_("Interview starts at"), widget=datetime_input())
    minutes = forms.IntegerField(label=_("Length in minutes"), initial=SLOT_MINUTES_DEFAULT,
                                 min_value=SLOT_MINUTES_MIN, max_value=SLOT_MINUTES_MAX)
    # A plain text field: the service refuses anything but https:// with its own clear message.
    meeting_link = forms.CharField(label=_("Meeting link"), max_length=MEETING_LINK_MAX,
                                   widget=forms.URLInput(attrs={"placeholder": "https://"}),
                                   help_text=_("The video meeting address, starting with https://. "
                                               "Only the job seeker who books the slot sees it."))
    vacancy = KnownRecordField(label=_("For vacancy"), queryset=None, required=False,
                               empty_label=_("Any of our vacancies"), unknown_code="unknown",
                               unknown_message=_("This vacancy does not exist."))

    def __init__(self, *args, vacancies=None, **kwargs):
        """``vacancies``: those the slot may be for (the page: the ones brought to the fair)."""
        super().__init__(*args, **kwargs)
        if vacancies is not None:
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
