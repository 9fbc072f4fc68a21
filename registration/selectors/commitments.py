"""Reads of referral commitments: the clerks' queue with escalation, and a person's own commitment.

Escalation is state: the nightly ``registration.services.commitments.commitments_escalate`` raises
``ReferralCommitment.escalation_level`` to the street once a commitment is overdue (from the day
after its due date) and to the district once more than ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS
working days have passed since the due date; ``commitment_escalation`` is the rule it applies.
Pages and the API read the stored level; how many working days a commitment is late is plain
arithmetic on its due date and is computed on read.

Whose queue: every clerk can list all open commitments in their subtree (``everything``), but the
queue proper shows what is theirs to act on: a community clerk the commitments of their community;
a street clerk those handled at the street itself plus the ones escalated to the street; a
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
from portal.reference.calendar import working_days_between
from portal.scoping import has_staff_role, scope_paths
from registration.constants import (
    ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS,
    CommitmentStatus,
    EscalationLevel,
)
from registration.models import Person, ReferralCommitment


@dataclass(frozen=True)
class Escalation:
    """How late a commitment is: the tier it is escalated to, working days past the due date, and
    whether it is overdue at all (an open commitment after its due date)."""

    level: int
    working_days_overdue: int
    overdue: bool

    @property
    def label(self) -> str:
        return EscalationLevel(self.level).label


def commitment_escalation(*, due_on: datetime.date, today: datetime.date | None = None) -> Escalation:
    """The tier an open commitment due on ``due_on`` has reached by ``today`` (what the nightly
    escalation writes)."""
    today = today or timezone.localdate()
    if today <= due_on:
        return Escalation(EscalationLevel.NONE, 0, False)
    overdue = working_days_between(due_on, today)
    level = EscalationLevel.DISTRICT if overdue > ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS else EscalationLevel.STREET
    return Escalation(level, overdue, True)


def staff_commitments() -> QuerySet[ReferralCommitment]:
    """Base of the commitment pages; the scoped views narrow it with ``visible_to``."""
    return ReferralCommitment.objects.select_related("case", "case__person", "area", "met_by_referral",
                                                     "met_by_referral__vacancy")


def _within(paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(area_path__startswith=path)
    return condition


def _mine(user: User) -> Q | None:
    """What the clerk's own tiers must act on; None means everything in scope (the system administrator).

    Read from the user's cached grants (``portal.scoping``), so the queue and its counter cost one query."""
    if user.is_superuser:
        return None
    clerk = [StaffRole.CLERK]
    higher = [level for level in AreaLevel.values if level not in (AreaLevel.COMMUNITY, AreaLevel.STREET)]
    return (_within(scope_paths(user, clerk, [AreaLevel.COMMUNITY]))
            | (_within(scope_paths(user, clerk, [AreaLevel.STREET]))
               & (Q(area__level__in=[AreaLevel.STREET, AreaLevel.DISTRICT])
                  | Q(escalation_level__gte=EscalationLevel.STREET)))
            | (_within(scope_paths(user, clerk, higher))
               & (Q(area__level=AreaLevel.DISTRICT) | Q(escalation_level__gte=EscalationLevel.DISTRICT))))


def commitment_queue(*, fetched_by: User, everything: bool = False,
                     status: str = CommitmentStatus.OPEN) -> QuerySet[ReferralCommitment]:
    """Commitments in the clerk's scope, soonest due first; by default the open ones theirs to act on."""
    commitments = staff_commitments().visible_to(fetched_by, roles=[StaffRole.CLERK])
    if status:
        commitments = commitments.filter(status=status)
    if not everything:
        mine = _mine(fetched_by)
        if mine is not None:
            commitments = commitments.filter(mine)
    return commitments.order_by("due_on", "id")


def overdue_commitments_count(*, fetched_by: User, today: datetime.date | None = None) -> int | None:
    """How many commitments of the clerk's queue are overdue (the rows the queue flags); None for
    someone who is no clerk. The workbench's counter."""
    if not has_staff_role(fetched_by, [StaffRole.CLERK]):
        return None
    today = today or timezone.localdate()
    return commitment_queue(fetched_by=fetched_by).filter(due_on__lt=today).count()


def attach_escalations(commitments: Sequence[ReferralCommitment],
                       today: datetime.date | None = None) -> Sequence[ReferralCommitment]:
    """Set ``escalation`` on each commitment: its stored level, and for an open one past its due
    date how many working days late it is."""
    today = today or timezone.localdate()
    for commitment in commitments:
        late = commitment.status == CommitmentStatus.OPEN and commitment.due_on < today
        commitment.escalation = Escalation(
            commitment.escalation_level, working_days_between(commitment.due_on, today) if late else 0, late)
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
