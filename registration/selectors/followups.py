"""Reads of follow-up visits (跟踪回访) for clerks."""

from __future__ import annotations

from django.db.models import QuerySet

from registration.models import FollowUpVisit


def staff_followups() -> QuerySet[FollowUpVisit]:
    """Base of the follow-up pages (scoped views narrow it with ``visible_to``), soonest due first."""
    return (FollowUpVisit.objects.select_related("person", "case", "area", "visited_by")
            .order_by("due_on", "id"))
