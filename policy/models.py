"""Records of policy publishing and service information: policy documents with their immutable
versions, relations and attachments; service guides and service windows; training courses."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policy.constants import (
    ADDRESS_MAX,
    ATTACHMENT_NAME_MAX,
    CATEGORY_MAX,
    CONTENT_TYPE_MAX,
    COURSE_TITLE_MAX,
    FEES_MAX,
    HOURS_MAX,
    ISSUER_MAX,
    NOTE_MAX,
    NUMBER_MAX,
    PHONE_MAX,
    PROVIDER_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    WINDOW_NAME_MAX,
    CourseStatus,
    DocumentStatus,
    RelationKind,
    Service,
)
from portal.models import Area, User
from portal.scoping import AreaOwnedModel, ScopedQuerySet


class PolicyDocumentQuerySet(ScopedQuerySet):
    def public(self) -> PolicyDocumentQuerySet:
        """Documents the public may read: published once, and not withdrawn to a draft since."""
        from policy.constants import PUBLIC_STATUSES

        return self.filter(status__in=PUBLIC_STATUSES, published_version__isnull=False)


class PolicyDocument(AreaOwnedModel):
    """A policy document (政策文件). ``area`` is where it applies: city-wide or one district.

    The row holds the working copy, the latest saved version; ``published_version`` is what the
    public sees. Every saved change also writes an immutable ``PolicyVersion``.
    Subsidy programmes (the subsidies app) link here with ``related_name="subsidy_programmes"``.
    """

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    document_number = models.CharField(_("document number"), max_length=NUMBER_MAX, blank=True)
    # The number in one spelling (brackets 〔〕, half-width digits) for lookups and uniqueness.
    number_key = models.CharField(max_length=NUMBER_MAX, blank=True, editable=False)
    issuer = models.CharField(_("issuing body"), max_length=ISSUER_MAX)
    publish_date = models.DateField(_("publish date"))
    effective_date = models.DateField(_("effective date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=SOURCE_MAX, blank=True)
    category = models.CharField(_("category"), max_length=CATEGORY_MAX, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices,
                              default=DocumentStatus.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=NOTE_MAX, blank=True)
    published_version = models.ForeignKey("PolicyVersion", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("published version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Who saved the working copy (the latest version): the maker a reviewer must not be.
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("saved by"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # What the last import found inconsistent: [{"code": …, "message": …}], shown to editors.
    import_notes = models.JSONField(_("import notes"), default=list, blank=True)

    # Search over the published version: title, number and body cut into CJK characters and
    # bigrams (policy/search.py); on PostgreSQL a trigger keeps ``search_vector`` in step.
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_date", "-id"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        constraints = [
            models.CheckConstraint(condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=F("effective_date")),
                                   name="policydocument_expiry_after_effective"),
            models.CheckConstraint(condition=Q(status__in=DocumentStatus.values), name="policydocument_status_valid"),
            # One document per number; the same number again is the same document (import updates it).
            models.UniqueConstraint(fields=["number_key"], condition=~Q(number_key=""),
                                    name="policydocument_one_per_number"),
        ]
        indexes = [models.Index(fields=["status", "publish_date"], name="policydocument_status_date")]

    def __str__(self) -> str:
        return self.title


class PolicyVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Versions of a policy document cannot be changed."))

    def delete(self):
        raise ValidationError(_("Versions of a policy document cannot be deleted."))


class PolicyVersion(models.Model):
    """One saved state of a document: title, metadata and body, who saved it and when. Never changed."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions",
                                 verbose_name=_("document"))
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    document_number = models.CharField(_("document number"), max_length=NUMBER_MAX, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=ISSUER_MAX)
    publish_date = models.DateField(_("publish date"))
    effective_date = models.DateField(_("effective date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=SOURCE_MAX, blank=True)
    category = models.CharField(_("category"), max_length=CATEGORY_MAX, blank=True)
    body = models.TextField(_("body"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("saved by"))
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    # The fields a version copies from its document, in the order the comparison lists them.
    COPIED = ("title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date", "source",
              "category", "area", "body")

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("policy document version")
        verbose_name_plural = _("policy document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="policyversion_one_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Versions of a policy document cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Versions of a policy document cannot be deleted."))


class DocumentRelation(models.Model):
    """``source`` amends or repeals ``target``."""

    source = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="relations_out",
                               verbose_name=_("document"))
    target = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="relations_in",
                               verbose_name=_("related document"))
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("document relation")
        verbose_name_plural = _("document relations")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="documentrelation_one_per_pair"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="documentrelation_not_itself"),
            models.CheckConstraint(condition=Q(kind__in=RelationKind.values), name="documentrelation_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class PolicyAttachment(models.Model):
    """A file attached to a document, kept in the database so no media storage is needed."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="attachments",
                                 verbose_name=_("document"))
    name = models.CharField(_("file name"), max_length=ATTACHMENT_NAME_MAX)
    content_type = models.CharField(_("content type"), max_length=CONTENT_TYPE_MAX)
    size = models.PositiveIntegerField(_("size"))
    data = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ServiceGuide(AreaOwnedModel):
    """A service guide (业务指南) with its process (服务流程). City-wide: ``area`` is the city."""

    service = models.CharField(_("service"), max_length=64, choices=Service.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(_("summary"), blank=True)
    eligibility = models.TextField(_("who may apply"))
    # What to bring: a list of strings.
    materials = models.JSONField(_("what to bring"), default=list, blank=True)
    # The process: a list of {"title", "detail", "days"} (days: working days, may be 0).
    steps = models.JSONField(_("steps"), default=list, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    fees = models.CharField(_("fees"), max_length=FEES_MAX, blank=True)
    policy = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="guides",
                               verbose_name=_("policy basis"))
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["service"]
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")
        constraints = [models.UniqueConstraint(fields=["service", "area"], name="serviceguide_one_per_service")]

    def __str__(self) -> str:
        return self.title


class ServiceWindow(AreaOwnedModel):
    """The service window (服务窗口) of one area: where to go, when, whom to call."""

    name = models.CharField(_("name"), max_length=WINDOW_NAME_MAX)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    phone = models.CharField(_("phone"), max_length=PHONE_MAX)
    hours = models.CharField(_("opening hours"), max_length=HOURS_MAX)
    # Services handled here (Service values); empty means every service.
    services = models.JSONField(_("services handled"), default=list, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["area_path", "id"]
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")
        constraints = [models.UniqueConstraint(fields=["area"], name="servicewindow_one_per_area")]

    def __str__(self) -> str:
        return self.name

    def handles(self, service: str) -> bool:
        return not self.services or service in self.services


class TrainingCourse(AreaOwnedModel):
    """A vocational training course. ``area`` is where it is held.

    Training enrolments of the registration app link here (``policy.TrainingCourse``).
    """

    title = models.CharField(_("title"), max_length=COURSE_TITLE_MAX)
    provider = models.CharField(_("training provider"), max_length=PROVIDER_MAX)
    occupation = models.ForeignKey("portal.Occupation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("occupation"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    cost = models.PositiveIntegerField(_("cost (yuan)"))
    subsidy = models.PositiveIntegerField(_("subsidy (yuan)"), default=0)
    seats = models.PositiveSmallIntegerField(_("seats"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="trainingcourse_dates_ordered"),
            models.CheckConstraint(condition=Q(subsidy__lte=F("cost")), name="trainingcourse_subsidy_within_cost"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="trainingcourse_seats_positive"),
        ]
        indexes = [models.Index(fields=["status", "starts_on"], name="trainingcourse_status_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def own_cost(self) -> int:
        """What a trainee pays after the subsidy."""
        return self.cost - self.subsidy
