"""Supporting documents of an application: upload and download.

A file's type is what its first bytes say (``DOCUMENT_SIGNATURES``), never its name: a ``.pdf`` that
is really HTML or a program is refused. The size is read from the upload before any content (a
50 MB file is refused without being read; Django has already streamed it to a temporary file, not
to memory). Files are stored in the private storage under a random name, outside the web root,
and served only as downloads, each download a read audit event.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AuditKind
from portal.models import User
from portal.workflow import authorize
from subsidies.constants import (
    APPLICATION_WORKFLOW,
    DOCUMENT_MAX_BYTES,
    DOCUMENT_SIGNATURES,
    DOCUMENTS_PER_APPLICATION_MAX,
    DocumentKind,
    SubsidiesEvent,
)
from subsidies.models import Application, SupportingDocument

SNIFF_BYTES = 16
CHUNK = 64 * 1024
NAME_MAX = 200
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes of a file show, among those accepted; None for anything else."""
    for content_type, signatures in DOCUMENT_SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def _safe_name(name: str) -> str:
    """The uploaded name as shown to people: no folders, no control characters, bounded."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip() or "document"
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:NAME_MAX]
    return name


def _size_megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


@transaction.atomic
def document_add(*, actor: User, application: Application, kind: str, upload: UploadedFile | None) -> SupportingDocument:
    """Add a supporting document to an application open to the applicant (submitted or returned), by
    the applicant or the community window."""
    row = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    authorize(instance=row, workflow=APPLICATION_WORKFLOW, action="add_document", actor=actor)
    errors: dict[str, list[ValidationError]] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [ValidationError(_("Choose what the document is."), code="invalid_choice")]
    if upload is None:
        errors["file"] = [ValidationError(_("Choose a file to upload."), code="required")]
    elif upload.size is None or upload.size > DOCUMENT_MAX_BYTES:
        errors["file"] = [ValidationError(
            _("The file is %(size)s MB; a document may be at most %(max)s MB.")
            % {"size": _size_megabytes(upload.size or 0), "max": _size_megabytes(DOCUMENT_MAX_BYTES)},
            code="too_large")]
    elif upload.size == 0:
        errors["file"] = [ValidationError(_("The file is empty."), code="empty")]
    if SupportingDocument.objects.filter(application=row).count() >= DOCUMENTS_PER_APPLICATION_MAX:
        errors.setdefault("file", []).append(ValidationError(
            _("An application may have at most %(max)s documents.") % {"max": DOCUMENTS_PER_APPLICATION_MAX},
            code="too_many"))
    if errors:
        raise ValidationError(errors)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError({"file": [ValidationError(
            _("This file is not a PDF, PNG or JPEG document (its content was checked, not its name). Scan or save "
              "the document as PDF, PNG or JPEG."), code="wrong_type")]})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    document = SupportingDocument(application=row, kind=kind, original_name=_safe_name(upload.name),
                                  content_type=content_type, size=upload.size, sha256=digest.hexdigest(),
                                  token=secrets.token_hex(32), uploaded_by=actor)
    document.file.save(document.token, upload, save=False)
    try:
        document.save()
        audit_record(event_type=SubsidiesEvent.DOCUMENT_ADDED, actor=actor, obj=row, new={
            "document": document.pk, "kind": kind, "content_type": content_type, "size": document.size,
            "sha256": document.sha256, "name": document.original_name})
    except Exception:
        document.file.delete(save=False)  # no stored file without its row
        raise
    return document


def document_read_record(*, actor: User, document: SupportingDocument, ip_address: str | None = None) -> None:
    """Audit a download (a read of personal data); call it before the file is served."""
    audit_record(event_type=SubsidiesEvent.DOCUMENT_READ, actor=actor, obj=document.application, kind=AuditKind.READ,
                 new={"document": document.pk, "kind": document.kind, "name": document.original_name},
                 ip_address=ip_address)


def documents_missing(application: Application, documents=None) -> list[tuple[str, str]]:
    """The kinds the version requires that the application has no document of, as (value, label)."""
    required = application.version.parameters.get("required_documents") or []
    have = {d.kind for d in (documents if documents is not None else application.documents.all())}
    return [(kind, str(DocumentKind(kind).label)) for kind in required if kind not in have and kind in DocumentKind.values]
