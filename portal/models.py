"""Core records: the tier tree, accounts, staff role grants and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.constants import (
    LEVEL_PREFIX_WIDTH,
    AccountType,
    AreaLevel,
    AuditKind,
    StaffRole,
)
from portal.scoping import AreaOwnedModel, ScopedQuerySet

division_code_validator = RegexValidator(r"^\d{12}$", _("A division code is 12 digits."))


class Area(models.Model):
    """A node of the tier tree, keyed by its 12-digit statistical division code."""

    code = models.CharField(_("division code"), max_length=12, primary_key=True, validators=[division_code_validator])
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # The code's significant prefix (see LEVEL_PREFIX_WIDTH): every descendant's path starts with it.
    path = models.CharField(_("path"), max_length=12, unique=True, editable=False)

    scope_path_field = "path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        # ``path`` is unique, so PostgreSQL also gets a varchar_pattern_ops index for prefix LIKE.
        indexes = [models.Index(fields=["parent", "name"], name="area_parent_name")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=AreaLevel.values), name="area_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(code: str, level: str) -> str:
        return code[: LEVEL_PREFIX_WIDTH[AreaLevel(level)]]

    def save(self, *args, **kwargs):
        self.path = self.path_for(self.code, self.level)
        super().save(*args, **kwargs)

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)

    def ancestors(self) -> list[Area]:
        """Ancestors from the root down, excluding self; one query."""
        codes = [
            self.path[:width].ljust(12, "0")
            for level, width in LEVEL_PREFIX_WIDTH.items()
            if width < len(self.path)
        ]
        return list(Area.objects.filter(code__in=codes).order_by("path"))


class User(AbstractUser):
    """An account. Job seekers and employers sign up; staff accounts are made by administrators."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mainland mobile number."))],
    )
    account_type = models.CharField(
        _("account type"), max_length=16, choices=AccountType.choices, default=AccountType.JOB_SEEKER
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleGrantQuerySet(ScopedQuerySet):
    def active(self, on=None) -> RoleGrantQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            Q(revoked_at__isnull=True),
            Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )


class RoleGrant(AreaOwnedModel):
    """A staff role held by a user on one area, for a period."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )
    # Set by the nightly task once an expiry has been recorded in the audit trail.
    expiry_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["area_path", "role", "id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="rolegrant_role_valid"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rolegrant_period_ordered",
            ),
            # One open grant per user, role and area; a new period needs the old one revoked.
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_open_per_user_role_area",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="rolegrant_user_open")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area}"

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.valid_from <= on
            and (self.valid_to is None or self.valid_to >= on)
        )


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Audit events cannot be changed."))

    def delete(self):
        raise ValidationError(_("Audit events cannot be deleted."))


class AuditEvent(models.Model):
    """An append-only record of a change, or of a read or export of personal data.

    Written only through ``portal.audit.audit_record``. The model refuses updates and deletes,
    and on PostgreSQL a trigger refuses them too, whoever connects.
    """

    # One of the types apps register (``portal.registry.register_audit_events``); checked by
    # ``audit_record``, so a new app's events need no migration here.
    event_type = models.CharField(_("event type"), max_length=40)
    kind = models.CharField(_("kind"), max_length=8, choices=AuditKind.choices, default=AuditKind.CHANGE)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=12, blank=True, db_index=True, editable=False)
    old_values = models.JSONField(_("old values"), default=dict, blank=True)
    new_values = models.JSONField(_("new values"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    scope_path_field = "area_path"
    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_event_type_display()}"

    def get_event_type_display(self) -> str:
        return registry.audit_event_label(self.event_type)

    def changes(self) -> list[tuple[str, Any, Any]]:
        """The recorded values as (name, old, new), the old values' names first (None: not recorded)."""
        old, new = self.old_values or {}, self.new_values or {}
        names = [*old, *(name for name in new if name not in old)]
        return [(name, old.get(name), new.get(name)) for name in names]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))


class StatusChange(AreaOwnedModel):
    """One move of a record's status, written by ``portal.workflow.transition`` for every app."""

    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    from_status = models.CharField(_("from"), max_length=32)
    to_status = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["object_type", "object_id", "changed_at"], name="statuschange_object")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}: {self.from_status} → {self.to_status}"


# The reference tables are models of this app too (defined in portal/reference/models.py).
from portal.reference.models import HolidayDay, Industry, Occupation  # noqa: E402,F401
from portal.notifications import Notification  # noqa: E402,F401
from portal.outbox import KeptTask  # noqa: E402,F401
