"""Persons API: register (one error format for bad numbers and duplicates), search, masking,
the audited reveal, scope and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.constants import AuditEventType, AuditKind, StaffRole
from portal.models import AuditEvent
from registration.identity import identity_make
from registration.models import Person
from tests.conftest import make_staff
from tests.registration.factories import (
    PersonFactory,
    UnemploymentRegistrationFactory,
    api_field_codes,
    client_for,
)

pytestmark = pytest.mark.django_db

URL = "/api/staff/registration/persons/"
NUMBER = identity_make("420102", datetime.date(1979, 11, 30), 246)


@pytest.fixture
def clerk(tree):
    return make_staff(StaffRole.CLERK, tree.c1)


def payload(area, **overrides):
    return {"identity_number": NUMBER, "name": "陈明", "phone": "13500001234", "area": area.code, **overrides}


def test_clerk_registers_a_person_and_gets_the_masked_number(tree, clerk):
    response = client_for(clerk).post(URL, payload(tree.c1), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["identity_number"] == NUMBER[:6] + "********" + NUMBER[-4:] and NUMBER not in str(body)
    assert (body["sex"], body["birth_date"], body["area"]) == ("female", "1979-11-30", tree.c1.code)


@pytest.mark.parametrize("number, code", [
    (NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1"), "check_character"),
    ("420102" + "20991231" + "1234", "birth_date_future"),
    ("42010219790231246X", "birth_date_invalid"),
])
def test_bad_numbers_answer_400_in_the_one_error_format(tree, clerk, number, code):
    response = client_for(clerk).post(URL, payload(tree.c1, identity_number=number), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and api_field_codes(response) == {"identity_number": [code]}
    assert error["fields"]["identity_number"][0]["message"]
    assert not Person.objects.exists()


def test_duplicate_answers_with_the_existing_record(tree, clerk):
    existing = PersonFactory(area=tree.c1, identity_number=NUMBER)
    response = client_for(clerk).post(URL, payload(tree.c1), format="json")
    assert response.status_code == 400 and api_field_codes(response) == {"identity_number": ["duplicate"]}
    assert str(existing.pk) in response.json()["error"]["fields"]["identity_number"][0]["message"]


def test_unknown_or_out_of_scope_area(tree, clerk):
    response = client_for(clerk).post(URL, {**payload(tree.c1), "area": "999999999999"}, format="json")
    assert response.status_code == 400 and api_field_codes(response) == {"area": ["unknown_area"]}
    response = client_for(clerk).post(URL, payload(tree.c3), format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_search_and_detail_with_records(tree, clerk):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER, name="陈明")
    UnemploymentRegistrationFactory(person=person)
    PersonFactory(area=tree.c1, name="别人")
    api = client_for(clerk)
    rows = api.post(f"{URL}lookup/", {"identity_number": NUMBER.lower()}, format="json").json()
    assert [row["id"] for row in rows] == [person.pk]
    assert [row["id"] for row in api.get(URL, {"q": "陈"}).json()["results"]] == [person.pk]
    detail = api.get(f"{URL}{person.pk}/").json()
    assert detail["identity_number"] == person.id_masked and len(detail["unemployment_registrations"]) == 1


def test_an_identity_number_in_the_address_is_refused_with_the_endpoint_to_post_it_to(tree, clerk):
    PersonFactory(area=tree.c1, identity_number=NUMBER, name="陈明")
    api = client_for(clerk)
    for q in (NUMBER, NUMBER.lower(), NUMBER[:15], f"{NUMBER[:6]} {NUMBER[6:]}"):
        response = api.get(URL, {"q": q})
        assert response.status_code == 400, q
        error = response.json()["error"]
        (field_error,) = error["fields"]["q"]
        assert field_error["code"] == "identity_number_in_url"
        assert "/api/staff/registration/persons/lookup/" in field_error["message"]
        assert NUMBER not in response.content.decode()
    assert api.get(URL, {"q": "13500"}).status_code == 200  # a phone number is no identity number


def test_lookup_takes_the_number_in_the_body_within_jurisdiction_only(tree, clerk):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER, name="陈明")
    lookup = f"{URL}lookup/"
    response = client_for(clerk).post(lookup, {"identity_number": f" {NUMBER[:6]}-{NUMBER[6:]} "}, format="json")
    assert response.status_code == 200 and [row["id"] for row in response.json()] == [person.pk]
    assert response.json()[0]["identity_number"] == person.id_masked
    assert response["Cache-Control"] == "no-store"
    other = client_for(make_staff(StaffRole.CLERK, tree.d2))
    assert other.post(lookup, {"identity_number": NUMBER}, format="json").json() == []  # not found, not 404
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    assert client_for(clerk).post(lookup, {"identity_number": wrong}, format="json").json() == []
    response = client_for(clerk).post(lookup, {"identity_number": "陈明"}, format="json")
    assert response.status_code == 400 and api_field_codes(response) == {"identity_number": ["not_identity_number"]}
    assert api_field_codes(client_for(clerk).post(lookup, {}, format="json")) == {"identity_number": ["required"]}
    assert client_for(clerk).get(lookup).status_code == 405
    assert client_for(None).post(lookup, {"identity_number": NUMBER}, format="json").status_code in (401, 403)


def test_the_schema_documents_the_lookup_and_the_refusal():
    schema = client_for(None).get("/api/schema/", {"format": "json"}).json()
    lookup = schema["paths"]["/api/staff/registration/persons/lookup/"]
    assert set(lookup) == {"post"}
    body = lookup["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "identity_number" in schema["components"]["schemas"][body]["properties"]
    (q,) = [p for p in schema["paths"]["/api/staff/registration/persons/"]["get"]["parameters"] if p["name"] == "q"]
    assert "lookup/" in q["description"]


def test_reveal_is_audited_each_time_and_not_cached(tree, clerk):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER)
    api = client_for(clerk)
    for _ in range(2):
        response = api.post(f"{URL}{person.pk}/reveal/")
        assert response.status_code == 200 and response.json()["identity_number"] == NUMBER
        assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_VIEWED, kind=AuditKind.READ,
                                     object_id=str(person.pk)).count() == 2


@pytest.mark.parametrize("role, attr", [(StaffRole.CLERK, "d2"), (StaffRole.OFFICIAL, "d2"),
                                        (StaffRole.CLERK, "c2"), (StaffRole.ADMINISTRATOR, "s2")])
def test_staff_of_another_area_get_404_everywhere(tree, role, attr):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER)
    api = client_for(make_staff(role, getattr(tree, attr)))
    assert api.get(f"{URL}{person.pk}/").status_code == 404
    response = api.post(f"{URL}{person.pk}/reveal/")
    assert response.status_code == 404 and NUMBER not in response.content.decode()
    assert person.pk not in [row["id"] for row in api.get(URL).json()["results"]]
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_VIEWED).exists()


def test_job_seekers_and_anonymous_are_refused(tree, job_seeker):
    assert client_for(job_seeker).get(URL).status_code == 403
    assert client_for().get(URL).status_code in (401, 403)


def test_list_query_count_is_constant(tree, clerk, django_assert_num_queries):
    api = client_for(clerk)
    PersonFactory(area=tree.c1)
    api.get(URL)
    with CaptureQueriesContext(connection) as small:
        api.get(URL)
    PersonFactory.create_batch(12, area=tree.c1, household_area=tree.d2)
    with django_assert_num_queries(len(small.captured_queries)):
        assert api.get(URL).json()["count"] == 13


def test_employment_card_number(tree, clerk):
    person = PersonFactory(area=tree.c1)
    api = client_for(clerk)
    response = api.post(f"{URL}{person.pk}/employment-card/", {"employment_card_number": "4201021234"}, format="json")
    assert response.status_code == 200 and response.json()["employment_card_number"] == "4201021234"
    response = api.post(f"{URL}{person.pk}/employment-card/", {"employment_card_number": "4201025678"}, format="json")
    assert response.status_code == 400 and api_field_codes(response) == {"employment_card_number": ["already_issued"]}
