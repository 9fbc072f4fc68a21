"""Reads of referral commitments: the clerks' queue with escalation, and a person's own commitment.

Escalation is computed, not stored: a commitment is overdue from the day after its due date and
then also appears in the street's queue; once more than ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS
working days have passed since the due date it also appears in the district's queue. The nightly
``registration.tasks.commitments_escalate`` writes one audit event per step reached.

Whose queue: every clerk can list all open commitments in their subtree (``everything``), but the
queue proper shows what is theirs to act on: a community clerk the commitments of their community;
a street clerk those handled at the street itself plus the overdue ones of its communities; a
district clerk those handled at the district plus the ones escalated to the district.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.constants import AreaLevel, StaffRole
from portal.models import User
from portal.reference.calendar import nth_working_day_back, working_days_between
from portal.selectors import user_active_grants
from registration.constants import (
    ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS,
    CommitmentStatus,
    EscalationLevel,
)
from registration.models import Person, ReferralCommitment


@dataclass(frozen=True)
class Escalation:
    level: int
    working_days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.level > EscalationLevel.NONE

    @property
    def label(self) -> str:
        return EscalationLevel(self.level).label


def commitment_escalation(*, due_on: datetime.date, today: datetime.date | None = None) -> Escalation:
    today = today or timezone.localdate()
    if today <= due_on:
        return Escalation(EscalationLevel.NONE, 0)
    overdue = working_days_between(due_on, today)
    level = EscalationLevel.DISTRICT if overdue > ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS else EscalationLevel.STREET
    return Escalation(level, overdue)


def district_cutoff(today: datetime.date) -> datetime.date:
    """Commitments due before this date are escalated to the district (see ``commitment_escalation``)."""
    return nth_working_day_back(today, ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS + 1)


def staff_commitments() -> QuerySet[ReferralCommitment]:
    """Base of the commitment pages; the scoped views narrow it with ``visible_to``."""
    return ReferralCommitment.objects.select_related("case", "case__person", "area", "met_by_referral",
                                                     "met_by_referral__vacancy")


def _mine(user: User, today: datetime.date) -> Q | None:
    """What the clerk's own tiers must act on; None means everything in scope (the system administrator)."""
    if user.is_superuser:
        return None
    condition = Q(pk__in=[])
    cutoff = None
    for grant in user_active_grants(user=user):
        if grant.role != StaffRole.CLERK:
            continue
        within = Q(area_path__startswith=grant.area.path)
        if grant.area.level == AreaLevel.COMMUNITY:
            condition |= within
        elif grant.area.level == AreaLevel.STREET:
            condition |= within & (Q(area__level__in=[AreaLevel.STREET, AreaLevel.DISTRICT]) | Q(due_on__lt=today))
        else:
            cutoff = cutoff or district_cutoff(today)
            condition |= within & (Q(area__level=AreaLevel.DISTRICT) | Q(due_on__lt=cutoff))
    return condition


def commitment_queue(*, fetched_by: User, everything: bool = False, status: str = CommitmentStatus.OPEN,
                     today: datetime.date | None = None) -> QuerySet[ReferralCommitment]:
    """Commitments in the clerk's scope, soonest due first; by default the open ones theirs to act on."""
    today = today or timezone.localdate()
    commitments = staff_commitments().visible_to(fetched_by, roles=[StaffRole.CLERK])
    if status:
        commitments = commitments.filter(status=status)
    if not everything:
        mine = _mine(fetched_by, today)
        if mine is not None:
            commitments = commitments.filter(mine)
    return commitments.order_by("due_on", "id")


def attach_escalations(commitments: Sequence[ReferralCommitment],
                       today: datetime.date | None = None) -> Sequence[ReferralCommitment]:
    """Set ``escalation`` on each open commitment (met or closed ones are never overdue)."""
    today = today or timezone.localdate()
    for commitment in commitments:
        commitment.escalation = (commitment_escalation(due_on=commitment.due_on, today=today)
                                 if commitment.status == CommitmentStatus.OPEN
                                 else Escalation(EscalationLevel.NONE, 0))
    return commitments


def commitment_for_person(*, person: Person) -> ReferralCommitment | None:
    """The person's latest referral commitment with its escalation, for the job seeker's own page
    (the caller has established that the reader is this person)."""
    commitment = (ReferralCommitment.objects.filter(case__person=person)
                  .select_related("case", "met_by_referral", "met_by_referral__vacancy",
                                  "met_by_referral__vacancy__employer")
                  .order_by("-starts_on", "-id").first())
    if commitment is not None:
        attach_escalations([commitment])
    return commitment
