"""Forms and filters of the person pages. The staff API validates with the same forms
(``portal.api_forms``). They parse input; registration/services/ decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.lookups import NOT_FROM_ADDRESS
from portal.reference.education import Education
from portal.scoping import area_in_scope
from portal.widgets import AreaField
from registration.constants import (
    CARD_MAX,
    CERTIFICATE_MAX,
    COURSE_MAX,
    IDENTITY_INPUT_MAX,
    NAME_MAX,
    NOTE_MAX,
    PHONE_LENGTH,
    PROVIDER_MAX,
    REGISTRATION_ROLES,
    SKILLS_MAX,
    AgencyServiceKind,
)
from registration.identity import identity_number_like
from registration.models import Person
from registration.retirement import FemaleRetirementCategory
from registration.selectors.persons import person_search


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonDetailsForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=PHONE_LENGTH, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    area = AreaField(label=_("Residence community"), allowed_levels=[AreaLevel.COMMUNITY],
                     help_text=_("The community where the person lives; it must be in your area."))
    household_area = AreaField(label=_("Household registration (户籍) area"), required=False,
                               help_text=_("Optional. Leave empty when the household registration is outside "
                                           "the city."))
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices, initial=Education.NONE,
                                  required=False)
    skills = forms.CharField(label=_("Skills"), max_length=SKILLS_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    original_retirement_age = forms.TypedChoiceField(
        label=_("Original retirement age (women)"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Not recorded (50 applies)")), *FemaleRetirementCategory.choices],
        help_text=_("Women only: decides the statutory retirement age under the gradual rules."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_area(self):
        area = self.cleaned_data.get("area")
        if area is not None and not area_in_scope(self.user, area, roles=REGISTRATION_ROLES):
            raise forms.ValidationError(_("Choose a community in your own area."), code="out_of_scope")
        return area

    def clean_education(self):
        return self.cleaned_data.get("education") or Education.NONE

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        return {name: getattr(person, name) for name in cls.base_fields if hasattr(person, name)}


class PersonRegisterForm(PersonDetailsForm):
    """Registration of a new person; after a refused duplicate, ``existing`` is the person already
    registered (when the clerk may see them), for the page to link to."""

    existing = None

    identity_number = forms.CharField(
        label=_("Identity number"), max_length=IDENTITY_INPUT_MAX, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        help_text=_("18 characters (the last may be X); an old 15-digit number is converted."))

    field_order = ["identity_number", "name", "phone", "area", "household_area", "education", "skills",
                   "original_retirement_age"]

    def add_service_errors(self, exc):
        self.existing = getattr(exc, "existing", None)
        super().add_service_errors(exc)


class PersonSearchForm(forms.Form):
    """The person search: a whole identity number only when it came in a request body or a kept
    lookup (``portal.lookups``), never from the web address, where every log would keep it."""

    number_allowed = False
    number_refused = ""

    def clean_q(self):
        q = self.cleaned_data.get("q") or ""
        if not self.number_allowed and identity_number_like(q):
            raise forms.ValidationError(self.number_refused, code="identity_number_in_url")
        return q


class PersonFilter(django_filters.FilterSet):
    """Search persons by identity number, name or phone; ``number_allowed`` says the text did not
    come from the web address."""

    q = django_filters.CharFilter(label=_("Identity number, name or phone"), method="filter_q")
    number_refused = NOT_FROM_ADDRESS

    class Meta:
        model = Person
        fields = ["q"]
        form = PersonSearchForm

    def __init__(self, *args, number_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.number_allowed = number_allowed

    @property
    def form(self):
        form = super().form
        form.number_allowed, form.number_refused = self.number_allowed, self.number_refused
        return form

    def filter_q(self, queryset, name, value):
        return person_search(queryset, value)


class PersonApiFilter(PersonFilter):
    number_refused = _("An identity number is not accepted in the web address, where logs would keep it: "
                       "POST it as identity_number to /api/staff/registration/persons/lookup/.")


class PersonLookupForm(forms.Form):
    """A person looked up by the whole identity number, sent in a request body."""

    identity_number = forms.CharField(
        label=_("Identity number"), max_length=IDENTITY_INPUT_MAX,
        help_text=_("The whole number: 18 characters (the last may be X), or an old 15-digit one."))

    def clean_identity_number(self):
        number = self.cleaned_data["identity_number"]
        if not identity_number_like(number):
            raise forms.ValidationError(
                _("Enter a whole identity number; search names and phone numbers with q on the list."),
                code="not_identity_number")
        return number


class EmploymentCardForm(ServiceErrorsMixin, forms.Form):
    employment_card_number = forms.CharField(label=_("Employment and entrepreneurship card number"),
                                             max_length=CARD_MAX)


class TrainingForm(ServiceErrorsMixin, forms.Form):
    course_name = forms.CharField(label=_("Course"), max_length=COURSE_MAX)
    provider = forms.CharField(label=_("Training provider"), max_length=PROVIDER_MAX)
    starts_on = forms.DateField(label=_("Starts on"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=date_input())
    completed = forms.BooleanField(label=_("Completed"), required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=CERTIFICATE_MAX, required=False)

    prefix = "training"


class TrainingCompleteForm(ServiceErrorsMixin, forms.Form):
    completed = forms.BooleanField(label=_("Completed"), required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=CERTIFICATE_MAX, required=False)


class AgencyServiceForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=AgencyServiceKind.choices)
    started_on = forms.DateField(label=_("Started on"), widget=date_input(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    prefix = "agency"


class EndDateForm(ServiceErrorsMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=date_input(), initial=timezone.localdate)


class AccountLinkForm(ServiceErrorsMixin, forms.Form):
    identity_number = forms.CharField(label=_("Identity number"), max_length=IDENTITY_INPUT_MAX,
                                      widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, help_text=_("As on your identity card."))
