"""Records of employment support subsidies: programmes with versioned rules, applications and their
documents, payment cycles, district employment funds with their ledger, and fund allocation.

Money is integer fen everywhere (``*_fen``); shares are computed exactly (see ``subsidies.money``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import User
from portal.scoping import AreaOwnedModel, ScopedQuerySet, has_staff_role
from subsidies.constants import (
    AMOUNT_MAX_FEN,
    BANK_ACCOUNT_MAX,
    OPEN_APPLICATION_STATUSES,
    PAYEE_NAME_MAX,
    REMARK_MAX,
    AllocationKind,
    ApplicantType,
    ApplicationStatus,
    Channel,
    CycleStatus,
    DocumentKind,
    FundEntryKind,
    PaymentStatus,
    ProgrammeKind,
    ReasonCode,
)


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user, roles=None, levels=None) -> ProgrammeQuerySet:
        """Programmes are city-wide rules, published to everyone: every staff member reads all of them
        (who may change them is ``PROGRAMME_MAINTAINERS``); anyone without a staff role reads none here."""
        return self.all() if has_staff_role(user, roles, levels) else self.none()


class Programme(models.Model):
    """One employment support policy the portal administers, tied to the policy document it implements.

    Its amounts, caps, periods and who qualifies live in versions with an effective date; a decision
    uses the version in force on the application date.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=ProgrammeKind.choices)
    policy_document = models.ForeignKey("policy.PolicyDocument", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="subsidy_programmes", verbose_name=_("policy document"))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    active = models.BooleanField(_("open for applications"), default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("subsidy programme")
        verbose_name_plural = _("subsidy programmes")

    def __str__(self) -> str:
        return self.name


class ProgrammeVersion(models.Model):
    """The rules of a programme from ``effective_from`` until the next version takes over.

    ``parameters`` hold the amounts (fen), caps, periods, categories and step time limits that the
    programme's kind declares (``subsidies.rules``), checked when saved. ``source`` says where the
    values come from: the policy they cite, or plainly that they are illustrative.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions",
                                  verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    parameters = models.JSONField(_("parameters"), default=dict)
    source = models.CharField(_("source of the values"), max_length=300)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["programme", "-effective_from"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_number_unique"),
            models.UniqueConstraint(fields=["programme", "effective_from"], name="programme_version_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.number} ({self.effective_from})"


class ApplicationQuerySet(ScopedQuerySet):
    pass


class Application(AreaOwnedModel):
    """An application for a subsidy. ``area`` is the beneficiary's residence community (for a person)
    or the applicant's registered area (an employer, an agency): its community, street and district
    review it, and its district's fund pays.

    ``eligibility`` keeps the rule version, the inputs and each rule's result at the time of the
    decision, in words, so a later change of rules or data never rewrites why it was approved.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("programme"))
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("rules applied"))
    applicant_type = models.CharField(_("applicant type"), max_length=16, choices=ApplicantType.choices)
    person = models.ForeignKey("registration.Person", on_delete=models.PROTECT, related_name="subsidy_applications",
                               verbose_name=_("beneficiary"))
    employer = models.ForeignKey("jobs.Employer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="subsidy_applications", verbose_name=_("employer"))
    agency = models.ForeignKey("jobs.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="subsidy_applications", verbose_name=_("agency"))
    applicant_account = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name=_("applicant's account"))
    # A key of the applicant: the person, employer or agency, so "one open application per applicant,
    # programme and period" is one constraint whatever kind of applicant.
    applicant_key = models.CharField(_("applicant"), max_length=40, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    applied_on = models.DateField(_("application date"), default=timezone.localdate)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # What the applicant states the amount rests on (contributions paid per month, the loan amount …).
    basis_fen = models.BigIntegerField(_("basis (fen)"), default=0)
    loan_term_months = models.PositiveSmallIntegerField(_("loan term (months)"), null=True, blank=True)
    # Facts a programme asks for that no record holds (a graduate's graduation year, the staff count).
    details = models.JSONField(_("stated details"), default=dict, blank=True)
    monthly_amount_fen = models.BigIntegerField(_("amount per month (fen)"), default=0)
    amount_requested_fen = models.BigIntegerField(_("amount requested (fen)"))
    amount_approved_fen = models.BigIntegerField(_("amount approved (fen)"), null=True, blank=True)
    needs_city_approval = models.BooleanField(_("needs city approval"), default=False)
    payee_name = models.CharField(_("payee"), max_length=PAYEE_NAME_MAX)
    payee_account = models.CharField(_("bank account"), max_length=BANK_ACCOUNT_MAX)
    status = models.CharField(_("status"), max_length=24, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    due_on = models.DateField(_("current step due on"), null=True, blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    reason_code = models.CharField(_("reason"), max_length=24, choices=ReasonCode.choices, blank=True)
    remark = models.CharField(_("remark"), max_length=REMARK_MAX, blank=True)
    eligibility = models.JSONField(_("eligibility at the decision"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        indexes = [
            models.Index(fields=["status", "due_on"], name="subsidy_app_status_due"),
            models.Index(fields=["programme", "status"], name="subsidy_app_programme_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="subsidy_period_ordered"),
            models.CheckConstraint(condition=Q(amount_requested_fen__gt=0, amount_requested_fen__lte=AMOUNT_MAX_FEN),
                                   name="subsidy_amount_requested_sane"),
            models.CheckConstraint(condition=Q(amount_approved_fen__isnull=True)
                                   | Q(amount_approved_fen__gt=0, amount_approved_fen__lte=F("amount_requested_fen")),
                                   name="subsidy_amount_approved_within_request"),
            models.CheckConstraint(condition=Q(basis_fen__gte=0), name="subsidy_basis_not_negative"),
            # One open application per applicant, programme and period, decided by the database.
            models.UniqueConstraint(fields=["programme", "applicant_key", "person", "period_start"],
                                    condition=Q(status__in=OPEN_APPLICATION_STATUSES),
                                    name="subsidy_one_open_application_per_period"),
            # Granted periods of one beneficiary and programme never overlap: on PostgreSQL an exclusion
            # constraint decides (migration 0002, btree_gist); services check it first for a clear message.
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.person} · {self.period_start:%Y-%m}"

    def save(self, *args, **kwargs):
        if self.applicant_type == ApplicantType.PERSON:
            self.applicant_key = f"person:{self.person_id}"
        elif self.applicant_type == ApplicantType.EMPLOYER:
            self.applicant_key = f"employer:{self.employer_id}"
        else:
            self.applicant_key = f"agency:{self.agency_id}"
        super().save(*args, **kwargs)

    @property
    def amount_fen(self) -> int:
        """What the application is for now: the approved amount once decided, else the request."""
        return self.amount_approved_fen if self.amount_approved_fen is not None else self.amount_requested_fen


def _private_storage():
    """Files no web server serves: ``STORAGES["private"]`` (``PRIVATE_MEDIA_ROOT``)."""
    return storages["private"]


def _document_path(document: SupportingDocument, filename: str) -> str:
    # Never the uploaded name: a random name in a folder per application, outside the web root.
    return f"subsidies/{document.application_id}/{document.token}"


class SupportingDocument(models.Model):
    """A file supporting an application, stored outside the web root (``PRIVATE_MEDIA_ROOT``) and
    served only to staff in scope and the applicant, always as a download."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents",
                                    verbose_name=_("application"))
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    token = models.CharField(max_length=64, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=_document_path, storage=_private_storage, max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return self.original_name


class PaymentCycle(AreaOwnedModel):
    """One month's payments of a recurring programme in one district (``area``: the district whose
    fund pays them): generated once (a rerun adds only what is new), exported as the district's bank
    file, settled by the bank's result file. Its district's clerks work it (``CYCLE_WORKFLOW``).

    ``left_out`` lists the applications the last generation found no longer eligible, with the
    reasons in words: ``[{"application": id, "reasons": [...]}]``."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cycles",
                                  verbose_name=_("programme"))
    month = models.DateField(_("month"), help_text=_("The first day of the month paid."))
    status = models.CharField(_("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.GENERATED)
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("generated by"))
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    left_out = models.JSONField(_("left out at the last generation"), default=list, blank=True)

    class Meta:
        ordering = ["-month", "programme", "area_path"]
        verbose_name = _("payment cycle")
        verbose_name_plural = _("payment cycles")
        constraints = [
            models.UniqueConstraint(fields=["programme", "month", "area"], name="payment_cycle_one_per_district_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="payment_cycle_month_starts_on_day_one"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%Y-%m} {self.area}"


class Payment(AreaOwnedModel):
    """One line of a cycle's bank file: one application's amount for one month."""

    # A cycle writes tens of thousands of lines at once: every index costs on each, so the cycle and
    # the area give way to the unique keys and the path index that lead with them.
    area = models.ForeignKey("portal.Area", on_delete=models.PROTECT, verbose_name=_("area"), related_name="+",
                             db_index=False)
    area_path = models.CharField(_("area path"), max_length=12, editable=False)
    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="payments",
                              verbose_name=_("cycle"), db_index=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments",
                                    verbose_name=_("application"))
    month = models.DateField(_("month paid"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    payee_name = models.CharField(_("payee"), max_length=PAYEE_NAME_MAX)
    payee_account = models.CharField(_("bank account"), max_length=BANK_ACCOUNT_MAX)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    failure_reason = models.CharField(_("reason for failure"), max_length=200, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["cycle", "application", "month"], name="payment_once_per_cycle"),
            # A month of an application is paid at most once: a failed line may be paid again.
            models.UniqueConstraint(fields=["application", "month"], condition=~Q(status=PaymentStatus.FAILED),
                                    name="payment_month_paid_once"),
        ]
        indexes = [models.Index(fields=["area_path"], name="payment_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.application} {self.month:%Y-%m} {self.amount_fen}"


class Fund(AreaOwnedModel):
    """A year's employment fund of the city or one district (``area``), with its running balances.

    Balances change only together with a ``FundEntry`` under a lock of this row, so two approvals
    that would together overdraw it give one approval and one refusal, never a negative balance.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    budget_fen = models.BigIntegerField(_("fund for the year (fen)"))
    prior_year_revenue_fen = models.BigIntegerField(_("last year's general budget revenue (fen)"))
    allocated_fen = models.BigIntegerField(_("allocated (fen)"), default=0)
    reserved_fen = models.BigIntegerField(_("reserved (fen)"), default=0)
    paid_fen = models.BigIntegerField(_("paid (fen)"), default=0)

    class Meta:
        ordering = ["-year", "area_path"]
        verbose_name = _("employment fund")
        verbose_name_plural = _("employment funds")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="fund_one_per_area_year"),
            models.CheckConstraint(condition=Q(budget_fen__gte=0, prior_year_revenue_fen__gte=0, allocated_fen__gte=0,
                                               reserved_fen__gte=0, paid_fen__gte=0),
                                   name="fund_amounts_not_negative"),
            models.CheckConstraint(condition=Q(allocated_fen__gte=F("reserved_fen") + F("paid_fen")),
                                   name="fund_never_overdrawn"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"

    @property
    def available_fen(self) -> int:
        return self.allocated_fen - self.reserved_fen - self.paid_fen


class FundEntryQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Fund ledger entries cannot be changed."))

    def delete(self):
        raise ValidationError(_("Fund ledger entries cannot be deleted."))


class FundEntry(AreaOwnedModel):
    """One movement of a fund, appended and never changed (a correction is a further entry)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=16, choices=FundEntryKind.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="fund_entries", verbose_name=_("application"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="fund_entries",
                                verbose_name=_("payment"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = FundEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger entries")
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_entry_amount_positive")]

    def __str__(self) -> str:
        return f"{self.fund} {self.get_kind_display()} {self.amount_fen}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Fund ledger entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Fund ledger entries cannot be deleted."))


class AllocationWeights(models.Model):
    """A version of the weights of one allocation's factors, in force from ``effective_from``.

    ``weights`` maps each factor (``subsidies.constants.ALLOCATION_FACTORS``) to a decimal string;
    they add up to exactly 1.
    """

    kind = models.CharField(_("allocation"), max_length=16, choices=AllocationKind.choices)
    number = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    weights = models.JSONField(_("weights"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["kind", "-number"]
        verbose_name = _("allocation weights")
        verbose_name_plural = _("allocation weights")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="allocation_weights_number_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


class AllocationInput(AreaOwnedModel):
    """One district's factor values for one year's allocation (``area`` is the district).

    Saved again, it becomes a new version: a run names the inputs it used.
    """

    kind = models.CharField(_("allocation"), max_length=16, choices=AllocationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("version"))
    values = models.JSONField(_("factor values"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["kind", "-year", "area_path", "-number"]
        verbose_name = _("allocation input")
        verbose_name_plural = _("allocation inputs")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "area", "number"],
                                               name="allocation_input_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} {self.area} v{self.number}"


class AllocationRun(AreaOwnedModel):
    """One computed allocation of ``total_fen`` among the districts (``area`` is the city), saved with
    the weights and inputs it used so it can be reproduced and compared with another run."""

    kind = models.CharField(_("allocation"), max_length=16, choices=AllocationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    total_fen = models.BigIntegerField(_("total (fen)"))
    weights = models.ForeignKey(AllocationWeights, on_delete=models.PROTECT, related_name="runs",
                                verbose_name=_("weights"))
    inputs = models.ManyToManyField(AllocationInput, related_name="runs", verbose_name=_("inputs"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("computed by"))
    created_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        constraints = [models.CheckConstraint(condition=Q(total_fen__gt=0), name="allocation_total_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} #{self.pk}"


class AllocationShare(AreaOwnedModel):
    """A district's share of a run: its score, each factor's contribution, and the amount in fen."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="shares", verbose_name=_("run"))
    score = models.DecimalField(_("score"), max_digits=20, decimal_places=12)
    contributions = models.JSONField(_("contributions"))
    share_fen = models.BigIntegerField(_("share (fen)"))
    district_match_fen = models.BigIntegerField(_("district match (fen)"), default=0)

    class Meta:
        ordering = ["run", "area_path"]
        verbose_name = _("allocation share")
        verbose_name_plural = _("allocation shares")
        constraints = [models.UniqueConstraint(fields=["run", "area"], name="allocation_share_one_per_district"),
                       models.CheckConstraint(condition=Q(share_fen__gte=0), name="allocation_share_not_negative")]

    def __str__(self) -> str:
        return f"{self.run} {self.area} {self.share_fen}"


class EvaluationTarget(AreaOwnedModel):
    """What a district's employment fund should achieve in a year (seed 二(五)): people served and
    placements, set by the city; the year-end evaluation compares the results with them."""

    year = models.PositiveSmallIntegerField(_("year"))
    people_served = models.PositiveIntegerField(_("people to serve"))
    placements = models.PositiveIntegerField(_("placements"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))

    class Meta:
        ordering = ["-year", "area_path"]
        verbose_name = _("fund-use target")
        verbose_name_plural = _("fund-use targets")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="evaluation_target_one_per_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"

