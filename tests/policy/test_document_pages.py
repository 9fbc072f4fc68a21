"""Policy document pages: the public search and page, and the staff pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policy.constants import DocumentStatus
from policy.models import PolicyAttachment, PolicyDocument, PolicyVersion
from policy.services import documents as services
from policy.services.imports import policy_import
from tests.policy.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("policy:document-search")


def error_codes(form) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}


@pytest.fixture
def seed_document(tree, city_official, city_admin, seed_text):
    """Imported and sent for review by one city official, published by another reviewer."""
    document = policy_import(actor=city_official, text=seed_text, area=tree.city).document
    services.document_submit(actor=city_official, document=document)
    return services.document_publish(actor=city_admin, document=document)


def form_data(area, **overrides) -> dict:
    return {"title": "关于做好就业援助工作的通知", "document_number": "武人社发〔2026〕8号",
            "issuer": "武汉市人力资源和社会保障局", "publish_date": "2026-03-01", "effective_date": "2026-03-01",
            "expiry_date": "", "source": "武汉市", "category": "就业援助", "area": area.code,
            "body": "各区：\n请做好就业援助。", "note": "", **overrides}


# --- Public pages -------------------------------------------------------------------------------


def test_the_public_search_finds_the_seed_by_keyword_and_number(client, seed_document):
    for query in ("就业服务", "武政办[2009]138号"):
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200
        assert [d.pk for d in response.context["documents"]] == [seed_document.pk]
    html = client.get(SEARCH, {"q": "就业服务"}).content.decode()
    assert "武政办〔2009〕138号" in html and 'class="badge validity in_force"' in html


def test_the_public_search_shows_the_published_version_and_hides_drafts(client, tree, city_official):
    draft = PolicyDocumentFactory(title="草稿文件")
    published = PolicyDocumentFactory(published=True, title="已发布文件")
    html = client.get(SEARCH).content.decode()
    assert "已发布文件" in html and "草稿文件" not in html
    assert client.get(reverse("policy:document-detail", args=[draft.pk])).status_code == 404
    values = {name: getattr(published, name) for name in services.DOCUMENT_FIELDS}
    services.document_update(actor=city_official, document=published, **{**values, "title": "修改中的标题"})
    html = client.get(reverse("policy:document-detail", args=[published.pk])).content.decode()
    assert "已发布文件" in html and "修改中的标题" not in html


def test_a_bad_filter_value_is_shown_beside_its_field(client, seed_document):
    response = client.get(SEARCH, {"year": "1999", "q": "x" * 101})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "q"}
    assert list(response.context["documents"]) == []
    assert 'id="id_q_error"' in response.content.decode()


def test_the_search_page_keeps_a_constant_query_count(client, tree):
    PolicyDocumentFactory(published=True)
    with CaptureQueriesContext(connection) as small:
        client.get(SEARCH, {"q": "就业"})
    for index in range(12):
        PolicyDocumentFactory(published=True, category=f"类别{index % 3}")
    with CaptureQueriesContext(connection) as large:
        response = client.get(SEARCH, {"q": "就业"})
    assert len(response.context["documents"]) == 13
    assert len(large) == len(small)


def test_the_document_page_shows_metadata_badge_related_documents_and_guides(client, tree, city_official,
                                                                            city_admin, seed_document):
    newer = PolicyDocumentFactory(title="关于进一步完善就业服务的补充通知")
    services.relation_add(actor=city_official, document=newer, target=seed_document, kind="amends")
    services.document_submit(actor=city_official, document=newer)
    services.document_publish(actor=city_admin, document=newer)
    response = client.get(reverse("policy:document-detail", args=[seed_document.pk]))
    html = response.content.decode()
    for text in ("银川市人民政府", "武政办〔2009〕138号", "2009-09-04", "政策参考", 'class="badge validity in_force"',
                 "关于进一步完善就业服务的补充通知"):
        assert text in html
    related = response.context["document"].related
    assert [(item.document.pk, item.relation.kind) for item in related] == [(newer.pk, "amends")]
    assert "好律师" not in html


def test_script_in_a_body_is_shown_as_text(client, tree):
    document = PolicyDocumentFactory(published=True, body="<script>alert('x')</script>第一条。", title="<b>标题</b>")
    html = client.get(reverse("policy:document-detail", args=[document.pk])).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "&lt;b&gt;标题&lt;/b&gt;" in html


def test_an_expired_document_shows_its_badge_after_the_nightly_run(client, tree):
    from policy.tasks import documents_expire

    today = timezone.localdate()
    document = PolicyDocumentFactory(published=True, effective_date=today - datetime.timedelta(days=10),
                                     expiry_date=today - datetime.timedelta(days=1))
    assert [d.pk for d in client.get(SEARCH, {"validity": "in_force"}).context["documents"]] == [document.pk]
    documents_expire.delay()
    assert list(client.get(SEARCH, {"validity": "in_force"}).context["documents"]) == []
    html = client.get(reverse("policy:document-detail", args=[document.pk])).content.decode()
    assert 'class="badge validity expired"' in html


def test_public_attachments_download_only_for_published_documents(client, tree, city_official):
    published = PolicyDocumentFactory(published=True)
    draft = PolicyDocumentFactory()
    a = services.attachment_add(actor=city_official, document=published, name="附件1.pdf",
                                content_type="application/pdf", data=b"%PDF-1.4 test")
    b = services.attachment_add(actor=city_official, document=draft, name="附件2.pdf",
                                content_type="application/pdf", data=b"%PDF-1.4 draft")
    response = client.get(reverse("policy:attachment-download", args=[published.pk, a.pk]))
    assert response.status_code == 200 and response.content == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("policy:attachment-download", args=[draft.pk, b.pk])).status_code == 404
    assert client.get(reverse("policy:attachment-download", args=[published.pk, b.pk])).status_code == 404


# --- Staff pages --------------------------------------------------------------------------------


def test_a_district_editor_writes_a_document_through_the_form(client, tree, district_clerk):
    client.force_login(district_clerk)
    assert client.get(reverse("staff-policy:document-create")).status_code == 200
    response = client.post(reverse("staff-policy:document-create"), form_data(tree.d1))
    document = PolicyDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff-policy:document-detail", args=[document.pk])
    assert document.area == tree.d1 and document.status == DocumentStatus.DRAFT


def test_the_form_keeps_the_input_and_shows_errors_beside_the_fields(client, tree, city_official):
    PolicyDocumentFactory(document_number="武人社发〔2026〕8号", issuer="武汉市财政局", published=True)
    client.force_login(city_official)
    response = client.post(reverse("staff-policy:document-create"),
                           form_data(tree.city, expiry_date="2026-01-01", title="保留的标题"))
    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"document_number": ["duplicate"], "expiry_date": ["order"]}
    html = response.content.decode()
    assert 'value="保留的标题"' in html and 'id="id_expiry_date_error"' in html and "武汉市财政局" in html
    assert PolicyDocument.objects.count() == 1


def test_a_district_editor_cannot_choose_the_city_or_another_district(client, tree, district_clerk):
    client.force_login(district_clerk)
    response = client.post(reverse("staff-policy:document-create"), form_data(tree.city))
    assert response.status_code == 200 and "area" in response.context["form"].errors
    assert not PolicyDocument.objects.exists()


def test_street_and_community_staff_may_read_but_not_write(client, tree, street_clerk):
    client.force_login(street_clerk)
    assert client.get(reverse("staff-policy:document-list")).status_code == 200
    assert client.get(reverse("staff-policy:document-create")).status_code == 403
    assert client.get(reverse("staff-policy:document-import")).status_code == 403


def test_the_import_page_previews_then_saves(client, tree, city_official, seed_text):
    client.force_login(city_official)
    upload = SimpleUploadedFile("seed.txt", seed_text.encode("utf-8"), content_type="text/plain")
    response = client.post(reverse("staff-policy:document-import"), {"file": upload, "area": tree.city.code})
    assert response.status_code == 200 and not PolicyDocument.objects.exists()
    html = response.content.decode()
    assert "银川市" in html and "武汉市" in html and "二00九年九月二十五日" in html  # the warnings
    assert "武政办〔2009〕138号" in html and 'name="confirm"' in html
    parsed = response.context["parsed"]
    response = client.post(reverse("staff-policy:document-import"),
                           {"text": seed_text, "file_name": "seed.txt", "area": tree.city.code, "confirm": "1"})
    document = PolicyDocument.objects.get()
    assert response.status_code == 302 and document.title == parsed.title
    response = client.get(reverse("staff-policy:document-detail", args=[document.pk]))
    assert 'aria-labelledby="notes-heading"' in response.content.decode()
    assert {n["code"] for n in response.context["document"].import_notes} == {
        "issuer_place_mismatch", "source_place_mismatch", "date_mismatch"}


def test_the_import_page_says_which_part_of_a_bad_file_is_missing(client, tree, city_official):
    client.force_login(city_official)
    upload = SimpleUploadedFile("bad.txt", "关于某事的通知\n\n正文".encode(), content_type="text/plain")
    response = client.post(reverse("staff-policy:document-import"), {"file": upload, "area": tree.city.code})
    assert response.status_code == 200
    assert [e.code for e in response.context["parsed"].errors] == ["missing_metadata"]
    assert "【发布单位】" in response.content.decode() and 'name="confirm"' not in response.content.decode()
    response = client.post(reverse("staff-policy:document-import"),
                           {"text": "关于某事的通知", "area": tree.city.code, "confirm": "1"})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not PolicyDocument.objects.exists()


def test_editor_submits_reviewer_publishes_through_the_pages(client, tree, district_clerk, district_official):
    client.force_login(district_clerk)
    client.post(reverse("staff-policy:document-create"), form_data(tree.d1))
    document = PolicyDocument.objects.get()
    detail = reverse("staff-policy:document-detail", args=[document.pk])
    assert client.post(reverse("staff-policy:document-submit", args=[document.pk]), {"note": ""})["Location"] == detail
    assert client.post(reverse("staff-policy:document-publish", args=[document.pk])).status_code == 404
    client.force_login(district_official)
    response = client.post(reverse("staff-policy:document-return", args=[document.pk]), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["reason_form"].errors
    client.post(reverse("staff-policy:document-publish", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == DocumentStatus.PUBLISHED


def test_editing_a_published_document_makes_a_pending_version_and_compare_shows_it_escaped(
        client, tree, city_official, city_admin):
    document = PolicyDocumentFactory(published=True, body="第一条 原文。\n第二条 不变。")
    client.force_login(city_official)
    data = form_data(tree.city, title=document.title, document_number=document.document_number,
                     body="第一条 <script>新文</script>。\n第二条 不变。", note="改第一条")
    response = client.post(reverse("staff-policy:document-detail", args=[document.pk]), data)
    assert response.status_code == 302
    assert PolicyVersion.objects.filter(document=document).count() == 2
    response = client.get(reverse("staff-policy:document-detail", args=[document.pk]))
    assert response.context["pending_version"].number == 2
    publish = reverse("staff-policy:document-publish", args=[document.pk])
    assert publish not in response.content.decode()  # the official who saved it does not publish it
    client.force_login(city_admin)
    assert publish in client.get(reverse("staff-policy:document-detail", args=[document.pk])).content.decode()
    compare = reverse("staff-policy:document-compare", args=[document.pk])
    for mode in ("unified", "side"):
        html = client.get(compare, {"a": 1, "b": 2, "mode": mode}).content.decode()
        assert "&lt;script&gt;" in html and "<script>新文" not in html
    response = client.get(compare, {"a": 1, "b": 2})
    changes = {c.name for c in response.context["comparison"].changes}
    assert {"category", "publish_date"} <= changes and response.context["comparison"].body_changed
    assert client.get(compare, {"a": 1, "b": 9}).status_code == 404
    assert client.get(reverse("staff-policy:document-version", args=[document.pk, 1])).status_code == 200


def test_relations_and_attachments_through_the_pages(client, tree, city_official):
    old = PolicyDocumentFactory(published=True, document_number="武政〔2001〕1号")
    new = PolicyDocumentFactory()
    client.force_login(city_official)
    response = client.post(reverse("staff-policy:relation-add", args=[new.pk]),
                           {"kind": "repeals", "target": "武政[2001]1号"})
    assert response.status_code == 302 and new.relations_out.get().target == old
    response = client.post(reverse("staff-policy:relation-add", args=[new.pk]), {"kind": "amends", "target": "无此文号"})
    assert response.status_code == 200 and "target" in response.context["relation_form"].errors
    upload = SimpleUploadedFile("附件.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("staff-policy:attachment-add", args=[new.pk]), {"file": upload})
    assert response.status_code == 200 and error_codes(response.context["attachment_form"]) == {"file": ["file_type"]}
    upload = SimpleUploadedFile("实施细则.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert client.post(reverse("staff-policy:attachment-add", args=[new.pk]), {"file": upload}).status_code == 302
    attachment = PolicyAttachment.objects.get()
    response = client.get(reverse("staff-policy:attachment-download", args=[new.pk, attachment.pk]))
    assert response.content == b"%PDF-1.4"
    relation = new.relations_out.get()
    client.post(reverse("staff-policy:relation-remove", args=[new.pk, relation.pk]))
    assert not new.relations_out.exists()


def test_the_staff_list_keeps_a_constant_query_count(client, tree, city_official):
    PolicyDocumentFactory()
    client.force_login(city_official)
    url = reverse("staff-policy:document-list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(8):
        PolicyDocumentFactory(published=True)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["documents"]) == 9 and len(large) == len(small)


def test_a_district_sees_only_its_own_documents_in_the_staff_list(client, tree, district_clerk):
    mine = PolicyDocumentFactory(area=tree.d1)
    PolicyDocumentFactory(area=tree.d2)
    PolicyDocumentFactory(area=tree.city)
    client.force_login(district_clerk)
    response = client.get(reverse("staff-policy:document-list"))
    assert [d.pk for d in response.context["documents"]] == [mine.pk]


def test_pages_are_ready_for_a_phone(client, seed_document):
    html = client.get(reverse("policy:document-detail", args=[seed_document.pk])).content.decode()
    assert 'name="viewport"' in html and "policy.css" in html
