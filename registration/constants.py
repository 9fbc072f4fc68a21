"""Choices, workflows and input limits of registration.

Every status change is declared here once, as a ``portal.workflow.Workflow`` whose steps say who
takes them; services call ``transition(workflow=...)``, pages and the API ask ``available_moves``.
Limits of what people type live at the end of this module and nowhere else.
"""

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


# Who takes each step: a clerk whose area covers the registration's residence community confirms
# or does not confirm an online application and cancels an open registration (``unemployment_cancel``;
# ``employment_register`` does the same in its own transaction when the person finds work).
UNEMPLOYMENT_WORKFLOW = Workflow(
    model="registration.UnemploymentRegistration",
    status=UnemploymentStatus,
    event_type=RegistrationEvent.UNEMPLOYMENT_STATUS_CHANGED,
    steps=[
        Step("confirm", UnemploymentStatus.PENDING, UnemploymentStatus.OPEN, _("Confirm"),
             by=Staff(StaffRole.CLERK)),
        Step("reject", UnemploymentStatus.PENDING, UnemploymentStatus.REJECTED, _("Do not confirm"),
             by=Staff(StaffRole.CLERK)),
        Step("cancel", UnemploymentStatus.OPEN, UnemploymentStatus.CANCELLED, _("Cancel the registration"),
             by=Staff(StaffRole.CLERK)),
    ],
)
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


# The receiving district decides (``to_district``): one of its district clerks accepts, choosing the
# street or community that handles the case, or declines. Whoever proposed it does not decide it.
HANDOVER_WORKFLOW = Workflow(
    model="registration.CaseHandover",
    status=HandoverStatus,
    event_type=RegistrationEvent.HANDOVER_STATUS_CHANGED,
    steps=[
        Step("accept", HandoverStatus.PROPOSED, HandoverStatus.ACCEPTED, _("Accept the case"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT, area="to_district"), not_by=("proposed_by",)),
        Step("decline", HandoverStatus.PROPOSED, HandoverStatus.DECLINED, _("Decline"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT, area="to_district"), not_by=("proposed_by",)),
    ],
)


class AgencyServiceKind(models.TextChoices):
    FILE_CUSTODY = "file_custody", _("Personnel file custody")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance continuation")


REFERRAL_COMMITMENT_WORKING_DAYS = 10
MIN_REGISTRATION_AGE = 16

# A clerk whose area covers the commitment meets it by a referral (``commitment_refer``); the
# nightly reconcile meets it by a referral made in the HR market. It closes when its case ends:
# by the district (``hardship_case_end``) or by the nightly task.
COMMITMENT_WORKFLOW = Workflow(
    model="registration.ReferralCommitment",
    status=CommitmentStatus,
    event_type=RegistrationEvent.COMMITMENT_STATUS_CHANGED,
    steps=[
        Step("refer", CommitmentStatus.OPEN, CommitmentStatus.MET, _("Refer to a vacancy"),
             by=Staff(StaffRole.CLERK) | SYSTEM),
        Step("close", CommitmentStatus.OPEN, CommitmentStatus.CLOSED, _("Close with the case"),
             by=Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT) | SYSTEM),
    ],
)

# A clerk whose area covers the visit records it, or that the person could not be reached.
FOLLOW_UP_WORKFLOW = Workflow(
    model="registration.FollowUpVisit",
    status=FollowUpStatus,
    event_type=RegistrationEvent.FOLLOWUP_STATUS_CHANGED,
    steps=[
        Step("record", FollowUpStatus.SCHEDULED, FollowUpStatus.DONE, _("Record the visit"),
             by=Staff(StaffRole.CLERK)),
        Step("mark_missed", FollowUpStatus.SCHEDULED, FollowUpStatus.MISSED, _("Could not be reached"),
             by=Staff(StaffRole.CLERK)),
    ],
)


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


# --- Input limits: the forms, the models and the services read them from here -----------------------

# Staff who register persons and enter their records (creates are not workflow steps).
REGISTRATION_ROLES = (StaffRole.CLERK,)
NAME_MAX = 40  # a person's name
PHONE_LENGTH = 11  # a mainland mobile number
SKILLS_MAX = 300
IDENTITY_INPUT_MAX = 24  # what a form accepts before the number is parsed (spaces, an old 15-digit number)
CARD_MIN, CARD_MAX = 6, 32  # employment and entrepreneurship card numbers
NOTE_MAX = 300  # notes, decision notes and reasons
CIRCUMSTANCES_MAX = 2000  # a hard-to-employ intake
VISIT_NOTES_MAX = 2000  # a follow-up visit
EMPLOYER_NAME_MAX = 100
COURSE_MAX = 100
PROVIDER_MAX = 100
CERTIFICATE_MAX = 40
CATEGORY_CODE_MAX = 32
