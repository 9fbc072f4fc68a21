"""Choices, workflows, who does what, and limits of policy publishing and service information."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel, StaffRole
from portal.workflow import PREVIOUS_ACTOR, SYSTEM, Action, Staff, Step, Workflow


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    REPEALED = "repealed", _("Repealed")


# Statuses in which the public sees the document (its published version).
PUBLIC_STATUSES = [DocumentStatus.PUBLISHED, DocumentStatus.EXPIRED, DocumentStatus.REPEALED]


class Validity(models.TextChoices):
    """What the public badge says about a published document on a given day."""

    IN_FORCE = "in_force", _("In force")
    NOT_YET_EFFECTIVE = "not_yet_effective", _("Not yet in force")
    EXPIRED = "expired", _("Expired")
    REPEALED = "repealed", _("Repealed")


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("Amends")
    REPEALS = "repeals", _("Repeals")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")



class Service(models.TextChoices):
    """The services the portal offers; each has a service guide (业务指南) and process (服务流程)."""

    UNEMPLOYMENT_REGISTRATION = "unemployment_registration", _("Unemployment registration")
    HARD_TO_EMPLOY_IDENTIFICATION = "hard_to_employ_identification", _("Hard-to-employ identification")
    PUBLIC_WELFARE_POST_SUBSIDY = "public_welfare_post_subsidy", _("Public-welfare post subsidy")
    FLEXIBLE_EMPLOYMENT_SOCIAL_INSURANCE_SUBSIDY = (
        "flexible_employment_social_insurance_subsidy", _("Social insurance subsidy for flexible employment"))
    ENTERPRISE_SOCIAL_INSURANCE_SUBSIDY = (
        "enterprise_social_insurance_subsidy", _("Social insurance subsidy for commerce and service enterprises"))
    JOB_REFERRAL_SUBSIDY = "job_referral_subsidy", _("Job referral subsidy")
    GUARANTEED_MICRO_LOAN = "guaranteed_micro_loan", _("Guaranteed micro-loan")
    VACANCY_POSTING = "vacancy_posting", _("Vacancy posting")
    AGENCY_LICENCE = "agency_licence", _("Employment agency licence")


# Who does what. Editors write documents, windows and courses of their area; reviewers publish,
# return and repeal documents. Both act through grants at city or district level (and a province
# root above them): street and community windows do not publish policy.
EDITOR_ROLES = [StaffRole.CLERK, StaffRole.OFFICIAL, StaffRole.ADMINISTRATOR]
REVIEWER_ROLES = [StaffRole.OFFICIAL, StaffRole.ADMINISTRATOR]
EDITOR_LEVELS = [AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT]
# Service guides are city-wide: only city-level staff (or above) edit them.
GUIDE_EDITOR_LEVELS = [AreaLevel.PROVINCE, AreaLevel.CITY]

# The same as rules on a record's area: the workflows below and the services of guides and
# windows (which have no status) read them, so each is written once.
DOCUMENT_EDITORS = Staff(EDITOR_ROLES, levels=EDITOR_LEVELS)
DOCUMENT_REVIEWERS = Staff(REVIEWER_ROLES, levels=EDITOR_LEVELS)
COURSE_EDITORS = Staff(EDITOR_ROLES, levels=EDITOR_LEVELS)
WINDOW_EDITORS = Staff(EDITOR_ROLES, levels=EDITOR_LEVELS)
GUIDE_EDITORS = Staff(EDITOR_ROLES, levels=GUIDE_EDITOR_LEVELS)
# A document applies city-wide or to one district.
DOCUMENT_AREA_LEVELS = [AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT]
COURSE_AREA_LEVELS = [AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]

# Limits that keep records readable and pages fast.
TITLE_MAX = 200
NUMBER_MAX = 60
ISSUER_MAX = 100
SOURCE_MAX = 100
CATEGORY_MAX = 40
BODY_MAX = 200_000
NOTE_MAX = 300
IMPORT_FILE_MAX = 1_000_000  # bytes
ATTACHMENT_MAX = 10 * 1024 * 1024  # bytes
ATTACHMENT_NAME_MAX = 200
CONTENT_TYPE_MAX = 100
ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "wps", "ofd", "txt", "jpg", "jpeg", "png", "zip"]
GUIDE_TEXT_MAX = 4000
STEPS_MAX = 30
STEP_TITLE_MAX = 100
STEP_DETAIL_MAX = 500
MATERIALS_MAX = 30
MATERIAL_MAX = 200
FEES_MAX = 100
WORKING_DAYS_MAX = 365
WINDOW_NAME_MAX = 100
ADDRESS_MAX = 200
PHONE_MAX = 40
HOURS_MAX = 200
COURSE_TITLE_MAX = 100
PROVIDER_MAX = 100
COURSE_DESCRIPTION_MAX = 5000
COURSE_COST_MAX = 1_000_000  # yuan
COURSE_SEATS_MAX = 9999


class PolicyEvent(models.TextChoices):
    """Audit event types of this app, registered with the kernel in ``apps.py``."""

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


# --- Workflows -----------------------------------------------------------------------------------

# A policy document: editors write a draft and send it for review; a reviewer publishes it or
# returns it. Review is the point, so the reviewer who publishes is neither the one who sent it
# (the previous step's actor) nor the one who saved the version being published. A change to a
# published document waits as a new version until another reviewer publishes it (the document
# stays published). Publishing a document that repeals another repeals that one in the same
# transaction; the nightly task expires documents past their expiry date.
DOCUMENT_WORKFLOW = Workflow(
    model="policy.PolicyDocument",
    status=DocumentStatus,
    event_type=PolicyEvent.POLICY_DOCUMENT_STATUS_CHANGED,
    steps=[
        Step("submit", DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, _("Send for review"), by=DOCUMENT_EDITORS),
        Step("publish", DocumentStatus.IN_REVIEW, DocumentStatus.PUBLISHED, _("Publish"), by=DOCUMENT_REVIEWERS,
             not_by=(PREVIOUS_ACTOR, "updated_by")),
        Step("return", DocumentStatus.IN_REVIEW, DocumentStatus.DRAFT, _("Return to the editors"),
             by=DOCUMENT_REVIEWERS),
        Step("repeal", [DocumentStatus.PUBLISHED, DocumentStatus.EXPIRED], DocumentStatus.REPEALED, _("Repeal"),
             by=DOCUMENT_REVIEWERS),
        Step("expire", DocumentStatus.PUBLISHED, DocumentStatus.EXPIRED, _("Past its expiry date"), by=SYSTEM),
    ],
    actions=[
        # Saving a change as a new version; the system is the import_policy command.
        Action("edit", [DocumentStatus.DRAFT, DocumentStatus.PUBLISHED], _("Save as a new version"),
               by=DOCUMENT_EDITORS | SYSTEM),
        Action("publish_version", DocumentStatus.PUBLISHED, _("Publish the new version"), by=DOCUMENT_REVIEWERS,
               not_by=("updated_by",)),
        Action("relate", DocumentStatus.values, _("Add the relation"), by=DOCUMENT_EDITORS),
        # The relations of a published document stay as published.
        Action("unrelate", [DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW], _("Remove the relation"),
               by=DOCUMENT_EDITORS),
        Action("attach", DocumentStatus.values, _("Attach"), by=DOCUMENT_EDITORS),
    ],
)

# A training course: editors of the area where it is held publish it for the public to find, change
# it, and cancel it with a reason.
COURSE_WORKFLOW = Workflow(
    model="policy.TrainingCourse",
    status=CourseStatus,
    event_type=PolicyEvent.TRAINING_COURSE_STATUS_CHANGED,
    steps=[
        Step("publish", CourseStatus.DRAFT, CourseStatus.PUBLISHED, _("Publish"), by=COURSE_EDITORS),
        Step("cancel", [CourseStatus.DRAFT, CourseStatus.PUBLISHED], CourseStatus.CANCELLED, _("Cancel the course"),
             by=COURSE_EDITORS),
    ],
    actions=[
        Action("edit", [CourseStatus.DRAFT, CourseStatus.PUBLISHED], _("Save"), by=COURSE_EDITORS),
    ],
)
