"""Programmes as data, versioned: who may maintain them, parameters checked key by key, the version
in force on a date, and a used version never edited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from portal.constants import StaffRole
from portal.models import AuditEvent
from subsidies.constants import ProgrammeKind
from subsidies.eligibility import version_in_force
from subsidies.models import ProgrammeVersion
from subsidies.selectors.programmes import parameters_in_words, summary_in_words
from subsidies.services.programmes import (
    programme_create,
    programme_update,
    programme_version_save,
    programme_version_update,
)
from tests.conftest import make_staff
from tests.subsidies.factories import PARAMETERS, ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 1)


@pytest.fixture
def city_admin(tree):
    return make_staff(StaffRole.ADMINISTRATOR, tree.city)


def _create(actor, **changes):
    values = {"code": "social-insurance-2026", "name": "灵活就业社会保险补贴", "kind": ProgrammeKind.SOCIAL_INSURANCE,
              "effective_from": TODAY, "parameters": dict(PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE]),
              "source": "财社〔2017〕164号第十二条", **changes}
    return programme_create(actor=actor, **values)


def test_city_administrator_creates_a_programme_with_its_first_version_audited(city_admin, tree):
    programme = _create(city_admin)
    version = programme.versions.get()
    assert (version.number, version.effective_from, version.created_by) == (1, TODAY, city_admin)
    assert version.parameters["share"] == "2/3"
    events = AuditEvent.objects.filter(event_type__in=["subsidy.programme_saved", "subsidy.version_saved"])
    assert events.count() == 2 and {e.area_id for e in events} == {tree.city.code}


@pytest.mark.parametrize("position", ["district_admin", "district_official", "city_clerk"])
def test_only_city_level_officials_and_administrators_maintain_programmes(tree, position):
    role, area = {"district_admin": (StaffRole.ADMINISTRATOR, tree.d1),
                  "district_official": (StaffRole.OFFICIAL, tree.d1),
                  "city_clerk": (StaffRole.CLERK, tree.city)}[position]
    with pytest.raises(Http404):
        _create(make_staff(role, area))


def test_city_official_may_maintain_too(tree):
    assert _create(make_staff(StaffRole.OFFICIAL, tree.city)).pk


def test_bad_parameters_are_refused_with_each_key_named(city_admin):
    parameters = dict(PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE])
    parameters.update(share="5/3", monthly_cap_fen=-1, colour="blue")
    del parameters["max_months"]
    with pytest.raises(ValidationError) as caught:
        _create(city_admin, parameters=parameters)
    assert set(caught.value.error_dict) == {"parameters.share", "parameters.monthly_cap_fen", "parameters.colour",
                                            "parameters.max_months"}
    assert caught.value.error_dict["parameters.colour"][0].code == "unknown"
    assert caught.value.error_dict["parameters.max_months"][0].code == "required"


@pytest.mark.parametrize(("field", "value", "code"), [("code", "Bad Code!", "invalid"), ("kind", "lottery", "invalid_choice"),
                                                      ("name", "", "required"), ("source", "x" * 301, "max_length"),
                                                      ("name", "坏\x00名", "invalid")])
def test_bad_programme_fields_are_refused_on_their_field(city_admin, field, value, code):
    with pytest.raises(ValidationError) as caught:
        _create(city_admin, **{field: value})
    assert caught.value.error_dict[field][0].code == code


def test_duplicate_code_is_refused(city_admin):
    _create(city_admin)
    with pytest.raises(ValidationError) as caught:
        _create(city_admin)
    assert caught.value.error_dict["code"][0].code == "duplicate"


def test_new_version_takes_effect_on_its_date_and_the_old_one_rules_before(city_admin):
    programme = _create(city_admin)
    programme_version_save(actor=city_admin, programme=programme, effective_from=datetime.date(2026, 7, 1),
                           parameters={**PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE], "share": "1/2"},
                           source="示例数值")
    assert version_in_force(programme, datetime.date(2026, 6, 30)).number == 1
    assert version_in_force(programme, datetime.date(2026, 7, 1)).number == 2
    assert version_in_force(programme, datetime.date(2025, 12, 31)) is None


def test_two_versions_cannot_take_effect_on_the_same_day(city_admin):
    programme = _create(city_admin)
    with pytest.raises(ValidationError) as caught:
        programme_version_save(actor=city_admin, programme=programme, effective_from=TODAY,
                               parameters=PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE], source="示例数值")
    assert caught.value.error_dict["effective_from"][0].code == "duplicate"


def test_a_version_an_application_used_is_never_edited_but_an_unused_one_may_be(city_admin):
    programme = _create(city_admin)
    version = programme.versions.get()
    fixed = programme_version_update(actor=city_admin, version=version, effective_from=TODAY,
                                     parameters={**version.parameters, "monthly_cap_fen": 90_000}, source="更正")
    assert fixed.parameters["monthly_cap_fen"] == 90_000
    ApplicationFactory(programme=programme, version=version)
    with pytest.raises(ValidationError) as caught:
        programme_version_update(actor=city_admin, version=version, effective_from=TODAY,
                                 parameters=version.parameters, source="再改")
    assert caught.value.code == "version_in_use"
    assert ProgrammeVersion.objects.get(pk=version.pk).source == "更正"


def test_a_new_version_cannot_take_effect_before_applications_decided_under_an_earlier_one(city_admin):
    programme = _create(city_admin)
    ApplicationFactory(programme=programme, version=programme.versions.get(), applied_on=datetime.date(2026, 3, 10))
    with pytest.raises(ValidationError) as caught:
        programme_version_save(actor=city_admin, programme=programme, effective_from=datetime.date(2026, 3, 1),
                               parameters=PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE], source="示例数值")
    assert caught.value.error_dict["effective_from"][0].code == "before_applications"
    assert "2026-03-10" in caught.value.messages[0]
    later = programme_version_save(actor=city_admin, programme=programme, effective_from=datetime.date(2026, 3, 11),
                                   parameters=PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE], source="示例数值")
    assert later.number == 2


def test_describing_a_programme_never_touches_its_rules(city_admin):
    programme = _create(city_admin)
    programme_update(actor=city_admin, programme=programme, name="新名称", description="说明", active=False)
    programme.refresh_from_db()
    assert (programme.name, programme.active) == ("新名称", False)
    assert programme.versions.get().parameters == PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE] | {"categories": []}


@pytest.mark.parametrize("kind", ProgrammeKind.values)
def test_every_kind_is_said_in_words_with_yuan_for_fen(kind):
    version = ProgrammeFactory(kind=kind, code=f"w-{kind}".replace("_", "-")).versions.get()
    summary = summary_in_words(version)
    assert summary["who"] and summary["how"]
    lines = {line.name: line.value for line in parameters_in_words(version)}
    assert lines["city_approval_above_fen"].startswith("50,000.00")
    assert "5" in lines["step_days"]


def test_today_is_used_when_no_date_is_given():
    programme = ProgrammeFactory()
    assert version_in_force(programme, timezone.localdate()).number == 1
