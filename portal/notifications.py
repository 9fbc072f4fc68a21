"""Notifications to an account: "your application was returned", with a link to it.

``notify(user=, text=, link=)`` hands one message to every sender listed in the setting
``NOTIFICATION_SENDERS``. The site sender (the only one today) stores a ``Notification`` row, read
on ``/notifications/`` and counted in the header; it writes in the caller's transaction, so a change
that rolls back leaves no notice. A sender that reaches outside the database (an SMS gateway later)
implements ``NotificationSender`` with ``in_transaction = False``: it runs after the commit, and its
failure is logged without undoing the change that caused it.

An app calls ``notify`` from its services; no app knows which senders exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core import checks
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

TEXT_MAX = 300
LINK_MAX = 300


class Notification(models.Model):
    """A message shown to one account on the site until it is read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    text = models.CharField(_("text"), max_length=TEXT_MAX)
    link = models.CharField(_("link"), max_length=LINK_MAX, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_unread")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


@dataclass(frozen=True)
class Message:
    """What a sender delivers: to whom, what, and where it points (a path on this site)."""

    user: object
    text: str
    link: str = ""


@runtime_checkable
class NotificationSender(Protocol):
    """A way of telling an account something. ``in_transaction`` senders write in the caller's
    transaction (the site's own table); the others run after the commit (gateways)."""

    in_transaction: bool

    def send(self, message: Message) -> None: ...


class SiteSender:
    """Stores the message as a ``Notification`` shown on the site."""

    in_transaction = True

    def send(self, message: Message) -> None:
        Notification.objects.create(recipient=message.user, text=message.text, link=message.link)


@cache
def senders() -> tuple[NotificationSender, ...]:
    """The senders of the setting ``NOTIFICATION_SENDERS`` (dotted paths of classes), instantiated once."""
    found = []
    for dotted in getattr(settings, "NOTIFICATION_SENDERS", ["portal.notifications.SiteSender"]):
        sender = import_string(dotted)()
        if not isinstance(sender, NotificationSender):
            raise TypeError(f"{dotted} is not a NotificationSender")
        found.append(sender)
    return tuple(found)


def _send_after_commit(sender: NotificationSender, message: Message) -> None:
    try:
        sender.send(message)
    except Exception:  # a gateway's failure never undoes the change that caused the notice
        logger.exception("notification sender %s failed for user %s", type(sender).__name__, message.user.pk)


def notify(*, user, text: str, link: str = "") -> Message | None:
    """Tell ``user`` ``text`` (with a ``link`` on this site) through every configured sender.

    Nothing happens for a missing or inactive account. Texts are cut to what the table holds.
    """
    if user is None or not getattr(user, "is_active", False):
        return None
    message = Message(user=user, text=str(text)[:TEXT_MAX], link=str(link)[:LINK_MAX])
    for sender in senders():
        if sender.in_transaction:
            sender.send(message)
        else:
            transaction.on_commit(lambda sender=sender: _send_after_commit(sender, message))
    return message


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(*, fetched_by) -> models.QuerySet:
    """The signed-in account's own notifications, newest first."""
    return Notification.objects.filter(recipient=fetched_by)


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one of the actor's notifications read (or all of them); another account's is not found
    (0). Returns how many changed."""
    rows = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


@checks.register()
def check_senders(app_configs=None, **kwargs):
    """A sender that is listed but cannot be loaded stops the start (fail loudly, not silently)."""
    senders.cache_clear()
    try:
        senders()
    except Exception as exc:  # noqa: BLE001 - any import or construction error is the message
        return [checks.Error(f"NOTIFICATION_SENDERS cannot be loaded: {exc}", id="portal.E101")]
    return []
