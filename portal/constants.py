"""Choices and fixed tables of the portal core: area levels, roles, audit event types."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


# How many leading digits of the 12-digit division code identify an area of each level.
# The rest of the code is zeros, so an area's significant prefix is also its subtree's prefix.
LEVEL_PREFIX_WIDTH = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.DISTRICT: 6,
    AreaLevel.STREET: 9,
    AreaLevel.COMMUNITY: 12,
}
LEVEL_ORDER = [AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
PARENT_LEVEL = {child: parent for parent, child in zip(LEVEL_ORDER, LEVEL_ORDER[1:])}


class AccountType(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("Job seeker")
    EMPLOYER = "employer", _("Employer")
    STAFF = "staff", _("Staff")


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    OFFICIAL = "official", _("Official")
    ADMINISTRATOR = "administrator", _("Administrator")


# The area levels at which each staff role can be granted.
ROLE_LEVELS = {
    StaffRole.CLERK: {AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY},
    StaffRole.OFFICIAL: {AreaLevel.CITY, AreaLevel.DISTRICT},
    StaffRole.ADMINISTRATOR: {AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET},
}


class AuditEventType(models.TextChoices):
    """The kernel's audit event types; each app registers its own (``portal.registry``)."""

    USER_SIGNED_UP = "user.signed_up", _("User signed up")
    USER_LOGGED_IN = "user.logged_in", _("User logged in")
    USER_LOGGED_OUT = "user.logged_out", _("User logged out")
    USER_LOGIN_FAILED = "user.login_failed", _("Login failed")
    USER_PASSWORD_CHANGED = "user.password_changed", _("Password changed")
    USER_DEACTIVATED = "user.deactivated", _("Account deactivated")
    STAFF_ACCOUNT_CREATED = "staff.account_created", _("Staff account created")
    ROLE_GRANTED = "role.granted", _("Role granted")
    ROLE_REVOKED = "role.revoked", _("Role revoked")
    ROLE_EXPIRED = "role.expired", _("Role expired")
    AREA_CREATED = "area.created", _("Area created")
    AREA_UPDATED = "area.updated", _("Area updated")
    API_TOKEN_ISSUED = "api.token_issued", _("API token issued")
    CALENDAR_DAY_ADDED = "calendar.day_added", _("Holiday calendar day added")
    CALENDAR_DAY_REMOVED = "calendar.day_removed", _("Holiday calendar day removed")
    PERSONAL_DATA_VIEWED = "personal_data.viewed", _("Personal data viewed")
    PERSONAL_DATA_EXPORTED = "personal_data.exported", _("Personal data exported")


class AuditKind(models.TextChoices):
    CHANGE = "change", _("Change")
    READ = "read", _("Read")
    EXPORT = "export", _("Export")


# Searches kept out of web addresses (portal.lookups): how long a kept search answers, and how
# many a session keeps (the oldest go first).
LOOKUP_TTL_SECONDS = 30 * 60
LOOKUPS_KEPT = 20
