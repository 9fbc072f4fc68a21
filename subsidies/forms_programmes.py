"""Forms of the programme pages: a programme's description, and a version's rules with one labelled
field per parameter (amounts in yuan, shares as 2/3, categories and documents as check boxes, each
review step's working days). The services validate the rules (``subsidies.rules``); these forms
only parse what was typed into the stored units."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from policy.models import PolicyDocument
from portal.forms import ServiceErrorsMixin
from registration.forms_fields import LookupChoiceField
from registration.selectors.cases import hardship_categories
from subsidies.constants import DocumentKind, ProgrammeKind
from subsidies.money import fen_from_yuan, yuan
from subsidies.rules import STEP_NAMES, params_of
from subsidies.selectors.programmes import STEP_LABELS, policy_documents_for_programmes

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STEP_PREFIX = "step_days__"
FEN_SUFFIX = re.compile(r"\s*[（(](?:fen|分)[)）]")


class YuanField(forms.Field):
    """An amount typed in yuan ("1,234.56"), cleaned to integer fen; the service judges its range."""

    default_error_messages = {"invalid": _("Give an amount in yuan, with at most two decimals, such as 1234.56.")}
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"})
    MAX_LENGTH = 20

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):  # already fen (a form re-shown)
            return value
        text = str(value).strip()
        if not text:
            return None
        if len(text) > self.MAX_LENGTH:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return fen_from_yuan(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return yuan(value).replace(",", "")
        return value


def yuan_label(label) -> str:
    """A parameter's label "… (fen)" as the page asks it: in yuan."""
    return FEN_SUFFIX.sub("", str(label)) + str(_("(yuan)"))


def _document_choices():
    return [(value, label) for value, label in DocumentKind.choices]


class VersionFieldsMixin:
    """Adds a field per parameter of ``kind`` and gathers them into ``cleaned_data["parameters"]``."""

    def add_parameter_fields(self, kind: str) -> None:
        self.kind = kind
        self.parameter_names = []
        for param in params_of(kind):
            label = param.label
            if param.type == "fen":
                field = YuanField(label=yuan_label(label))
            elif param.type == "int":
                field = forms.IntegerField(label=label)  # the service checks the range, with every other key
            elif param.type == "fraction":
                field = forms.CharField(label=label, max_length=20, help_text=_("A fraction such as 2/3 or a decimal "
                                                                                "such as 0.05."))
            elif param.type == "codes":
                field = forms.MultipleChoiceField(
                    label=label, required=False, widget=forms.CheckboxSelectMultiple,
                    choices=[(c.code, c.name) for c in hardship_categories()],
                    help_text=_("None chosen: every category."))
            elif param.type == "documents":
                field = forms.MultipleChoiceField(label=label, required=False, widget=forms.CheckboxSelectMultiple,
                                                  choices=_document_choices())
            else:  # step_days: one number per review step
                for step in STEP_NAMES:
                    self.fields[f"{STEP_PREFIX}{step}"] = forms.IntegerField(
                        label=_("Working days for %(step)s") % {"step": STEP_LABELS[step]})
                continue
            self.fields[param.name] = field
            self.parameter_names.append(param.name)

    def gather_parameters(self, data: dict) -> dict:
        parameters = {name: data.get(name) for name in self.parameter_names}
        steps = {step: data.get(f"{STEP_PREFIX}{step}") for step in STEP_NAMES}
        if any(name.startswith(STEP_PREFIX) for name in self.fields):
            parameters["step_days"] = steps
        for name in list(data):
            if name in self.parameter_names or name.startswith(STEP_PREFIX):
                data.pop(name)
        data["parameters"] = parameters
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """``parameters.<name>`` errors go to their field (the step days to the first step's box)."""
        if hasattr(exc, "error_dict"):
            remapped = {}
            for name, errors in exc.error_dict.items():
                if name.startswith("parameters."):
                    name = name.removeprefix("parameters.")
                    if name == "step_days":
                        name = f"{STEP_PREFIX}{STEP_NAMES[0]}"
                remapped[name] = errors
            exc = ValidationError(remapped)
        super().add_service_errors(exc)

    @staticmethod
    def initial_parameters(parameters: dict) -> dict:
        initial = {name: value for name, value in parameters.items() if name != "step_days"}
        for step, days in (parameters.get("step_days") or {}).items():
            initial[f"{STEP_PREFIX}{step}"] = days
        return initial


def _document_lookup(pk):
    try:
        return PolicyDocument.objects.public().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


class ProgrammeDescriptionForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    policy_document = LookupChoiceField(label=_("Policy document it implements"), required=False,
                                        lookup=_document_lookup,
                                        error_messages={"unknown": _("Choose a published policy document.")})
    active = forms.BooleanField(label=_("Open for applications"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_document"].choices = [("", "—"), *[
            (d.pk, f"{d.document_number} {d.title}".strip()) for d in policy_documents_for_programmes()]]


class ProgrammeCreateForm(VersionFieldsMixin, ProgrammeDescriptionForm):
    """A new programme of one kind with its first version."""

    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Lower-case letters, digits and hyphens, e.g. social-insurance."))
    effective_from = forms.DateField(label=_("Rules in force from"), widget=DATE_INPUT)
    source = forms.CharField(label=_("Source of the values"), max_length=300,
                             help_text=_("The policy the values come from (document number and article), or "
                                         "“示例数值” when they are illustrative."))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "name", "description", "policy_document", "active", "effective_from", "source"])
        self.add_parameter_fields(kind)

    def clean(self):
        data = super().clean()
        data["kind"] = self.kind
        return self.gather_parameters(data)


class VersionForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    """A new version of a programme's rules (or the correction of one not yet used)."""

    effective_from = forms.DateField(label=_("Rules in force from"), widget=DATE_INPUT)
    source = forms.CharField(label=_("Source of the values"), max_length=300,
                             help_text=_("The policy the values come from (document number and article), or "
                                         "“示例数值” when they are illustrative."))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_parameter_fields(kind)

    def clean(self):
        return self.gather_parameters(super().clean())


class VersionApiForm(ServiceErrorsMixin, forms.Form):
    """The API's version body: the parameters as stored (fen, "2/3", lists, step days), checked by the
    service with every bad key named ``parameters.<key>``."""

    effective_from = forms.DateField(label=_("Rules in force from"))
    source = forms.CharField(label=_("Source of the values"), max_length=300)
    parameters = forms.JSONField(label=_("Parameters"), help_text=_("An object: amounts in fen, shares such as "
                                                                    "\"2/3\", lists of codes, working days per step."))


class ProgrammeApiForm(VersionApiForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)
    policy_document = LookupChoiceField(label=_("Policy document it implements"), required=False,
                                        lookup=_document_lookup,
                                        error_messages={"unknown": _("Choose a published policy document.")})
    active = forms.BooleanField(label=_("Open for applications"), required=False, initial=True)


class ProgrammeKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of programme"), choices=ProgrammeKind.choices, widget=forms.RadioSelect)
