"""Pages of targets, district types, authenticity checks and the employed population."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.constants import AnalyticsEvent, DistrictType, Indicator
from analytics.models import DistrictProfile, EmployedPopulation, Target
from portal.constants import AuditKind
from portal.models import Area, AuditEvent
from tests.analytics.factories import DailyFactFactory, TargetFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def main(response) -> str:
    body = response.content.decode()
    return body[body.find("<main"):body.find("</main>")]


def streets(district):
    return list(Area.objects.filter(parent=district).order_by("code"))


def test_city_official_reads_every_districts_targets_and_progress(client, tree, staff):
    TargetFactory(area=tree.d1, year=YEAR, value=17_000)
    DailyFactFactory(area=tree.d1, day=datetime.date(YEAR, 1, 2), value=321)
    client.force_login(staff["official@city"])
    response = client.get(reverse("staff-analytics:targets"))
    assert response.status_code == 200
    body = main(response)
    assert "江岸区" in body and "武昌区" in body and "17,000" in body and "321" in body
    assert reverse("staff-analytics:target-set") in body


def test_district_official_reads_their_district_and_streets_never_a_sibling(client, tree, staff):
    TargetFactory(area=tree.d2, year=YEAR, value=55_555)
    DailyFactFactory(area=tree.d2, day=datetime.date(YEAR, 1, 2), value=4_444)
    client.force_login(staff["official@district"])
    response = client.get(reverse("staff-analytics:targets"))
    body = main(response)
    assert response.status_code == 200
    assert "江岸区" in body and tree.s1.name in body
    assert "武昌区" not in body and "55,555" not in body and "4,444" not in body
    assert reverse("staff-analytics:target-set") not in body
    assert client.get(reverse("staff-analytics:targets"), {"area": tree.d2.code}).status_code == 404
    assert client.get(reverse("staff-analytics:targets"), {"area": tree.city.code}).status_code == 404


def test_clerks_are_refused_the_target_pages(client, tree, staff):
    client.force_login(staff["clerk@district"])
    for name in ("targets", "checks", "district-types", "population", "target-set"):
        assert client.get(reverse(f"staff-analytics:{name}")).status_code == 403


def test_the_target_list_stays_within_ten_queries(client, tree, staff, django_assert_max_num_queries):
    for district in Area.objects.filter(parent=tree.city):
        TargetFactory(area=district, year=YEAR)
    client.force_login(staff["official@city"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("staff-analytics:targets")).status_code == 200


def test_city_sets_the_years_targets_all_at_once(client, tree, staff):
    DistrictProfile.objects.create(area=tree.d2, district_type=DistrictType.OUTER)
    client.force_login(staff["official@city"])
    url = f"{reverse('staff-analytics:target-set')}?year={YEAR}"
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="{tree.d2.code}_rural_labour_transfer"' in page.content.decode()
    assert f'name="{tree.d1.code}_rural_labour_transfer"' not in page.content.decode()
    response = client.post(url, {f"{tree.d1.code}_new_employment": "17000", f"{tree.d2.code}_new_employment": "19500",
                                 f"{tree.d2.code}_rural_labour_transfer": "800"})
    assert response.status_code == 302
    assert dict(Target.objects.values_list("area_id", "value").filter(indicator=Indicator.NEW_EMPLOYMENT)) == {
        tree.d1.code: 17_000, tree.d2.code: 19_500}
    assert Target.objects.get(indicator=Indicator.RURAL_LABOUR_TRANSFER).value == 800


@pytest.mark.parametrize("value", ["0", "-5", "abc", "99999999999999999999", "1.5"])
def test_a_bad_box_saves_nothing_and_shows_what_was_typed(client, tree, staff, value):
    client.force_login(staff["official@city"])
    url = f"{reverse('staff-analytics:target-set')}?year={YEAR}"
    response = client.post(url, {f"{tree.d1.code}_new_employment": "100", f"{tree.d2.code}_new_employment": value})
    assert response.status_code == 400
    assert not Target.objects.exists()
    assert 'value="100"' in response.content.decode()


@pytest.mark.parametrize("year", ["0001", "9999", "abc", "-1"])
def test_a_year_out_of_range_falls_back_to_this_year(client, tree, staff, year):
    client.force_login(staff["official@city"])
    assert client.get(reverse("staff-analytics:targets"), {"year": year}).status_code == 200
    assert client.get(reverse("staff-analytics:checks"), {"year": year}).status_code == 200


def test_a_district_official_may_not_set_targets(client, tree, staff):
    client.force_login(staff["official@district"])
    assert client.get(reverse("staff-analytics:target-set")).status_code == 403
    assert client.post(reverse("staff-analytics:target-set"), {f"{tree.d1.code}_new_employment": "5"}).status_code \
        == 403
    assert not Target.objects.exists()


def test_district_decomposes_on_the_target_page_refused_until_the_parts_add_up(client, tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=1_000)
    client.force_login(staff["official@district"])
    url = reverse("staff-analytics:target-detail", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="{tree.s1.code}"' in page.content.decode()
    parts = {street.code: "0" for street in streets(tree.d1)}
    parts[tree.s1.code] = "700"
    refused = client.post(url, parts)
    assert refused.status_code == 400
    text = main(refused)
    assert "700" in text and "300" in text and "1,000" in text
    assert not Target.objects.filter(parent=target).exists()
    parts[tree.s2.code] = "300"
    assert client.post(url, parts).status_code == 302
    assert sum(Target.objects.filter(parent=target).values_list("value", flat=True)) == 1_000
    assert "1000" in main(client.get(url))


def test_the_city_reads_a_districts_target_but_does_not_decompose_it(client, tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=10)
    client.force_login(staff["official@city"])
    url = reverse("staff-analytics:target-detail", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200 and f'name="{tree.s1.code}"' not in page.content.decode()
    assert client.post(url, {tree.s1.code: "10"}).status_code == 403


def test_another_districts_target_is_not_found(client, tree, staff):
    target = TargetFactory(area=tree.d2, year=YEAR, value=10)
    client.force_login(staff["official@district"])
    url = reverse("staff-analytics:target-detail", args=[target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_city_sets_district_types_and_districts_read_them(client, tree, staff):
    client.force_login(staff["administrator@city"])
    url = reverse("staff-analytics:district-types")
    response = client.post(url, {tree.d1.code: DistrictType.CENTRAL, tree.d2.code: DistrictType.OUTER,
                                 Area.objects.filter(parent=tree.city).order_by("-code").first().code: ""})
    assert response.status_code == 302
    assert dict(DistrictProfile.objects.values_list("area_id", "district_type")) == {
        tree.d1.code: "central", tree.d2.code: "outer"}
    assert AuditEvent.objects.filter(event_type=AnalyticsEvent.DISTRICT_TYPE_SAVED).count() == 2
    client.force_login(staff["official@district"])
    page = client.get(url)
    assert page.status_code == 200 and "武昌区" not in main(page) and "<select" not in main(page)
    assert client.post(url, {tree.d1.code: DistrictType.OUTER}).status_code == 403
    assert client.post(url, {tree.d1.code: "suburban"}).status_code == 403


def test_checks_page_shows_the_flags_and_the_records_behind_them_and_exports(client, tree, staff):
    person = PersonFactory(area=tree.c1, employment_card_number=None)
    EmploymentRegistrationFactory(person=person, area=tree.c1, started_on=datetime.date(YEAR, 1, 2))
    client.force_login(staff["official@city"])
    url = reverse("staff-analytics:checks")
    response = client.get(url, {"district": tree.d1.code})
    assert response.status_code == 200
    body = main(response)
    assert person.name in body and person.id_masked in body
    assert reverse("staff-registration:person-detail", args=[person.pk]) in body
    export = client.get(url, {"district": tree.d1.code, "export": "incomplete", "format": "csv"})
    assert export.status_code == 200 and person.name in export.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(event_type=AnalyticsEvent.DATA_EXPORTED)
    assert event.kind == AuditKind.EXPORT and event.new_values["table"] == "incomplete"
    assert client.get(url, {"export": "nothing", "format": "csv"}).status_code == 404


def test_a_district_official_cannot_list_another_districts_records(client, tree, staff):
    person = PersonFactory(area=tree.c3, employment_card_number=None)
    EmploymentRegistrationFactory(person=person, area=tree.c3, started_on=datetime.date(YEAR, 1, 2))
    client.force_login(staff["official@district"])
    assert client.get(reverse("staff-analytics:checks"), {"district": tree.d2.code}).status_code == 404
    assert person.name not in main(client.get(reverse("staff-analytics:checks")))


def test_the_checks_page_stays_within_ten_queries(client, tree, staff, django_assert_max_num_queries):
    client.force_login(staff["official@city"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("staff-analytics:checks"), {"district": tree.d1.code}).status_code == 200


def test_an_official_enters_the_employed_population(client, tree, staff):
    client.force_login(staff["official@district"])
    url = reverse("staff-analytics:population")
    assert client.get(url).status_code == 200
    response = client.post(url, {"area": tree.d1.code, "year": str(YEAR), "employed": "460000",
                                 "source": "区统计局年报"})
    assert response.status_code == 302
    assert EmployedPopulation.objects.get(area=tree.d1, year=YEAR).employed == 460_000
    refused = client.post(url, {"area": tree.d2.code, "year": str(YEAR), "employed": "1", "source": "x"})
    assert refused.status_code == 400 and not EmployedPopulation.objects.filter(area=tree.d2).exists()
    bad = client.post(url, {"area": tree.d1.code, "year": "0001", "employed": "99999999999999", "source": "\x00"})
    assert bad.status_code == 400


def test_administrators_read_the_population_but_only_officials_enter_it(client, tree, staff):
    client.force_login(staff["administrator@district"])
    url = reverse("staff-analytics:population")
    page = client.get(url)
    assert page.status_code == 200 and 'name="employed"' not in page.content.decode()
    assert client.post(url, {"area": tree.d1.code, "year": str(YEAR), "employed": "5", "source": "x"}).status_code \
        == 403
