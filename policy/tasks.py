"""Background tasks of policy publishing. Thin: each calls one service."""

from celery import shared_task

from policy.services import documents


@shared_task(name="policy.tasks.documents_expire")
def documents_expire() -> int:
    """Nightly: published documents past their expiry date become expired. Rerunning expires nothing twice."""
    return documents.documents_expire()
