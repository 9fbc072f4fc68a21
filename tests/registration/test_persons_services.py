"""Registering persons: stored without a readable number, bad input, duplicates (the database
decides between two windows), scope, revealing the whole number, the card number, account links."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from portal.constants import AuditEventType, AuditKind, StaffRole
from portal.models import AuditEvent
from portal.scoping import OutOfScope
from registration.constants import RegistrationEvent
from registration.identity import identity_hash, identity_make
from registration.models import Person
from registration.services import persons as services
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.jobs.factories import SeekerProfileFactory
from tests.registration.factories import PersonFactory, error_codes

pytestmark = pytest.mark.django_db

NUMBER = identity_make("420102", datetime.date(1985, 6, 15), 123)


@pytest.fixture
def clerk(tree):
    return make_staff(StaffRole.CLERK, tree.c1)


def register(actor, area, **overrides):
    values = {"identity_number": NUMBER, "name": "李娟", "area": area, "phone": "13912345678",
              "education": "senior_middle", "skills": "电工"}
    return services.person_register(actor=actor, **{**values, **overrides})


def test_register_stores_hash_encrypted_and_masked_number_only(tree, clerk):
    person = register(clerk, tree.c1)
    assert person.id_hash == identity_hash(NUMBER)
    assert person.id_masked == NUMBER[:6] + "********" + NUMBER[-4:]
    assert NUMBER not in person.id_encrypted
    row = Person.objects.filter(pk=person.pk).values().get()
    assert not [name for name, value in row.items() if isinstance(value, str) and NUMBER in value]
    assert (person.birth_date, person.sex, person.area, person.created_by) == (
        datetime.date(1985, 6, 15), "male", tree.c1, clerk)
    event = AuditEvent.objects.get(event_type=RegistrationEvent.PERSON_REGISTERED, object_id=str(person.pk))
    assert NUMBER not in str(event.new_values) and event.new_values["id_masked"] == person.id_masked


@pytest.mark.parametrize("number, code", [
    (NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1"), "check_character"),
    ("42010219850230123" + "0", "birth_date_invalid"),
    (identity_make("420102", datetime.date(2099, 1, 1)), "birth_date_future"),
    (identity_make("420102", datetime.date.today().replace(year=datetime.date.today().year - 15)), "under_age"),
    ("4201021985", "length"),
])
def test_bad_identity_numbers_are_refused_and_nothing_is_stored(tree, clerk, number, code):
    with pytest.raises(ValidationError) as info:
        register(clerk, tree.c1, identity_number=number)
    assert error_codes(info.value)["identity_number"] == [code]
    assert not Person.objects.exists()


def test_other_fields_are_checked_together_with_the_number(tree):
    street_clerk = make_staff(StaffRole.CLERK, tree.s1)
    with pytest.raises(ValidationError) as info:
        register(street_clerk, tree.s1, identity_number="123", name="", phone="12345")
    assert error_codes(info.value) == {"identity_number": ["length"], "name": ["required"], "phone": ["invalid"],
                                       "area": ["level"]}


def test_fifteen_digit_number_is_stored_as_its_18_character_form(tree, clerk):
    person = register(clerk, tree.c1, identity_number="420102850615123")
    converted = identity_make("420102", datetime.date(1985, 6, 15), 123)
    assert person.id_hash == identity_hash(converted) and person.id_masked.endswith(converted[-4:])
    with pytest.raises(ValidationError) as info:
        register(clerk, tree.c1, identity_number=converted)
    assert error_codes(info.value) == {"identity_number": ["duplicate"]}


def test_lowercase_x_finds_the_same_person(tree, clerk):
    number = next(n for n in (identity_make("420102", datetime.date(1985, 6, 15), s) for s in range(1, 999))
                  if n.endswith("X"))
    register(clerk, tree.c1, identity_number=number)
    with pytest.raises(services.DuplicatePerson):
        register(clerk, tree.c1, identity_number=number.lower())


def test_duplicate_in_scope_points_to_the_existing_person(tree, clerk):
    first = register(clerk, tree.c1)
    with pytest.raises(services.DuplicatePerson) as info:
        register(clerk, tree.c1, name="另一个名字")
    assert info.value.existing == first
    message = info.value.message_dict["identity_number"][0]
    assert first.name in message and str(first.pk) in message and first.id_masked in message


def test_duplicate_out_of_scope_says_only_another_area(tree, clerk):
    other = make_staff(StaffRole.CLERK, tree.c3)
    first = register(other, tree.c3)
    translation.activate("en")  # the message is checked in English
    with pytest.raises(services.DuplicatePerson) as info:
        register(clerk, tree.c1)
    message = info.value.message_dict["identity_number"][0]
    assert info.value.existing is None and "another area" in message
    assert first.name not in message and str(first.pk) not in message and tree.c3.name not in message


def test_clerk_of_another_district_and_non_clerks_get_404(tree, clerk, staff):
    other = make_staff(StaffRole.CLERK, tree.d2)
    with pytest.raises(OutOfScope):
        register(other, tree.c1)
    with pytest.raises(OutOfScope):
        register(staff["official@district"], tree.c1)
    with pytest.raises(OutOfScope):
        register(UserFactory(), tree.c1)
    assert not Person.objects.exists()


def test_any_clerk_tier_registers_in_its_subtree(tree, staff):
    for position, sequence in (("clerk@community", 1), ("clerk@street", 2), ("clerk@district", 3)):
        person = register(staff[position], tree.c1, identity_number=identity_make(sequence=sequence))
        assert person.created_by == staff[position]


def _race(actors, call):
    """Run call(actor) in one thread per actor, all at the same moment; return results or errors."""
    results = [None] * len(actors)

    def run(i, actor):
        try:
            results[i] = call(actor)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each window got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_same_number_from_two_windows_at_once_exactly_one_wins(committed_tree, monkeypatch):
    from portal.models import Area
    from tests.conftest import Tree  # noqa: F401  (the committed tree is loaded by the fixture)

    community = Area.objects.get(code="420102002003")
    first, second = make_staff(StaffRole.CLERK, community), make_staff(StaffRole.CLERK, community)
    # Both windows pass the early check before either writes: only the unique index can decide.
    real_lookup = services._existing_person
    barrier = threading.Barrier(2)
    state = threading.local()

    def lookup_then_wait(key):
        found = real_lookup(key)
        if not getattr(state, "waited", False):
            state.waited = True
            barrier.wait(timeout=10)
        return found

    monkeypatch.setattr(services, "_existing_person", lookup_then_wait)
    results = _race([first, second], lambda actor: register(actor, community, name=f"窗口{actor.pk}"))
    winners = [r for r in results if isinstance(r, Person)]
    losers = [r for r in results if isinstance(r, services.DuplicatePerson)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].existing.pk == winners[0].pk
    assert Person.objects.count() == 1


def test_reveal_returns_the_number_and_records_a_read_each_time(tree, clerk, staff):
    person = register(clerk, tree.c1)
    for viewer in (clerk, staff["official@city"]):
        assert services.person_identity_number_reveal(actor=viewer, person=person) == NUMBER
    events = AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_id=str(person.pk))
    assert events.count() == 2 and {e.kind for e in events} == {AuditKind.READ}
    assert {e.actor for e in events} == {clerk, staff["official@city"]}


def test_reveal_is_refused_outside_the_persons_area(tree, clerk):
    person = register(clerk, tree.c1)
    for outsider in (make_staff(StaffRole.CLERK, tree.c2), make_staff(StaffRole.CLERK, tree.d2),
                     make_staff(StaffRole.OFFICIAL, tree.d2)):
        with pytest.raises(OutOfScope):
            services.person_identity_number_reveal(actor=outsider, person=person)
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_VIEWED).exists()


def test_update_corrects_details_and_keeps_the_number(tree, clerk):
    person = register(clerk, tree.c1)
    updated = services.person_update(actor=clerk, person=person, name="李娟娟", area=tree.c1, phone="",
                                     household_area=tree.d2, education="bachelor", skills="")
    assert (updated.name, updated.household_area, updated.id_hash) == ("李娟娟", tree.d2, identity_hash(NUMBER))
    assert AuditEvent.objects.get(event_type=RegistrationEvent.PERSON_UPDATED).old_values["name"] == "李娟"
    with pytest.raises(OutOfScope):  # moving to a community outside the clerk's scope
        services.person_update(actor=clerk, person=person, name="李娟", area=tree.c2)


def test_original_retirement_age_only_for_women(tree, clerk):
    with pytest.raises(ValidationError) as info:
        register(clerk, tree.c1, original_retirement_age=55)  # NUMBER is a man's
    assert error_codes(info.value) == {"original_retirement_age": ["not_female"]}
    woman = register(clerk, tree.c1, identity_number=identity_make(sequence=124), original_retirement_age=55)
    assert woman.original_retirement_age == 55


def test_employment_card_number_is_one_per_person_and_unique(tree, clerk):
    first, second = PersonFactory(area=tree.c1), PersonFactory(area=tree.c1)
    services.person_employment_card_record(actor=clerk, person=first, number="4201020001")
    with pytest.raises(ValidationError) as info:
        services.person_employment_card_record(actor=clerk, person=first, number="4201020002")
    assert error_codes(info.value) == {"employment_card_number": ["already_issued"]}
    with pytest.raises(ValidationError) as info:
        services.person_employment_card_record(actor=clerk, person=second, number="4201020001")
    assert error_codes(info.value) == {"employment_card_number": ["duplicate"]}
    first.refresh_from_db()
    assert first.employment_card_number == "4201020001"


def test_job_seeker_links_account_by_number_and_name(tree, clerk, job_seeker):
    person = register(clerk, tree.c1)
    profile = SeekerProfileFactory(account=job_seeker, area=tree.c1)
    linked = services.person_account_link(user=job_seeker, identity_number=NUMBER.lower(), name=" 李娟 ")
    assert (linked.pk, linked.account, linked.seeker_profile) == (person.pk, job_seeker, profile)
    with pytest.raises(ValidationError) as info:
        services.person_account_link(user=job_seeker, identity_number=NUMBER, name="李娟")
    assert info.value.code == "already_linked"


def test_link_with_a_wrong_name_does_not_say_which_part_failed(tree, clerk, job_seeker):
    register(clerk, tree.c1)
    with pytest.raises(ValidationError) as wrong_name:
        services.person_account_link(user=job_seeker, identity_number=NUMBER, name="王五")
    with pytest.raises(ValidationError) as unknown:
        services.person_account_link(user=job_seeker, identity_number=identity_make(sequence=999), name="李娟")
    assert wrong_name.value.code == unknown.value.code == "no_match"
    assert wrong_name.value.messages == unknown.value.messages
    assert not Person.objects.filter(account=job_seeker).exists()


def test_a_person_already_linked_cannot_be_linked_again(tree, clerk):
    register(clerk, tree.c1)
    first, second = UserFactory(), UserFactory()
    services.person_account_link(user=first, identity_number=NUMBER, name="李娟")
    with pytest.raises(ValidationError) as info:
        services.person_account_link(user=second, identity_number=NUMBER, name="李娟")
    assert info.value.code == "linked_elsewhere"
