"""Targets (seed 四): district types, the city's targets, the districts' decomposition to streets, and
progress from the facts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from analytics.constants import AnalyticsEvent, DistrictType, Indicator
from analytics.models import DistrictProfile, Target
from analytics.selectors.targets import decomposition_rows, target_progress
from analytics.services.targets import (
    district_type_set,
    target_set,
    targets_decompose,
    targets_set_year,
)
from portal.constants import StaffRole
from portal.models import Area, AuditEvent
from tests.analytics.factories import DailyFactFactory, TargetFactory
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db
YEAR = 2025


def streets(district: Area) -> list[Area]:
    return list(Area.objects.filter(parent=district).order_by("code"))


def test_city_official_sets_a_district_target_and_it_is_audited(tree, staff):
    target = target_set(actor=staff["official@city"], area=tree.d1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT,
                        value=20_000)
    assert (target.area, target.year, target.value, target.area_path) == (tree.d1, YEAR, 20_000, tree.d1.path)
    event = AuditEvent.objects.get(event_type=AnalyticsEvent.TARGET_SAVED, object_id=str(target.pk))
    assert event.new_values["value"] == 20_000 and event.old_values == {}
    again = target_set(actor=staff["official@city"], area=tree.d1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT,
                       value=21_000)
    assert again.pk == target.pk and again.value == 21_000
    assert AuditEvent.objects.filter(event_type=AnalyticsEvent.TARGET_SAVED).latest("id").old_values == {
        "value": 20_000}


@pytest.mark.parametrize("position", ["official@district", "administrator@district", "clerk@district",
                                      "administrator@street"])
def test_only_the_city_sets_district_targets(tree, staff, position):
    with pytest.raises(Http404):
        target_set(actor=staff[position], area=tree.d1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT, value=5)
    assert not Target.objects.exists()


@pytest.mark.parametrize("value", [0, -1, 10_000_001, True, "100", 1.5, None])
def test_a_target_must_be_a_whole_number_of_people_in_range(tree, staff, value):
    with pytest.raises(ValidationError) as caught:
        target_set(actor=staff["official@city"], area=tree.d1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT,
                   value=value)
    assert caught.value.error_dict["value"][0].code == "value_range"


@pytest.mark.parametrize("year", [1999, 2101, 0, 9999, "2025"])
def test_a_target_year_out_of_range_is_refused(tree, staff, year):
    with pytest.raises(ValidationError) as caught:
        target_set(actor=staff["official@city"], area=tree.d1, year=year, indicator=Indicator.NEW_EMPLOYMENT,
                   value=10)
    assert "year" in caught.value.error_dict


def test_targets_are_set_for_districts_only(tree, staff):
    with pytest.raises(ValidationError) as caught:
        target_set(actor=staff["official@city"], area=tree.s1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT,
                   value=10)
    assert caught.value.error_dict["area"][0].code == "area_level"


def test_indicators_follow_the_district_type(tree, staff):
    city = staff["official@city"]
    with pytest.raises(ValidationError) as caught:
        target_set(actor=city, area=tree.d1, year=YEAR, indicator=Indicator.GRADUATE_EMPLOYMENT, value=100)
    assert caught.value.error_dict["indicator"][0].code == "not_for_district_type"
    district_type_set(actor=city, district=tree.d1, district_type=DistrictType.CENTRAL)
    assert target_set(actor=city, area=tree.d1, year=YEAR, indicator=Indicator.GRADUATE_EMPLOYMENT, value=100)
    with pytest.raises(ValidationError):
        target_set(actor=city, area=tree.d1, year=YEAR, indicator=Indicator.RURAL_LABOUR_TRANSFER, value=100)
    district_type_set(actor=city, district=tree.d2, district_type=DistrictType.OUTER)
    assert target_set(actor=city, area=tree.d2, year=YEAR, indicator=Indicator.RURAL_LABOUR_TRANSFER, value=100)


def test_district_type_is_set_by_the_city_and_audited_once_per_change(tree, staff):
    city = staff["administrator@city"]
    district_type_set(actor=city, district=tree.d1, district_type=DistrictType.OUTER)
    district_type_set(actor=city, district=tree.d1, district_type=DistrictType.OUTER)
    district_type_set(actor=city, district=tree.d1, district_type=DistrictType.CENTRAL)
    assert DistrictProfile.objects.get(area=tree.d1).district_type == DistrictType.CENTRAL
    events = AuditEvent.objects.filter(event_type=AnalyticsEvent.DISTRICT_TYPE_SAVED).order_by("id")
    assert [(e.old_values, e.new_values) for e in events] == [
        ({}, {"district_type": "outer"}), ({"district_type": "outer"}, {"district_type": "central"})]
    with pytest.raises(Http404):
        district_type_set(actor=staff["official@district"], district=tree.d1, district_type=DistrictType.OUTER)
    with pytest.raises(ValidationError):
        district_type_set(actor=city, district=tree.d1, district_type="suburban")


def test_a_years_targets_are_all_saved_or_none(tree, staff):
    city = staff["official@city"]
    with pytest.raises(ValidationError) as caught:
        targets_set_year(actor=city, year=YEAR, values=[(tree.d1, Indicator.NEW_EMPLOYMENT, 100),
                                                         (tree.d2, Indicator.NEW_EMPLOYMENT, 0)])
    assert list(caught.value.error_dict) == [f"{tree.d2.code}_new_employment"]
    assert not Target.objects.exists()
    saved = targets_set_year(actor=city, year=YEAR, values=[(tree.d1, Indicator.NEW_EMPLOYMENT, 100),
                                                             (tree.d2, Indicator.NEW_EMPLOYMENT, 200)])
    assert sorted(t.value for t in saved) == [100, 200]


def test_district_decomposes_its_target_to_every_street_adding_up_exactly(tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=1_000)
    parts = {street: 0 for street in streets(tree.d1)}
    first, second, *_ = parts
    parts[first], parts[second] = 600, 400
    saved = targets_decompose(actor=staff["official@district"], target=target, parts=parts)
    assert len(saved) == len(parts)
    assert sum(t.value for t in Target.objects.filter(parent=target)) == 1_000
    assert Target.objects.get(area=first, year=YEAR).value == 600
    event = AuditEvent.objects.get(event_type=AnalyticsEvent.TARGETS_DECOMPOSED)
    assert event.new_values[first.code] == 600 and event.old_values == {}


def test_parts_that_do_not_add_up_are_refused_naming_the_sum_and_the_difference(tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=1_000)
    parts = {street.code: 0 for street in streets(tree.d1)}
    parts[tree.s1.code] = 900
    with pytest.raises(ValidationError) as caught:
        targets_decompose(actor=staff["official@district"], target=target, parts=parts)
    error = caught.value.error_dict["parts"][0]
    assert error.code == "sum_mismatch"
    assert "900" in error.message and "100" in error.message and "1,000" in error.message
    assert not Target.objects.filter(parent=target).exists()
    parts[tree.s1.code] = 1_100
    with pytest.raises(ValidationError) as caught:
        targets_decompose(actor=staff["official@district"], target=target, parts=parts)
    assert "1,100" in caught.value.error_dict["parts"][0].message


def test_every_street_needs_a_part_and_no_foreign_area_is_taken(tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=10)
    with pytest.raises(ValidationError) as caught:
        targets_decompose(actor=staff["official@district"], target=target, parts={tree.s1.code: 10})
    assert caught.value.error_dict[tree.s2.code][0].code == "required"
    parts = {street.code: 0 for street in streets(tree.d1)}
    parts[tree.s1.code] = 10
    with pytest.raises(ValidationError) as caught:
        targets_decompose(actor=staff["official@district"], target=target, parts={**parts, tree.c3.code: 0})
    assert caught.value.error_dict["parts"][0].code == "not_a_child"
    with pytest.raises(ValidationError) as caught:
        targets_decompose(actor=staff["official@district"], target=target, parts={**parts, tree.s2.code: -1})
    assert caught.value.error_dict[tree.s2.code][0].code == "value_range"
    assert not Target.objects.filter(parent=target).exists()


@pytest.mark.parametrize("position", ["official@city", "clerk@district", "administrator@street"])
def test_only_the_districts_own_officials_decompose_it(tree, staff, position):
    target = TargetFactory(area=tree.d1, year=YEAR, value=10)
    parts = {street.code: 0 for street in streets(tree.d1)}
    parts[tree.s1.code] = 10
    with pytest.raises(Http404):
        targets_decompose(actor=staff[position], target=target, parts=parts)


def test_another_districts_official_cannot_decompose_or_see_it(tree):
    other = make_staff(StaffRole.OFFICIAL, tree.d2)
    target = TargetFactory(area=tree.d1, year=YEAR, value=10)
    with pytest.raises(Http404):
        targets_decompose(actor=other, target=target, parts={})
    with pytest.raises(Http404):
        target_progress(fetched_by=other, year=YEAR, area=tree.d1)


def test_decomposing_again_replaces_the_parts_and_audits_the_old_ones(tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=10)
    parts = {street.code: 0 for street in streets(tree.d1)}
    parts[tree.s1.code] = 10
    targets_decompose(actor=staff["official@district"], target=target, parts=parts)
    parts[tree.s1.code], parts[tree.s2.code] = 4, 6
    targets_decompose(actor=staff["administrator@district"], target=target, parts=parts)
    assert Target.objects.get(area=tree.s2, year=YEAR).value == 6
    assert Target.objects.filter(parent=target).count() == len(parts)
    event = AuditEvent.objects.filter(event_type=AnalyticsEvent.TARGETS_DECOMPOSED).latest("id")
    assert event.old_values[tree.s1.code] == 10 and event.new_values[tree.s1.code] == 4


def test_a_city_change_after_decomposition_keeps_the_parts_and_shows_they_no_longer_add_up(tree, staff):
    target = target_set(actor=staff["official@city"], area=tree.d1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT,
                        value=10)
    parts = {street.code: 0 for street in streets(tree.d1)}
    parts[tree.s1.code] = 10
    targets_decompose(actor=staff["official@district"], target=target, parts=parts)
    target_set(actor=staff["official@city"], area=tree.d1, year=YEAR, indicator=Indicator.NEW_EMPLOYMENT, value=12)
    progress = target_progress(fetched_by=staff["official@city"], year=YEAR, area=tree.city,
                               on_date=datetime.date(YEAR, 6, 30))
    row = next(r for r in progress.rows if r.area == tree.d1).new_employment
    assert (row.value, row.parts_sum, row.parts_difference) == (12, 10, -2)


def test_progress_counts_new_employment_facts_month_by_month_for_the_district_and_its_streets(tree, staff):
    TargetFactory(area=tree.d1, year=YEAR, value=1_200)
    for day, value in ((datetime.date(YEAR, 1, 10), 50), (datetime.date(YEAR, 1, 20), 30),
                       (datetime.date(YEAR, 3, 5), 100), (datetime.date(YEAR - 1, 12, 31), 999),
                       (datetime.date(YEAR, 7, 1), 77)):
        DailyFactFactory(area=tree.d1, day=day, value=value)
    DailyFactFactory(area=tree.s1, day=datetime.date(YEAR, 3, 5), value=60)
    DailyFactFactory(area=tree.d2, day=datetime.date(YEAR, 3, 5), value=5_000)  # another district
    progress = target_progress(fetched_by=staff["official@district"], year=YEAR, area=tree.d1,
                               on_date=datetime.date(YEAR, 6, 30))
    own = progress.own.new_employment
    assert own.achieved == 180  # July and last December are outside the period
    assert [(m.month.month, m.count, m.cumulative) for m in own.months] == [
        (1, 80, 80), (2, 0, 80), (3, 100, 180), (4, 0, 180), (5, 0, 180), (6, 0, 180)]
    assert own.expected == round(1_200 * 181 / 365)
    assert own.on_track is False
    assert own.percent == pytest.approx(15.0)
    street = next(r for r in progress.rows if r.area == tree.s1).new_employment
    assert street.achieved == 60 and street.target is None
    assert {r.area for r in progress.rows} == set(streets(tree.d1))


def test_a_district_official_reads_progress_of_their_district_only(tree, staff):
    DailyFactFactory(area=tree.city, day=datetime.date(YEAR, 2, 1), value=9_999)
    TargetFactory(area=tree.d2, year=YEAR)
    with pytest.raises(Http404):
        target_progress(fetched_by=staff["official@district"], year=YEAR, area=tree.city)
    progress = target_progress(fetched_by=staff["official@city"], year=YEAR, area=tree.city,
                               on_date=datetime.date(YEAR, 3, 1))
    assert progress.own.new_employment.achieved == 9_999
    assert next(r for r in progress.rows if r.area == tree.d2).new_employment.target is not None


def test_suggested_decomposition_follows_last_years_new_employment_and_adds_up(tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=1_001)
    DailyFactFactory(area=tree.s1, day=datetime.date(YEAR - 1, 5, 1), value=300)
    DailyFactFactory(area=tree.s2, day=datetime.date(YEAR - 1, 5, 1), value=700)
    rows = decomposition_rows(fetched_by=staff["official@district"], target=target)
    assert sum(r.suggested for r in rows) == 1_001
    suggested = {r.area: r.suggested for r in rows}
    assert suggested[tree.s1] == 300 and suggested[tree.s2] == 701
    assert all(r.value is None for r in rows)
