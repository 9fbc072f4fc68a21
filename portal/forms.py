"""Forms of the core pages. They parse and validate input; services do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.constants import AccountType, StaffRole
from portal.widgets import AreaField

PUBLIC_TYPES = [(AccountType.JOB_SEEKER, AccountType.JOB_SEEKER.label), (AccountType.EMPLOYER, AccountType.EMPLOYER.label)]


class ServiceErrorsMixin:
    """For forms: show a service's ValidationError next to the matching fields, the rest above the form.

    Services name errors after the model's fields; ``service_field_names`` maps such a name to the
    form field that shows it when the two differ.
    """

    service_field_names: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                name = self.service_field_names.get(name, name)
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)

    def submit(self, action) -> bool:
        """Validate the form, then call ``action(cleaned_data)`` (one service call).

        True when both accepted; the service's result is in ``self.result``. When the service
        refuses, its ValidationError is shown on the form and False is returned, so a view can
        re-render the form with what the user typed.
        """
        self.result = None
        if not self.is_valid():
            return False
        try:
            self.result = action(self.cleaned_data)
        except ValidationError as exc:
            self.add_service_errors(exc)
            return False
        return True


class NewAccountForm(ServiceErrorsMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only."))
    full_name = forms.CharField(label=_("Full name"), max_length=64)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 10 characters, not common and not all digits."))
    password2 = forms.CharField(label=_("Confirm password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    # Service errors use the model's field names; show the password's on the first box.
    service_field_names = {"password": "password1"}

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class SignUpForm(NewAccountForm):
    account_type = forms.ChoiceField(label=_("Account type"), choices=PUBLIC_TYPES, widget=forms.RadioSelect,
                                     initial=AccountType.JOB_SEEKER)

    field_order = ["account_type", "username", "full_name", "phone", "email", "password1", "password2"]


class StaffAccountForm(NewAccountForm):
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    area = AreaField(label=_("Area"))
    valid_from = forms.DateField(label=_("Valid from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text=_("Leave empty for no end date."))

    field_order = ["username", "full_name", "phone", "email", "role", "area", "valid_from", "valid_to",
                   "password1", "password2"]


class PortalPasswordChangeForm(ServiceErrorsMixin, PasswordChangeForm):
    """Django's password change form; the service checks and writes (and audits) the change."""


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HolidayDayForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    is_working_day = forms.TypedChoiceField(
        label=_("Kind of day"), widget=forms.RadioSelect, coerce=lambda v: v == "working", initial="holiday",
        choices=[("holiday", _("Public holiday (no work)")),
                 ("working", _("Weekend day made a working day (调休)"))])
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("For example 春节, 国庆节."))


class HolidayDayRemoveForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(label=_("Date"), error_messages={"required": _("Enter the date."),
                                                            "invalid": _("This date is not in the calendar.")})
