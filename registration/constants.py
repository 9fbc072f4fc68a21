"""Choices and transition tables of employment and unemployment registration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


HARDSHIP_TRANSITIONS = {
    HardshipStatus.INTAKE: {HardshipStatus.STREET_REVIEWED, HardshipStatus.REJECTED},
    HardshipStatus.STREET_REVIEWED: {HardshipStatus.APPROVED, HardshipStatus.REJECTED},
    HardshipStatus.APPROVED: {HardshipStatus.ENDED},
    HardshipStatus.REJECTED: set(),
    HardshipStatus.ENDED: set(),
}
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
