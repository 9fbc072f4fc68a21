"""Background tasks of registration. Thin: each calls services, and each can be rerun safely."""

from celery import shared_task

from registration.services import commitments, followups


@shared_task(name="registration.tasks.commitments_reconcile")
def commitments_reconcile() -> dict[str, int]:
    """Nightly: commitments met by referrals made from the HR market's pages, provisional due dates
    recomputed once a year's calendar is filled, follow-up visits of new placements, and cases ended
    on employment or refused referrals (see ``registration.services.followups``)."""
    return {
        "met": commitments.commitments_reconcile(),
        "due_dates_recomputed": commitments.commitments_recompute_provisional(),
        **followups.placements_reconcile(),
    }


@shared_task(name="registration.tasks.commitments_escalate")
def commitments_escalate() -> int:
    """Nightly: raise each overdue commitment's escalation level (street, then district), the field
    the queues read, with one audit event per tier reached; returns the tiers recorded."""
    return commitments.commitments_escalate()
