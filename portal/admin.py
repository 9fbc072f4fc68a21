"""System administration (superusers only). Tier administrators use the scoped staff pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.models import Area, AuditEvent, RoleGrant, User


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    raw_id_fields = ["parent"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "account_type", "is_active", "is_superuser"]
    list_filter = ["account_type", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = UserAdmin.fieldsets + (("Portal", {"fields": ("full_name", "phone", "account_type")}),)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "area", "valid_from", "valid_to", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "area__name", "area__code"]
    raw_id_fields = ["user", "area", "granted_by", "revoked_by"]
    readonly_fields = ["created_at", "revoked_at", "revoked_by", "granted_by"]

    def has_add_permission(self, request):
        return False  # grants are made through the staff pages, which check and audit

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "event_type", "kind", "actor", "object_type", "object_repr", "area"]
    list_filter = ["event_type", "kind"]
    search_fields = ["object_id", "object_repr", "actor__username"]
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
