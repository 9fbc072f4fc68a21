"""Policy API: public documents, guides and courses; the staff endpoints; the one error format."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from policy.constants import CourseStatus, DocumentStatus, Service
from policy.models import PolicyDocument, ServiceGuide, TrainingCourse
from policy.services import documents as services
from policy.services.imports import policy_import
from tests.policy.factories import (
    PolicyDocumentFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
    TrainingCourseFactory,
)

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/policy/documents/"
STAFF_DOCUMENTS = "/api/staff/policy/documents/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


def payload(area, **overrides) -> dict:
    return {"title": "关于做好就业援助工作的通知", "document_number": "武人社发〔2026〕8号",
            "issuer": "武汉市人力资源和社会保障局", "publish_date": "2026-03-01", "effective_date": "2026-03-01",
            "expiry_date": None, "source": "武汉市", "category": "就业援助", "area": area.code,
            "body": "各区：\n请做好就业援助。", **overrides}


@pytest.fixture
def seed_document(tree, city_official, city_admin, seed_text):
    """Imported and sent for review by one city official, published by another reviewer."""
    document = policy_import(actor=city_official, text=seed_text, area=tree.city).document
    services.document_submit(actor=city_official, document=document)
    return services.document_publish(actor=city_admin, document=document)


# --- Public -------------------------------------------------------------------------------------


def test_anyone_finds_the_seed_by_keyword_or_number_through_the_api(seed_document):
    for query in ("就业服务", "武政办[2009]138号", "138号"):
        rows = client_for().get(DOCUMENTS, {"q": query}).json()["results"]
        assert [row["id"] for row in rows] == [seed_document.pk]
    row = client_for().get(DOCUMENTS, {"q": "就业服务"}).json()["results"][0]
    assert row["document_number"] == "武政办〔2009〕138号" and row["validity"] == "in_force"
    assert row["issuer"] == "银川市人民政府" and row["area"]["code"] == "420100000000"


def test_bad_search_parameters_answer_the_one_error_format(seed_document):
    response = client_for().get(DOCUMENTS, {"validity": "sometimes", "year": "abc"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(field_codes(response)) == {"validity", "year"}


def test_the_public_document_shows_the_published_version_and_relations(tree, city_official, seed_document):
    newer = PolicyDocumentFactory()
    services.relation_add(actor=city_official, document=newer, target=seed_document, kind="amends")
    data = client_for().get(f"{DOCUMENTS}{seed_document.pk}/").json()
    assert data["version"] == 1 and data["body"].startswith("(武政办〔2009〕138号)")
    assert data["related"] == [] and data["programmes"] == []  # the amendment is not published yet
    assert client_for().get(f"{DOCUMENTS}{newer.pk}/").status_code == 404


def test_the_public_list_keeps_a_constant_query_count(tree):
    PolicyDocumentFactory(published=True)
    with CaptureQueriesContext(connection) as small:
        client_for().get(DOCUMENTS)
    for _ in range(10):
        PolicyDocumentFactory(published=True)
    with CaptureQueriesContext(connection) as large:
        rows = client_for().get(DOCUMENTS).json()["results"]
    assert len(rows) == 11 and len(large) == len(small)


def test_guides_and_the_window_for_an_area(tree):
    ServiceGuideFactory(service=Service.UNEMPLOYMENT_REGISTRATION)
    ServiceWindowFactory(area=tree.d1, name="江岸区窗口")
    rows = client_for().get("/api/policy/guides/").json()
    assert [row["service"] for row in rows] == [Service.UNEMPLOYMENT_REGISTRATION]
    data = client_for().get(f"/api/policy/guides/{Service.UNEMPLOYMENT_REGISTRATION}/", {"area": tree.c1.code}).json()
    assert data["window_for_area"]["window"]["name"] == "江岸区窗口" and data["window_for_area"]["fallback"]
    assert client_for().get(f"/api/policy/guides/{Service.UNEMPLOYMENT_REGISTRATION}/",
                            {"area": "999999999999"}).status_code == 400
    assert client_for().get("/api/policy/guides/vacancy_posting/").status_code == 404


def test_published_courses_are_listed_and_searchable(tree):
    course = TrainingCourseFactory(title="电焊工培训班")
    TrainingCourseFactory(title="草稿班", status=CourseStatus.DRAFT)
    rows = client_for().get("/api/policy/courses/", {"q": "焊工"}).json()["results"]
    assert [row["id"] for row in rows] == [course.pk] and rows[0]["own_cost"] == 500
    assert client_for().get("/api/policy/courses/", {"district": "nope"}).status_code == 400


# --- Staff --------------------------------------------------------------------------------------


def test_an_editor_writes_and_a_reviewer_publishes_through_the_api(tree, district_clerk, district_official):
    response = client_for(district_clerk).post(STAFF_DOCUMENTS, payload(tree.d1), format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client_for(district_clerk).patch(f"{STAFF_DOCUMENTS}{pk}/", {"title": "第二稿标题"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "第二稿标题"
    detail = client_for(district_clerk).get(f"{STAFF_DOCUMENTS}{pk}/").json()
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert client_for(district_clerk).post(f"{STAFF_DOCUMENTS}{pk}/submit/", {}, format="json").status_code == 200
    assert client_for(district_clerk).post(f"{STAFF_DOCUMENTS}{pk}/publish/", {}, format="json").status_code == 404
    response = client_for(district_official).post(f"{STAFF_DOCUMENTS}{pk}/return/", {}, format="json")
    assert response.status_code == 400 and field_codes(response) == {"reason": ["required"]}
    response = client_for(district_official).post(f"{STAFF_DOCUMENTS}{pk}/publish/", {}, format="json")
    assert response.json()["status"] == "published" and response.json()["published_version"] == 2
    response = client_for(district_official).post(f"{STAFF_DOCUMENTS}{pk}/repeal/", {"reason": "废止"}, format="json")
    assert response.json()["status"] == DocumentStatus.REPEALED


def test_bad_input_is_refused_field_by_field(tree, city_official):
    PolicyDocumentFactory(document_number="武人社发〔2026〕8号", issuer="武汉市财政局", published=True)
    response = client_for(city_official).post(STAFF_DOCUMENTS, payload(
        tree.city, document_number="武人社发[2026]8号", expiry_date="2026-01-01"), format="json")
    assert response.status_code == 400
    assert field_codes(response) == {"document_number": ["duplicate"], "expiry_date": ["order"]}
    response = client_for(city_official).post(STAFF_DOCUMENTS, {**payload(tree.city), "area": "123"}, format="json")
    assert field_codes(response) == {"area": ["unknown_area"]}
    assert PolicyDocument.objects.count() == 1


def test_another_district_and_lower_tiers_cannot_write_or_see_a_districts_document(
        tree, district_clerk, other_district_official, street_clerk):
    document = PolicyDocumentFactory(area=tree.d1)
    for user in (other_district_official,):
        assert client_for(user).get(f"{STAFF_DOCUMENTS}{document.pk}/").status_code == 404
        assert client_for(user).post(f"{STAFF_DOCUMENTS}{document.pk}/submit/", {}, format="json").status_code == 404
    assert client_for(street_clerk).post(STAFF_DOCUMENTS, payload(tree.d1), format="json").status_code == 404
    assert client_for(street_clerk).post(f"{STAFF_DOCUMENTS}{document.pk}/submit/", {},
                                         format="json").status_code == 404
    assert client_for().get(STAFF_DOCUMENTS).status_code in (401, 403)


def test_compare_and_relations_through_the_api(tree, city_official):
    old = PolicyDocumentFactory(published=True, document_number="武政〔2001〕1号")
    document = PolicyDocumentFactory(published=True, body="第一条。")
    client = client_for(city_official)
    client.patch(f"{STAFF_DOCUMENTS}{document.pk}/", {"body": "第一条（修订）。", "category": "新类别"}, format="json")
    data = client.get(f"{STAFF_DOCUMENTS}{document.pk}/compare/").json()
    assert (data["a"], data["b"]) == (1, 2) and data["body_changed"]
    assert {c["name"] for c in data["changes"]} == {"category"} and "+第一条（修订）。" in data["unified"]
    response = client.post(f"{STAFF_DOCUMENTS}{document.pk}/relations/", {"kind": "repeals", "target": "武政[2001]1号"},
                           format="json")
    assert response.status_code == 201
    old.refresh_from_db()
    assert old.status == DocumentStatus.REPEALED  # the repealing document is already published


def test_import_previews_then_applies_and_flags_the_seed(tree, city_official, seed_text):
    client = client_for(city_official)
    upload = SimpleUploadedFile("seed.txt", seed_text.encode(), content_type="text/plain")
    response = client.post(f"{STAFF_DOCUMENTS}import/", {"file": upload, "area": tree.city.code}, format="multipart")
    assert response.status_code == 200 and response.json()["outcome"] == "preview"
    assert {w["code"] for w in response.json()["preview"]["warnings"]} == {
        "issuer_place_mismatch", "source_place_mismatch", "date_mismatch"}
    assert not PolicyDocument.objects.exists()
    response = client.post(f"{STAFF_DOCUMENTS}import/", {"text": seed_text, "area": tree.city.code, "apply": True},
                           format="json")
    assert response.status_code == 201 and response.json()["document"]["document_number"] == "武政办〔2009〕138号"
    response = client.post(f"{STAFF_DOCUMENTS}import/", {"text": seed_text, "area": tree.city.code, "apply": True},
                           format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    response = client.post(f"{STAFF_DOCUMENTS}import/", {"text": "不是政策文件", "apply": True}, format="json")
    assert response.status_code == 400 and field_codes(response) == {"file": ["missing_metadata"]}
    assert PolicyDocument.objects.count() == 1


def test_city_staff_write_guides_and_district_staff_windows_through_the_api(tree, city_admin, district_official):
    body = {"service": Service.VACANCY_POSTING, "title": "岗位登记", "eligibility": "用人单位",
            "steps": [{"title": "登记", "days": 0}, {"title": "审核", "days": 2}], "time_limit_days": 2}
    response = client_for(city_admin).post("/api/staff/policy/guides/", body, format="json")
    assert response.status_code == 201
    guide = ServiceGuide.objects.get()
    assert client_for(district_official).post("/api/staff/policy/guides/", {**body, "service": "agency_licence"},
                                              format="json").status_code == 404
    response = client_for(city_admin).put(f"/api/staff/policy/guides/{guide.pk}/", {**body, "time_limit_days": 1},
                                          format="json")
    assert response.status_code == 400 and field_codes(response) == {"steps": ["over_time_limit"]}
    window = {"area": tree.s1.code, "name": "大智街道窗口", "address": "大智路1号", "phone": "027-1", "hours": "工作日"}
    response = client_for(district_official).post("/api/staff/policy/windows/", window, format="json")
    assert response.status_code == 200 and response.json()["area"]["code"] == tree.s1.code


def test_courses_through_the_staff_api(tree, district_clerk, other_district_official):
    today = timezone.localdate()
    body = {"title": "育婴员培训班", "provider": "江岸区职业培训学校", "occupation": "4-10",
            "starts_on": (today + datetime.timedelta(days=5)).isoformat(),
            "ends_on": (today + datetime.timedelta(days=30)).isoformat(), "area": tree.d1.code, "address": "基地",
            "cost": 1000, "subsidy": 1200, "seats": 20}
    response = client_for(district_clerk).post("/api/staff/policy/courses/", body, format="json")
    assert response.status_code == 400 and field_codes(response) == {"subsidy": ["over_cost"]}
    response = client_for(district_clerk).post("/api/staff/policy/courses/", {**body, "subsidy": 800}, format="json")
    pk = response.json()["id"]
    assert client_for(other_district_official).post(f"/api/staff/policy/courses/{pk}/publish/").status_code == 404
    assert client_for(district_clerk).post(f"/api/staff/policy/courses/{pk}/publish/").json()["status"] == "published"
    response = client_for(district_clerk).post(f"/api/staff/policy/courses/{pk}/cancel/", {"reason": "停办"},
                                               format="json")
    assert response.json()["status"] == "cancelled"
    assert TrainingCourse.objects.get().status_reason == "停办"


def test_staff_documents_and_courses_list_the_moves_the_user_may_take(tree, district_clerk, district_official):
    draft = PolicyDocumentFactory(area=tree.d1)
    in_review = PolicyDocumentFactory(area=tree.d1, status=DocumentStatus.IN_REVIEW)
    course = TrainingCourseFactory(area=tree.s1, status=CourseStatus.DRAFT)
    assert client_for(district_clerk).get(f"{STAFF_DOCUMENTS}{draft.pk}/").json()["moves"] == [
        "submit", "edit", "relate", "unrelate", "attach"]
    rows = {row["id"]: row["moves"] for row in client_for(district_official).get(STAFF_DOCUMENTS).json()["results"]}
    assert rows[in_review.pk] == ["publish", "return", "relate", "unrelate", "attach"]
    assert "publish" not in rows[draft.pk]
    response = client_for(district_clerk).post(f"{STAFF_DOCUMENTS}{draft.pk}/submit/", {}, format="json")
    assert response.json()["moves"] == ["relate", "unrelate", "attach"]  # a clerk does not review
    data = client_for(district_clerk).get(f"/api/staff/policy/courses/{course.pk}/").json()
    assert data["moves"] == ["publish", "cancel", "edit"]


def test_the_staff_list_with_its_moves_keeps_a_constant_query_count(tree, district_official):
    PolicyDocumentFactory(area=tree.d1, status=DocumentStatus.IN_REVIEW)
    client = client_for(district_official)
    client.get(STAFF_DOCUMENTS)  # the user's grants are read once and kept on the user
    with CaptureQueriesContext(connection) as small:
        client.get(STAFF_DOCUMENTS)
    for status in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.PUBLISHED) * 3:
        PolicyDocumentFactory(area=tree.d1, status=status)
    with CaptureQueriesContext(connection) as large:
        rows = client.get(STAFF_DOCUMENTS).json()["results"]
    assert len(rows) == 10 and len(large) == len(small)
