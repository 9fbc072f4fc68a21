"""Choices and transition tables of employment and unemployment registration."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel, StaffRole
from portal.workflow import PREVIOUS_ACTOR, SYSTEM, Action, Staff, Step, Workflow


class RegistrationEvent(models.TextChoices):
    """Audit event types of this app, registered with the kernel in ``apps.py``."""

    PERSON_REGISTERED = "person.registered", _("Person registered")
    PERSON_UPDATED = "person.updated", _("Person details changed")
    PERSON_ACCOUNT_LINKED = "person.account_linked", _("Person linked to an account")
    EMPLOYMENT_CARD_RECORDED = "person.employment_card_recorded", _("Employment card number recorded")
    UNEMPLOYMENT_REGISTERED = "unemployment.registered", _("Unemployment registered")
    UNEMPLOYMENT_APPLIED = "unemployment.applied", _("Unemployment registration applied for online")
    UNEMPLOYMENT_STATUS_CHANGED = "unemployment.status_changed", _("Unemployment registration status changed")
    EMPLOYMENT_REGISTERED = "employment.registered", _("Employment registered")
    EMPLOYMENT_ENDED = "employment.ended", _("Employment ended")
    TRAINING_RECORDED = "training.recorded", _("Training enrolment recorded")
    TRAINING_UPDATED = "training.updated", _("Training enrolment changed")
    AGENCY_SERVICE_RECORDED = "agency_service.recorded", _("Agency service recorded")
    AGENCY_SERVICE_ENDED = "agency_service.ended", _("Agency service ended")
    HARDSHIP_SUBMITTED = "hardship.submitted", _("Hard-to-employ case submitted")
    HARDSHIP_STATUS_CHANGED = "hardship.status_changed", _("Hard-to-employ case status changed")
    HARDSHIP_MOVED = "hardship.moved", _("Hard-to-employ case moved to another area")
    COMMITMENT_CREATED = "commitment.created", _("Referral commitment opened")
    COMMITMENT_STATUS_CHANGED = "commitment.status_changed", _("Referral commitment status changed")
    COMMITMENT_ESCALATED = "commitment.escalated", _("Overdue referral commitment escalated")
    COMMITMENT_DUE_CHANGED = "commitment.due_changed", _("Referral commitment due date recomputed")
    FOLLOWUP_SCHEDULED = "followup.scheduled", _("Follow-up visit scheduled")
    FOLLOWUP_STATUS_CHANGED = "followup.status_changed", _("Follow-up visit recorded")
    HANDOVER_PROPOSED = "handover.proposed", _("Case handover proposed")
    HANDOVER_STATUS_CHANGED = "handover.status_changed", _("Case handover decided")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class UnemploymentStatus(models.TextChoices):
    PENDING = "pending", _("Applied online, awaiting confirmation")
    OPEN = "open", _("Registered unemployed")
    REJECTED = "rejected", _("Not confirmed")
    CANCELLED = "cancelled", _("Cancelled")


UNEMPLOYMENT_TRANSITIONS = {
    UnemploymentStatus.PENDING: {UnemploymentStatus.OPEN, UnemploymentStatus.REJECTED},
    UnemploymentStatus.OPEN: {UnemploymentStatus.CANCELLED},
    UnemploymentStatus.REJECTED: set(),
    UnemploymentStatus.CANCELLED: set(),
}
# At most one of these per person, enforced by a partial unique constraint.
OPEN_UNEMPLOYMENT_STATUSES = [UnemploymentStatus.PENDING, UnemploymentStatus.OPEN]


class CancellationReason(models.TextChoices):
    FOUND_WORK = "found_work", _("Found work")
    RETIREMENT_AGE = "retirement_age", _("Reached retirement age")
    MOVED_AWAY = "moved_away", _("Moved away")
    DEATH = "death", _("Died")


class EmploymentKind(models.TextChoices):
    """The sources of new-employment counts."""

    ENTERPRISE_HIRE = "enterprise_hire", _("Hired by an enterprise")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    FLEXIBLE = "flexible", _("Flexible employment")
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare post")


class HardshipStatus(models.TextChoices):
    INTAKE = "intake", _("Submitted by the community")
    STREET_REVIEWED = "street_reviewed", _("Reviewed by the street")
    APPROVED = "approved", _("Approved by the district")
    REJECTED = "rejected", _("Not approved")
    ENDED = "ended", _("Ended")


# Who takes each step: the community takes a case in (``hardship_case_submit``), the street
# reviews or rejects the intake, the district approves or rejects a reviewed case and ends an
# approved one; the nightly task ends a case on employment or refused referrals. Review is the
# point of the chain, so no one checks a case they submitted or the step before.
HARDSHIP_WORKFLOW = Workflow(
    model="registration.HardshipCase",
    status=HardshipStatus,
    event_type=RegistrationEvent.HARDSHIP_STATUS_CHANGED,
    steps=[
        Step("review", HardshipStatus.INTAKE, HardshipStatus.STREET_REVIEWED, _("Confirm and send to the district"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.STREET), not_by=("submitted_by",)),
        Step("reject", HardshipStatus.INTAKE, HardshipStatus.REJECTED, _("Reject"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.STREET), not_by=("submitted_by",)),
        Step("approve", HardshipStatus.STREET_REVIEWED, HardshipStatus.APPROVED, _("Approve"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT), not_by=("submitted_by", PREVIOUS_ACTOR)),
        Step("reject", HardshipStatus.STREET_REVIEWED, HardshipStatus.REJECTED, _("Reject"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT), not_by=("submitted_by", PREVIOUS_ACTOR)),
        Step("end", HardshipStatus.APPROVED, HardshipStatus.ENDED, _("End the case"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT) | SYSTEM),
    ],
    actions=[
        Action("hand_over", HardshipStatus.APPROVED, _("Hand over to another district"),
               by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT)),
    ],
)
ACTIVE_HARDSHIP_STATUSES = [HardshipStatus.INTAKE, HardshipStatus.STREET_REVIEWED, HardshipStatus.APPROVED]


class HardshipEndReason(models.TextChoices):
    EMPLOYED = "employed", _("Found employment")
    REFUSED_REFERRALS = "refused_referrals", _("Refused two suitable referrals within a year")
    DISTRICT_DECISION = "district_decision", _("Ended by the district")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed without referral")


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    MISSED = "missed", _("Could not be reached")


FOLLOW_UP_MONTHS = (1, 3, 6)


class HandoverStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


HANDOVER_TRANSITIONS = {
    HandoverStatus.PROPOSED: {HandoverStatus.ACCEPTED, HandoverStatus.DECLINED},
    HandoverStatus.ACCEPTED: set(),
    HandoverStatus.DECLINED: set(),
}


class AgencyServiceKind(models.TextChoices):
    FILE_CUSTODY = "file_custody", _("Personnel file custody")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance continuation")


REFERRAL_COMMITMENT_WORKING_DAYS = 10
MIN_REGISTRATION_AGE = 16

# --- R2: commitment, follow-up and escalation tables ---
COMMITMENT_TRANSITIONS = {
    CommitmentStatus.OPEN: {CommitmentStatus.MET, CommitmentStatus.CLOSED},
    CommitmentStatus.MET: set(),
    CommitmentStatus.CLOSED: set(),
}
FOLLOW_UP_TRANSITIONS = {
    FollowUpStatus.SCHEDULED: {FollowUpStatus.DONE, FollowUpStatus.MISSED},
    FollowUpStatus.DONE: set(),
    FollowUpStatus.MISSED: set(),
}


class EscalationLevel(models.IntegerChoices):
    """Who must act on an open referral commitment: overdue ones go up to the street, then the district."""

    NONE = 0, _("Not overdue")
    STREET = 1, _("Escalated to the street")
    DISTRICT = 2, _("Escalated to the district")


# An overdue commitment reaches the district once more than this many working days have passed since its due date.
ESCALATE_TO_DISTRICT_AFTER_WORKING_DAYS = 3
# Two suitable referrals refused by the person within this many days end the hard-to-employ status.
REFUSALS_TO_END = 2
REFUSAL_WINDOW_DAYS = 365

