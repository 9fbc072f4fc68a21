"""Forms and filters of the review pages: the queue's filters, the step forms and bulk approval. The
staff API validates with the same forms (``portal.api_forms``). They parse input; the services
validate and write, so a reason or remark a service requires is not required here too."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.filters import AreaPickerFilter, YesNoCheckbox, YesNoFilter
from portal.forms import ServiceErrorsMixin
from subsidies.constants import REMARK_MAX, ApplicationStatus, ReasonCode
from subsidies.models import Application, Programme
from subsidies.selectors.review import queue_order

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Application numbers are positive bigints; anything else is not one.
ID_MAX = 2**63 - 1
QUERY_MAX = 60


# --- The queue's filters --------------------------------------------------------------------------


class ApplicationFilter(django_filters.FilterSet):
    mine = YesNoFilter(label=_("Awaiting my step only"), method="filter_mine", widget=YesNoCheckbox)
    overdue = YesNoFilter(label=_("Overdue only"), method="filter_overdue", widget=YesNoCheckbox)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices,
                                         empty_label=_("Any status"))
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.order_by("code"),
                                                 empty_label=_("Any programme"))
    area = AreaPickerFilter(label=_("Area"), method="filter_area")  # the area's whole subtree
    due_before = django_filters.DateFilter(label=_("Due by"), field_name="due_on", lookup_expr="lte",
                                           widget=DATE_INPUT)
    q = django_filters.CharFilter(label=_("Name or number"), method="filter_q", max_length=QUERY_MAX)
    sort = django_filters.ChoiceFilter(label=_("Order"), method="filter_sort", empty_label=_("My steps first"),
                                       choices=[("due", _("Due date, soonest first")),
                                                ("-due", _("Due date, latest first")),
                                                ("submitted", _("Newest first"))])

    class Meta:
        model = Application
        fields = ["mine", "overdue", "status", "programme", "area", "due_before", "q", "sort"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(awaits_me=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_since__isnull=False) if value else queryset

    def filter_area(self, queryset, name, value):
        return queryset.within(value) if value is not None else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isascii() and value.isdigit():  # an application number
            return queryset.filter(pk=int(value)) if 0 < int(value) <= ID_MAX else queryset.none()
        return queryset.filter(Q(person__name__icontains=value) | Q(employer__name__icontains=value)
                               | Q(agency__name__icontains=value))

    def filter_sort(self, queryset, name, value):
        return queue_order(queryset, value)


# --- Steps ----------------------------------------------------------------------------------------


class StepForm(ServiceErrorsMixin, forms.Form):
    """The remark of a forward step (take in, review, approve, record the disbursement): optional."""

    remark = forms.CharField(label=_("Remark (optional)"), required=False, max_length=REMARK_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """A return for correction or a rejection: the reason and a remark (the service requires both)."""

    reason_code = forms.ChoiceField(label=_("Reason"), required=False,
                                    choices=[("", "—"), *ReasonCode.choices])
    remark = forms.CharField(label=_("Remark"), required=False, max_length=REMARK_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What the applicant must correct, or why it is not approved."))


class IdListField(forms.Field):
    """Application numbers: the page's check boxes (several values of one name) or the API's list."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid_list": _("Give a list of application numbers."),
        "invalid": _("“%(value)s” is not an application number."),
    }

    def api_schema_field(self, **options) -> serializers.Field:
        return serializers.ListField(child=serializers.IntegerField(min_value=1), **options)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        ids = []
        for item in value:
            text = str(item).strip()
            if isinstance(item, bool) or not text.isascii() or not text.isdigit() or not 0 < int(text) <= ID_MAX:
                raise ValidationError(self.error_messages["invalid"], code="invalid",
                                      params={"value": text[:20]})
            ids.append(int(text))
        return ids

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class BulkApproveForm(ServiceErrorsMixin, forms.Form):
    ids = IdListField(label=_("Applications"), required=False)
    remark = forms.CharField(label=_("Remark (optional)"), required=False, max_length=REMARK_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

