"""The one function that writes the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from portal import registry
from portal.constants import AuditKind
from portal.models import Area, AuditEvent, User


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any]:
    if not values:
        return {}
    out = {}
    for key, value in values.items():
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, (str, int, float, bool, list, dict, type(None))):
            value = str(value)
        out[key] = value
    return out


def audit_record(
    *,
    event_type: str,
    actor: User | None,
    obj: models.Model | None = None,
    area: Area | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    kind: AuditKind = AuditKind.CHANGE,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records.

    ``event_type`` is one of the registered types (the kernel's ``AuditEventType`` or an app's own).
    """
    if event_type not in registry.audit_event_types():
        raise ValueError(f"Unknown audit event type {event_type!r}")
    if area is None and obj is not None:
        area = getattr(obj, "area", None)
    return AuditEvent.objects.create(
        event_type=event_type,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        area=area,
        area_path=area.path if area is not None else "",
        old_values=_jsonable(old),
        new_values=_jsonable(new),
        ip_address=ip_address,
    )


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the
    outermost of them saw (DRF's throttles pick the same one through ``NUM_PROXIES``)."""
    if request is None:
        return None
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr
