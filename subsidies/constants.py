"""Choices, limits and the review workflow of employment support subsidies (seed 一(二)2 and 二).

The review is declared once, as ``APPLICATION_WORKFLOW``: community intake → street review →
district approval (→ city approval above a programme's amount) → disbursement recorded. Services
call ``portal.workflow.transition``; pages and the API ask ``available_moves``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constants import AreaLevel, StaffRole
from portal.workflow import PREVIOUS_ACTOR, SYSTEM, Account, Action, Staff, Step, Workflow


class SubsidiesEvent(models.TextChoices):
    """Audit event types of this app, registered with the kernel in ``apps.py``."""

    PROGRAMME_SAVED = "subsidy.programme_saved", _("Subsidy programme saved")
    PROGRAMME_VERSION_SAVED = "subsidy.version_saved", _("Subsidy programme version saved")
    APPLICATION_SUBMITTED = "subsidy.application_submitted", _("Subsidy application submitted")
    APPLICATION_UPDATED = "subsidy.application_updated", _("Subsidy application corrected")
    APPLICATION_STATUS_CHANGED = "subsidy.application_status_changed", _("Subsidy application status changed")
    APPLICATION_OVERDUE = "subsidy.application_overdue", _("Subsidy application step overdue")
    DOCUMENT_ADDED = "subsidy.document_added", _("Supporting document added")
    DOCUMENT_READ = "subsidy.document_read", _("Supporting document downloaded")
    CYCLE_GENERATED = "subsidy.cycle_generated", _("Payment list generated")
    CYCLE_EXPORTED = "subsidy.cycle_exported", _("Bank disbursement file exported")
    BANK_RESULT_IMPORTED = "subsidy.bank_result_imported", _("Bank result file imported")
    PAYMENT_STATUS_CHANGED = "subsidy.payment_status_changed", _("Payment status changed")
    CYCLE_STATUS_CHANGED = "subsidy.cycle_status_changed", _("Payment cycle status changed")
    FUND_SAVED = "subsidy.fund_saved", _("Employment fund saved")
    FUND_ENTRY = "subsidy.fund_entry", _("Employment fund ledger entry")
    ALLOCATION_WEIGHTS_SAVED = "subsidy.allocation_weights_saved", _("Allocation weights saved")
    ALLOCATION_INPUT_SAVED = "subsidy.allocation_input_saved", _("Allocation input saved")
    ALLOCATION_RUN = "subsidy.allocation_run", _("Allocation computed")
    EVALUATION_TARGET_SAVED = "subsidy.evaluation_target_saved", _("Fund-use target saved")
    FUND_REPORT_EXPORTED = "subsidy.fund_report_exported", _("Fund allocation or evaluation exported")


class ProgrammeKind(models.TextChoices):
    """The employment support policies the portal administers; a programme is one of these."""

    SOCIAL_INSURANCE = "social_insurance", _("Social insurance subsidy for hard-to-employ people in flexible employment")
    GRADUATE_SOCIAL_INSURANCE = "graduate_social_insurance", _(
        "Social insurance subsidy for small enterprises hiring graduates")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post subsidy")
    JOB_REFERRAL = "job_referral", _("Job referral subsidy")
    STARTUP_LOAN = "startup_loan", _("Start-up guaranteed loan and interest subsidy")


# Programmes paid month by month through payment cycles; the others are paid once.
RECURRING_KINDS = (ProgrammeKind.SOCIAL_INSURANCE, ProgrammeKind.GRADUATE_SOCIAL_INSURANCE,
                   ProgrammeKind.PUBLIC_WELFARE_POST)


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Person")
    EMPLOYER = "employer", _("Employer")
    AGENCY = "agency", _("Private employment agency")


# Who applies for which programme (the beneficiary is always a person).
APPLICANT_TYPE = {
    ProgrammeKind.SOCIAL_INSURANCE: ApplicantType.PERSON,
    ProgrammeKind.GRADUATE_SOCIAL_INSURANCE: ApplicantType.EMPLOYER,
    ProgrammeKind.PUBLIC_WELFARE_POST: ApplicantType.EMPLOYER,
    ProgrammeKind.JOB_REFERRAL: ApplicantType.AGENCY,
    ProgrammeKind.STARTUP_LOAN: ApplicantType.PERSON,
}


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a service window")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting community intake")
    ACCEPTED = "accepted", _("Taken in by the community, awaiting street review")
    STREET_REVIEWED = "street_reviewed", _("Reviewed by the street, awaiting district approval")
    DISTRICT_APPROVED = "district_approved", _("Approved by the district, awaiting city approval")
    APPROVED = "approved", _("Approved, awaiting disbursement")
    DISBURSED = "disbursed", _("Disbursed")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# At most one of these per applicant, programme and period (a partial unique constraint).
OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED,
                             ApplicationStatus.STREET_REVIEWED, ApplicationStatus.DISTRICT_APPROVED,
                             ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED, ApplicationStatus.RETURNED)
# Approved periods of one beneficiary and programme never overlap (an exclusion constraint).
GRANTED_STATUSES = (ApplicationStatus.DISTRICT_APPROVED, ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)
# Statuses waiting for a step with a time limit (the step that takes the application out of it).
STEP_OF_STATUS = {
    ApplicationStatus.SUBMITTED: "accept",
    ApplicationStatus.ACCEPTED: "review",
    ApplicationStatus.STREET_REVIEWED: "approve",
    ApplicationStatus.DISTRICT_APPROVED: "city_approve",
    ApplicationStatus.APPROVED: "disburse",
}


class ReasonCode(models.TextChoices):
    """Why an application is returned or rejected (with a remark)."""

    NOT_ELIGIBLE = "not_eligible", _("Not eligible under the programme's rules")
    DOCUMENTS_MISSING = "documents_missing", _("Supporting documents missing or unreadable")
    DATA_MISMATCH = "data_mismatch", _("Details do not match the records")
    DUPLICATE = "duplicate", _("Already granted for this period")
    FUND_EXHAUSTED = "fund_exhausted", _("The district's fund cannot cover it")
    OTHER = "other", _("Other (see the remark)")


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity card")
    CONTRIBUTION_PROOF = "contribution_proof", _("Proof of social insurance contributions paid")
    LABOUR_CONTRACT = "labour_contract", _("Labour contract")
    GRADUATION_CERTIFICATE = "graduation_certificate", _("Graduation certificate")
    PLACEMENT_PROOF = "placement_proof", _("Proof of placement")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    LOAN_CONTRACT = "loan_contract", _("Loan contract")
    OTHER = "other", _("Other")


# Supporting documents: what a file's first bytes must be, whatever its name says.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
DOCUMENTS_PER_APPLICATION_MAX = 20


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("In the bank file, awaiting the bank's result")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class CycleStatus(models.TextChoices):
    GENERATED = "generated", _("Payment list generated")
    EXPORTED = "exported", _("Sent to the bank")
    SETTLED = "settled", _("Bank result imported")


class FundEntryKind(models.TextChoices):
    """Money moves through the district fund's ledger in fen; every entry is appended, never changed."""

    ALLOCATED = "allocated", _("Allocated")
    RESERVED = "reserved", _("Reserved at approval")
    PAID = "paid", _("Paid")
    RELEASED = "released", _("Released")


class AllocationKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer payment to districts")
    STARTUP_LOAN = "startup_loan", _("Start-up guaranteed loan fund support")


# The factors of each allocation, in order: seed 二(二) and 二(三).
ALLOCATION_FACTORS = {
    AllocationKind.TRANSFER: (
        ("funds_raised", _("Employment funds raised by the district")),
        ("target_task", _("This year's target task")),
        ("last_year_results", _("Last year's results")),
        ("fiscal_difficulty", _("Fiscal difficulty")),
        ("fund_performance", _("Fund-use performance")),
    ),
    AllocationKind.STARTUP_LOAN: (
        ("target", _("This year's loan target")),
        ("last_year_completion", _("Last year's completion")),
        ("repayment_rate", _("Repayment rate")),
        ("loan_balance", _("Loan balance")),
        ("guarantee_fund_balance", _("Guarantee fund balance")),
    ),
}
# Each district adds matching money of this share of the city's start-up loan fund support (rounded
# up to the fen: a minimum); the city bears this share of interest subsidies, compensation for bad
# loans and guarantee fees (rounded down; the district bears the rest) (seed 二(四)).
DISTRICT_MATCH_SHARE = (1, 2)
CITY_COST_SHARE = (1, 2)
# The employment fund must be at least this share of last year's general budget revenue (seed 二(一)).
FUND_MIN_SHARE_OF_REVENUE = (15, 1000)

# What each factor's value is, as the city enters it per district and year: an amount (typed in yuan,
# stored in fen), a number of people, a percentage, an index or a score. Every factor is
# larger-gets-more: a district's part of a factor is its value over the sum of the districts' values.
# Fiscal difficulty is entered as a difficulty index (larger is needier), fund-use performance as the
# score of last year's evaluation (0–100), repayment rate and completion as percentages.
FACTOR_FEN, FACTOR_PEOPLE, FACTOR_PERCENT, FACTOR_INDEX, FACTOR_SCORE = "fen", "people", "percent", "index", "score"
ALLOCATION_FACTOR_UNITS = {
    "funds_raised": FACTOR_FEN, "target_task": FACTOR_PEOPLE, "last_year_results": FACTOR_PEOPLE,
    "fiscal_difficulty": FACTOR_INDEX, "fund_performance": FACTOR_SCORE,
    "target": FACTOR_FEN, "last_year_completion": FACTOR_PERCENT, "repayment_rate": FACTOR_PERCENT,
    "loan_balance": FACTOR_FEN, "guarantee_fund_balance": FACTOR_FEN,
}
# Start-up loan costs a district expects for the year, entered beside its factors (optional); the city
# bears CITY_COST_SHARE of each.
STARTUP_LOAN_COSTS = (
    ("interest_subsidy", _("Interest subsidy")),
    ("compensation", _("Compensation for bad loans")),
    ("guarantee_fees", _("Guarantee fees")),
)
# Weights have at most this many decimals and add up to exactly 1.
WEIGHT_DECIMALS = 4
# Limits of factor values: people, percentages (completion may pass 100), indexes and scores.
FACTOR_PEOPLE_MAX = 10_000_000
FACTOR_PERCENT_MAX = 1000
FACTOR_INDEX_MAX = 1000
FACTOR_SCORE_MAX = 100
FACTOR_DECIMALS = 4
# Funds, revenues and allocation totals: one trillion yuan at most (anything above is a typing error;
# it also keeps revenue × 1000 far inside a 64-bit integer).
FUND_AMOUNT_MAX_FEN = 100_000_000_000_000
FUND_NOTE_MAX = 200
ALLOCATION_LABEL_MAX = 100
# The first year a fund can be entered for (the notice is of 2009); the last is next year.
FUND_FIRST_YEAR = 2009

# Limits that keep records readable and amounts sane.
AMOUNT_MAX_FEN = 100_000_000  # one million yuan: anything above is a typing error
REMARK_MAX = 500
PAYEE_NAME_MAX = 60
BANK_ACCOUNT_MAX = 32
BULK_MAX = 200

# Who takes each step. The one who entered an application never approves it, and no one takes two
# consecutive steps of one application.
COMMUNITY_CLERKS = Staff(StaffRole.CLERK, levels=AreaLevel.COMMUNITY)
STREET_CLERKS = Staff(StaffRole.CLERK, levels=AreaLevel.STREET)
DISTRICT_CLERKS = Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT)
CITY_APPROVERS = Staff((StaffRole.OFFICIAL, StaffRole.ADMINISTRATOR), levels=AreaLevel.CITY)
APPLICANT = Account("applicant_account")
# Programmes are city-wide rules: city-level officials and administrators (or a province root above
# them) create programmes and save their versions; every staff member reads them.
PROGRAMME_MAINTAINERS = Staff((StaffRole.OFFICIAL, StaffRole.ADMINISTRATOR), levels=(AreaLevel.PROVINCE, AreaLevel.CITY))
# The city keeps the employment funds (seed 二): city-level officials and administrators enter each
# year's funds and the money allocated into them, the fund-use targets, the allocation weights and the
# districts' inputs, and run the allocations. District staff read their own district's.
FUND_MANAGERS = Staff((StaffRole.OFFICIAL, StaffRole.ADMINISTRATOR), levels=AreaLevel.CITY)


def _needs_city(application) -> bool:
    return application.needs_city_approval


def _district_only(application) -> bool:
    return not application.needs_city_approval


APPLICATION_WORKFLOW = Workflow(
    model="subsidies.Application",
    status=ApplicationStatus,
    event_type=SubsidiesEvent.APPLICATION_STATUS_CHANGED,
    steps=[
        Step("accept", ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, _("Take in"), by=COMMUNITY_CLERKS),
        Step("review", ApplicationStatus.ACCEPTED, ApplicationStatus.STREET_REVIEWED, _("Reviewed: send to the district"),
             by=STREET_CLERKS, not_by=(PREVIOUS_ACTOR,)),
        Step("approve", ApplicationStatus.STREET_REVIEWED, ApplicationStatus.APPROVED, _("Approve"),
             by=DISTRICT_CLERKS, not_by=("entered_by", PREVIOUS_ACTOR), when=_district_only),
        Step("approve_for_city", ApplicationStatus.STREET_REVIEWED, ApplicationStatus.DISTRICT_APPROVED,
             _("Approve and send to the city"), by=DISTRICT_CLERKS, not_by=("entered_by", PREVIOUS_ACTOR),
             when=_needs_city),
        Step("city_approve", ApplicationStatus.DISTRICT_APPROVED, ApplicationStatus.APPROVED, _("Approve for the city"),
             by=CITY_APPROVERS, not_by=("entered_by", PREVIOUS_ACTOR)),
        Step("disburse", ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED, _("Record the disbursement"),
             by=DISTRICT_CLERKS | SYSTEM),
        # Each tier returns or rejects what waits for its own step.
        Step("return", ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, _("Return for correction"),
             by=COMMUNITY_CLERKS),
        Step("return", ApplicationStatus.ACCEPTED, ApplicationStatus.RETURNED, _("Return for correction"),
             by=STREET_CLERKS),
        Step("return", ApplicationStatus.STREET_REVIEWED, ApplicationStatus.RETURNED, _("Return for correction"),
             by=DISTRICT_CLERKS),
        Step("return", ApplicationStatus.DISTRICT_APPROVED, ApplicationStatus.RETURNED, _("Return for correction"),
             by=CITY_APPROVERS),
        Step("reject", ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED, _("Reject"), by=COMMUNITY_CLERKS),
        Step("reject", ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, _("Reject"), by=STREET_CLERKS),
        Step("reject", ApplicationStatus.STREET_REVIEWED, ApplicationStatus.REJECTED, _("Reject"),
             by=DISTRICT_CLERKS, not_by=("entered_by",)),
        Step("reject", ApplicationStatus.DISTRICT_APPROVED, ApplicationStatus.REJECTED, _("Reject"),
             by=CITY_APPROVERS, not_by=("entered_by",)),
        # After correction the applicant (or the window that entered it) sends it again.
        Step("resubmit", ApplicationStatus.RETURNED, ApplicationStatus.SUBMITTED, _("Resubmit"),
             by=APPLICANT | COMMUNITY_CLERKS),
        Step("withdraw", (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED), ApplicationStatus.WITHDRAWN,
             _("Withdraw"), by=APPLICANT),
    ],
    actions=[
        # The applicant, or the window that entered it, corrects a returned application and adds
        # documents while it is open to them.
        Action("correct", ApplicationStatus.RETURNED, _("Correct the application"), by=APPLICANT | COMMUNITY_CLERKS),
        Action("add_document", (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED), _("Add a document"),
               by=APPLICANT | COMMUNITY_CLERKS),
    ],
)


# --- Payment cycles (issue point 5) -------------------------------------------------------------
# A cycle is one month of one recurring programme in one district: the district's fund pays it, its
# district clerks generate the list, send the bank file and import the bank's result; the nightly task
# (the system) generates the previous month's cycles on the first of each month. Officials and the
# city read them. Declared once here; pages, the API and the counters read these tables.
CYCLE_CLERKS = DISTRICT_CLERKS

CYCLE_WORKFLOW = Workflow(
    model="subsidies.PaymentCycle",
    status=CycleStatus,
    event_type=SubsidiesEvent.CYCLE_STATUS_CHANGED,
    steps=[
        Step("export", CycleStatus.GENERATED, CycleStatus.EXPORTED, _("Send to the bank"), by=CYCLE_CLERKS),
        # Closed by the system once the bank's result for its last pending line is imported.
        Step("settle", CycleStatus.EXPORTED, CycleStatus.SETTLED, _("Close the cycle"), by=SYSTEM),
    ],
    actions=[
        # New lines go into a list only until it is sent; later months owed are paid by the next cycle.
        Action("generate", CycleStatus.GENERATED, _("Generate the payment list"), by=CYCLE_CLERKS | SYSTEM),
        Action("download", (CycleStatus.EXPORTED, CycleStatus.SETTLED), _("Download the bank file again"),
               by=CYCLE_CLERKS),
        Action("import_result", (CycleStatus.EXPORTED, CycleStatus.SETTLED), _("Import the bank's result"),
               by=CYCLE_CLERKS),
    ],
)

# A payment line is settled by the bank's result: paid (the money leaves the reservation) or failed
# (the money stays reserved and the month is paid again by a later cycle).
PAYMENT_WORKFLOW = Workflow(
    model="subsidies.Payment",
    status=PaymentStatus,
    event_type=SubsidiesEvent.PAYMENT_STATUS_CHANGED,
    steps=[
        Step("record_paid", PaymentStatus.PENDING, PaymentStatus.PAID, _("Record as paid"), by=CYCLE_CLERKS),
        Step("record_failed", PaymentStatus.PENDING, PaymentStatus.FAILED, _("Record as failed"), by=CYCLE_CLERKS),
    ],
)

# The bank's result file: its size, its lines, and the words its result column may use.
BANK_FILE_MAX_BYTES = 5 * 1024 * 1024
BANK_FILE_MAX_LINES = 20_000
FAILURE_REASON_MAX = 200
BANK_REFERENCE_MAX = 60
