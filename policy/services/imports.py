"""Importing a policy document from the seed's text format (policy/importer.py reads it).

The same document imported again is updated (a new version) instead of duplicated: it is found
by its document number together with its issuing body or its title. A number already used by a
different document (another issuer, another title) is refused. A file with a missing or malformed
part is refused as a whole, saying which part; nothing is saved half-way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from policy.constants import DOCUMENT_WORKFLOW, IMPORT_FILE_MAX, PolicyEvent
from policy.importer import ParsedDocument, decode, parse_policy_text
from policy.models import PolicyDocument, PolicyVersion
from policy.search import number_key
from policy.services.documents import document_create, document_update
from portal.models import Area, User

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class ImportResult:
    parsed: ParsedDocument
    document: PolicyDocument
    outcome: str  # created, updated or unchanged
    version: PolicyVersion | None


def import_text_from_bytes(data: bytes) -> str:
    """The text of an uploaded file, or a ValidationError on ``file`` saying what is wrong."""
    if not data:
        raise ValidationError({"file": [ValidationError(_("The file is empty."), code="empty")]})
    if len(data) > IMPORT_FILE_MAX:
        raise ValidationError({"file": [ValidationError(
            _("The file is larger than %(kb)d KB; is it a single document?") % {"kb": IMPORT_FILE_MAX // 1000},
            code="too_large")]})
    text = decode(data)
    if text is None:
        raise ValidationError({"file": [ValidationError(
            _("The file is not text in UTF-8 or GB18030."), code="encoding")]})
    return text


def refuse_malformed(parsed: ParsedDocument) -> ParsedDocument:
    """``parsed``, or a ValidationError on ``file`` listing every missing or bad part."""
    if parsed.errors:
        raise ValidationError({"file": [ValidationError(issue.message, code=issue.code) for issue in parsed.errors]})
    return parsed


def parse_or_refuse(text: str) -> ParsedDocument:
    return refuse_malformed(parse_policy_text(text))


def import_match(parsed: ParsedDocument) -> PolicyDocument | None:
    """The document this file is another copy of: same number and (issuer or title); without a
    number, the same title and issuer."""
    key = number_key(parsed.document_number)
    if key:
        return (PolicyDocument.objects.select_related("area")
                .filter(Q(issuer=parsed.issuer) | Q(title=parsed.title), number_key=key).first())
    return PolicyDocument.objects.select_related("area").filter(title=parsed.title, issuer=parsed.issuer).first()


@dataclass
class ImportPreview:
    """What a file holds, and the document saving it would update: ``existing`` when the actor may
    change that document, else only ``existing_hidden`` (it is not the actor's to see)."""

    parsed: ParsedDocument
    existing: PolicyDocument | None
    existing_hidden: bool


def import_preview(*, actor: User | None, text: str) -> ImportPreview:
    """Read a file without saving it; a file not in the format has its ``parsed.errors``."""
    parsed = parse_policy_text(text)
    existing = import_match(parsed) if parsed.ok else None
    editable = existing is not None and DOCUMENT_WORKFLOW.action("edit").by.allows(actor, existing)
    return ImportPreview(parsed=parsed, existing=existing if editable else None,
                         existing_hidden=existing is not None and not editable)


@transaction.atomic
def policy_import(*, actor: User | None, text: str, area: Area | None, file_name: str = "") -> ImportResult:
    """Save a parsed file: a new draft, or a new version of the document it matches.

    ``area`` is where a new document applies (an existing one keeps its own). ``actor=None`` is
    the system: the ``import_policy`` command, run by whoever operates the server.
    """
    parsed = parse_or_refuse(text)
    notes = [issue.as_dict() for issue in parsed.warnings]
    note = (_("Imported from %(name)s") % {"name": file_name}) if file_name else _("Imported")
    values = {name: value for name, value in parsed.values().items()}
    existing = import_match(parsed)
    if existing is None:
        document = document_create(actor=actor, area=area, note=note, import_notes=notes,
                                   event_type=PolicyEvent.POLICY_DOCUMENT_IMPORTED, **values)
        return ImportResult(parsed=parsed, document=document, outcome=CREATED,
                            version=document.versions.order_by("number").first())
    document, version = document_update(actor=actor, document=existing, area=existing.area, note=note,
                                        import_notes=notes, event_type=PolicyEvent.POLICY_DOCUMENT_IMPORTED,
                                        **values)
    return ImportResult(parsed=parsed, document=document, outcome=UPDATED if version else UNCHANGED,
                        version=version)
