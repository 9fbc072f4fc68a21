"""Public document search: Chinese keywords and document numbers in any spelling, filters, order."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from policy import tasks
from policy.constants import DocumentStatus, Validity
from policy.selectors.documents import (
    SORT_DATE,
    DocumentFilters,
    document_filter_choices,
    document_search,
)
from policy.services import documents
from policy.services.imports import policy_import
from tests.policy.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_document(tree, city_official, city_admin, seed_text):
    """Imported and sent for review by one city official, published by another reviewer."""
    document = policy_import(actor=city_official, text=seed_text, area=tree.city).document
    documents.document_submit(actor=city_official, document=document)
    return documents.document_publish(actor=city_admin, document=document)


def found(q="", full_text=True, **filters) -> list[int]:
    return [d.pk for d in document_search(fetched_by=None, filters=DocumentFilters(q=q, **filters),
                                          full_text=full_text)]


@pytest.mark.parametrize("full_text", [True, False], ids=["postgresql", "fallback"])
@pytest.mark.parametrize("query", ["就业服务", "武政办〔2009〕138号", "武政办[2009]138号", "武政办（2009）138号",
                                   "武政办(２００９)１３８号", "138号", "武政办 138"])
def test_the_seed_is_found_by_keyword_and_by_its_number_in_any_spelling(seed_document, query, full_text):
    PolicyDocumentFactory(published=True, title="关于做好职业培训工作的通知", body="职业培训补贴。")
    assert found(query, full_text=full_text) == [seed_document.pk]


def test_a_keyword_that_is_not_in_any_document_finds_nothing(seed_document):
    assert found("小额担保贷款贴息") == []
    assert found("武政办〔2009〕139号") == []


def test_drafts_and_documents_in_review_are_not_found(tree, city_official, seed_text):
    document = policy_import(actor=city_official, text=seed_text, area=tree.city).document
    assert found("就业服务") == []
    documents.document_submit(actor=city_official, document=document)
    assert found("就业服务") == []


def test_search_reads_the_published_version_not_a_pending_change(seed_document, city_official):
    values = {name: getattr(seed_document, name) for name in documents.DOCUMENT_FIELDS}
    values["title"] = "关于创业担保的通知"
    values["body"] = "创业担保贷款。"
    documents.document_update(actor=city_official, document=seed_document, **values)
    assert found("就业服务") == [seed_document.pk]
    assert found("创业担保") == []


def test_filters_by_category_issuer_year_and_validity(tree):
    today = timezone.localdate()
    a = PolicyDocumentFactory(published=True, category="就业创业", issuer="武汉市人民政府",
                              publish_date=datetime.date(2024, 5, 1))
    b = PolicyDocumentFactory(published=True, category="职业培训", issuer="武汉市人力资源和社会保障局",
                              publish_date=datetime.date(2023, 5, 1))
    c = PolicyDocumentFactory(published=True, category="职业培训", issuer="武汉市人力资源和社会保障局",
                              publish_date=datetime.date(2024, 6, 1), status=DocumentStatus.EXPIRED)
    future = PolicyDocumentFactory(published=True, effective_date=today + datetime.timedelta(days=5),
                                   publish_date=today)
    assert found(category="职业培训") == [c.pk, b.pk]
    assert found(issuer="武汉市人民政府") == [a.pk]
    assert found(year=2024) == [c.pk, a.pk]
    assert found(validity=Validity.IN_FORCE) == [a.pk, b.pk]
    assert found(validity=Validity.EXPIRED) == [c.pk]
    assert found(validity=Validity.NOT_YET_EFFECTIVE) == [future.pk]
    choices = document_filter_choices()
    assert choices["categories"] == ["就业创业", "职业培训"]
    assert 2023 in choices["years"] and choices["years"][0] == today.year


def test_relevance_puts_the_better_match_first_and_date_sorts_newest_first(tree):
    once = PolicyDocumentFactory(published=True, title="关于社区工作的通知", body="提到一次就业服务。",
                                 publish_date=datetime.date(2025, 1, 1))
    often = PolicyDocumentFactory(published=True, title="就业服务管理办法", body="就业服务。就业服务。就业服务。",
                                  publish_date=datetime.date(2020, 1, 1))
    assert found("就业服务") == [often.pk, once.pk]
    assert found("就业服务", sort=SORT_DATE) == [once.pk, often.pk]


def test_an_expired_document_leaves_the_in_force_list_after_the_nightly_run(tree):
    today = timezone.localdate()
    document = PolicyDocumentFactory(published=True, effective_date=today - datetime.timedelta(days=100),
                                     expiry_date=today - datetime.timedelta(days=1))
    assert found(validity=Validity.IN_FORCE) == [document.pk]
    tasks.documents_expire.delay().get()
    assert found(validity=Validity.IN_FORCE) == []
    assert found(validity=Validity.EXPIRED) == [document.pk]
    assert found("就业") == [document.pk]  # still public, with its badge
