"""Staff API of targets, district types, checks, staff use and forecast runs."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.constants import DistrictType, Indicator
from analytics.models import DistrictProfile, Target
from portal.models import Area
from tests.analytics.factories import DailyFactFactory, TargetFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def streets(district):
    return list(Area.objects.filter(parent=district).order_by("code"))


def test_city_official_sets_a_target_through_the_api(api_client, tree, staff):
    api_client.force_authenticate(staff["official@city"])
    response = api_client.post(reverse("api:staff-analytics:target-list"),
                               {"area": tree.d1.code, "year": YEAR, "indicator": "new_employment", "value": 17000},
                               format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["area"]["code"] == tree.d1.code and response.json()["value"] == 17000
    assert Target.objects.get().value == 17000


@pytest.mark.parametrize("body, field", [
    ({"area": "420102000000", "year": YEAR, "indicator": "new_employment", "value": 0}, "value"),
    ({"area": "420102000000", "year": YEAR, "indicator": "new_employment", "value": "lots"}, "value"),
    ({"area": "420102000000", "year": YEAR, "indicator": "new_employment", "value": 10**30}, "value"),
    ({"area": "420102000000", "year": 1, "indicator": "new_employment", "value": 5}, "year"),
    ({"area": "420102000000", "year": YEAR, "indicator": "nonsense", "value": 5}, "indicator"),
    ({"area": "420102001000", "year": YEAR, "indicator": "new_employment", "value": 5}, "area"),
    ({"area": "4201\x00", "year": YEAR, "indicator": "new_employment", "value": 5}, "area"),
    ({"area": ["x"], "year": [], "indicator": {}, "value": None}, "value"),
    ({"area": "420102000000", "year": YEAR, "indicator": "graduate_employment", "value": 5}, "indicator"),
])
def test_bad_target_input_answers_400_with_the_field(api_client, tree, staff, body, field):
    api_client.force_authenticate(staff["official@city"])
    response = api_client.post(reverse("api:staff-analytics:target-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Target.objects.exists()


def test_a_district_official_cannot_set_targets_and_reads_only_their_own(api_client, tree, staff):
    TargetFactory(area=tree.d2, year=YEAR)
    own = TargetFactory(area=tree.d1, year=YEAR)
    api_client.force_authenticate(staff["official@district"])
    response = api_client.post(reverse("api:staff-analytics:target-list"),
                               {"area": tree.d1.code, "year": YEAR, "indicator": "new_employment", "value": 5},
                               format="json")
    assert response.status_code == 404
    listed = api_client.get(reverse("api:staff-analytics:target-list")).json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert api_client.get(reverse("api:staff-analytics:target-list"), {"area": tree.d2.code}).status_code == 404


def test_decompose_through_the_api_refused_with_the_sum_until_it_adds_up(api_client, tree, staff):
    target = TargetFactory(area=tree.d1, year=YEAR, value=100)
    api_client.force_authenticate(staff["official@district"])
    url = reverse("api:staff-analytics:target-decompose", args=[target.pk])
    parts = {street.code: 0 for street in streets(tree.d1)}
    parts[tree.s1.code] = 90
    refused = api_client.post(url, {"parts": parts}, format="json")
    assert refused.status_code == 400
    error = refused.json()["error"]["fields"]["parts"][0]
    assert error["code"] == "sum_mismatch" and "90" in error["message"] and "10" in error["message"]
    parts[tree.s2.code] = 10
    accepted = api_client.post(url, {"parts": parts}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["parts_sum"] == 100 and len(accepted.json()["parts"]) == len(parts)
    for bad in ({"parts": "all"}, {"parts": {tree.s1.code: "x"}}, {"parts": {tree.s1.code: True}}, {}, []):
        assert api_client.post(url, bad, format="json").status_code == 400


def test_decomposing_another_districts_target_is_not_found(api_client, tree, staff):
    target = TargetFactory(area=tree.d2, year=YEAR, value=100)
    api_client.force_authenticate(staff["official@district"])
    url = reverse("api:staff-analytics:target-decompose", args=[target.pk])
    assert api_client.post(url, {"parts": {}}, format="json").status_code == 404


def test_progress_answers_month_by_month_for_the_area_and_its_children(api_client, tree, staff):
    TargetFactory(area=tree.d1, year=YEAR, value=1000)
    DailyFactFactory(area=tree.d1, day=datetime.date(YEAR, 1, 5), value=40)
    api_client.force_authenticate(staff["official@district"])
    response = api_client.get(reverse("api:staff-analytics:target-progress"), {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    own = data["own"]["indicators"][0]
    assert own["target"] == 1000 and own["achieved"] == 40 and own["months"][0]["count"] == 40
    assert {row["area"]["code"] for row in data["rows"]} == {s.code for s in streets(tree.d1)}
    assert api_client.get(reverse("api:staff-analytics:target-progress"),
                          {"area": tree.city.code}).status_code == 404


def test_district_types_through_the_api(api_client, tree, staff):
    api_client.force_authenticate(staff["official@city"])
    url = reverse("api:staff-analytics:district-type-list")
    response = api_client.post(url, {"district": tree.d2.code, "district_type": "outer"}, format="json")
    assert response.status_code == 200
    assert response.json()["indicators"] == [Indicator.NEW_EMPLOYMENT, Indicator.RURAL_LABOUR_TRANSFER,
                                             Indicator.RETURNING_MIGRANT_WORKERS]
    assert DistrictProfile.objects.get(area=tree.d2).district_type == DistrictType.OUTER
    assert len(api_client.get(url).json()) == 13
    assert api_client.post(url, {"district": tree.d2.code, "district_type": "x"}, format="json").status_code == 400
    api_client.force_authenticate(staff["official@district"])
    assert api_client.post(url, {"district": tree.d1.code, "district_type": "outer"},
                           format="json").status_code == 404
    assert [row["district"]["code"] for row in api_client.get(url).json()] == [tree.d1.code]


def test_checks_and_staff_use_answer_for_the_readers_subtree(api_client, tree, staff):
    api_client.force_authenticate(staff["official@district"])
    checks = api_client.get(reverse("api:staff-analytics:check-list"), {"year": YEAR})
    assert checks.status_code == 200
    assert [d["district"]["code"] for d in checks.json()["results"]] == [tree.d1.code]
    assert api_client.get(reverse("api:staff-analytics:check-list"), {"district": tree.d2.code}).status_code == 404
    use = api_client.get(reverse("api:staff-analytics:staff-use-list"), {"date_from": "2025-01-01"})
    assert use.status_code == 200 and use.json()["area"]["code"] == tree.d1.code
    for bad in ({"date_from": "0001-01-01x"}, {"area": "\x00"}, {"date_to": "9999-99-99"}):
        assert api_client.get(reverse("api:staff-analytics:staff-use-list"), bad).status_code == 400
    assert api_client.get(reverse("api:staff-analytics:staff-use-list"),
                          {"date_from": "1900-01-01", "date_to": "2100-12-31"}).status_code == 200


def test_only_the_city_asks_for_the_forecasts_again(api_client, tree, staff):
    url = reverse("api:staff-analytics:forecast-run-list")
    api_client.force_authenticate(staff["official@district"])
    assert api_client.post(url).status_code == 404
    api_client.force_authenticate(staff["administrator@city"])
    response = api_client.post(url)
    assert response.status_code == 202 and response.json()["queued"] is True
