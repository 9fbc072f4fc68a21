"""The monthly task of payment cycles (registered in ``apps.py``; imported there so every worker knows
it). Thin: it calls the service, and it can be rerun safely."""

from celery import shared_task

from subsidies.services import payments


@shared_task(name="subsidies.tasks.cycles_generate_previous_month")
def cycles_generate_previous_month() -> dict[str, int]:
    """The first of each month: last month's payment cycle of every recurring programme in every
    district (only new lines are added; a list already sent to the bank is left alone)."""
    return payments.cycles_generate_previous_month()
