"""FilterSets for the core API and staff pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.constants import AreaLevel, AuditKind, StaffRole
from portal.models import Area, AuditEvent, RoleGrant
from portal.selectors import area_by_code


class AreaFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent code"),
                                       help_text=_("Children of this area; use 'root' for top-level areas."),
                                       method="filter_parent")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("level"))
    name = django_filters.CharFilter(lookup_expr="contains", label=_("name contains"))
    within = django_filters.CharFilter(method="filter_within", label=_("within area"),
                                       help_text=_("This area and every area below it."))

    class Meta:
        model = Area
        fields = ["parent", "level", "name", "within"]

    def filter_parent(self, queryset, name, value):
        if value == "root":
            return queryset.filter(parent__isnull=True)
        return queryset.filter(parent_id=value)

    def filter_within(self, queryset, name, value):
        area = area_by_code(code=value)
        return queryset.filter(path__startswith=area.path) if area else queryset.none()


class RoleGrantFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=StaffRole.choices, label=_("role"))
    area = django_filters.CharFilter(method="filter_area", label=_("within area"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("active only"))
    q = django_filters.CharFilter(method="filter_q", label=_("name or username"))

    class Meta:
        model = RoleGrant
        fields = ["role", "area", "active", "q"]

    def filter_area(self, queryset, name, value):
        area = area_by_code(code=value)
        return queryset.within(area) if area else queryset.none()

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
