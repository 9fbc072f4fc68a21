"""Choices and fixed tables of the portal core: area levels, roles, audit event types."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


# How many leading digits of the 12-digit division code identify an area of each level.
# The rest of the code is zeros, so an area's significant prefix is also its subtree's prefix.
LEVEL_PREFIX_WIDTH = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.DISTRICT: 6,
    AreaLevel.STREET: 9,
    AreaLevel.COMMUNITY: 12,
}
LEVEL_ORDER = [AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
PARENT_LEVEL = {child: parent for parent, child in zip(LEVEL_ORDER, LEVEL_ORDER[1:])}


class AccountType(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("Job seeker")
    EMPLOYER = "employer", _("Employer")
    STAFF = "staff", _("Staff")


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    OFFICIAL = "official", _("Official")
    ADMINISTRATOR = "administrator", _("Administrator")


# The area levels at which each staff role can be granted.
ROLE_LEVELS = {
    StaffRole.CLERK: {AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY},
    StaffRole.OFFICIAL: {AreaLevel.CITY, AreaLevel.DISTRICT},
    StaffRole.ADMINISTRATOR: {AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET},
}


class AuditEventType(models.TextChoices):
    USER_SIGNED_UP = "user.signed_up", _("User signed up")
    USER_LOGGED_IN = "user.logged_in", _("User logged in")
    USER_LOGGED_OUT = "user.logged_out", _("User logged out")
    USER_LOGIN_FAILED = "user.login_failed", _("Login failed")
    USER_PASSWORD_CHANGED = "user.password_changed", _("Password changed")
    USER_DEACTIVATED = "user.deactivated", _("Account deactivated")
    STAFF_ACCOUNT_CREATED = "staff.account_created", _("Staff account created")
    ROLE_GRANTED = "role.granted", _("Role granted")
    ROLE_REVOKED = "role.revoked", _("Role revoked")
    ROLE_EXPIRED = "role.expired", _("Role expired")
    AREA_CREATED = "area.created", _("Area created")
    AREA_UPDATED = "area.updated", _("Area updated")
    API_TOKEN_ISSUED = "api.token_issued", _("API token issued")
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
    # --- registration (event types of the registration app go here) ---
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
    CALENDAR_DAY_ADDED = "calendar.day_added", _("Holiday calendar day added")
    CALENDAR_DAY_REMOVED = "calendar.day_removed", _("Holiday calendar day removed")
    # --- end registration ---
    # --- policy (event types of the policy app go here) ---
    POLICY_DOCUMENT_CREATED = "policy.document_created", _("Policy document created")
    POLICY_DOCUMENT_UPDATED = "policy.document_updated", _("Policy document changed")
    POLICY_DOCUMENT_IMPORTED = "policy.document_imported", _("Policy document imported")
    POLICY_DOCUMENT_STATUS_CHANGED = "policy.document_status_changed", _("Policy document status changed")
    POLICY_VERSION_PUBLISHED = "policy.version_published", _("Policy document version published")
    POLICY_RELATION_ADDED = "policy.relation_added", _("Policy document relation added")
    POLICY_RELATION_REMOVED = "policy.relation_removed", _("Policy document relation removed")
    POLICY_ATTACHMENT_ADDED = "policy.attachment_added", _("Policy document attachment added")
    SERVICE_GUIDE_SAVED = "policy.guide_saved", _("Service guide saved")
    SERVICE_WINDOW_SAVED = "policy.window_saved", _("Service window saved")
    TRAINING_COURSE_SAVED = "policy.course_saved", _("Training course saved")
    TRAINING_COURSE_STATUS_CHANGED = "policy.course_status_changed", _("Training course status changed")
    # --- end policy ---
    PERSONAL_DATA_VIEWED = "personal_data.viewed", _("Personal data viewed")
    PERSONAL_DATA_EXPORTED = "personal_data.exported", _("Personal data exported")


class AuditKind(models.TextChoices):
    CHANGE = "change", _("Change")
    READ = "read", _("Read")
    EXPORT = "export", _("Export")
