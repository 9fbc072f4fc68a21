"""Core background tasks. Thin: each calls one service."""

from celery import shared_task

from portal import outbox, services


@shared_task(name="portal.tasks.role_grants_expire")
def role_grants_expire() -> int:
    """Nightly: record ended staff grants in the audit trail. Rerunning records nothing twice."""
    return services.role_grants_expire()


@shared_task(name="portal.tasks.kept_tasks_send")
def kept_tasks_send() -> dict:
    """Every minute: send the tasks kept while the broker was down (``portal.outbox``)."""
    return outbox.kept_tasks_send()
