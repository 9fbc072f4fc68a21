"""Tasks the broker could not take: kept in the database and sent once it answers again.

``task_send(task, args=…)`` hands a task to Celery. When the broker (Redis) does not answer, the
task is kept as a ``KeptTask`` row instead of being lost, a warning is logged and ``False`` comes
back, so the action that asked can say the work will start later. ``kept_tasks_send`` (the beat
entry ``kept-tasks-send``, every minute; beat itself reconnects to Redis) sends the kept rows in
order and deletes each one sent, under row locks, so two senders never send one twice. A task sent
twice by a crash between sending and deleting runs twice: every kept task must be safe to rerun (the
portal's tasks are).

With tasks in-process (no broker configured) ``apply_async`` runs the task at once and never keeps.
Tasks are sent without a result (``ignore_result``): nothing reads it, and with Redis down asking
for one would hold the request.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that does not answer raises when a task is sent: kombu wraps the connection error.
BROKER_DOWN = (OperationalError, ConnectionError, OSError)
SEND_BATCH = 100


class KeptTask(models.Model):
    """A task that could not be sent (the broker did not answer), waiting to be sent."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    options = models.JSONField(_("send options"), default=dict, blank=True)
    kept_at = models.DateTimeField(_("kept at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("send attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["id"]
        verbose_name = _("kept task")
        verbose_name_plural = _("kept tasks")

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"


def _send(name: str, args, kwargs, options) -> None:
    if current_app.conf.task_always_eager:  # no broker: the task runs here and now
        current_app.tasks[name].apply_async(args, kwargs, **options)
        return
    # retry=False: a broker that is down fails the send at once instead of holding the request.
    # ignore_result: nobody waits for a kept task's result, and asking for one subscribes to the result
    # store (the same Redis) before sending, which retries for twenty seconds and then raises a
    # RuntimeError when Redis is down: a request held that long and answered 500.
    current_app.send_task(name, args=args, kwargs=kwargs, retry=False, ignore_result=True, **options)


def task_send(task, *, args: list | tuple = (), kwargs: dict | None = None, **options) -> bool:
    """Send ``task``; ``False`` when the broker did not answer and the task was kept instead."""
    try:
        _send(task.name, list(args), kwargs or {}, options)
        return True
    except BROKER_DOWN as exc:
        KeptTask.objects.create(name=task.name, args=list(args), kwargs=kwargs or {}, options=options,
                                attempts=1, last_error=f"{type(exc).__name__}: {exc}"[:300])
        logger.warning("The broker did not take %s; kept to be sent when it answers (%s)", task.name, exc)
        return False


def kept_tasks_send() -> dict:
    """Send the kept tasks, oldest first, until the broker fails again; each one sent is deleted."""
    sent = 0
    with transaction.atomic():
        for kept in KeptTask.objects.select_for_update(skip_locked=True).order_by("id")[:SEND_BATCH]:
            try:
                _send(kept.name, kept.args, kept.kwargs, kept.options)
            except BROKER_DOWN as exc:
                KeptTask.objects.filter(pk=kept.pk).update(attempts=models.F("attempts") + 1,
                                                           last_error=f"{type(exc).__name__}: {exc}"[:300])
                break
            kept.delete()
            sent += 1
    return {"sent": sent, "waiting": KeptTask.objects.count()}
