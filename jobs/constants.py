"""Choices and transition tables of the public HR market."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingTime(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    SHIFTS = "shifts", _("Shifts")
    FLEXIBLE = "flexible", _("Flexible")


class EmployerStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified")


EMPLOYER_TRANSITIONS = {
    EmployerStatus.PENDING: {EmployerStatus.VERIFIED, EmployerStatus.REJECTED},
    EmployerStatus.REJECTED: {EmployerStatus.PENDING},
    EmployerStatus.VERIFIED: set(),
}


class VacancyStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")


VACANCY_TRANSITIONS = {
    VacancyStatus.PENDING: {VacancyStatus.PUBLISHED, VacancyStatus.RETURNED, VacancyStatus.CLOSED},
    VacancyStatus.RETURNED: {VacancyStatus.PENDING, VacancyStatus.CLOSED},
    VacancyStatus.PUBLISHED: {VacancyStatus.CLOSED},
    VacancyStatus.CLOSED: set(),
}


class CloseReason(models.TextChoices):
    FILLED = "filled", _("Filled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VIEWED = "viewed", _("Viewed")
    INTERVIEW = "interview", _("Interview")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Not successful")
    WITHDRAWN = "withdrawn", _("Withdrawn")


APPLICATION_TRANSITIONS = {
    ApplicationStatus.SUBMITTED: {ApplicationStatus.VIEWED, ApplicationStatus.INTERVIEW, ApplicationStatus.HIRED,
                                  ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.VIEWED: {ApplicationStatus.INTERVIEW, ApplicationStatus.HIRED, ApplicationStatus.REJECTED,
                               ApplicationStatus.WITHDRAWN},
    ApplicationStatus.INTERVIEW: {ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.HIRED: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}
OPEN_APPLICATION_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.VIEWED, ApplicationStatus.INTERVIEW]


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting outcome")
    INTERVIEWED = "interviewed", _("Interviewed")
    HIRED = "hired", _("Hired")
    REFUSED = "refused", _("Refused")


REFERRAL_TRANSITIONS = {
    ReferralOutcome.PENDING: {ReferralOutcome.INTERVIEWED, ReferralOutcome.HIRED, ReferralOutcome.REFUSED},
    ReferralOutcome.INTERVIEWED: {ReferralOutcome.HIRED, ReferralOutcome.REFUSED},
    ReferralOutcome.HIRED: set(),
    ReferralOutcome.REFUSED: set(),
}


class RefusalBy(models.TextChoices):
    SEEKER = "seeker", _("The job seeker declined")
    EMPLOYER = "employer", _("The employer declined")


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


FAIR_TRANSITIONS = {
    FairStatus.DRAFT: {FairStatus.PUBLISHED, FairStatus.CANCELLED},
    FairStatus.PUBLISHED: {FairStatus.CANCELLED},
    FairStatus.CANCELLED: set(),
}


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


LICENCE_TRANSITIONS = {
    LicenceStatus.VALID: {LicenceStatus.SUSPENDED, LicenceStatus.REVOKED},
    LicenceStatus.SUSPENDED: {LicenceStatus.VALID, LicenceStatus.REVOKED},
    LicenceStatus.REVOKED: set(),
}


class SupervisionResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    RECTIFY = "rectify", _("Rectification required")
    VIOLATION = "violation", _("Violation found")


# Limits that keep records readable and pages fast.
TITLE_MAX = 60
DESCRIPTION_MAX = 5000
SALARY_CEILING = 1_000_000  # yuan per month; anything above is a typing error
HEADCOUNT_MAX = 9999


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
