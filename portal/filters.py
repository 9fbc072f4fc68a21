"""FilterSets for the core API and staff pages, and the yes/no filter every app's filters use."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal import widgets as portal_widgets
from portal.constants import AreaLevel, AuditKind, StaffRole
from portal.models import Area, AuditEvent, RoleGrant


YES = frozenset({"true", "True", "on"})  # "on": a ticked checkbox
NO = frozenset({"false", "False"})
EITHER = frozenset({"", "unknown"})  # the select's 不限, or the parameter left empty


class _RawValue:
    """A widget that hands the field the text as sent, so the field can refuse what is neither yes nor no
    (django-filter's widgets turn anything unknown into "either", silently)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class YesNoSelect(_RawValue, forms.NullBooleanSelect):
    """不限 / 是 / 否: "either" is the empty choice (Django's select would say 未知, unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        return [{True: "true", False: "false", "true": "true", "True": "true", "false": "false",
                 "False": "false"}.get(value, "")]


class YesNoCheckbox(_RawValue, portal_widgets.CheckboxInput):
    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value is True or value in YES)


class YesNoField(forms.NullBooleanField):
    widget = YesNoSelect
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value is None or value is True or value is False:
            return value
        if value in YES:
            return True
        if value in NO:
            return False
        if value in EITHER:
            return None
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        pass


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter: ``true`` or ``false`` (a ticked checkbox's ``on``), empty for either; anything else
    is the field's ``invalid`` error (a 400 naming it in the API)."""

    field_class = YesNoField


class AreaPickerFilter(django_filters.Filter):
    """The kernel's area picker (district → street → community), given as a division code in the API;
    the filter's method receives the Area (an unknown code is the field's ``unknown_area`` error)."""

    field_class = portal_widgets.AreaField


class AreaFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent code"),
                                       help_text=_("Children of this area; use 'root' for top-level areas."),
                                       method="filter_parent")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("level"))
    name = django_filters.CharFilter(lookup_expr="contains", label=_("name contains"))
    within = AreaPickerFilter(field_name="code", method="filter_within", label=_("within area"),
                              help_text=_("This area and every area below it."))

    class Meta:
        model = Area
        fields = ["parent", "level", "name", "within"]

    def filter_parent(self, queryset, name, value):
        if value == "root":
            return queryset.filter(parent__isnull=True)
        return queryset.filter(parent_id=value)

    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)


class RoleGrantFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=StaffRole.choices, label=_("role"))
    area = AreaPickerFilter(method="filter_area", label=_("within area"))
    active = YesNoFilter(method="filter_active", label=_("active only"))
    q = django_filters.CharFilter(method="filter_q", label=_("name or username"))

    class Meta:
        model = RoleGrant
        fields = ["role", "area", "active", "q"]

    def filter_area(self, queryset, name, value):
        return queryset.within(value)

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = RoleGrant.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)

    def filter_q(self, queryset, name, value):
        from django.db.models import Q
        return queryset.filter(Q(user__username__icontains=value) | Q(user__full_name__icontains=value))


class AuditEventFilter(django_filters.FilterSet):
    event_type = django_filters.ChoiceFilter(choices=registry.audit_event_choices, label=_("event type"))
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices, label=_("kind"))
    since = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("from date"))
    until = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("to date"))

    class Meta:
        model = AuditEvent
        fields = ["event_type", "kind", "since", "until"]
