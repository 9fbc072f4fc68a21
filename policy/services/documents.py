"""Policy documents: writing, versions, review and publication, relations, attachments, expiry.

Who may take each step (submit, publish, return, repeal, expire) and each action that keeps the
status (edit, publish a new version, relate, attach) is declared once, in
``policy.constants.DOCUMENT_WORKFLOW``: editors write documents of their area (city-level staff
the city-wide ones, district staff their district's), reviewers publish, return and repeal them,
and the reviewer who publishes is not the one who made what is published. The services below check
the input and call ``portal.workflow.transition`` or ``authorize``, which check the status and the
actor on the locked row.

Every saved change writes an immutable ``PolicyVersion``; the row keeps the latest (working)
values and ``published_version`` points at what the public sees. A change to a published document
waits as a new version until a reviewer publishes it. Draft → in review → published → expired
(nightly, by expiry date) or repealed.
"""

from __future__ import annotations

import datetime
import os

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.constants import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX,
    ATTACHMENT_NAME_MAX,
    BODY_MAX,
    CATEGORY_MAX,
    CONTENT_TYPE_MAX,
    DOCUMENT_AREA_LEVELS,
    DOCUMENT_EDITORS,
    DOCUMENT_WORKFLOW,
    ISSUER_MAX,
    NOTE_MAX,
    NUMBER_MAX,
    PUBLIC_STATUSES,
    SOURCE_MAX,
    TITLE_MAX,
    DocumentStatus,
    PolicyEvent,
    RelationKind,
)
from policy.models import (
    DocumentRelation,
    PolicyAttachment,
    PolicyDocument,
    PolicyVersion,
)
from policy.search import document_search_text, number_key
from portal.audit import audit_record
from portal.constants import AuditEventType
from portal.models import Area, User
from portal.scoping import OutOfScope, has_staff_role
from portal.workflow import authorize, transition

DOCUMENT_FIELDS = ("title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date", "source",
                   "category", "body", "area")
# (field, max length, required)
_TEXT_FIELDS = [
    ("title", TITLE_MAX, True),
    ("document_number", NUMBER_MAX, False),
    ("issuer", ISSUER_MAX, True),
    ("source", SOURCE_MAX, False),
    ("category", CATEGORY_MAX, False),
    ("body", BODY_MAX, True),
]


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _locked(document: PolicyDocument) -> PolicyDocument:
    return PolicyDocument.objects.select_for_update(of=("self",)).select_related("area").get(pk=document.pk)


# --- Who may act -------------------------------------------------------------------------------


def is_editor(actor: User | None) -> bool:
    """Does the user write documents anywhere (the "write" and "import" links and pages)?"""
    return has_staff_role(actor, DOCUMENT_EDITORS.roles, DOCUMENT_EDITORS.levels)


def _assert_may_write_in(actor: User | None, area: Area) -> None:
    """A document written for ``area`` (a new one, or one moved there): the workflow's edit rule,
    applied to a document of that area. ``actor=None`` is the system (the import_policy command)."""
    if not DOCUMENT_WORKFLOW.action("edit").by.allows(actor, PolicyDocument(area=area)):
        raise OutOfScope(_("Not found."))


def _may_repeal(actor: User | None, target: PolicyDocument) -> bool:
    return any(step.actor_allowed(actor, target) for step in DOCUMENT_WORKFLOW.named("repeal"))


def _out_of_scope_target(target: PolicyDocument) -> ValidationError:
    return _error("target", _("You may not repeal “%(title)s”: it is outside your area.") % {"title": target.title},
                  "out_of_scope")


# --- Checking values ---------------------------------------------------------------------------


def document_values(*, title, document_number, issuer, publish_date, effective_date, expiry_date, source, category,
                    body, area) -> dict:
    """The values as stored: text stripped, line ends unified."""
    def text(value) -> str:
        return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()

    return {
        "title": " ".join(text(title).split()), "document_number": "".join(text(document_number).split()),
        "issuer": text(issuer), "publish_date": publish_date, "effective_date": effective_date,
        "expiry_date": expiry_date, "source": text(source), "category": text(category), "body": text(body),
        "area": area,
    }


def _duplicate_number_message(*, number: str, other: PolicyDocument, actor: User | None) -> str:
    """Name the other document only where the actor may see it (public, or in the actor's scope)."""
    if other.status in PUBLIC_STATUSES or actor is None or DOCUMENT_EDITORS.allows(actor, other):
        return _("Document number %(number)s is already used by “%(title)s” of %(issuer)s.") % {
            "number": number, "title": other.title, "issuer": other.issuer}
    return _("Document number %(number)s is already used by another document.") % {"number": number}


def document_errors(values: dict, *, actor: User | None, exclude_pk: int | None = None) -> dict:
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    for field, max_length, required in _TEXT_FIELDS:
        value = values[field]
        if required and not value:
            add(field, _("This field is required."), "required")
        elif len(value) > max_length:
            add(field, _("At most %(max)d characters.") % {"max": max_length}, "max_length")
    if values["publish_date"] is None:
        add("publish_date", _("Enter the publish date."), "required")
    if values["effective_date"] is None:
        add("effective_date", _("Enter the effective date."), "required")
    elif values["expiry_date"] is not None and values["expiry_date"] < values["effective_date"]:
        add("expiry_date", _("The expiry date cannot be before the effective date (%(date)s).") % {
            "date": values["effective_date"].isoformat()}, "order")
    area = values["area"]
    if area is None:
        add("area", _("Choose where the document applies: the city or one district."), "required")
    elif area.level not in DOCUMENT_AREA_LEVELS:
        add("area", _("A document applies city-wide or to one district."), "level")
    key = number_key(values["document_number"])
    if key and "document_number" not in errors:
        others = PolicyDocument.objects.filter(number_key=key)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        other = others.first()
        if other is not None:
            add("document_number", _duplicate_number_message(number=values["document_number"], other=other,
                                                             actor=actor), "duplicate")
    return errors


def _raise_duplicate(values: dict, actor: User | None) -> None:
    other = PolicyDocument.objects.filter(number_key=number_key(values["document_number"])).first()
    message = (_duplicate_number_message(number=values["document_number"], other=other, actor=actor) if other
               else _("This document number is already used."))
    raise _error("document_number", message, "duplicate")


# --- Writing -----------------------------------------------------------------------------------


def _version(document: PolicyDocument, *, number: int, actor: User | None, note: str) -> PolicyVersion:
    return PolicyVersion.objects.create(
        document=document, number=number, created_by=actor if actor is not None and actor.is_authenticated else None,
        note=(note or "")[:NOTE_MAX], **{name: getattr(document, name) for name in PolicyVersion.COPIED})


def latest_version(document: PolicyDocument) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(document=document).order_by("-number").first()


def _audit_values(values: dict) -> dict:
    """What the audit trail keeps of a document's values: everything but the body's text."""
    out = {name: (value.code if isinstance(value, Area) else value) for name, value in values.items() if name != "body"}
    if "body" in values:
        out["body_length"] = len(values["body"])
    return out


@transaction.atomic
def document_create(
    *, actor: User | None, area: Area | None, title: str, issuer: str, publish_date: datetime.date | None,
    effective_date: datetime.date | None, body: str, document_number: str = "",
    expiry_date: datetime.date | None = None, source: str = "", category: str = "", note: str = "",
    import_notes: list | None = None, event_type: AuditEventType = PolicyEvent.POLICY_DOCUMENT_CREATED,
) -> PolicyDocument:
    """Write a new document as a draft, with its first version."""
    if area is not None:
        _assert_may_write_in(actor, area)
    elif actor is not None and not is_editor(actor):
        raise OutOfScope(_("Not found."))
    values = document_values(title=title, document_number=document_number, issuer=issuer, publish_date=publish_date,
                             effective_date=effective_date, expiry_date=expiry_date, source=source,
                             category=category, body=body, area=area)
    errors = document_errors(values, actor=actor)
    if errors:
        raise ValidationError(errors)
    user = actor if actor is not None and actor.is_authenticated else None
    try:
        with transaction.atomic():
            document = PolicyDocument.objects.create(
                **values, number_key=number_key(values["document_number"]), status=DocumentStatus.DRAFT,
                created_by=user, updated_by=user, import_notes=import_notes or [])
    except IntegrityError:  # the same number saved at the same moment elsewhere
        _raise_duplicate(values, actor)
    version = _version(document, number=1, actor=actor, note=note)
    audit_record(event_type=event_type, actor=actor, obj=document,
                 new={**_audit_values(values), "version": version.number, "status": document.status})
    return document


@transaction.atomic
def document_update(
    *, actor: User | None, document: PolicyDocument, area: Area | None, title: str, issuer: str,
    publish_date: datetime.date | None, effective_date: datetime.date | None, body: str, document_number: str = "",
    expiry_date: datetime.date | None = None, source: str = "", category: str = "", note: str = "",
    import_notes: list | None = None, event_type: AuditEventType = PolicyEvent.POLICY_DOCUMENT_UPDATED,
) -> tuple[PolicyDocument, PolicyVersion | None]:
    """Save a change as a new version. Returns the document and the new version (None: nothing changed).

    Drafts and published documents may change (the workflow's ``edit``); a published document's
    change waits for a reviewer (``document_publish``) before the public sees it.
    """
    row = _locked(document)
    authorize(instance=row, workflow=DOCUMENT_WORKFLOW, action="edit", actor=actor, code="not_editable")
    if area is not None and area != row.area:
        _assert_may_write_in(actor, area)
    values = document_values(title=title, document_number=document_number, issuer=issuer, publish_date=publish_date,
                             effective_date=effective_date, expiry_date=expiry_date, source=source,
                             category=category, body=body, area=area)
    errors = document_errors(values, actor=actor, exclude_pk=row.pk)
    if errors:
        raise ValidationError(errors)
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    if import_notes is not None and import_notes != row.import_notes:
        row.import_notes = import_notes
        row.save(update_fields=["import_notes"])
    if not changed:
        return row, None
    old = {name: getattr(row, name) for name in changed}
    for name, value in changed.items():
        setattr(row, name, value)
    row.number_key = number_key(row.document_number)
    row.updated_by = actor if actor is not None and actor.is_authenticated else None
    row.updated_at = timezone.now()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        _raise_duplicate(values, actor)
    previous = latest_version(row)
    version = _version(row, number=(previous.number if previous else 0) + 1, actor=actor, note=note)
    audit_record(event_type=event_type, actor=actor, obj=row, old=_audit_values(old),
                 new={**_audit_values(changed), "version": version.number})
    return row, version


# --- Review and publication --------------------------------------------------------------------


def _note(note: str, *, required: bool, field: str = "reason") -> str:
    note = (note or "").strip()
    if required and not note:
        raise _error(field, _("Give the reason."), "required")
    if len(note) > NOTE_MAX:
        raise _error(field, _("At most %(max)d characters.") % {"max": NOTE_MAX}, "max_length")
    return note


def document_submit(*, actor: User, document: PolicyDocument, note: str = "") -> PolicyDocument:
    """An editor sends a draft for review."""
    note = _note(note, required=False, field="note")
    return transition(instance=document, workflow=DOCUMENT_WORKFLOW, to=DocumentStatus.IN_REVIEW, actor=actor,
                      note=note, changes={"status_reason": ""})


def document_return(*, actor: User, document: PolicyDocument, reason: str) -> PolicyDocument:
    """A reviewer sends a document in review back to its editors, saying why."""
    reason = _note(reason, required=True)
    return transition(instance=document, workflow=DOCUMENT_WORKFLOW, to=DocumentStatus.DRAFT, actor=actor,
                      note=reason, changes={"status_reason": reason})


def _make_searchable(document: PolicyDocument, version: PolicyVersion) -> None:
    """The public search reads the published version (the trigger rebuilds the vector)."""
    PolicyDocument.objects.filter(pk=document.pk).update(search_text=document_search_text(
        title=version.title, document_number=version.document_number, body=version.body))


@transaction.atomic
def document_publish(*, actor: User, document: PolicyDocument, note: str = "") -> PolicyDocument:
    """A reviewer publishes the latest version.

    A document in review becomes published (the workflow's ``publish``); a published document whose
    editors saved a newer version gets that version published, its status staying
    (``publish_version``). Documents this one repeals are repealed with it, in the same transaction.
    """
    note = _note(note, required=False, field="note")
    row = _locked(document)
    if row.status == DocumentStatus.PUBLISHED:
        authorize(instance=row, workflow=DOCUMENT_WORKFLOW, action="publish_version", actor=actor)
        version = latest_version(row)
        if version is None or row.published_version_id == version.pk:
            raise ValidationError(_("There is no new version to publish."), code="nothing_to_publish")
        old = {"published_version": row.published_version_id}
        row.published_version = version
        row.save(update_fields=["published_version"])
        _make_searchable(row, version)
        audit_record(event_type=PolicyEvent.POLICY_VERSION_PUBLISHED, actor=actor, obj=row, old=old,
                     new={"published_version": version.pk, "version": version.number,
                          **({"note": note} if note else {})})
        return row
    # The row is locked: no editor saves a newer version between reading it and publishing it.
    version = latest_version(row)
    row = transition(instance=row, workflow=DOCUMENT_WORKFLOW, to=DocumentStatus.PUBLISHED, actor=actor, note=note,
                     changes={"published_version": version, "published_at": timezone.now(), "status_reason": ""})
    _make_searchable(row, version)
    for relation in DocumentRelation.objects.filter(source=row, kind=RelationKind.REPEALS).select_related("target"):
        _repeal_target(actor=actor, source=row, target=relation.target)
    return row


def _repeal_target(*, actor: User, source: PolicyDocument, target: PolicyDocument) -> None:
    """Repeal the document ``source`` repeals, if the public sees it in force or expired (a draft or an
    already repealed target is left as it is)."""
    target = _locked(target)
    if DOCUMENT_WORKFLOW.step(target.status, DocumentStatus.REPEALED) is None:
        return
    reason = _("Repealed by %(source)s") % {"source": source.document_number or source.title}
    try:
        transition(instance=target, workflow=DOCUMENT_WORKFLOW, to=DocumentStatus.REPEALED, actor=actor,
                   note=reason, changes={"status_reason": reason[:NOTE_MAX]})
    except OutOfScope as exc:  # the target is public, so naming it tells nothing new
        raise _out_of_scope_target(target) from exc


def document_repeal(*, actor: User, document: PolicyDocument, reason: str) -> PolicyDocument:
    """A reviewer repeals a published or expired document, saying why."""
    reason = _note(reason, required=True)
    return transition(instance=document, workflow=DOCUMENT_WORKFLOW, to=DocumentStatus.REPEALED, actor=actor,
                      note=reason, changes={"status_reason": reason})


def documents_expire(*, today: datetime.date | None = None) -> int:
    """Nightly: published documents whose published expiry date has passed become expired.

    Each document moves in its own transaction; a rerun finds nothing left to do, and a document
    repealed meanwhile is skipped.
    """
    today = today or timezone.localdate()
    due = list(PolicyDocument.objects.filter(status=DocumentStatus.PUBLISHED,
                                             published_version__expiry_date__lt=today)
               .order_by("pk").values_list("pk", flat=True))
    expired = 0
    for pk in due:
        try:
            transition(instance=PolicyDocument(pk=pk), workflow=DOCUMENT_WORKFLOW, to=DocumentStatus.EXPIRED,
                       actor=None, note=_("Past its expiry date"))
        except ValidationError:  # no longer published: repealed by someone since the list was read
            continue
        expired += 1
    return expired


# --- Relations and attachments -----------------------------------------------------------------


@transaction.atomic
def relation_add(*, actor: User, document: PolicyDocument, target: PolicyDocument | None, kind: str) -> DocumentRelation:
    """Record that ``document`` amends or repeals ``target``.

    The target must be public or in the editor's area. A repeal takes effect when the document is
    published (at once if it already is), so repealing needs a reviewer's scope over the target.
    """
    row = _locked(document)
    authorize(instance=row, workflow=DOCUMENT_WORKFLOW, action="relate", actor=actor)
    if kind not in RelationKind.values:
        raise _error("kind", _("Choose amends or repeals."), "invalid_choice")
    if target is None or not (target.status in PUBLIC_STATUSES or DOCUMENT_EDITORS.allows(actor, target)):
        raise _error("target", _("Choose a published document."), "unknown")
    if target.pk == row.pk:
        raise _error("target", _("A document cannot amend or repeal itself."), "itself")
    if kind == RelationKind.REPEALS and not _may_repeal(actor, target):
        raise _out_of_scope_target(target)
    if DocumentRelation.objects.filter(source=row, target=target).exists():
        raise _error("target", _("This relation is already recorded."), "duplicate")
    relation = DocumentRelation.objects.create(source=row, target=target, kind=kind, created_by=actor)
    audit_record(event_type=PolicyEvent.POLICY_RELATION_ADDED, actor=actor, obj=row,
                 new={"target": target.pk, "kind": kind})
    if kind == RelationKind.REPEALS and row.status == DocumentStatus.PUBLISHED:
        _repeal_target(actor=actor, source=row, target=target)
    return relation


@transaction.atomic
def relation_remove(*, actor: User, relation: DocumentRelation) -> None:
    """Remove a relation of a document that is not yet published (a published repeal stands)."""
    document = _locked(relation.source)
    authorize(instance=document, workflow=DOCUMENT_WORKFLOW, action="unrelate", actor=actor, field="target",
              code="published")
    audit_record(event_type=PolicyEvent.POLICY_RELATION_REMOVED, actor=actor, obj=document,
                 old={"target": relation.target_id, "kind": relation.kind})
    DocumentRelation.objects.filter(pk=relation.pk).delete()


@transaction.atomic
def attachment_add(*, actor: User, document: PolicyDocument, name: str, content_type: str,
                   data: bytes) -> PolicyAttachment:
    """Attach a file (PDF, Word, Excel, OFD, images …) of at most 10 MB."""
    row = _locked(document)
    authorize(instance=row, workflow=DOCUMENT_WORKFLOW, action="attach", actor=actor)
    name = os.path.basename((name or "").replace("\\", "/")).strip()[:ATTACHMENT_NAME_MAX]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name or not data:
        raise _error("file", _("Choose a file."), "required")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise _error("file", _("Attach one of these kinds of file: %(kinds)s.") % {
            "kinds": ", ".join(ATTACHMENT_EXTENSIONS)}, "file_type")
    if len(data) > ATTACHMENT_MAX:
        raise _error("file", _("A file may be at most %(mb)d MB.") % {"mb": ATTACHMENT_MAX // (1024 * 1024)},
                     "too_large")
    attachment = PolicyAttachment.objects.create(
        document=row, name=name, size=len(data), data=data,
        content_type=(content_type or "application/octet-stream")[:CONTENT_TYPE_MAX], uploaded_by=actor)
    audit_record(event_type=PolicyEvent.POLICY_ATTACHMENT_ADDED, actor=actor, obj=row,
                 new={"attachment": attachment.pk, "name": name, "size": len(data)})
    return attachment
