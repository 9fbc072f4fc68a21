"""The one way a record changes status: lock, check the move, write the change and the audit event.

Apps describe allowed moves as a table in their ``constants.py``::

    TRANSITIONS = {PENDING: {PUBLISHED, RETURNED}, RETURNED: {PENDING}, PUBLISHED: {CLOSED}}

and their services call ``transition`` after checking the actor's scope and tier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AuditEventType
from portal.models import StatusChange, User


def transition(
    *,
    instance: models.Model,
    to: str,
    actor: User | None,
    transitions: Mapping[str, set[str]],
    event_type: AuditEventType,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
    on_commit: Callable[[models.Model], None] | None = None,
    status_field: str = "status",
) -> models.Model:
    """Move ``instance`` to status ``to`` and return the locked, updated row.

    ``changes`` are further fields set in the same save (a reason, a date). The row is locked
    with SELECT … FOR UPDATE, so two clerks acting at once are serialised and the second sees the
    first's result; an illegal move raises ValidationError (code ``invalid_transition``).
    """
    model = type(instance)
    changes = dict(changes or {})
    with transaction.atomic():
        row = model._default_manager.select_for_update().get(pk=instance.pk)
        current = getattr(row, status_field)
        if to not in transitions.get(current, set()):
            labels = dict(model._meta.get_field(status_field).choices or [])
            raise ValidationError(
                _("This cannot be done now: the status is “%(current)s”.") % {"current": labels.get(current, current)},
                code="invalid_transition",
            )
        old = {status_field: current, **{name: getattr(row, name) for name in changes}}
        setattr(row, status_field, to)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=[status_field, *changes])
        StatusChange.objects.create(
            area=row.area, object_type=model._meta.label_lower, object_id=str(row.pk), from_status=current,
            to_status=to, actor=actor, note=note)
        audit_record(event_type=event_type, actor=actor, obj=row, old=old,
                     new={status_field: to, **changes, **({"note": note} if note else {})})
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(row))
    return row


def status_history(*, instance: models.Model, labels: Iterable[tuple[str, str]] | None = None) -> list[StatusChange]:
    """The status changes of ``instance``. Given the status choices as ``labels``, each change also
    carries ``from_label`` and ``to_label``, the display names of the two statuses."""
    history = list(StatusChange.objects.filter(object_type=type(instance)._meta.label_lower,
                                               object_id=str(instance.pk)).select_related("actor"))
    if labels is not None:
        names = dict(labels)
        for change in history:
            change.from_label = names.get(change.from_status, change.from_status)
            change.to_label = names.get(change.to_status, change.to_status)
    return history
