import re

import pytest
from django.core.management import call_command

from portal.constants import AccountType, AuditEventType, StaffRole
from portal.models import AuditEvent, RoleGrant
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_areas_browse_children_of_a_parent(api_client):
    response = api_client.get("/api/areas/", {"parent": "420100000000", "page_size": 50})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 13
    names = [row["name"] for row in data["results"]]
    assert "江岸区" in names and "武昌区" in names
    jiangan = next(row for row in data["results"] if row["name"] == "江岸区")
    assert jiangan == {"code": "420102000000", "name": "江岸区", "level": "district", "parent": "420100000000",
                       "path": "420102", "has_children": True}


def test_areas_filter_by_level_and_root(api_client):
    assert api_client.get("/api/areas/", {"level": "street"}).json()["count"] == 193
    roots = api_client.get("/api/areas/", {"parent": "root"}).json()
    assert [row["code"] for row in roots["results"]] == ["420100000000"]
    within = api_client.get("/api/areas/", {"within": "420102000000", "level": "street"}).json()
    assert within["count"] > 0 and all(r["code"].startswith("420102") for r in within["results"])


def test_area_list_query_count_does_not_grow_with_page_size(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # count + page
        small = api_client.get("/api/areas/", {"level": "community", "page_size": 5})
    with django_assert_max_num_queries(2):
        large = api_client.get("/api/areas/", {"level": "community", "page_size": 500})
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 500


def test_area_detail_and_not_found_in_the_one_error_format(api_client):
    assert api_client.get("/api/areas/420106000000/").json()["name"] == "武昌区"
    response = api_client.get("/api/areas/999999999999/")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "code": "not_found", "message": response.json()["error"]["message"]}}


def test_me_requires_authentication_with_a_401_that_names_the_scheme(api_client):
    response = api_client.get("/api/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Token'
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_lists_roles_and_areas(api_client, tree):
    user = make_staff(StaffRole.CLERK, tree.c1)
    RoleGrant.objects.create(user=user, role=StaffRole.OFFICIAL, area=tree.d2)
    api_client.force_authenticate(user)
    data = api_client.get("/api/me/").json()
    assert data["username"] == user.username and data["account_type"] == AccountType.STAFF
    assert data["roles"] == ["clerk", "official"]
    assert {(g["role"], g["area"]["code"]) for g in data["grants"]} == {("clerk", tree.c1.code),
                                                                         ("official", tree.d2.code)}


def test_me_for_a_job_seeker(api_client, job_seeker):
    api_client.force_authenticate(job_seeker)
    data = api_client.get("/api/me/").json()
    assert data["roles"] == ["job_seeker"] and data["grants"] == []


def test_token_auth_works_and_issuing_is_audited(api_client, job_seeker):
    response = api_client.post("/api/auth/token/", {"username": job_seeker.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/me/").json()["username"] == job_seeker.username
    assert AuditEvent.objects.filter(event_type=AuditEventType.API_TOKEN_ISSUED, actor=job_seeker).count() == 1


def test_wrong_password_for_token_is_a_structured_error(api_client, job_seeker):
    response = api_client.post("/api/auth/token/", {"username": job_seeker.username, "password": "nope"})
    body = response.json()["error"]
    assert response.status_code == 400 and body["code"] == "invalid"
    assert body["fields"]["non_field_errors"][0]["code"] == "authorization"


def test_grant_create_through_the_api_and_structured_validation_errors(api_client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    target = UserFactory(account_type=AccountType.STAFF)
    api_client.force_authenticate(admin)

    ok = api_client.post("/api/staff/grants/", {"username": target.username, "role": "clerk", "area": tree.c1.code})
    assert ok.status_code == 201 and ok.json()["area"]["code"] == tree.c1.code

    outside = api_client.post("/api/staff/grants/", {"username": target.username, "role": "clerk",
                                                     "area": tree.c3.code})
    assert outside.status_code == 400
    assert outside.json()["error"]["fields"] == {"area": [{"code": "out_of_scope",
                                                           "message": outside.json()["error"]["fields"]["area"][0]["message"]}]}

    unknown = api_client.post("/api/staff/grants/", {"username": "ghost", "role": "boss", "area": "123"})
    fields = unknown.json()["error"]["fields"]
    assert {name: [e["code"] for e in errors] for name, errors in fields.items()} == {
        "username": ["unknown_user"], "role": ["invalid_choice"], "area": ["unknown_area"]}


def test_grant_revoke_through_the_api(api_client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    clerk = make_staff(StaffRole.CLERK, tree.s1)
    grant = clerk.role_grants.get()
    api_client.force_authenticate(admin)
    response = api_client.post(f"/api/staff/grants/{grant.pk}/revoke/")
    assert response.status_code == 200 and response.json()["active"] is False
    again = api_client.post(f"/api/staff/grants/{grant.pk}/revoke/")
    assert again.status_code == 400 and again.json()["error"]["fields"]["non_field_errors"][0]["code"] == "already_revoked"


def test_staff_grant_list_keeps_a_constant_query_count(api_client, tree, django_assert_num_queries):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    api_client.force_authenticate(admin)
    for _ in range(3):
        make_staff(StaffRole.CLERK, tree.c1)
    api_client.get("/api/staff/grants/")  # warm per-process caches
    with django_assert_num_queries(2) as few:  # count and page (the admin's grants are cached on the user)
        api_client.get("/api/staff/grants/")
    for _ in range(10):
        make_staff(StaffRole.CLERK, tree.c2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = api_client.get("/api/staff/grants/")
    assert response.json()["count"] == 14


def test_schema_lists_the_core_endpoints(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/areas/", "/api/areas/{code}/", "/api/me/", "/api/auth/token/", "/api/staff/grants/",
                 "/api/staff/grants/{id}/revoke/", "/api/staff/audit-events/"]:
        assert path in paths, path
    assert "ErrorBody" in response.json()["components"]["schemas"] or "Error" in response.json()["components"]["schemas"]


def test_the_schema_builds_without_a_warning(tmp_path):
    """Two serializers or choice sets of one name would silently merge in the schema; every app's
    components have names of their own."""
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_docs_page_works_offline(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    external = [u for u in re.findall(r'(?:src|href)="(https?://[^"]+)"', html) if "testserver" not in u]
    assert external == []
    assert "swagger-ui" in html
    asset = re.search(r'src="(/static/drf_spectacular_sidecar/[^"]+\.js)"', html).group(1)
    assert client.get(asset).status_code == 200


@pytest.mark.parametrize(("params", "field"), [({"page": "0"}, "page"), ({"page": "-1"}, "page"),
                                              ({"page": "abc"}, "page"), ({"page_size": "0"}, "page_size"),
                                              ({"page_size": "ten"}, "page_size"), ({"page_size": "١٠"}, "page_size")])
def test_a_page_or_page_size_that_is_not_a_whole_number_from_one_is_a_400_naming_it(api_client, tree, params, field):
    response = api_client.get("/api/areas/", params)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field][0]["code"] == "invalid"


def test_a_page_past_the_last_is_not_found_and_a_large_page_size_is_cut_to_the_maximum(api_client, tree):
    assert api_client.get("/api/areas/", {"page": "999"}).status_code == 404
    assert len(api_client.get("/api/areas/", {"page_size": "100000"}).json()["results"]) == 500  # the tree's maximum


def test_fields_answered_as_null_are_documented_as_nullable():
    """Answers keep their schema: a fair for every industry has no industry name, a document not yet
    published no published version."""
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert components["Fair"]["properties"]["industry_name"].get("nullable") is True
    documents = [name for name, body in components.items() if "published_version" in body.get("properties", {})]
    assert documents and all(components[name]["properties"]["published_version"].get("nullable") is True
                             for name in documents)


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_the_error_statuses_it_can_answer():
    """400, 401, 403 and 404 on every operation, 409 on those that change something, each in the one
    error shape (portal/api_schema.py); a view's own description of a status is kept."""
    paths = _schema()["paths"]
    operations = [(path, method, op) for path, ops in paths.items() for method, op in ops.items()]
    assert len(operations) > 100
    for path, method, operation in operations:
        expected = {"400", "401", "403", "404"} | ({"409"} if method in {"post", "put", "patch", "delete"} else set())
        assert expected <= set(operation["responses"]), (method, path)
        for status in expected:
            content = operation["responses"][status]["content"]["application/json"]["schema"]
            assert content["$ref"].endswith("Error"), (method, path, status)  # the one shape, or a view's own
    token = paths["/api/auth/token/"]["post"]["responses"]["429"]
    assert "login_locked" in token["description"]  # the view's own words stay


def test_schema_documents_answers_as_they_come():
    """A vacancy not closed has close_reason "" (in the enum); field errors of a list's items are keyed by
    index (documented); the ledger's list answer is one page with the counts, not a list of pages."""
    document = _schema()
    components = document["components"]["schemas"]
    close_reason = components["Vacancy"]["properties"]["close_reason"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in close_reason["oneOf"]
    assert components["BlankEnum"]["enum"] == [""]
    fields = components["ErrorBody"]["properties"]["fields"]["additionalProperties"]["anyOf"]
    assert {"type": "object", "description": fields[2]["description"]} == fields[2]
    ledger = document["paths"]["/api/staff/registration/ledger/"]["get"]["responses"]["200"]
    assert ledger["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/LedgerPage"}
    assert set(components["LedgerPage"]["properties"]) == {"count", "next", "previous", "counts", "results"}
