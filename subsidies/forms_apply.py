"""Forms of applying: the application (its fields depend on the programme's kind and on who applies),
its correction, a note to withdraw or resubmit, and a supporting document. The pages and the API
validate with them; ``subsidies.services.applications`` judges the business rules."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import ServiceErrorsMixin
from registration.forms_fields import LookupChoiceField
from subsidies.constants import (
    BANK_ACCOUNT_MAX,
    PAYEE_NAME_MAX,
    REMARK_MAX,
    ApplicantType,
    ApplicationStatus,
    DocumentKind,
    ProgrammeKind,
)
from subsidies.eligibility import month_end
from subsidies.forms_programmes import YuanField
from subsidies.selectors.applications import (
    agency_by_licence,
    employee_by_identity,
    window_employer,
    window_person,
)

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y/%m", "%Y年%m月"]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Who fills the form in: the person online, an employer online, a community window.
SEEKER, EMPLOYER, WINDOW = "seeker", "employer", "window"


class DayField(forms.DateField):
    """A date; anything but text (a list, an object from the API) is refused like a bad date."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, (str, datetime.date)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class MonthField(DayField):
    """A month ("2026-03"); ``end=True`` cleans to its last day, otherwise to its first."""

    def __init__(self, *, end: bool = False, **kwargs):
        self.end = end
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        kwargs.setdefault("error_messages", {"invalid": _("Give a month such as 2026-03.")})
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        if day is None:
            return None
        return month_end(day) if self.end else day.replace(day=1)


def _pick_employee(form) -> None:
    """An employer names the person by identity number and name (found only among its employees)."""
    data = form.cleaned_data
    number, name = data.get("identity_number"), data.get("person_name")
    if not number or not name:
        return
    person = employee_by_identity(fetched_by=form.user, identity_number=number, name=name)
    if person is None:
        form.add_error("identity_number", ValidationError(
            _("No person employed by your organisation matches this identity number and name. The hire must be "
              "registered first (employment registration at the community window)."), code="not_employee"))
    else:
        data["person"] = person


class ApplicationFieldsForm(ServiceErrorsMixin, forms.Form):
    """What an application states, by the programme's kind: the period (or the placement day, or the
    loan's start), the amount it rests on, the facts no record holds, and the payee."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        fields: dict[str, forms.Field] = {}
        if kind in (ProgrammeKind.SOCIAL_INSURANCE, ProgrammeKind.GRADUATE_SOCIAL_INSURANCE,
                    ProgrammeKind.PUBLIC_WELFARE_POST):
            fields["period_start"] = MonthField(label=_("First month"), help_text=_("Paid by whole months."))
            fields["period_end"] = MonthField(label=_("Last month"), end=True)
        elif kind == ProgrammeKind.JOB_REFERRAL:
            fields["period_start"] = DayField(label=_("Date the person started work"), widget=DATE_INPUT)
        else:
            fields["period_start"] = DayField(label=_("Date the loan starts"), widget=DATE_INPUT)
        if kind in (ProgrammeKind.SOCIAL_INSURANCE, ProgrammeKind.GRADUATE_SOCIAL_INSURANCE):
            fields["basis_fen"] = YuanField(label=_("Social insurance contributions actually paid a month (yuan)"))
        elif kind == ProgrammeKind.STARTUP_LOAN:
            fields["basis_fen"] = YuanField(label=_("Loan amount (yuan)"))
            fields["loan_term_months"] = forms.IntegerField(label=_("Loan term (months)"), min_value=1, max_value=600)
        if kind == ProgrammeKind.GRADUATE_SOCIAL_INSURANCE:
            fields["graduation_year"] = forms.IntegerField(label=_("Year of graduation"), min_value=1950,
                                                           max_value=datetime.date.today().year)
            fields["staff_count"] = forms.IntegerField(label=_("Staff of the enterprise"), min_value=1,
                                                       max_value=1_000_000)
        fields["payee_name"] = forms.CharField(label=_("Account holder"), max_length=PAYEE_NAME_MAX)
        fields["payee_account"] = forms.CharField(label=_("Bank account number"), max_length=BANK_ACCOUNT_MAX + 8,
                                                  widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                                "autocomplete": "off"}))
        self.fields.update(fields)

    def service_arguments(self) -> dict:
        """The cleaned data as the service's arguments (``details`` gathered)."""
        data = dict(self.cleaned_data)
        details = {name: data.pop(name) for name in ("graduation_year", "staff_count") if name in data}
        for name in ("identity_number", "person_name", "credit_code", "licence_number"):
            data.pop(name, None)
        return {**data, "details": details}


class ApplyForm(ApplicationFieldsForm):
    """A new application. ``who`` is SEEKER (the own person), EMPLOYER (names its employee) or WINDOW
    (a clerk chooses the person of the community, the employer or the agency)."""

    service_field_names = {"employer": "credit_code", "agency": "licence_number"}

    def __init__(self, *args, kind: str, who: str, user, persons=(), **kwargs):
        super().__init__(*args, kind=kind, **kwargs)
        self.who, self.user = who, user
        self.applicant_type = applicant_type = {
            ProgrammeKind.GRADUATE_SOCIAL_INSURANCE: ApplicantType.EMPLOYER,
            ProgrammeKind.PUBLIC_WELFARE_POST: ApplicantType.EMPLOYER,
            ProgrammeKind.JOB_REFERRAL: ApplicantType.AGENCY}.get(kind, ApplicantType.PERSON)
        front: dict[str, forms.Field] = {}
        if who == EMPLOYER:
            front["identity_number"] = forms.CharField(label=_("Employee's identity number"), max_length=18,
                                                       widget=forms.TextInput(attrs={"autocomplete": "off"}))
            front["person_name"] = forms.CharField(label=_("Employee's name"), max_length=40)
            self.service_field_names = {**self.service_field_names, "person": "identity_number"}
        elif who == WINDOW:
            front["person"] = LookupChoiceField(
                label=_("Person"), widget=forms.RadioSelect, lookup=lambda pk: window_person(fetched_by=user, pk=pk),
                error_messages={"required": _("Choose the person (search above)."),
                                "unknown": _("Choose one of the persons found.")})
            front["person"].choices = [(p.pk, f"{p.name} · {p.id_masked} · {p.area.name}") for p in persons]
            if applicant_type == ApplicantType.EMPLOYER:
                front["credit_code"] = LookupChoiceField(
                    label=_("Employer's unified social credit code"), lookup=lambda code: window_employer(
                        fetched_by=user, credit_code=code), widget=forms.TextInput(attrs={"autocomplete": "off"}),
                    error_messages={"unknown": _("No employer registered in your community has this code.")})
            if applicant_type == ApplicantType.AGENCY:
                front["licence_number"] = LookupChoiceField(
                    label=_("Agency's licence number"), lookup=lambda number: agency_by_licence(licence_number=number),
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                    error_messages={"unknown": _("No agency has this licence number.")})
        self.fields = {**front, **self.fields}
        if who == WINDOW:  # the person is chosen from the search on the same page: the name follows
            self.fields["payee_name"].required = False
            self.fields["payee_name"].help_text = _("Leave empty to pay the applicant under their own name.")

    def clean(self):
        data = super().clean()
        if self.who == EMPLOYER:
            _pick_employee(self)
        if self.who == WINDOW:
            if "credit_code" in self.fields:
                data["employer"] = data.get("credit_code")
            if "licence_number" in self.fields:
                data["agency"] = data.get("licence_number")
            if not data.get("payee_name"):
                applicant = data.get({ApplicantType.EMPLOYER: "employer", ApplicantType.AGENCY: "agency"}
                                     .get(self.applicant_type, "person"))
                if applicant is not None:
                    data["payee_name"] = applicant.name[:PAYEE_NAME_MAX]
                elif not self.errors:
                    self.add_error("payee_name", ValidationError(self.fields["payee_name"].error_messages["required"],
                                                                 code="required"))
        return data


class CorrectForm(ApplicationFieldsForm):
    """The stated facts of a returned application, to correct."""

    @staticmethod
    def initial_for(application) -> dict:
        initial = {"period_start": application.period_start, "period_end": application.period_end,
                   "basis_fen": application.basis_fen, "loan_term_months": application.loan_term_months,
                   "payee_name": application.payee_name, "payee_account": application.payee_account}
        initial.update({k: v for k, v in (application.details or {}).items()
                        if k in ("graduation_year", "staff_count")})
        return initial


class NoteForm(ServiceErrorsMixin, forms.Form):
    """A note with a withdrawal or a resubmission (optional)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=REMARK_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the document is"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"), max_length=200,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,"
                                                                            "image/png,image/jpeg"}))
    service_field_names = {"upload": "file"}


class MyApplicationFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *ApplicationStatus.choices])
