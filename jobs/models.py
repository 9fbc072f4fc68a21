"""Records of the public HR market: employers, vacancies, seekers, applications, referrals,
job fairs and private employment agencies."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.constants import (
    AGENCY_ADDRESS_MAX,
    AGENCY_NAME_MAX,
    AGENCY_PHONE_MAX,
    AGENCY_SCOPE_MAX,
    BENEFITS_MAX,
    CONTACT_NAME_MAX,
    CONTACT_PHONE_MAX,
    COVER_NOTE_MAX,
    CREDIT_CODE_LENGTH,
    DESCRIPTION_MAX,
    EMPLOYER_ADDRESS_MAX,
    EMPLOYER_INTRODUCTION_MAX,
    EMPLOYER_NAME_MAX,
    EMPLOYER_REASON_MAX,
    EXPERIENCE_MAX,
    FAIR_TITLE_MAX,
    FAIR_VENUE_MAX,
    HEADCOUNT_MAX,
    LICENCE_HOLDER_MAX,
    LICENCE_NUMBER_MAX,
    LICENCE_REASON_MAX,
    MEETING_LINK_MAX,
    OPEN_APPLICATION_STATUSES,
    REFERRAL_NOTE_MAX,
    REFUSAL_REASON_MAX,
    RETURN_REASON_MAX,
    SALARY_CEILING,
    SKILLS_MAX,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    SUMMARY_MAX,
    SUPERVISION_FINDINGS_MAX,
    TITLE_MAX,
    ApplicationStatus,
    CloseReason,
    EmployerStatus,
    FairStatus,
    FairTargetGroup,
    LicenceStatus,
    ReferralOutcome,
    RefusalBy,
    SupervisionResult,
    VacancyStatus,
    WorkingTime,
)
from jobs.validators import validate_credit_code
from portal.models import Area, User
from portal.reference.education import Education
from portal.reference.models import Industry, Occupation
from portal.scoping import AreaOwnedModel, ScopedQuerySet


class Employer(AreaOwnedModel):
    """用人单位. ``area`` is where it is registered; the district there verifies it."""

    account = models.OneToOneField(User, on_delete=models.PROTECT, null=True, blank=True, related_name="employer",
                                   verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=EMPLOYER_NAME_MAX)
    credit_code = models.CharField(_("unified social credit code"), max_length=CREDIT_CODE_LENGTH, unique=True,
                                   validators=[validate_credit_code])
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, verbose_name=_("industry"))
    address = models.CharField(_("address"), max_length=EMPLOYER_ADDRESS_MAX, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=CONTACT_NAME_MAX)
    contact_phone = models.CharField(_("contact phone"), max_length=CONTACT_PHONE_MAX)
    introduction = models.TextField(_("introduction"), max_length=EMPLOYER_INTRODUCTION_MAX, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EmployerStatus.choices,
                              default=EmployerStatus.PENDING)
    status_reason = models.CharField(_("reason"), max_length=EMPLOYER_REASON_MAX, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("verified by"))
    is_member_unit = models.BooleanField(_("member unit"), default=False)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name


class VacancyQuerySet(ScopedQuerySet):
    def public(self, today=None) -> VacancyQuerySet:
        """What anyone may see: published and not past the closing date."""
        today = today or timezone.localdate()
        return self.filter(status=VacancyStatus.PUBLISHED, closing_date__gte=today)


class Vacancy(AreaOwnedModel):
    """岗位. ``area`` is the workplace (a street or community); its district reviews the posting."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies",
                                 verbose_name=_("employer"))
    title = models.CharField(_("job title"), max_length=TITLE_MAX)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, verbose_name=_("occupation"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, verbose_name=_("industry"))
    headcount = models.PositiveSmallIntegerField(
        _("headcount"), validators=[MinValueValidator(1), MaxValueValidator(HEADCOUNT_MAX)])
    salary_min = models.PositiveIntegerField(_("minimum monthly salary (yuan)"),
                                             validators=[MaxValueValidator(SALARY_CEILING)])
    salary_max = models.PositiveIntegerField(_("maximum monthly salary (yuan)"),
                                             validators=[MaxValueValidator(SALARY_CEILING)])
    education = models.CharField(_("education"), max_length=24, choices=Education.choices, default=Education.NONE)
    experience_years = models.PositiveSmallIntegerField(_("years of experience"), default=0,
                                                        validators=[MaxValueValidator(EXPERIENCE_MAX)])
    working_time = models.CharField(_("working time"), max_length=16, choices=WorkingTime.choices,
                                    default=WorkingTime.FULL_TIME)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    benefits = models.CharField(_("benefits"), max_length=BENEFITS_MAX, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=CONTACT_NAME_MAX)
    contact_phone = models.CharField(_("contact phone"), max_length=CONTACT_PHONE_MAX)
    closing_date = models.DateField(_("closing date"))
    is_public_welfare = models.BooleanField(_("public-welfare post"), default=False)
    open_to_hard_to_employ = models.BooleanField(_("open to hard-to-employ people"), default=False)
    for_graduates = models.BooleanField(_("for graduates"), default=False)

    status = models.CharField(_("status"), max_length=16, choices=VacancyStatus.choices,
                              default=VacancyStatus.PENDING)
    return_reason = models.CharField(_("reason for return"), max_length=RETURN_REASON_MAX, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=16, choices=CloseReason.choices, blank=True)
    posted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Search: ``search_text`` is the title, employer name and description cut into single CJK
    # characters and bigrams (jobs/search.py); on PostgreSQL a trigger keeps ``search_vector``
    # (a 'simple' tsvector with a GIN index) in step with it.
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        constraints = [
            models.CheckConstraint(condition=Q(salary_min__lte=F("salary_max")), name="vacancy_salary_ordered"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="vacancy_headcount_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class SeekerProfile(AreaOwnedModel):
    """A job seeker's profile. ``area`` is the residence community."""

    account = models.OneToOneField(User, on_delete=models.PROTECT, related_name="seeker_profile",
                                   verbose_name=_("account"))
    education = models.CharField(_("education"), max_length=24, choices=Education.choices, default=Education.NONE)
    experience_years = models.PositiveSmallIntegerField(_("years of experience"), default=0,
                                                        validators=[MaxValueValidator(EXPERIENCE_MAX)])
    skills = models.CharField(_("skills"), max_length=SKILLS_MAX, blank=True)
    wanted_occupations = models.ManyToManyField(Occupation, blank=True, related_name="+",
                                                verbose_name=_("wanted occupations"))
    wanted_areas = models.ManyToManyField(Area, blank=True, related_name="+", verbose_name=_("wanted work areas"))
    expected_salary = models.PositiveIntegerField(_("expected monthly salary (yuan)"), null=True, blank=True,
                                                  validators=[MaxValueValidator(SALARY_CEILING)])
    summary = models.TextField(_("about me"), max_length=SUMMARY_MAX, blank=True)
    is_graduate = models.BooleanField(_("recent graduate"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("job seeker profile")
        verbose_name_plural = _("job seeker profiles")

    def __str__(self) -> str:
        return str(self.account)


class Application(AreaOwnedModel):
    """A job seeker's application to a vacancy. ``area`` is the vacancy's workplace."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("vacancy"))
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("job seeker"))
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    cover_note = models.TextField(_("note to the employer"), max_length=COVER_NOTE_MAX, blank=True)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        # The facts of a day (jobs.facts): applications made in a time range (and active seekers among
        # them, index-only), hires of a day.
        indexes = [models.Index(fields=["applied_at", "seeker"], name="application_applied_seeker"),
                   models.Index(fields=["hired_on"], name="application_hired_on", condition=Q(hired_on__isnull=False))]
        constraints = [
            # Apply once: a second application to the same vacancy is refused by the database.
            models.UniqueConstraint(fields=["vacancy", "seeker"], name="application_once_per_vacancy"),
            models.CheckConstraint(condition=Q(status=ApplicationStatus.HIRED) | Q(hired_on__isnull=True),
                                   name="application_hired_on_only_when_hired"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.vacancy}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES


class Referral(AreaOwnedModel):
    """职业介绍: a clerk refers a job seeker to a vacancy and records the outcome.

    ``area`` is the job seeker's residence area, so the clerks of that community, street and
    district see it. Kept general: the registration module's 10-working-day commitment is met by
    a referral of the person concerned.
    """

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="referrals",
                               verbose_name=_("job seeker"))
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="referrals",
                                verbose_name=_("vacancy"))
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by"))
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    status = models.CharField(_("outcome"), max_length=16, choices=ReferralOutcome.choices,
                              default=ReferralOutcome.PENDING)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    refused_by = models.CharField(_("refused by"), max_length=16, choices=RefusalBy.choices, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=REFUSAL_REASON_MAX, blank=True)
    note = models.CharField(_("note"), max_length=REFERRAL_NOTE_MAX, blank=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        # As for applications: referrals made in a time range, with their seekers; outcomes of a day.
        indexes = [models.Index(fields=["referred_at", "seeker"], name="referral_referred_seeker"),
                   models.Index(fields=["outcome_on"], name="referral_outcome_on", condition=Q(outcome_on__isnull=False))]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "vacancy"], condition=Q(status=ReferralOutcome.PENDING),
                                    name="referral_one_pending_per_seeker_vacancy"),
            models.CheckConstraint(condition=~Q(status=ReferralOutcome.REFUSED) | ~Q(refusal_reason=""),
                                   name="referral_refusal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.vacancy}"


class JobFair(AreaOwnedModel):
    """专场招聘. ``area`` is the organising window's area (city, district or street)."""

    title = models.CharField(_("title"), max_length=FAIR_TITLE_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=FAIR_VENUE_MAX, blank=True, help_text=_("Empty for an online fair."))
    is_online = models.BooleanField(_("online"), default=False)
    target_group = models.CharField(_("target group"), max_length=24, choices=FairTargetGroup.choices,
                                    default=FairTargetGroup.GENERAL)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("industry"))
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    capacity = models.PositiveIntegerField(_("seeker places"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FairStatus.choices, default=FairStatus.DRAFT)
    organised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="jobfair_ends_after_start"),
            models.CheckConstraint(condition=Q(is_online=True) | ~Q(venue=""), name="jobfair_has_venue_or_online"),
        ]

    def __str__(self) -> str:
        return self.title


class FairParticipation(models.Model):
    """An employer taking part in a fair, with the vacancies it brings."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="participations",
                             verbose_name=_("job fair"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="fair_participations",
                                 verbose_name=_("employer"))
    vacancies = models.ManyToManyField(Vacancy, blank=True, related_name="fair_participations",
                                       verbose_name=_("vacancies"))
    booth = models.CharField(_("booth"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("fair participation")
        verbose_name_plural = _("fair participations")
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="fair_participation_once")]

    def __str__(self) -> str:
        return f"{self.employer} @ {self.fair}"


class FairSignup(models.Model):
    """A job seeker signed up to attend a fair."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="signups", verbose_name=_("job fair"))
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="fair_signups",
                               verbose_name=_("job seeker"))
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)

    class Meta:
        verbose_name = _("fair sign-up")
        verbose_name_plural = _("fair sign-ups")
        constraints = [models.UniqueConstraint(fields=["fair", "seeker"], name="fair_signup_once")]


class InterviewSlot(models.Model):
    """A remote interview slot an employer offers at a fair; a job seeker books it."""

    participation = models.ForeignKey(FairParticipation, on_delete=models.CASCADE, related_name="slots",
                                      verbose_name=_("fair participation"))
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("vacancy"))
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=20,
                                               validators=[MinValueValidator(SLOT_MINUTES_MIN), MaxValueValidator(SLOT_MINUTES_MAX)])
    meeting_link = models.URLField(_("meeting link"), max_length=MEETING_LINK_MAX)
    booked_by = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="interview_slots", verbose_name=_("booked by"))
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")


class Agency(AreaOwnedModel):
    """职业中介机构 with its licence. ``area`` is the supervising district (or below)."""

    name = models.CharField(_("name"), max_length=AGENCY_NAME_MAX)
    licence_number = models.CharField(_("licence number"), max_length=LICENCE_NUMBER_MAX, unique=True)
    holder = models.CharField(_("licence holder"), max_length=LICENCE_HOLDER_MAX)
    credit_code = models.CharField(_("unified social credit code"), max_length=CREDIT_CODE_LENGTH, blank=True,
                                   validators=[validate_credit_code])
    scope = models.CharField(_("business scope"), max_length=AGENCY_SCOPE_MAX)
    address = models.CharField(_("address"), max_length=AGENCY_ADDRESS_MAX)
    contact_phone = models.CharField(_("contact phone"), max_length=AGENCY_PHONE_MAX, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(_("licence status"), max_length=16, choices=LicenceStatus.choices,
                              default=LicenceStatus.VALID)
    status_reason = models.CharField(_("reason"), max_length=LICENCE_REASON_MAX, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("private employment agency")
        verbose_name_plural = _("private employment agencies")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="agency_licence_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class SupervisionRecord(AreaOwnedModel):
    """A district clerk's inspection of an agency. ``area`` copies the agency's."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="supervision_records",
                               verbose_name=_("agency"))
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector"))
    findings = models.TextField(_("findings"), max_length=SUPERVISION_FINDINGS_MAX)
    result = models.CharField(_("result"), max_length=16, choices=SupervisionResult.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")

    def __str__(self) -> str:
        return f"{self.agency} {self.inspected_on}"
