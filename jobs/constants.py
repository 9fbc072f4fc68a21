"""Choices and transition tables of the public HR market."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Education(models.TextChoices):
    """Ordered from lowest to highest; ``EDUCATION_RANK`` compares them."""

    NONE = "none", _("No requirement")
    JUNIOR_MIDDLE = "junior_middle", _("Junior middle school")
    SENIOR_MIDDLE = "senior_middle", _("Senior middle school")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}
# Secondary vocational school and senior middle school are the same tier for requirements.
EDUCATION_RANK[Education.SECONDARY_VOCATIONAL] = EDUCATION_RANK[Education.SENIOR_MIDDLE]


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
