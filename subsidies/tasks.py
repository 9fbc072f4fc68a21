"""Background tasks of subsidies. Thin: each calls a service, and each can be rerun safely."""

from celery import shared_task

from subsidies.services import review


@shared_task(name="subsidies.tasks.applications_flag_overdue")
def applications_flag_overdue() -> int:
    """Nightly: flag applications whose current review step is past its due date (once each);
    returns how many were flagged."""
    return review.applications_flag_overdue()
