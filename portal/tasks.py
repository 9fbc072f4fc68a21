"""Core background tasks. Thin: each calls one service."""

from celery import shared_task

from portal import services


@shared_task(name="portal.tasks.role_grants_expire")
def role_grants_expire() -> int:
    """Nightly: record ended staff grants in the audit trail. Rerunning records nothing twice."""
    return services.role_grants_expire()
