"""Supporting documents: the type is what the content says, the size is checked before reading, files
live in the private storage under a random name, and downloads are scoped, attachment-only and
audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import Http404

from portal.constants import AccountType, AuditKind, StaffRole
from portal.models import AuditEvent
from portal.workflow import transition
from subsidies.constants import (
    APPLICATION_WORKFLOW,
    DOCUMENT_MAX_BYTES,
    DOCUMENTS_PER_APPLICATION_MAX,
    ApplicationStatus,
    DocumentKind,
    ProgrammeKind,
)
from subsidies.models import SupportingDocument
from subsidies.services.applications import application_submit
from subsidies.services.documents import document_add, documents_missing
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.subsidies.apply_support import hard_to_employ_flexible, linked_seeker, programme, social_insurance_input

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """The private storage in a temporary folder (the field's storage is resolved when the model loads)."""
    location = tmp_path / "private"
    monkeypatch.setattr(SupportingDocument._meta.get_field("file"), "storage", FileSystemStorage(location=location))
    return location


@pytest.fixture
def applicant(tree):
    return linked_seeker(hard_to_employ_flexible(tree.c1))


@pytest.fixture
def application(applicant):
    social = programme(ProgrammeKind.SOCIAL_INSURANCE,
                       required_documents=[DocumentKind.IDENTITY, DocumentKind.CONTRIBUTION_PROOF])
    return application_submit(actor=applicant, programme=social, **social_insurance_input())


class NeverRead(UploadedFile):
    """An upload that fails the test if anything reads its content (a 50 MB file must be refused
    from its size alone)."""

    def __init__(self, size):
        super().__init__(file=None, name="big.pdf", content_type="application/pdf", size=size)

    def read(self, *args, **kwargs):
        raise AssertionError("the content was read")

    def chunks(self, *args, **kwargs):
        raise AssertionError("the content was read")

    def seek(self, *args, **kwargs):
        raise AssertionError("the content was read")


@pytest.mark.parametrize(("content", "content_type"), [(PDF, "application/pdf"), (PNG, "image/png"),
                                                        (JPEG, "image/jpeg")])
def test_pdf_png_and_jpeg_are_kept_privately_under_a_random_name(applicant, application, private_storage, content,
                                                                   content_type):
    upload = SimpleUploadedFile("../../etc/证明 材料.pdf", content, content_type="text/html")
    document = document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY, upload=upload)
    assert document.content_type == content_type  # what the bytes say, not what the browser said
    assert document.original_name == "证明 材料.pdf"
    assert document.size == len(content) and len(document.sha256) == 64
    stored = private_storage / document.file.name
    assert stored.read_bytes() == content
    assert "证明" not in document.file.name and document.token in document.file.name
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert AuditEvent.objects.filter(event_type="subsidy.document_added", object_id=str(application.pk)).exists()


@pytest.mark.parametrize("content", [HTML, EXE, b"PK\x03\x04zipfile", b"just text"])
def test_a_pdf_that_is_really_html_an_executable_or_anything_else_is_refused(applicant, application, content):
    upload = SimpleUploadedFile("申请表.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY, upload=upload)
    assert caught.value.error_dict["file"][0].code == "wrong_type"
    assert not SupportingDocument.objects.exists()


def test_a_50_mb_file_is_refused_from_its_size_without_reading_it(applicant, application):
    with pytest.raises(ValidationError) as caught:
        document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY,
                     upload=NeverRead(50 * 1024 * 1024))
    error = caught.value.error_dict["file"][0]
    assert error.code == "too_large" and "50.0" in error.messages[0] and "10.0" in error.messages[0]


def test_a_file_just_at_the_limit_is_accepted(applicant, application):
    content = PDF + b"0" * (DOCUMENT_MAX_BYTES - len(PDF))
    document = document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY,
                            upload=SimpleUploadedFile("a.pdf", content))
    assert document.size == DOCUMENT_MAX_BYTES


def test_empty_file_and_unknown_kind_are_refused(applicant, application):
    with pytest.raises(ValidationError) as caught:
        document_add(actor=applicant, application=application, kind="passport",
                     upload=SimpleUploadedFile("a.pdf", b""))
    assert {name: errors[0].code for name, errors in caught.value.error_dict.items()} == {
        "kind": "invalid_choice", "file": "empty"}


def test_at_most_the_limit_of_documents(applicant, application):
    for n in range(DOCUMENTS_PER_APPLICATION_MAX):
        SupportingDocument.objects.create(application=application, kind=DocumentKind.OTHER, original_name=f"{n}.pdf",
                                          content_type="application/pdf", size=1, sha256="0" * 64, token=f"t{n}",
                                          file=f"subsidies/x/t{n}", uploaded_by=applicant)
    with pytest.raises(ValidationError) as caught:
        document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY,
                     upload=SimpleUploadedFile("a.pdf", PDF))
    assert caught.value.error_dict["file"][0].code == "too_many"


def test_only_the_applicant_or_the_community_window_adds_documents_while_open_to_them(tree, applicant, application):
    window = make_staff(StaffRole.CLERK, tree.c1)
    assert document_add(actor=window, application=application, kind=DocumentKind.IDENTITY,
                        upload=SimpleUploadedFile("a.pdf", PDF)).uploaded_by == window
    for stranger in (UserFactory(account_type=AccountType.JOB_SEEKER), make_staff(StaffRole.CLERK, tree.c2),
                     make_staff(StaffRole.CLERK, tree.d1)):
        with pytest.raises(Http404):
            document_add(actor=stranger, application=application, kind=DocumentKind.IDENTITY,
                         upload=SimpleUploadedFile("a.pdf", PDF))
    transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.ACCEPTED, actor=window)
    with pytest.raises(ValidationError) as caught:
        document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY,
                     upload=SimpleUploadedFile("a.pdf", PDF))
    assert caught.value.code == "invalid_transition"


def test_the_versions_required_documents_say_what_is_missing(applicant, application):
    assert {kind for kind, _label in documents_missing(application)} == {"contribution_proof", "identity"}
    document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY,
                 upload=SimpleUploadedFile("a.pdf", PDF))
    assert [kind for kind, _label in documents_missing(application)] == ["contribution_proof"]


# --- Downloads ------------------------------------------------------------------------------------


@pytest.fixture
def document(applicant, application):
    return document_add(actor=applicant, application=application, kind=DocumentKind.IDENTITY,
                        upload=SimpleUploadedFile("身份证.pdf", PDF))


def _assert_download(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_applicant_downloads_their_document_as_an_attachment_and_the_read_is_audited(client, applicant, document):
    client.force_login(applicant)
    _assert_download(client.get(f"/subsidies/my/applications/{document.application_id}/documents/{document.pk}/"))
    read = AuditEvent.objects.get(event_type="subsidy.document_read")
    assert read.kind == AuditKind.READ and read.actor == applicant and read.new_values["document"] == document.pk


@pytest.mark.parametrize("position", ["clerk@community", "clerk@street", "clerk@district", "official@city"])
def test_staff_in_scope_download_through_the_application(client, staff, document, position):
    client.force_login(staff[position])
    _assert_download(client.get(f"/staff/subsidies/applications/{document.application_id}/documents/{document.pk}/"))


def test_strangers_and_staff_out_of_scope_get_not_found(client, tree, document):
    own_url = f"/subsidies/my/applications/{document.application_id}/documents/{document.pk}/"
    staff_url = f"/staff/subsidies/applications/{document.application_id}/documents/{document.pk}/"
    assert client.get(own_url).status_code == 404  # anonymous
    client.force_login(UserFactory(account_type=AccountType.JOB_SEEKER))
    assert client.get(own_url).status_code == 404
    client.force_login(make_staff(StaffRole.CLERK, tree.c2))  # the sibling community
    assert client.get(staff_url).status_code == 404
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))  # another district
    assert client.get(staff_url).status_code == 404
    # A document id of another application under an application one may see is not found either.
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    assert client.get(f"/staff/subsidies/applications/{document.application_id}/documents/{document.pk + 999}/"
                      ).status_code == 404
    assert not AuditEvent.objects.filter(event_type="subsidy.document_read").exists()
