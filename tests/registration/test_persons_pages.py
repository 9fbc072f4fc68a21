"""Staff pages of persons: register (bad input re-shown, duplicates linked), search by identity
number / name / phone, masking in lists, the audited full view, scope, and query counts."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.constants import AuditEventType, AuditKind, StaffRole
from portal.models import AuditEvent
from registration.identity import identity_make
from registration.models import Person
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory, UnemploymentRegistrationFactory

pytestmark = pytest.mark.django_db

LIST = "/staff/registration/persons/"
NEW = "/staff/registration/persons/new/"
NUMBER = identity_make("420102", datetime.date(1988, 8, 8), 321)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk(tree):
    return make_staff(StaffRole.CLERK, tree.c1)


def form_data(area, **overrides):
    return {"identity_number": NUMBER, "name": "王芳", "phone": "13800001111", "area": area.code,
            "education": "bachelor", "skills": "会计", **overrides}


def test_clerk_registers_a_person_and_lands_on_the_page(tree, clerk):
    response = login(clerk).post(NEW, form_data(tree.c1))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{person.pk}/"
    page = login(clerk).get(response["Location"]).content.decode()
    assert "王芳" in page and person.id_masked in page and NUMBER not in page


def test_bad_number_is_shown_by_the_field_with_the_input_kept(tree, clerk):
    wrong = NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2")
    response = login(clerk).post(NEW, form_data(tree.c1, identity_number=wrong, name="王芳<script>"))
    assert response.status_code == 200 and not Person.objects.exists()
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["identity_number"]] == ["check_character"]
    page = response.content.decode()
    assert 'value="王芳&lt;script&gt;"' in page and wrong in page  # input kept, shown as text
    assert 'id="id_identity_number_error"' in page


def test_duplicate_number_links_to_the_existing_person(tree, clerk):
    existing = PersonFactory(area=tree.c1, identity_number=NUMBER, name="王芳")
    response = login(clerk).post(NEW, form_data(tree.c1, name="王小芳"))
    assert response.status_code == 200 and Person.objects.count() == 1
    assert f"{LIST}{existing.pk}/" in response.content.decode()


def test_community_outside_scope_is_refused_by_the_field(tree, clerk):
    response = login(clerk).post(NEW, form_data(tree.c2))
    assert [e.code for e in response.context["form"].errors.as_data()["area"]] == ["out_of_scope"]
    assert not Person.objects.exists()


def test_officials_cannot_open_the_registration_form(staff):
    assert login(staff["official@district"]).get(NEW).status_code == 403


def search(client, q):
    """The search box posts; the results come back under a kept lookup key."""
    response = client.post(LIST, {"q": q})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_search_by_whole_number_name_and_phone(tree, clerk):
    target = PersonFactory(area=tree.c1, identity_number=NUMBER, name="赵敏", phone="13712345678")
    PersonFactory(area=tree.c1, name="钱多多", phone="13600000000")
    client = login(clerk)
    for q in (NUMBER, NUMBER.lower(), "赵", "137123"):
        persons = list(search(client, q).context["persons"])
        assert persons == [target], q
    assert list(search(client, NUMBER[:17] + "0" if NUMBER[17] != "0" else NUMBER[:17] + "1")
                .context["persons"]) == []
    assert list(search(client, NUMBER[:10]).context["persons"]) == []  # no partial-number probing
    for q in ("赵", "137123"):  # a name or a phone number may still come in the address
        assert list(client.get(LIST, {"q": q}).context["persons"]) == [target], q


def test_the_search_box_posts_and_the_address_carries_only_an_opaque_key(tree, clerk):
    target = PersonFactory(area=tree.c1, identity_number=NUMBER, name="赵敏")
    client = login(clerk)
    page = client.get(LIST).content.decode()
    assert '<form method="post" class="filters"' in page
    response = client.post(LIST, {"q": f" {NUMBER} "})
    location = response["Location"]
    assert response.status_code == 302 and location.startswith(f"{LIST}?lookup=")
    assert NUMBER not in location and NUMBER[6:14] not in location
    found = client.get(location)
    assert list(found.context["persons"]) == [target]
    assert found.context["query"] == location.split("?", 1)[1]  # pagination links keep the key
    assert NUMBER not in str(client.session.items())  # the session keeps it encrypted
    assert login(clerk).get(location).status_code == 302  # the key means nothing in another session
    assert client.post(LIST, {"q": ""})["Location"] == LIST


def test_a_number_in_the_address_is_refused_not_looked_up(tree, clerk):
    PersonFactory(area=tree.c1, identity_number=NUMBER, name="赵敏")
    client = login(clerk)
    for q in (NUMBER, NUMBER.lower(), NUMBER[:15], f"{NUMBER[:6]} {NUMBER[6:]}"):
        response = client.get(LIST, {"q": q})
        assert response.status_code == 200 and list(response.context["persons"]) == [], q
        assert response.context["filter"].form.errors.as_data()["q"][0].code == "identity_number_in_url"
    assert "type it into the search box" in response.content.decode() or "搜索框" in response.content.decode()


def test_an_expired_lookup_asks_to_search_again(tree, clerk, monkeypatch):
    import time

    PersonFactory(area=tree.c1, identity_number=NUMBER)
    client = login(clerk)
    location = client.post(LIST, {"q": NUMBER})["Location"]
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(location)
    assert response.status_code == 302 and response["Location"] == LIST


def test_list_shows_masked_numbers_only(tree, clerk):
    persons = [PersonFactory(area=tree.c1, identity_number=identity_make(sequence=n)) for n in range(3)]
    page = login(clerk).get(LIST).content.decode()
    for person, n in zip(persons, range(3)):
        assert person.id_masked in page and identity_make(sequence=n) not in page


def test_list_query_count_is_constant(tree, clerk, django_assert_num_queries):
    client = login(clerk)
    PersonFactory(area=tree.c1)
    client.get(LIST)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    PersonFactory.create_batch(15, area=tree.c1)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["persons"]) == 16


def test_list_of_another_district_does_not_show_the_person(tree):
    person = PersonFactory(area=tree.c1)
    other = make_staff(StaffRole.CLERK, tree.d2)
    response = login(other).get(LIST, {"q": person.name})
    assert list(response.context["persons"]) == [] and person.id_masked not in response.content.decode()


def test_show_full_number_is_a_post_for_staff_of_the_area_and_audited(tree, clerk, staff):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER)
    url = f"{LIST}{person.pk}/reveal/"
    for viewer in (clerk, staff["official@city"]):
        response = login(viewer).post(url)
        assert response.status_code == 200 and NUMBER in response.content.decode()
        assert response["Cache-Control"] == "no-store"
    events = AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_id=str(person.pk))
    assert events.count() == 2 and set(events.values_list("kind", flat=True)) == {AuditKind.READ}
    assert login(clerk).get(url).status_code == 405
    assert NUMBER not in login(clerk).get(f"{LIST}{person.pk}/").content.decode()


@pytest.mark.parametrize("position", ["clerk@district", "official@district", "clerk@street"])
def test_staff_of_another_area_get_404_for_page_and_full_number(tree, position):
    person = PersonFactory(area=tree.c1, identity_number=NUMBER)
    area = {"clerk@district": tree.d2, "official@district": tree.d2, "clerk@street": tree.s2}[position]
    role = StaffRole.OFFICIAL if position.startswith("official") else StaffRole.CLERK
    outsider = login(make_staff(role, area))
    assert outsider.get(f"{LIST}{person.pk}/").status_code == 404
    response = outsider.post(f"{LIST}{person.pk}/reveal/")
    assert response.status_code == 404 and NUMBER not in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_VIEWED).exists()


def test_person_page_shows_registrations_and_lets_clerk_register_unemployment(tree, clerk):
    person = PersonFactory(area=tree.c1)
    client = login(clerk)
    response = client.post(f"{LIST}{person.pk}/unemployment/", {"unemployment-registered_on": "",
                                                               "unemployment-note": "失业"})
    # An empty date is a field error, kept on the page.
    assert response.status_code == 200 and "registered_on" in response.context["unemployment_form"].errors
    today = datetime.date.today().isoformat()
    response = client.post(f"{LIST}{person.pk}/unemployment/", {"unemployment-registered_on": today})
    assert response.status_code == 302 and person.unemployment_registrations.count() == 1
    response = client.post(f"{LIST}{person.pk}/unemployment/", {"unemployment-registered_on": today})
    existing = person.unemployment_registrations.get()
    assert response.status_code == 200 and f"/staff/registration/unemployment/{existing.pk}/" in response.content.decode()


def test_person_page_registers_employment_and_closes_unemployment(tree, clerk):
    person = PersonFactory(area=tree.c1)
    registration = UnemploymentRegistrationFactory(person=person,
                                                   registered_on=datetime.date.today() - datetime.timedelta(days=9))
    response = login(clerk).post(f"{LIST}{person.pk}/employment/", {
        "employment-kind": "enterprise_hire", "employment-started_on": datetime.date.today().isoformat(),
        "employment-employer_name": "武汉钢铁"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled" and registration.cancel_reason == "found_work"


def test_person_page_records_card_number_and_correction(tree, clerk):
    person = PersonFactory(area=tree.c1)
    client = login(clerk)
    assert client.post(f"{LIST}{person.pk}/card/", {"employment_card_number": "4201029999"}).status_code == 302
    response = client.post(f"{LIST}{person.pk}/", {"name": "", "area": tree.c1.code, "education": "none"})
    assert response.status_code == 200 and "name" in response.context["edit_form"].errors
    response = client.post(f"{LIST}{person.pk}/", {"name": "改名", "area": tree.c1.code, "education": "none"})
    person.refresh_from_db()
    assert response.status_code == 302 and (person.name, person.employment_card_number) == ("改名", "4201029999")
