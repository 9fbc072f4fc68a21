"""Forms and filters of the seeker pages, the employer's applicant pages and the clerks' referral
pages. They parse and validate input; the services in jobs/services/ do the writing and repeat the
checks that matter, so the API behaves the same."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    APPLICATION_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    SALARY_CEILING,
    ApplicationStatus,
    ReferralOutcome,
    RefusalBy,
)
from jobs.models import Application, Referral, SeekerProfile
from jobs.selectors.seekers import (
    areas_by_codes,
    districts,
    occupation_middle_groups_by_major,
    occupations_by_codes,
)
from jobs.services.applications import COVER_NOTE_MAX, EMPLOYER_MOVES, NOTE_MAX
from jobs.services.seekers import EXPERIENCE_MAX, SKILLS_MAX, SUMMARY_MAX
from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.reference.education import Education
from portal.widgets import AreaField


class SeekerProfileForm(ServiceErrorsMixin, forms.Form):
    area = AreaField(label=_("Residence community"), allowed_levels={AreaLevel.COMMUNITY})
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices, initial=Education.NONE)
    experience_years = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=EXPERIENCE_MAX,
                                          initial=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    skills = forms.CharField(label=_("Skills"), max_length=SKILLS_MAX, required=False,
                             help_text=_("For example: 电焊, forklift licence, bookkeeping."))
    wanted_occupations = forms.MultipleChoiceField(
        label=_("Wanted occupations"), required=False, widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Choose one or more (on a computer hold Ctrl or ⌘ to choose several)."))
    wanted_areas = forms.MultipleChoiceField(
        label=_("Wanted work areas (districts)"), required=False, widget=forms.SelectMultiple(attrs={"size": 7}),
        help_text=_("Leave empty if any district suits you."))
    expected_salary = forms.IntegerField(label=_("Expected monthly salary (yuan)"), min_value=0,
                                         max_value=SALARY_CEILING, required=False,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    summary = forms.CharField(label=_("About me"), max_length=SUMMARY_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    is_graduate = forms.BooleanField(label=_("I am a recent graduate"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted_occupations"].choices = [
            (major.name, [(middle.code, f"{middle.code} {middle.name}") for middle in middles])
            for major, middles in occupation_middle_groups_by_major()
        ]
        self.fields["wanted_areas"].choices = [(area.code, area.name) for area in districts()]

    @classmethod
    def initial_from(cls, profile: SeekerProfile | None) -> dict:
        if profile is None:
            return {}
        return {
            "area": profile.area, "education": profile.education, "experience_years": profile.experience_years,
            "skills": profile.skills, "expected_salary": profile.expected_salary, "summary": profile.summary,
            "is_graduate": profile.is_graduate,
            "wanted_occupations": [o.code for o in profile.wanted_occupations.all()],
            "wanted_areas": [a.code for a in profile.wanted_areas.all()],
        }

    def clean_wanted_occupations(self):
        return occupations_by_codes(codes=self.cleaned_data["wanted_occupations"])

    def clean_wanted_areas(self):
        return areas_by_codes(codes=self.cleaned_data["wanted_areas"])


class ApplyForm(ServiceErrorsMixin, forms.Form):
    cover_note = forms.CharField(
        label=_("Note to the employer (optional)"), max_length=COVER_NOTE_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words on why you fit; the employer also sees your profile."))


class ApplicantMoveForm(ServiceErrorsMixin, forms.Form):
    """One applicant's next step; rendered once per applicant with the application id as prefix."""

    status = forms.ChoiceField(label=_("Next step"))
    hired_on = forms.DateField(label=_("Hired on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Required for a hire."))
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, prefix=f"a{application.pk}", **kwargs)
        allowed = APPLICATION_TRANSITIONS.get(application.status, set())
        self.fields["status"].choices = [(s.value, s.label) for s in EMPLOYER_MOVES if s in allowed]

    @property
    def has_moves(self) -> bool:
        return bool(self.fields["status"].choices)


class ReferralCreateForm(ServiceErrorsMixin, forms.Form):
    """Refer a job seeker (found in scope) to a public vacancy (found by keyword)."""

    seeker = forms.TypedChoiceField(label=_("Job seeker"), coerce=int, widget=forms.RadioSelect,
                                    error_messages={"invalid_choice": _("Choose a job seeker from the list.")})
    vacancy = forms.TypedChoiceField(label=_("Vacancy"), coerce=int, widget=forms.RadioSelect,
                                     error_messages={"invalid_choice": _("Choose a vacancy from the list.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    seeker_q = forms.CharField(required=False, widget=forms.HiddenInput)
    vacancy_q = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, seekers=(), vacancies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.seekers = {s.pk: s for s in seekers}
        self.vacancies = {v.pk: v for v in vacancies}
        self.fields["seeker"].choices = [
            (s.pk, f"{s.account.display_name} · {s.account.username} · {s.area.name}") for s in seekers]
        self.fields["vacancy"].choices = [
            (v.pk, f"{v.title} · {v.employer.name} · {v.area.name}") for v in vacancies]


class ReferralOutcomeForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"))
    outcome_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Required for a hire; today if left empty."))
    refused_by = forms.ChoiceField(label=_("Refused by"), required=False,
                                   choices=[("", "—"), *RefusalBy.choices])
    refusal_reason = forms.CharField(label=_("Reason for refusal"), max_length=300, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = REFERRAL_TRANSITIONS.get(referral.status, set())
        self.fields["outcome"].choices = [(o.value, o.label) for o in ReferralOutcome if o in allowed]

    @property
    def has_moves(self) -> bool:
        return bool(self.fields["outcome"].choices)


# --- Filters ----------------------------------------------------------------------------------


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralOutcome.choices, label=_("Outcome"))
    q = django_filters.CharFilter(method="filter_q", label=_("Job seeker or vacancy"))
    since = django_filters.DateFilter(field_name="referred_at", lookup_expr="date__gte", label=_("Referred from"),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Referral
        fields = ["status", "q", "since"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(seeker__account__full_name__icontains=value)
                               | Q(seeker__account__username__icontains=value)
                               | Q(vacancy__title__icontains=value) | Q(vacancy__employer__name__icontains=value))


class ReferralApiFilter(ReferralFilter):
    seeker = django_filters.NumberFilter(field_name="seeker_id", label=_("Job seeker id"))
    vacancy = django_filters.NumberFilter(field_name="vacancy_id", label=_("Vacancy id"))

    class Meta(ReferralFilter.Meta):
        fields = ["status", "q", "since", "seeker", "vacancy"]


class SeekerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name, username or phone"))
    education = django_filters.ChoiceFilter(choices=Education.choices, label=_("Education"))
    is_graduate = django_filters.BooleanFilter(label=_("Recent graduate"))

    class Meta:
        model = SeekerProfile
        fields = ["q", "education", "is_graduate"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(account__full_name__icontains=value) | Q(account__username__icontains=value)
                               | Q(account__phone__icontains=value))


class ApplicantFilter(django_filters.FilterSet):
    vacancy = django_filters.NumberFilter(field_name="vacancy_id", label=_("Vacancy id"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))

    class Meta:
        model = Application
        fields = ["vacancy", "status"]


class ApplicantStatusFilter(django_filters.FilterSet):
    """The status filter of one vacancy's applicant page."""

    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))

    class Meta:
        model = Application
        fields = ["status"]
