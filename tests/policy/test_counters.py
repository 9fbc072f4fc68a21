"""The to-do counter policy registers: documents awaiting my review, the ones I may publish now."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from policy.constants import DocumentStatus
from policy.selectors.documents import documents_awaiting_review_count
from policy.services import documents as services
from portal.workflow import available_moves
from tests.policy.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

KEY = "policy.documents_awaiting_review"


def test_it_counts_the_documents_in_review_the_reviewer_may_publish(tree, district_clerk, district_official,
                                                                    other_district_official, city_official):
    mine = [PolicyDocumentFactory(area=tree.d1, status=DocumentStatus.IN_REVIEW) for _ in range(2)]
    PolicyDocumentFactory(area=tree.d1)  # a draft
    PolicyDocumentFactory(area=tree.d2, status=DocumentStatus.IN_REVIEW)  # another district's
    PolicyDocumentFactory(area=tree.city, status=DocumentStatus.IN_REVIEW)  # the city's
    assert documents_awaiting_review_count(district_official) == 2
    assert documents_awaiting_review_count(other_district_official) == 1
    assert documents_awaiting_review_count(city_official) == 4
    assert all("publish" in available_moves(district_official, document) for document in mine)


def test_a_document_the_reviewer_sent_or_saved_is_not_theirs_to_publish(tree, district_clerk, district_official):
    sent = services.document_create(actor=district_clerk, **_values(tree, "武人社发〔2026〕31号"))
    services.document_submit(actor=district_official, document=sent)
    saved = services.document_create(actor=district_official, **_values(tree, "武人社发〔2026〕32号"))
    services.document_submit(actor=district_clerk, document=saved)
    other = services.document_create(actor=district_clerk, **_values(tree, "武人社发〔2026〕33号"))
    services.document_submit(actor=district_clerk, document=other)
    assert documents_awaiting_review_count(district_official) == 1
    assert "publish" not in available_moves(district_official, sent)
    assert "publish" not in available_moves(district_official, saved)


def test_staff_who_review_no_documents_have_no_counter(tree, district_clerk, street_clerk, job_seeker):
    PolicyDocumentFactory(area=tree.d1, status=DocumentStatus.IN_REVIEW)
    assert documents_awaiting_review_count(district_clerk) is None  # an editor, not a reviewer
    assert documents_awaiting_review_count(street_clerk) is None


def test_the_count_is_one_query(tree, district_official, django_assert_num_queries):
    PolicyDocumentFactory(area=tree.d1, status=DocumentStatus.IN_REVIEW)
    documents_awaiting_review_count(district_official)  # the grants are read once per request
    with django_assert_num_queries(1):
        assert documents_awaiting_review_count(district_official) == 1


def test_the_workbench_shows_it_to_reviewers_only(client, tree, district_clerk, district_official):
    PolicyDocumentFactory(area=tree.d1, status=DocumentStatus.IN_REVIEW)
    client.force_login(district_official)
    counters = {c.key: c for c in client.get(reverse("staff:workbench")).context["counters"]}
    assert counters[KEY].count == 1 and counters[KEY].url == reverse("staff-policy:document-list")
    client.force_login(district_clerk)
    assert KEY not in [c.key for c in client.get(reverse("staff:workbench")).context["counters"]]


def _values(tree, number: str) -> dict:
    return {"area": tree.d1, "title": "关于做好就业援助工作的通知", "document_number": number,
            "issuer": "江岸区人力资源局", "publish_date": datetime.date(2026, 3, 1),
            "effective_date": datetime.date(2026, 3, 1), "body": "各街道：\n请做好就业援助。"}
