"""Real-name registration: persons, employment and unemployment registration, hard-to-employ
identification, the 10-working-day referral commitment, follow-up visits, cross-district help,
training enrolments and labour-security agency services."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Area, User
from portal.reference.education import Education
from portal.scoping import AreaOwnedModel
from registration.constants import (
    ACTIVE_HARDSHIP_STATUSES,
    CARD_MAX,
    CATEGORY_CODE_MAX,
    CERTIFICATE_MAX,
    CIRCUMSTANCES_MAX,
    COURSE_MAX,
    EMPLOYER_NAME_MAX,
    NAME_MAX,
    NOTE_MAX,
    OPEN_UNEMPLOYMENT_STATUSES,
    PHONE_LENGTH,
    PROVIDER_MAX,
    SKILLS_MAX,
    VISIT_NOTES_MAX,
    AgencyServiceKind,
    CancellationReason,
    CommitmentStatus,
    EmploymentKind,
    EscalationLevel,
    FollowUpStatus,
    HandoverStatus,
    HardshipEndReason,
    HardshipStatus,
    Sex,
    UnemploymentStatus,
)
from registration.retirement import FemaleRetirementCategory


class Person(AreaOwnedModel):
    """A real-name record keyed by the resident identity number. ``area`` is the residence community.

    The number is never stored readable: ``id_hash`` is a keyed HMAC for exact lookup and
    ``id_encrypted`` an encrypted copy shown whole only to staff of the person's area (each view
    read-audited); lists show ``id_masked``.
    """

    id_hash = models.CharField(_("identity number lookup key"), max_length=64, unique=True, editable=False)
    id_encrypted = models.TextField(_("encrypted identity number"), editable=False)
    id_masked = models.CharField(_("identity number"), max_length=18, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX, db_index=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile phone"), max_length=PHONE_LENGTH, blank=True, db_index=True)
    household_area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("household registration (户籍) area"))
    education = models.CharField(_("education"), max_length=24, choices=Education.choices, default=Education.NONE)
    skills = models.CharField(_("skills"), max_length=SKILLS_MAX, blank=True)
    # Women only: 50 (workers) or 55 (cadres and staff); empty reads as 50 (see registration/retirement.py).
    original_retirement_age = models.PositiveSmallIntegerField(
        _("original retirement age"), choices=FemaleRetirementCategory.choices, null=True, blank=True)
    employment_card_number = models.CharField(_("employment and entrepreneurship card number"), max_length=CARD_MAX,
                                              unique=True, null=True, blank=True)
    account = models.OneToOneField(User, on_delete=models.PROTECT, null=True, blank=True, related_name="person",
                                   verbose_name=_("account"))
    seeker_profile = models.OneToOneField("jobs.SeekerProfile", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="person", verbose_name=_("job seeker profile"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("registered by"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class UnemploymentRegistration(AreaOwnedModel):
    """失业登记 at the residence community's window (or applied online and confirmed there)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="unemployment_registrations",
                               verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=16, choices=UnemploymentStatus.choices,
                              default=UnemploymentStatus.OPEN)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    applied_online = models.BooleanField(_("applied online"), default=False)
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=24, choices=CancellationReason.choices,
                                     blank=True)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("unemployment registration")
        verbose_name_plural = _("unemployment registrations")
        constraints = [
            # At most one open (or pending) unemployment registration per person, decided by the database.
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=OPEN_UNEMPLOYMENT_STATUSES),
                                    name="unemployment_one_open_per_person"),
            models.CheckConstraint(condition=~Q(status=UnemploymentStatus.CANCELLED) | ~Q(cancel_reason=""),
                                   name="unemployment_cancel_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()}"


class EmploymentRegistration(AreaOwnedModel):
    """就业登记: the kind and date are the sources of new-employment counts."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employment_registrations",
                               verbose_name=_("person"))
    kind = models.CharField(_("kind of employment"), max_length=24, choices=EmploymentKind.choices)
    started_on = models.DateField(_("employed since"))
    ended_on = models.DateField(_("employment ended on"), null=True, blank=True)
    employer_name = models.CharField(_("employer"), max_length=EMPLOYER_NAME_MAX, blank=True)
    employer = models.ForeignKey("jobs.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("employer record"))
    application = models.ForeignKey("jobs.Application", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("from application"))
    referral = models.ForeignKey("jobs.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("from referral"))
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("employment registration")
        verbose_name_plural = _("employment registrations")
        # New employment of a day (registration.facts) reads the day's registrations by this.
        indexes = [models.Index(fields=["started_on"], name="employment_started_on")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="employment_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.started_on}"


class HardshipCategory(models.Model):
    """A category of hard-to-employ people (data, so the city can add categories)."""

    code = models.CharField(_("code"), max_length=CATEGORY_CODE_MAX, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=NOTE_MAX, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("hard-to-employ category")
        verbose_name_plural = _("hard-to-employ categories")

    def __str__(self) -> str:
        return self.name


class HardshipCase(AreaOwnedModel):
    """就业困难人员认定: community intake → street review → district approval.

    ``area`` is the handling area (the residence community; after a cross-district handover, the
    area the receiving district chose).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hardship_cases",
                               verbose_name=_("person"))
    categories = models.ManyToManyField(HardshipCategory, related_name="+", verbose_name=_("categories"))
    status = models.CharField(_("status"), max_length=16, choices=HardshipStatus.choices,
                              default=HardshipStatus.INTAKE)
    circumstances = models.TextField(_("circumstances"), max_length=CIRCUMSTANCES_MAX, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=24, choices=HardshipEndReason.choices,
                                  blank=True)
    decision_note = models.CharField(_("decision note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("hard-to-employ case")
        verbose_name_plural = _("hard-to-employ cases")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=ACTIVE_HARDSHIP_STATUSES),
                                    name="hardship_one_active_case_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()}"


class ReferralCommitment(AreaOwnedModel):
    """承诺10个工作日内推荐就业: due 10 working days after approval; met by a referral."""

    case = models.OneToOneField(HardshipCase, on_delete=models.PROTECT, related_name="commitment",
                                verbose_name=_("case"))
    starts_on = models.DateField(_("approved on"))
    due_on = models.DateField(_("due on"), db_index=True)
    # Counted Monday to Friday because a year on the way has no official calendar yet.
    provisional = models.BooleanField(_("provisional due date"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=CommitmentStatus.choices,
                              default=CommitmentStatus.OPEN, db_index=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_by_referral = models.ForeignKey("jobs.Referral", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("met by referral"))
    # Written only by the nightly escalation (``commitments_escalate``), with its audit event; it
    # decides which tiers' queues show the commitment and stays as the record of how far it went.
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE, db_index=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("referral commitment")
        verbose_name_plural = _("referral commitments")

    def __str__(self) -> str:
        return f"{self.case.person} · {self.due_on}"


class FollowUpVisit(AreaOwnedModel):
    """跟踪回访 after placement, at 1, 3 and 6 months."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="follow_up_visits",
                               verbose_name=_("person"))
    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
                             verbose_name=_("case"))
    placed_on = models.DateField(_("placed on"))
    months_after = models.PositiveSmallIntegerField(_("months after placement"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.SCHEDULED)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visited_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("visited by"))
    still_employed = models.BooleanField(_("still employed"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=VISIT_NOTES_MAX, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            models.UniqueConstraint(fields=["person", "placed_on", "months_after"], name="followup_once_per_placement"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.months_after}"


class CaseHandover(AreaOwnedModel):
    """异地帮扶: a district hands a hard case to another district. ``area`` is the sending district."""

    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, related_name="handovers",
                             verbose_name=_("case"))
    to_district = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("receiving district"))
    to_path = models.CharField(max_length=12, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=HandoverStatus.choices,
                              default=HandoverStatus.PROPOSED)
    reason = models.CharField(_("reason"), max_length=NOTE_MAX)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("case handover")
        verbose_name_plural = _("case handovers")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status=HandoverStatus.PROPOSED),
                                    name="handover_one_proposed_per_case"),
        ]

    def save(self, *args, **kwargs):
        self.to_path = self.to_district.path if self.to_district_id else ""
        super().save(*args, **kwargs)


class TrainingEnrolment(AreaOwnedModel):
    """职业培训信息登记: a person's vocational training."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="training_enrolments",
                               verbose_name=_("person"))
    course_name = models.CharField(_("course"), max_length=COURSE_MAX)
    provider = models.CharField(_("training provider"), max_length=PROVIDER_MAX)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    completed = models.BooleanField(_("completed"), default=False)
    certificate_number = models.CharField(_("certificate number"), max_length=CERTIFICATE_MAX, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training enrolment")
        verbose_name_plural = _("training enrolments")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_period_ordered"),
        ]


class AgencyService(AreaOwnedModel):
    """劳动保障事务代理: personnel-file custody or social-insurance continuation."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="agency_services",
                               verbose_name=_("person"))
    kind = models.CharField(_("service"), max_length=24, choices=AgencyServiceKind.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("agency service")
        verbose_name_plural = _("agency services")
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="agency_service_period_ordered"),
        ]
