"""Importing the seed's text format: right fields, inconsistencies flagged, re-import updates."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from policy.constants import DocumentStatus, PolicyEvent
from policy.models import PolicyDocument, PolicyVersion
from policy.services import documents
from policy.services.imports import (
    CREATED,
    UNCHANGED,
    UPDATED,
    import_text_from_bytes,
    policy_import,
)
from portal.models import AuditEvent
from tests.policy.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


def test_importing_the_seed_gives_the_right_fields_and_keeps_its_inconsistencies(tree, city_official, seed_text):
    result = policy_import(actor=city_official, text=seed_text, area=tree.city, file_name="seed.txt")
    document = result.document
    assert result.outcome == CREATED and document.status == DocumentStatus.DRAFT
    assert document.title == "武汉市人民政府办公厅转发市人力资源和社会保障局关于进一步完善就业服务管理工作机制意见的通知"
    assert (document.document_number, document.issuer, document.source, document.category) == (
        "武政办〔2009〕138号", "银川市人民政府", "银川市", "政策参考")
    assert (document.publish_date, document.effective_date, document.expiry_date) == (
        datetime.date(2009, 9, 4), datetime.date(2009, 9, 4), None)
    assert document.body.startswith("(武政办〔2009〕138号)") and "好律师" not in document.body
    assert document.area == tree.city
    assert {note["code"] for note in document.import_notes} == {
        "issuer_place_mismatch", "source_place_mismatch", "date_mismatch"}
    version = document.versions.get()
    assert "seed.txt" in version.note
    assert AuditEvent.objects.filter(event_type=PolicyEvent.POLICY_DOCUMENT_IMPORTED,
                                     object_id=str(document.pk)).count() == 1


def test_importing_the_same_file_again_changes_nothing_and_a_changed_copy_is_a_new_version(
        tree, city_official, seed_text):
    first = policy_import(actor=city_official, text=seed_text, area=tree.city).document
    again = policy_import(actor=city_official, text=seed_text, area=tree.city)
    assert again.outcome == UNCHANGED and again.document.pk == first.pk and again.version is None
    corrected = seed_text.replace("【发布单位】银川市人民政府", "【发布单位】武汉市人民政府办公厅").replace(
        "【文件来源】银川市", "【文件来源】武汉市")
    result = policy_import(actor=city_official, text=corrected, area=tree.city)
    assert result.outcome == UPDATED and result.document.pk == first.pk and result.version.number == 2
    assert result.document.issuer == "武汉市人民政府办公厅"
    assert [n["code"] for n in result.document.import_notes] == ["date_mismatch"]
    assert PolicyDocument.objects.count() == 1 and PolicyVersion.objects.count() == 2


def test_the_same_number_spelled_differently_with_the_same_title_updates_the_document(
        tree, city_official, seed_text):
    policy_import(actor=city_official, text=seed_text, area=tree.city)
    respelled = seed_text.replace("【发布文号】武政办〔2009〕138号", "【发布文号】武政办[2009]138号").replace(
        "【发布单位】银川市人民政府", "【发布单位】武汉市人民政府")
    result = policy_import(actor=city_official, text=respelled, area=tree.city)
    assert result.outcome == UPDATED and PolicyDocument.objects.count() == 1


def test_the_same_number_from_another_issuer_with_another_title_is_refused(tree, city_official, seed_text):
    PolicyDocumentFactory(document_number="武政办〔2009〕138号", issuer="武汉市财政局", title="另一份文件",
                          published=True)
    with pytest.raises(ValidationError) as caught:
        policy_import(actor=city_official, text=seed_text, area=tree.city)
    assert [e.code for e in caught.value.error_dict["document_number"]] == ["duplicate"]
    assert "武汉市财政局" in caught.value.error_dict["document_number"][0].message
    assert PolicyDocument.objects.count() == 1


def test_a_file_not_in_the_format_says_which_part_is_missing_and_saves_nothing(tree, city_official, seed_text):
    broken = "\n".join(line for line in seed_text.split("\n") if "【发布文号】" not in line and "【生效日期】" not in line)
    with pytest.raises(ValidationError) as caught:
        policy_import(actor=city_official, text=broken, area=tree.city)
    errors = caught.value.error_dict["file"]
    assert [e.code for e in errors] == ["missing_field", "missing_field"]
    assert "【发布文号】" in errors[0].message and "【生效日期】" in errors[1].message
    with pytest.raises(ValidationError) as caught:
        policy_import(actor=city_official, text="这不是政策文件。", area=tree.city)
    assert [e.code for e in caught.value.error_dict["file"]] == ["missing_metadata"]
    assert not PolicyDocument.objects.exists() and not PolicyVersion.objects.exists()
    assert not AuditEvent.objects.filter(event_type=PolicyEvent.POLICY_DOCUMENT_IMPORTED).exists()


def test_an_import_with_expiry_before_effective_date_is_refused(tree, city_official, seed_text):
    text = seed_text.replace("【失效日期】--", "【失效日期】2009-01-01")
    with pytest.raises(ValidationError) as caught:
        policy_import(actor=city_official, text=text, area=tree.city)
    assert [e.code for e in caught.value.error_dict["file"]] == ["expiry_before_effective"]


def test_script_in_a_body_is_kept_as_text(tree, city_official, seed_text):
    text = seed_text.replace("以上意见如无不妥", "<script>alert('x')</script>以上意见如无不妥")
    document = policy_import(actor=city_official, text=text, area=tree.city).document
    assert "<script>alert('x')</script>" in document.body


def test_a_district_editor_cannot_import_city_wide_or_update_a_city_document(tree, city_official, district_clerk,
                                                                             seed_text):
    with pytest.raises(Http404):
        policy_import(actor=district_clerk, text=seed_text, area=tree.city)
    policy_import(actor=city_official, text=seed_text, area=tree.city)
    with pytest.raises(Http404):
        policy_import(actor=district_clerk, text=seed_text.replace("请认真组织实施", "请组织实施"), area=tree.d1)
    assert PolicyVersion.objects.count() == 1


def test_reimporting_a_document_in_review_is_refused_until_it_is_returned(tree, city_official, seed_text):
    document = policy_import(actor=city_official, text=seed_text, area=tree.city).document
    documents.document_submit(actor=city_official, document=document)
    with pytest.raises(ValidationError) as caught:
        policy_import(actor=city_official, text=seed_text.replace("请认真组织实施", "请组织实施"), area=tree.city)
    assert caught.value.code == "not_editable"


def test_the_command_system_import_needs_no_actor(tree, seed_text):
    result = policy_import(actor=None, text=seed_text, area=tree.city)
    assert result.outcome == CREATED and result.document.created_by is None


def test_uploaded_bytes_are_decoded_or_refused():
    assert import_text_from_bytes("【发布单位】武汉".encode("gb18030")) == "【发布单位】武汉"
    for data, code in ((b"", "empty"), (b"\xff\xfe\x00\xd8\x00", "encoding"), (b"x" * 1_000_001, "too_large")):
        with pytest.raises(ValidationError) as caught:
            import_text_from_bytes(data)
        assert [e.code for e in caught.value.error_dict["file"]] == [code]
