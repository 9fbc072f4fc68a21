"""Forms and filters of the seeker pages, the employer's applicant pages and the clerks' referral
pages, and the one declaration of each of these inputs: the API validates request bodies with the
same forms (``jobs.api.inputs``). Forms parse; the services in jobs/services/ check the business
rules (levels, ranges, dates) and name the field at fault. The steps a form offers come from the
record's moves (``portal.workflow.available_moves``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    APPLICATION_NOTE_MAX,
    COVER_NOTE_MAX,
    EMPLOYER_APPLICATION_MOVES,
    REFERRAL_NOTE_MAX,
    REFERRAL_OUTCOMES,
    REFUSAL_REASON_MAX,
    SKILLS_MAX,
    SUMMARY_MAX,
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
from portal.filters import YesNoFilter
from portal.forms import ServiceErrorsMixin
from portal.input_limits import INTEGER_COLUMN_MAX, INTEGER_COLUMN_MIN
from portal.models import Area
from portal.reference.education import Education
from portal.reference.models import Occupation
from portal.widgets import AreaField, ChoiceSearchWidget


class CodesField(forms.MultipleChoiceField):
    """Several reference records chosen from a list (or given by code through the API); the records
    come out. Codes no record has are an error that names them; whether a record suits (its level)
    is the service's to say."""

    model: type = None
    unknown_message = ""
    unknown_code = ""

    def lookup(self, codes: list[str]) -> list:  # pragma: no cover - every field defines it
        raise NotImplementedError

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):  # one code from the API instead of a list
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return [item if isinstance(item, self.model) else str(item).strip() for item in value]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        value = super().clean(value)
        records = [item for item in value if isinstance(item, self.model)]
        codes = [item for item in value if not isinstance(item, self.model)]
        found = self.lookup(codes)
        unknown = sorted(set(codes) - {record.code for record in found})
        if unknown:
            raise ValidationError(self.unknown_message % {"codes": ", ".join(unknown)}, code=self.unknown_code)
        return [*records, *found]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return [item.code if isinstance(item, self.model) else item for item in value]
        return value


class OccupationsField(CodesField):
    model = Occupation
    unknown_message = _("Unknown occupation codes: %(codes)s.")
    unknown_code = "unknown_occupation"

    def lookup(self, codes):
        return occupations_by_codes(codes=codes)


class AreasField(CodesField):
    model = Area
    unknown_message = _("Unknown division codes: %(codes)s.")
    unknown_code = "unknown_area"

    def lookup(self, codes):
        return areas_by_codes(codes=codes)


class SeekerProfileForm(ServiceErrorsMixin, forms.Form):
    area = AreaField(label=_("Residence community"), help_text=_("Choose down to your community."))
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices, initial=Education.NONE)
    # The service judges these two numbers (its "range" error); the form keeps them within the column.
    experience_years = forms.IntegerField(label=_("Years of experience"), initial=0,
                                          min_value=INTEGER_COLUMN_MIN, max_value=INTEGER_COLUMN_MAX,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
    skills = forms.CharField(label=_("Skills"), max_length=SKILLS_MAX, required=False,
                             help_text=_("For example: 电焊, forklift licence, bookkeeping."))
    wanted_occupations = OccupationsField(
        label=_("Wanted occupations"), required=False,
        widget=ChoiceSearchWidget(filter_label=_("Find an occupation (for example 司机 or 4-02)")),
        help_text=_("Tick one or more; the box narrows the list as you type."))
    wanted_areas = AreasField(
        label=_("Wanted work areas (districts)"), required=False,
        widget=ChoiceSearchWidget(filter_label=_("Find a district")),
        help_text=_("Leave empty if any district suits you."))
    expected_salary = forms.IntegerField(label=_("Expected monthly salary (yuan)"), required=False,
                                         min_value=INTEGER_COLUMN_MIN, max_value=INTEGER_COLUMN_MAX,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
    summary = forms.CharField(label=_("About me"), max_length=SUMMARY_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    is_graduate = forms.BooleanField(label=_("I am a recent graduate"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted_occupations"].choices = lambda: [
            (major.name, [(middle.code, f"{middle.code} {middle.name}") for middle in middles])
            for major, middles in occupation_middle_groups_by_major()
        ]
        self.fields["wanted_areas"].choices = lambda: [(area.code, area.name) for area in districts()]

    @classmethod
    def initial_from(cls, profile: SeekerProfile | None) -> dict:
        if profile is None:
            return {}
        return {
            "area": profile.area.code, "education": profile.education,
            "experience_years": profile.experience_years, "skills": profile.skills,
            "expected_salary": profile.expected_salary, "summary": profile.summary,
            "is_graduate": profile.is_graduate,
            "wanted_occupations": [o.code for o in profile.wanted_occupations.all()],
            "wanted_areas": [a.code for a in profile.wanted_areas.all()],
        }


class ApplyForm(ServiceErrorsMixin, forms.Form):
    cover_note = forms.CharField(
        label=_("Note to the employer (optional)"), max_length=COVER_NOTE_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words on why you fit; the employer also sees your profile."))


class ApplicantMoveForm(ServiceErrorsMixin, forms.Form):
    """One applicant's next step; on the page, rendered once per applicant (the application id is the
    prefix) with the steps its moves allow; through the API, any of the employer's steps (the
    service refuses one the application's status does not allow)."""

    status = forms.ChoiceField(label=_("Next step"))
    hired_on = forms.DateField(label=_("Hired on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Required for a hire."))
    note = forms.CharField(label=_("Note"), max_length=APPLICATION_NOTE_MAX, required=False)

    def __init__(self, *args, application: Application | None = None, moves=None, **kwargs):
        if application is not None:
            kwargs.setdefault("prefix", f"a{application.pk}")
        super().__init__(*args, **kwargs)
        targets = EMPLOYER_APPLICATION_MOVES if moves is None else [move.target for move in moves.values()]
        self.fields["status"].choices = [(ApplicationStatus(target).value, ApplicationStatus(target).label)
                                         for target in targets if target in EMPLOYER_APPLICATION_MOVES]

    @property
    def has_moves(self) -> bool:
        return bool(self.fields["status"].choices)


class ReferralCreateForm(ServiceErrorsMixin, forms.Form):
    """Refer a job seeker (found in scope) to a public vacancy (found by keyword)."""

    seeker = forms.TypedChoiceField(label=_("Job seeker"), coerce=int, widget=forms.RadioSelect,
                                    error_messages={"invalid_choice": _("Choose a job seeker from the list.")})
    vacancy = forms.TypedChoiceField(label=_("Vacancy"), coerce=int, widget=forms.RadioSelect,
                                     error_messages={"invalid_choice": _("Choose a vacancy from the list.")})
    note = forms.CharField(label=_("Note"), max_length=REFERRAL_NOTE_MAX, required=False)
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
    """The outcome of a referral: on the page, the outcomes its moves allow; through the API, any
    outcome (the service refuses one the referral's status does not allow)."""

    outcome = forms.ChoiceField(label=_("Outcome"))
    outcome_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Required for a hire; today if left empty."))
    refused_by = forms.ChoiceField(label=_("Refused by"), required=False,
                                   choices=[("", "—"), *RefusalBy.choices])
    refusal_reason = forms.CharField(label=_("Reason for refusal"), max_length=REFUSAL_REASON_MAX, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), max_length=REFERRAL_NOTE_MAX, required=False)

    def __init__(self, *args, referral: Referral | None = None, moves=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = REFERRAL_OUTCOMES if moves is None else [move.target for move in moves.values()]
        self.fields["outcome"].choices = [(ReferralOutcome(target).value, ReferralOutcome(target).label)
                                          for target in targets if target in REFERRAL_OUTCOMES]

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
    is_graduate = YesNoFilter(label=_("Recent graduate"))

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
