"""Policy documents: who writes and reviews, versions, publication, relations, nightly expiry."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from policy import tasks
from policy.constants import DocumentStatus, PolicyEvent, RelationKind
from policy.models import PolicyDocument, PolicyVersion
from policy.services import documents as services
from portal.models import AuditEvent, StatusChange
from portal.workflow import status_history
from tests.policy.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


def values(area, **overrides) -> dict:
    return {"area": area, "title": "关于做好2026年高校毕业生就业工作的通知", "document_number": "武人社发〔2026〕3号",
            "issuer": "武汉市人力资源和社会保障局", "publish_date": datetime.date(2026, 3, 1),
            "effective_date": datetime.date(2026, 3, 1), "expiry_date": None, "source": "武汉市",
            "category": "就业创业", "body": "各区人力资源局：\n请做好毕业生就业工作。", **overrides}


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


def publish(document, editor, reviewer):
    services.document_submit(actor=editor, document=document)
    return services.document_publish(actor=reviewer, document=document)


# --- Writing and versions ---------------------------------------------------------------------


def test_a_city_editor_writes_a_city_wide_draft_with_its_first_version(tree, city_official):
    document = services.document_create(actor=city_official, **values(tree.city))
    assert document.status == DocumentStatus.DRAFT and document.area == tree.city
    assert document.number_key == "武人社发〔2026〕3号"
    version = document.versions.get()
    assert (version.number, version.title, version.created_by) == (1, document.title, city_official)
    assert AuditEvent.objects.filter(event_type=PolicyEvent.POLICY_DOCUMENT_CREATED, object_id=str(document.pk),
                                     actor=city_official).exists()


def test_district_staff_write_their_district_documents_but_not_city_wide_or_another_district(
        tree, district_clerk, street_clerk):
    document = services.document_create(actor=district_clerk, **values(tree.d1))
    assert document.area == tree.d1
    with pytest.raises(Http404):
        services.document_create(actor=district_clerk, **values(tree.city, document_number="武人社发〔2026〕4号"))
    with pytest.raises(Http404):
        services.document_create(actor=district_clerk, **values(tree.d2, document_number="武人社发〔2026〕5号"))
    with pytest.raises(Http404):  # street windows do not publish policy
        services.document_create(actor=street_clerk, **values(tree.d1, document_number="武人社发〔2026〕6号"))
    assert PolicyDocument.objects.count() == 1


def test_a_document_applies_city_wide_or_to_one_district(tree, city_official):
    with pytest.raises(ValidationError) as caught:
        services.document_create(actor=city_official, **values(tree.s1))
    assert codes(caught.value) == {"area": ["level"]}


def test_expiry_before_effective_date_and_missing_fields_are_refused_and_nothing_is_saved(tree, city_official):
    with pytest.raises(ValidationError) as caught:
        services.document_create(actor=city_official, **values(
            tree.city, title=" ", body="", expiry_date=datetime.date(2026, 2, 1)))
    assert codes(caught.value) == {"title": ["required"], "body": ["required"], "expiry_date": ["order"]}
    assert not PolicyDocument.objects.exists() and not PolicyVersion.objects.exists()


def test_a_duplicate_document_number_in_any_spelling_is_refused_naming_the_other_issuer(tree, city_official):
    PolicyDocumentFactory(document_number="武人社发〔2026〕3号", issuer="武汉市财政局", published=True)
    for spelling in ("武人社发〔2026〕3号", "武人社发[2026]3号", "武人社发（２０２６）3号"):
        with pytest.raises(ValidationError) as caught:
            services.document_create(actor=city_official, **values(tree.city, document_number=spelling))
        assert codes(caught.value) == {"document_number": ["duplicate"]}
        assert "武汉市财政局" in caught.value.error_dict["document_number"][0].message
    assert PolicyDocument.objects.count() == 1


def test_a_duplicate_number_of_an_unpublished_document_out_of_scope_is_not_described(
        tree, district_clerk, other_district_official):
    hidden = PolicyDocumentFactory(area=tree.d2, document_number="武昌人社〔2026〕1号", title="武昌区内部草稿")
    with pytest.raises(ValidationError) as caught:
        services.document_create(actor=district_clerk, **values(tree.d1, document_number="武昌人社〔2026〕1号"))
    message = caught.value.error_dict["document_number"][0].message
    assert hidden.title not in message and hidden.issuer not in message


def test_every_saved_change_writes_a_new_immutable_version(tree, city_official):
    document = services.document_create(actor=city_official, **values(tree.city))
    document, version = services.document_update(actor=city_official, document=document,
                                                 **values(tree.city, body="各区人力资源局：\n第二稿。"), note="第二稿")
    assert version.number == 2 and version.body == "各区人力资源局：\n第二稿。" and version.note == "第二稿"
    assert document.body == version.body
    _unchanged, none = services.document_update(actor=city_official, document=document,
                                               **values(tree.city, body="各区人力资源局：\n第二稿。"))
    assert none is None and document.versions.count() == 2
    first = document.versions.get(number=1)
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
    with pytest.raises(ValidationError):
        PolicyVersion.objects.filter(pk=first.pk).update(title="改")
    assert PolicyVersion.objects.get(pk=first.pk).body == "各区人力资源局：\n请做好毕业生就业工作。"


# --- Review and publication --------------------------------------------------------------------


def test_draft_goes_to_review_then_a_reviewer_publishes_the_latest_version(tree, city_official, district_clerk,
                                                                          district_official):
    document = services.document_create(actor=district_clerk, **values(tree.d1))
    document = services.document_submit(actor=district_clerk, document=document)
    assert document.status == DocumentStatus.IN_REVIEW
    with pytest.raises(Http404):  # a clerk edits but does not publish
        services.document_publish(actor=district_clerk, document=document)
    document = services.document_publish(actor=district_official, document=document)
    assert document.status == DocumentStatus.PUBLISHED and document.published_at is not None
    assert document.published_version.number == 1
    assert [c.to_status for c in status_history(instance=document)] == ["in_review", "published"]
    assert "就业" in PolicyDocument.objects.get(pk=document.pk).search_text


def test_the_reviewer_who_sent_a_document_for_review_does_not_publish_it(tree, district_clerk, district_official,
                                                                         city_official):
    document = services.document_create(actor=district_clerk, **values(tree.d1))
    services.document_submit(actor=district_official, document=document)
    with pytest.raises(ValidationError) as caught:
        services.document_publish(actor=district_official, document=document)
    assert caught.value.code == "same_actor"
    assert services.document_publish(actor=city_official, document=document).status == DocumentStatus.PUBLISHED


def test_the_reviewer_who_wrote_the_version_does_not_publish_it(tree, district_clerk, district_official,
                                                                city_official):
    document = services.document_create(actor=district_official, **values(tree.d1))
    services.document_submit(actor=district_clerk, document=document)
    with pytest.raises(ValidationError) as caught:
        services.document_publish(actor=district_official, document=document)
    assert caught.value.code == "same_actor"
    document = services.document_publish(actor=city_official, document=document)
    # A change the reviewer saves to the published document waits for another reviewer too.
    services.document_update(actor=district_official, document=document, **values(tree.d1, title="补充通知"))
    with pytest.raises(ValidationError) as caught:
        services.document_publish(actor=district_official, document=document)
    assert caught.value.code == "same_actor"
    document = services.document_publish(actor=city_official, document=document)
    assert document.published_version.number == 2


def test_wrong_role_or_tier_is_refused_by_the_service_itself_on_every_step(tree, district_clerk, street_clerk,
                                                                           district_official):
    document = services.document_create(actor=district_clerk, **values(tree.d1))
    with pytest.raises(Http404):  # a street window does not send policy for review
        services.document_submit(actor=street_clerk, document=document)
    services.document_submit(actor=district_clerk, document=document)
    with pytest.raises(Http404):  # a clerk edits but does not return
        services.document_return(actor=district_clerk, document=document, reason="文号有误")
    services.document_publish(actor=district_official, document=document)
    with pytest.raises(Http404):  # nor repeal
        services.document_repeal(actor=district_clerk, document=document, reason="废止")
    assert PolicyDocument.objects.get(pk=document.pk).status == DocumentStatus.PUBLISHED


def test_a_reviewer_returns_a_document_with_a_reason(tree, district_clerk, district_official):
    document = services.document_submit(actor=district_clerk,
                                        document=services.document_create(actor=district_clerk, **values(tree.d1)))
    with pytest.raises(ValidationError) as caught:
        services.document_return(actor=district_official, document=document, reason=" ")
    assert codes(caught.value) == {"reason": ["required"]}
    document = services.document_return(actor=district_official, document=document, reason="文号有误")
    assert document.status == DocumentStatus.DRAFT and document.status_reason == "文号有误"


def test_another_district_cannot_review_and_publishing_a_draft_is_refused(tree, district_clerk, district_official,
                                                                          other_district_official):
    document = services.document_create(actor=district_clerk, **values(tree.d1))
    with pytest.raises(ValidationError) as caught:
        services.document_publish(actor=district_official, document=document)
    assert caught.value.code == "invalid_transition"
    services.document_submit(actor=district_clerk, document=document)
    with pytest.raises(Http404):
        services.document_publish(actor=other_district_official, document=document)


def test_a_change_to_a_published_document_waits_for_the_reviewer(tree, district_clerk, district_official):
    document = publish(services.document_create(actor=district_clerk, **values(tree.d1)), district_clerk,
                       district_official)
    document, _version = services.document_update(actor=district_clerk, document=document,
                                                  **values(tree.d1, title="关于做好2026年高校毕业生就业工作的补充通知"))
    document.refresh_from_db()
    assert document.status == DocumentStatus.PUBLISHED
    assert document.published_version.number == 1 and document.published_version.title.endswith("工作的通知")
    assert "补充" not in document.search_text
    document = services.document_publish(actor=district_official, document=document)
    document.refresh_from_db()
    assert document.published_version.number == 2 and "补充" in document.search_text
    with pytest.raises(ValidationError) as caught:
        services.document_publish(actor=district_official, document=document)
    assert caught.value.code == "nothing_to_publish"


def test_a_document_in_review_cannot_be_edited(tree, district_clerk, district_official):
    document = services.document_submit(actor=district_clerk,
                                        document=services.document_create(actor=district_clerk, **values(tree.d1)))
    with pytest.raises(ValidationError) as caught:
        services.document_update(actor=district_clerk, document=document, **values(tree.d1, title="改"))
    assert caught.value.code == "not_editable"


def test_a_reviewer_repeals_a_published_document_with_a_reason(tree, district_clerk, district_official):
    document = publish(services.document_create(actor=district_clerk, **values(tree.d1)), district_clerk,
                       district_official)
    document = services.document_repeal(actor=district_official, document=document, reason="已被新文件替代")
    assert document.status == DocumentStatus.REPEALED
    with pytest.raises(ValidationError):
        services.document_repeal(actor=district_official, document=document, reason="再次")


# --- Relations ---------------------------------------------------------------------------------


def test_publishing_a_document_that_repeals_another_marks_the_other_repealed(tree, city_official, city_admin):
    old = PolicyDocumentFactory(published=True, title="旧通知")
    new = services.document_create(actor=city_official, **values(tree.city))
    services.relation_add(actor=city_official, document=new, target=old, kind=RelationKind.REPEALS)
    old.refresh_from_db()
    assert old.status == DocumentStatus.PUBLISHED  # not before the new one is published
    publish(new, city_official, city_admin)
    old.refresh_from_db()
    assert old.status == DocumentStatus.REPEALED and "武人社发〔2026〕3号" in old.status_reason
    change = StatusChange.objects.get(object_id=str(old.pk), to_status="repealed")
    assert change.actor == city_admin  # the reviewer who published the repealing document


def test_a_published_document_that_gets_a_repeal_relation_repeals_at_once(tree, city_official):
    old = PolicyDocumentFactory(published=True)
    new = PolicyDocumentFactory(published=True)
    services.relation_add(actor=city_official, document=new, target=old, kind=RelationKind.REPEALS)
    old.refresh_from_db()
    assert old.status == DocumentStatus.REPEALED


def test_a_district_cannot_repeal_a_city_document_but_may_amend_it(tree, district_clerk, district_official):
    city_doc = PolicyDocumentFactory(published=True)
    mine = services.document_create(actor=district_clerk, **values(tree.d1))
    with pytest.raises(ValidationError) as caught:
        services.relation_add(actor=district_official, document=mine, target=city_doc, kind=RelationKind.REPEALS)
    assert codes(caught.value) == {"target": ["out_of_scope"]}
    services.relation_add(actor=district_clerk, document=mine, target=city_doc, kind=RelationKind.AMENDS)
    with pytest.raises(ValidationError) as caught:
        services.relation_add(actor=district_clerk, document=mine, target=city_doc, kind=RelationKind.AMENDS)
    assert codes(caught.value) == {"target": ["duplicate"]}
    with pytest.raises(ValidationError) as caught:
        services.relation_add(actor=district_clerk, document=mine, target=mine, kind=RelationKind.AMENDS)
    assert codes(caught.value) == {"target": ["itself"]}


def test_an_unpublished_document_of_another_district_cannot_be_a_relation_target(tree, district_clerk):
    hidden = PolicyDocumentFactory(area=tree.d2)
    mine = services.document_create(actor=district_clerk, **values(tree.d1))
    with pytest.raises(ValidationError) as caught:
        services.relation_add(actor=district_clerk, document=mine, target=hidden, kind=RelationKind.AMENDS)
    assert codes(caught.value) == {"target": ["unknown"]}


# --- Nightly expiry ----------------------------------------------------------------------------


def test_the_nightly_task_expires_published_documents_past_their_expiry_date_and_reruns_cleanly(tree):
    today = timezone.localdate()
    due = PolicyDocumentFactory(published=True, effective_date=today - datetime.timedelta(days=30),
                                expiry_date=today - datetime.timedelta(days=1))
    last_day = PolicyDocumentFactory(published=True, effective_date=today - datetime.timedelta(days=30),
                                     expiry_date=today)
    draft = PolicyDocumentFactory(effective_date=today - datetime.timedelta(days=30),
                                  expiry_date=today - datetime.timedelta(days=1))
    assert tasks.documents_expire.delay().get() == 1
    assert tasks.documents_expire.delay().get() == 0
    statuses = dict(PolicyDocument.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "expired", last_day.pk: "published", draft.pk: "draft"}
    change = StatusChange.objects.get(object_id=str(due.pk))
    assert (change.from_status, change.to_status, change.actor) == ("published", "expired", None)
