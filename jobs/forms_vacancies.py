"""Forms and filters of the vacancy pages, and the one declaration of each vacancy input: the API
validates request bodies with these same forms (``jobs.api.inputs``). Limits come from
``jobs.constants``; the services check every business rule again and have the last word."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    BENEFITS_MAX,
    CONTACT_NAME_MAX,
    CONTACT_PHONE_MAX,
    CREDIT_CODE_LENGTH,
    DESCRIPTION_MAX,
    EXPERIENCE_MAX,
    HEADCOUNT_MAX,
    MANUAL_CLOSE_REASONS,
    RETURN_REASON_MAX,
    SALARY_CEILING,
    TITLE_MAX,
    VACANCY_OPEN_DAYS_DEFAULT,
    VacancyStatus,
    WorkingTime,
)
from jobs.models import Employer, Vacancy
from jobs.selectors.employers import employer_for_staff, industries
from jobs.selectors.vacancies import districts_in_scope, occupation_by_code, occupation_groups
from portal.filters import AreaPickerFilter
from portal.forms import ServiceErrorsMixin
from portal.reference.education import Education
from portal.reference.models import Occupation
from portal.widgets import AreaField

CHOOSE = _("— choose —")


def _occupation_choices():
    return [("", CHOOSE), *occupation_groups()]


class OccupationField(forms.ChoiceField):
    """An occupation of 职业分类大典, offered as middle groups grouped by major group; the code of
    any known occupation is taken (the service says when it must be a middle group)."""

    default_error_messages = {"unknown_occupation": _("Unknown occupation; please choose from the list.")}

    def __init__(self, **kwargs):
        super().__init__(choices=_occupation_choices, **kwargs)

    def clean(self, value):
        if isinstance(value, Occupation):
            return value
        code = self.to_python(value).strip()
        if code in self.empty_values:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        occupation = occupation_by_code(code=code)
        if occupation is None:
            raise ValidationError(self.error_messages["unknown_occupation"], code="unknown_occupation")
        return occupation

    def prepare_value(self, value):
        return value.code if isinstance(value, Occupation) else value


class VacancyForm(ServiceErrorsMixin, forms.Form):
    """A vacancy's details, as the employer (or a clerk on its behalf) posts or changes them."""

    title = forms.CharField(label=_("Job title"), max_length=TITLE_MAX)
    occupation = OccupationField(label=_("Occupation"))
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=industries(), empty_label=CHOOSE,
                                      error_messages={"invalid_choice": _("Unknown industry; please choose again.")})
    area = AreaField(label=_("Workplace"),
                     help_text=_("Choose the street, or the community if you know it. The district employment "
                                 "service there reviews the vacancy."))
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=HEADCOUNT_MAX, initial=1)
    salary_min = forms.IntegerField(label=_("Minimum monthly salary (yuan)"), min_value=0, max_value=SALARY_CEILING)
    salary_max = forms.IntegerField(label=_("Maximum monthly salary (yuan)"), min_value=0, max_value=SALARY_CEILING)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices, initial=Education.NONE)
    experience_years = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=EXPERIENCE_MAX,
                                          initial=0)
    working_time = forms.ChoiceField(label=_("Working time"), choices=WorkingTime.choices,
                                     initial=WorkingTime.FULL_TIME)
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX, strip=False,
                                  widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=lazy(lambda: _("Duties, requirements and working hours. Plain text; "
                                                           "at most %(limit)d characters.")
                                                 % {"limit": DESCRIPTION_MAX}, str)())
    benefits = forms.CharField(label=_("Benefits"), max_length=BENEFITS_MAX, required=False,
                               help_text=_("For example: 五险一金, meals, housing."))
    contact_name = forms.CharField(label=_("Contact person"), max_length=CONTACT_NAME_MAX)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=CONTACT_PHONE_MAX,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    closing_date = forms.DateField(label=_("Closing date"),
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    is_public_welfare = forms.BooleanField(label=_("Public-welfare post (公益性岗位)"), required=False)
    open_to_hard_to_employ = forms.BooleanField(label=_("Open to hard-to-employ people"), required=False)
    for_graduates = forms.BooleanField(label=_("For college graduates"), required=False)

    SERVICE_FIELDS = ("title", "occupation", "industry", "area", "headcount", "salary_min", "salary_max",
                      "education", "experience_years", "working_time", "description", "benefits", "contact_name",
                      "contact_phone", "closing_date", "is_public_welfare", "open_to_hard_to_employ",
                      "for_graduates")

    def vacancy_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}

    @classmethod
    def initial_from(cls, vacancy: Vacancy) -> dict:
        """The vacancy as input: reference records by code (what the page's lists and the API send)."""
        initial = {name: getattr(vacancy, name) for name in cls.SERVICE_FIELDS}
        initial.update(occupation=vacancy.occupation_id, industry=vacancy.industry_id, area=vacancy.area.code)
        return initial

    @classmethod
    def initial_for(cls, employer: Employer) -> dict:
        """Sensible defaults for a new vacancy of this employer."""
        return {"industry": employer.industry_id, "contact_name": employer.contact_name,
                "contact_phone": employer.contact_phone,
                "closing_date": timezone.localdate() + datetime.timedelta(days=VACANCY_OPEN_DAYS_DEFAULT)}


class StaffVacancyForm(VacancyForm):
    """A clerk posts a vacancy on behalf of a verified employer in the clerk's area."""

    employer = forms.CharField(
        label=_("Employer's unified social credit code"), max_length=CREDIT_CODE_LENGTH,
        help_text=_("The employer must be registered in your area and verified."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}))

    field_order = ["employer"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_employer(self):
        code = self.cleaned_data["employer"].strip().upper()
        employer = employer_for_staff(fetched_by=self.user, credit_code=code)
        if employer is None:
            raise forms.ValidationError(_("No employer with this code is registered in your area."), code="unknown")
        return employer


class VacancyReturnForm(ServiceErrorsMixin, forms.Form):
    prefix = "return"
    # Required, but the service says so (with what the reason is for), for the page and the API alike.
    reason = forms.CharField(label=_("What should the employer correct?"), max_length=RETURN_REASON_MAX,
                             required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VacancyCloseForm(ServiceErrorsMixin, forms.Form):
    prefix = "close"
    reason = forms.ChoiceField(label=_("Reason for closing"),
                               choices=[(reason.value, reason.label) for reason in MANUAL_CLOSE_REASONS])


class VacancyReviewFilter(django_filters.FilterSet):
    """Filters of the review queue: where, and which occupation."""

    district = django_filters.ChoiceFilter(label=_("District"), method="filter_district", empty_label=_("All"))
    area = AreaPickerFilter(label=_("Within area"), method="filter_area")
    occupation = django_filters.ChoiceFilter(label=_("Occupation"), method="filter_occupation",
                                             empty_label=_("All"))

    class Meta:
        model = Vacancy
        fields = ["district", "area", "occupation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request is not None else None
        self.filters["district"].extra["choices"] = [(a.code, a.name) for a in districts_in_scope(fetched_by=user)]
        self.filters["occupation"].extra["choices"] = occupation_groups_with_majors()

    def filter_district(self, queryset, name, value: str):
        return queryset.filter(area_path__startswith=value[:6])

    def filter_area(self, queryset, name, value):
        return queryset.within(value)

    def filter_occupation(self, queryset, name, value: str):
        if "-" in value:
            return queryset.filter(occupation_id=value)
        return queryset.filter(occupation__parent_id=value)


class VacancyFilter(VacancyReviewFilter):
    q = django_filters.CharFilter(label=_("Title contains"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VacancyStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = Vacancy
        fields = ["q", "status", "district", "area", "occupation"]


def occupation_groups_with_majors():
    """Occupation filter choices: each major group (all of it) followed by its middle groups."""
    choices = []
    for label, middles in occupation_groups():
        major_code = middles[0][0].split("-")[0]
        choices.append((label, [(major_code, _("All of %(group)s") % {"group": label}), *middles]))
    return choices
