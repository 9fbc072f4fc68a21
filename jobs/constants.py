"""Choices and transition tables of the public HR market."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel, StaffRole
from portal.workflow import SYSTEM, Account, Action, Staff, Step, Workflow


class WorkingTime(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    SHIFTS = "shifts", _("Shifts")
    FLEXIBLE = "flexible", _("Flexible")


class EmployerStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified")


# Employers (EMPLOYER_WORKFLOW, after JobsEvent below): a clerk holding a grant at district level over
# the employer's area verifies it; the district (a clerk or an administrator granted there) makes
# member units (会员单位); the employer's own account corrects its details and resubmits.
EMPLOYER_VERIFIERS = Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT)
MEMBERSHIP_GRANTORS = Staff((StaffRole.CLERK, StaffRole.ADMINISTRATOR), levels=AreaLevel.DISTRICT)
EMPLOYER_ACCOUNT = Account("account")
EMPLOYER_AREA_LEVELS = (AreaLevel.COMMUNITY,)  # an employer is registered in a community
# Verification vouches for the code and the district; a verified employer cannot change them.
EMPLOYER_FIELDS_LOCKED_WHEN_VERIFIED = ("credit_code", "area")
EMPLOYER_NAME_MAX = 100
CREDIT_CODE_LENGTH = 18
EMPLOYER_ADDRESS_MAX = 200
CONTACT_NAME_MAX = 40
CONTACT_PHONE_MAX = 20
EMPLOYER_INTRODUCTION_MAX = 2000
EMPLOYER_REASON_MAX = 200


class VacancyStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    FILLED = "filled", _("Filled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# Vacancies (VACANCY_WORKFLOW, after JobsEvent below): a clerk holding a grant at district level over
# the workplace reviews and closes them; the employer's own account edits, resubmits and closes its
# own. Any clerk whose area covers the employer and the workplace may post on an employer's behalf.
VACANCY_REVIEWERS = Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT)
VACANCY_EMPLOYER = Account("employer.account")
VACANCY_POSTER_ROLES = (StaffRole.CLERK,)
WORKPLACE_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY)
# What a person may give as the reason for closing; "expired" is the nightly task's.
MANUAL_CLOSE_REASONS = (CloseReason.FILLED, CloseReason.WITHDRAWN)
VACANCY_OPEN_DAYS_DEFAULT = 30  # a new vacancy's closing date, unless the employer sets another
RETURN_REASON_MAX = 300


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VIEWED = "viewed", _("Viewed")
    INTERVIEW = "interview", _("Interview")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Not successful")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.VIEWED, ApplicationStatus.INTERVIEW]

# Applications (APPLICATION_WORKFLOW, after JobsEvent below): the employer owning the vacancy moves
# an applicant on; the applicant's own account withdraws.
APPLICATION_EMPLOYER = Account("vacancy.employer.account")
APPLICANT = Account("seeker.account")
COVER_NOTE_MAX = 1000
APPLICATION_NOTE_MAX = 300


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting outcome")
    INTERVIEWED = "interviewed", _("Interviewed")
    HIRED = "hired", _("Hired")
    REFUSED = "refused", _("Refused")


class RefusalBy(models.TextChoices):
    SEEKER = "seeker", _("The job seeker declined")
    EMPLOYER = "employer", _("The employer declined")


# Referrals (REFERRAL_WORKFLOW, after JobsEvent below): any clerk whose area covers the referral (the
# job seeker's residence) refers and records the outcome.
REFERRAL_CLERKS = Staff(StaffRole.CLERK)
REFERRAL_NOTE_MAX = 300
REFUSAL_REASON_MAX = 300

# Job seeker profiles.
SEEKER_AREA_LEVELS = (AreaLevel.COMMUNITY,)  # the residence community
WANTED_AREA_LEVELS = (AreaLevel.DISTRICT,)
SKILLS_MAX = 300
SUMMARY_MAX = 2000
WANTED_OCCUPATIONS_MAX = 10
WANTED_AREAS_MAX = 13  # Wuhan has 13 districts


class FairTargetGroup(models.TextChoices):
    GENERAL = "general", _("Everyone")
    GRADUATES = "graduates", _("College graduates")
    MIGRANT_WORKERS = "migrant_workers", _("Migrant workers")
    HARD_TO_EMPLOY = "hard_to_employ", _("Hard-to-employ people")
    INDUSTRY = "industry", _("One industry")


class FairStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class SupervisionResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    RECTIFY = "rectify", _("Rectification required")
    VIOLATION = "violation", _("Violation found")


# Job fairs (FAIR_WORKFLOW, after JobsEvent below): who organises them, at which tiers, and the limits
# of their inputs. Clerks and administrators organise fairs over the fair's area, at any tier.
FAIR_ORGANISERS = Staff((StaffRole.CLERK, StaffRole.ADMINISTRATOR))
FAIR_AREA_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET)
FAIR_TITLE_MAX = 100
FAIR_VENUE_MAX = 200
FAIR_CANCEL_REASON_MAX = 300
FAIR_CAPACITY_MAX = 100_000  # seeker places; the largest fairs in the city take about 30,000
SLOT_MINUTES_MIN, SLOT_MINUTES_MAX = 5, 240
SLOT_MINUTES_DEFAULT = 20
MEETING_LINK_MAX = 300


class FairPeriod(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    PAST = "past", _("Past")


# Private employment agencies (LICENCE_WORKFLOW, after JobsEvent below): only clerks holding a
# district-level grant license, change and inspect them; street and community windows do not. An
# agency belongs to a district or a street or community below it.
AGENCY_MANAGERS = Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT)
AGENCY_AREA_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)
AGENCY_NAME_MAX = 100
LICENCE_NUMBER_MAX = 40
LICENCE_HOLDER_MAX = 60
AGENCY_SCOPE_MAX = 300
AGENCY_ADDRESS_MAX = 200
AGENCY_PHONE_MAX = 20
LICENCE_REASON_MAX = 300
SUPERVISION_FINDINGS_MAX = 2000
LICENCE_EXPIRING_DAYS = 60  # a valid licence ending this soon is flagged, and counted on the workbench
AGENCIES_EXPIRING_LABEL = format_lazy(_("Agency licences expiring within {days} days"), days=LICENCE_EXPIRING_DAYS)


class LicenceBadge(models.TextChoices):
    """What the registers show beside a licence (the public register leaves revoked ones out)."""

    VALID = "valid", _("Valid")
    EXPIRING = "expiring", format_lazy(_("Expires within {days} days"), days=LICENCE_EXPIRING_DAYS)
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


# Limits that keep records readable and pages fast.
TITLE_MAX = 60
DESCRIPTION_MAX = 5000
SALARY_CEILING = 1_000_000  # yuan per month; anything above is a typing error
HEADCOUNT_MAX = 9999
EXPERIENCE_MAX = 50  # years
BENEFITS_MAX = 300
# A telephone number as people write it: digits, with spaces, brackets, + or -.
PHONE_PATTERN = r"^[0-9][0-9 ()+\-]{4,19}$"


class JobsEvent(models.TextChoices):
    """Audit event types of this app, registered with the kernel in ``apps.py``."""

    EMPLOYER_REGISTERED = "employer.registered", _("Employer registered")
    EMPLOYER_UPDATED = "employer.updated", _("Employer details changed")
    EMPLOYER_STATUS_CHANGED = "employer.status_changed", _("Employer verification changed")
    EMPLOYER_MEMBERSHIP_CHANGED = "employer.membership_changed", _("Member unit status changed")
    VACANCY_POSTED = "vacancy.posted", _("Vacancy posted")
    VACANCY_UPDATED = "vacancy.updated", _("Vacancy changed")
    VACANCY_STATUS_CHANGED = "vacancy.status_changed", _("Vacancy status changed")
    SEEKER_PROFILE_SAVED = "seeker.profile_saved", _("Job seeker profile saved")
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_STATUS_CHANGED = "application.status_changed", _("Application status changed")
    REFERRAL_CREATED = "referral.created", _("Referral made")
    REFERRAL_OUTCOME_RECORDED = "referral.outcome_recorded", _("Referral outcome recorded")
    FAIR_CREATED = "fair.created", _("Job fair created")
    FAIR_UPDATED = "fair.updated", _("Job fair changed")
    FAIR_STATUS_CHANGED = "fair.status_changed", _("Job fair status changed")
    FAIR_EMPLOYER_JOINED = "fair.employer_joined", _("Employer joined a job fair")
    FAIR_SEEKER_SIGNED_UP = "fair.seeker_signed_up", _("Job seeker signed up for a job fair")
    INTERVIEW_SLOT_OFFERED = "fair.slot_offered", _("Interview slot offered")
    INTERVIEW_SLOT_BOOKED = "fair.slot_booked", _("Interview slot booked")
    AGENCY_LICENSED = "agency.licensed", _("Agency licence recorded")
    AGENCY_UPDATED = "agency.updated", _("Agency details changed")
    AGENCY_STATUS_CHANGED = "agency.status_changed", _("Agency licence status changed")
    AGENCY_SUPERVISED = "agency.supervised", _("Agency inspection recorded")


# The workflows of the HR market (declared after JobsEvent, whose types they name).

EMPLOYER_WORKFLOW = Workflow(
    model="jobs.Employer",
    status=EmployerStatus,
    event_type=JobsEvent.EMPLOYER_STATUS_CHANGED,
    steps=[
        Step("verify", EmployerStatus.PENDING, EmployerStatus.VERIFIED, _("Verify this employer"),
             by=EMPLOYER_VERIFIERS),
        Step("reject", EmployerStatus.PENDING, EmployerStatus.REJECTED, _("Do not verify"), by=EMPLOYER_VERIFIERS),
        Step("resubmit", EmployerStatus.REJECTED, EmployerStatus.PENDING, _("Resubmit for verification"),
             by=EMPLOYER_ACCOUNT),
    ],
    actions=[
        # A verified organisation keeps its code and area (EMPLOYER_FIELDS_LOCKED_WHEN_VERIFIED).
        Action("edit", EmployerStatus.values, _("Edit organisation details"), by=EMPLOYER_ACCOUNT),
        Action("membership", EmployerStatus.VERIFIED, _("Member unit"), by=MEMBERSHIP_GRANTORS),
    ],
)

VACANCY_WORKFLOW = Workflow(
    model="jobs.Vacancy",
    status=VacancyStatus,
    event_type=JobsEvent.VACANCY_STATUS_CHANGED,
    steps=[
        # Review is the point: a clerk who posted a vacancy on an employer's behalf does not review it.
        Step("publish", VacancyStatus.PENDING, VacancyStatus.PUBLISHED, _("Publish the vacancy"),
             by=VACANCY_REVIEWERS, not_by=("posted_by",)),
        Step("return", VacancyStatus.PENDING, VacancyStatus.RETURNED, _("Return to the employer"),
             by=VACANCY_REVIEWERS, not_by=("posted_by",)),
        Step("resubmit", VacancyStatus.RETURNED, VacancyStatus.PENDING, _("Resubmit for review"),
             by=VACANCY_EMPLOYER),
        Step("close", (VacancyStatus.PENDING, VacancyStatus.RETURNED), VacancyStatus.CLOSED,
             _("Close the vacancy"), by=VACANCY_EMPLOYER | VACANCY_REVIEWERS),
        # The nightly task closes published vacancies past their closing date.
        Step("close", VacancyStatus.PUBLISHED, VacancyStatus.CLOSED, _("Close the vacancy"),
             by=VACANCY_EMPLOYER | VACANCY_REVIEWERS | SYSTEM),
    ],
    actions=[
        Action("edit", (VacancyStatus.PENDING, VacancyStatus.RETURNED), _("Edit"), by=VACANCY_EMPLOYER),
    ],
)

APPLICATION_WORKFLOW = Workflow(
    model="jobs.Application",
    status=ApplicationStatus,
    event_type=JobsEvent.APPLICATION_STATUS_CHANGED,
    steps=[
        Step("view", ApplicationStatus.SUBMITTED, ApplicationStatus.VIEWED, _("Viewed"), by=APPLICATION_EMPLOYER),
        Step("interview", (ApplicationStatus.SUBMITTED, ApplicationStatus.VIEWED), ApplicationStatus.INTERVIEW,
             _("Invite to an interview"), by=APPLICATION_EMPLOYER),
        Step("hire", OPEN_APPLICATION_STATUSES, ApplicationStatus.HIRED, _("Hired"), by=APPLICATION_EMPLOYER),
        Step("reject", OPEN_APPLICATION_STATUSES, ApplicationStatus.REJECTED, _("Not successful"),
             by=APPLICATION_EMPLOYER),
        Step("withdraw", OPEN_APPLICATION_STATUSES, ApplicationStatus.WITHDRAWN, _("Withdraw this application"),
             by=APPLICANT),
    ],
)

REFERRAL_WORKFLOW = Workflow(
    model="jobs.Referral",
    status=ReferralOutcome,
    event_type=JobsEvent.REFERRAL_OUTCOME_RECORDED,
    steps=[
        Step("interview", ReferralOutcome.PENDING, ReferralOutcome.INTERVIEWED, _("Interviewed"), by=REFERRAL_CLERKS),
        Step("hire", (ReferralOutcome.PENDING, ReferralOutcome.INTERVIEWED), ReferralOutcome.HIRED, _("Hired"),
             by=REFERRAL_CLERKS),
        Step("refuse", (ReferralOutcome.PENDING, ReferralOutcome.INTERVIEWED), ReferralOutcome.REFUSED,
             _("Refused"), by=REFERRAL_CLERKS),
    ],
)

# The statuses ``application_move`` takes an applicant to: the targets of the employer's steps.
EMPLOYER_APPLICATION_MOVES = tuple(dict.fromkeys(
    step.target for step in APPLICATION_WORKFLOW.steps if step.by == APPLICATION_EMPLOYER))
# The outcomes a clerk records on a referral: where its steps lead.
REFERRAL_OUTCOMES = tuple(dict.fromkeys(step.target for step in REFERRAL_WORKFLOW.steps))

# Job fairs: their organisers publish, cancel and edit them (FAIR_ORGANISERS, over the fair's area).
FAIR_WORKFLOW = Workflow(
    model="jobs.JobFair",
    status=FairStatus,
    event_type=JobsEvent.FAIR_STATUS_CHANGED,
    steps=[
        Step("publish", FairStatus.DRAFT, FairStatus.PUBLISHED, _("Publish"), by=FAIR_ORGANISERS),
        Step("cancel", (FairStatus.DRAFT, FairStatus.PUBLISHED), FairStatus.CANCELLED, _("Cancel the fair"),
             by=FAIR_ORGANISERS),
    ],
    actions=[
        # Once published, a fair's terms are fixed: it can only be cancelled.
        Action("edit", FairStatus.DRAFT, _("Edit the draft"), by=FAIR_ORGANISERS),
    ],
)

# Agency licences: district-level clerks suspend, reinstate, revoke, correct and inspect (AGENCY_MANAGERS).
LICENCE_WORKFLOW = Workflow(
    model="jobs.Agency",
    status=LicenceStatus,
    event_type=JobsEvent.AGENCY_STATUS_CHANGED,
    steps=[
        Step("suspend", LicenceStatus.VALID, LicenceStatus.SUSPENDED, _("Suspend the licence"), by=AGENCY_MANAGERS),
        Step("reinstate", LicenceStatus.SUSPENDED, LicenceStatus.VALID, _("Reinstate the licence"),
             by=AGENCY_MANAGERS),
        Step("revoke", (LicenceStatus.VALID, LicenceStatus.SUSPENDED), LicenceStatus.REVOKED, _("Revoke the licence"),
             by=AGENCY_MANAGERS),
    ],
    actions=[
        # Details can be corrected and inspections recorded whatever the licence's status.
        Action("edit", LicenceStatus.values, _("Correct the details"), by=AGENCY_MANAGERS),
        Action("supervise", LicenceStatus.values, _("Record an inspection"), by=AGENCY_MANAGERS),
    ],
)
