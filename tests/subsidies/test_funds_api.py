"""The staff API of funds, evaluation and allocation: the same services and forms as the pages, the one
error format, out of scope as 404, and malformed input answered with an error, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.constants import StaffRole
from subsidies.constants import AllocationKind
from subsidies.models import AllocationRun, AllocationWeights, Fund, FundEntry
from subsidies.services import allocation as allocation_services
from subsidies.services import fundbooks
from tests.conftest import make_staff
from tests.subsidies.factories_funds import small_city
from tests.subsidies.test_allocation_services import VALUES, WEIGHTS

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def field_codes(response) -> dict:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


@pytest.fixture
def city_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.city)


def test_the_city_enters_a_fund_and_allocates_money_through_the_api(api_client, tree, city_official):
    api_client.force_authenticate(city_official)
    url = reverse("api:staff-subsidies:fund-list")
    response = api_client.post(url, {"area": tree.d1.code, "year": YEAR, "budget_fen": "15.00",
                                     "prior_year_revenue_fen": "1000.01"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["budget_fen"], body["minimum_fen"], body["shortfall_fen"], body["short"]) == (1500, 1501, 1, True)
    fund_url = reverse("api:staff-subsidies:fund-detail", args=[body["id"]])
    response = api_client.post(f"{fund_url}allocate/", {"amount_fen": "100.50", "note": "预算"}, format="json")
    assert response.status_code == 200 and response.json()["available_fen"] == 10_050
    entries = api_client.get(f"{fund_url}entries/").json()
    assert entries["count"] == 1 and entries["results"][0]["available_after_fen"] == 10_050
    response = api_client.put(fund_url, {"budget_fen": "15.01", "prior_year_revenue_fen": "1000.01"}, format="json")
    assert response.status_code == 200 and response.json()["short"] is False
    listed = api_client.get(url, {"year": YEAR, "short": "true"}).json()
    assert listed["count"] == 0


@pytest.mark.parametrize("body", [
    {"area": "420102000000", "year": "二〇二六", "budget_fen": "1", "prior_year_revenue_fen": "1"},
    {"area": "420102000000", "year": 2026, "budget_fen": ["1"], "prior_year_revenue_fen": {"a": 1}},
    {"area": "420102000000", "year": 2026, "budget_fen": "1e999999999", "prior_year_revenue_fen": "\u0000"},
    {"area": "420102000000", "year": 10**30, "budget_fen": -1, "prior_year_revenue_fen": 1.5},
    {"area": None, "year": None, "budget_fen": None, "prior_year_revenue_fen": None},
])
def test_malformed_fund_input_is_a_400_in_the_one_format_never_a_500(api_client, tree, city_official, body):
    api_client.force_authenticate(city_official)
    response = api_client.post(reverse("api:staff-subsidies:fund-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid" and not Fund.objects.exists()


def test_a_district_official_reads_their_fund_and_cannot_write(api_client, tree, city_official):
    jiangan = fundbooks.fund_create(actor=city_official, area=tree.d1, year=YEAR, budget_fen=1, prior_year_revenue_fen=1)
    wuchang = fundbooks.fund_create(actor=city_official, area=tree.d2, year=YEAR, budget_fen=1, prior_year_revenue_fen=1)
    official = make_staff(StaffRole.OFFICIAL, tree.d1)
    api_client.force_authenticate(official)
    listed = api_client.get(reverse("api:staff-subsidies:fund-list")).json()
    assert [row["area"]["name"] for row in listed["results"]] == ["江岸区"]
    assert api_client.get(reverse("api:staff-subsidies:fund-detail", args=[wuchang.pk])).status_code == 404
    response = api_client.post(reverse("api:staff-subsidies:fund-list"), {
        "area": tree.d1.code, "year": YEAR - 1, "budget_fen": "1", "prior_year_revenue_fen": "1"}, format="json")
    assert response.status_code == 404
    response = api_client.post(reverse("api:staff-subsidies:fund-detail", args=[jiangan.pk]) + "allocate/",
                               {"amount_fen": "1"}, format="json")
    assert response.status_code == 404 and not FundEntry.objects.exists()
    evaluation = api_client.get(reverse("api:staff-subsidies:evaluation-list"), {"year": YEAR}).json()
    assert [row["district"] for row in evaluation["rows"]] == [tree.d1.code]


def test_evaluation_targets_and_export_through_the_api(api_client, tree, city_official):
    api_client.force_authenticate(city_official)
    response = api_client.post(reverse("api:staff-subsidies:evaluation-targets"),
                               {"area": tree.d2.code, "year": YEAR, "people_served": 10, "placements": 0},
                               format="json")
    assert response.status_code == 400 and "placements" in field_codes(response)
    response = api_client.post(reverse("api:staff-subsidies:evaluation-targets"),
                               {"area": tree.d2.code, "year": YEAR, "people_served": 10, "placements": 4},
                               format="json")
    assert response.status_code == 200 and response.json()["placements"] == 4
    table = api_client.get(reverse("api:staff-subsidies:evaluation-list"), {"year": YEAR}).json()
    wuchang = next(row for row in table["rows"] if row["district"] == tree.d2.code)
    assert (wuchang["target_placements"], wuchang["score"]) == (4, "0.00")
    export = api_client.get(reverse("api:staff-subsidies:evaluation-export"), {"year": YEAR, "file_format": "csv"})
    assert export.status_code == 200 and "武昌区" in export.content.decode("utf-8-sig")
    assert api_client.get(reverse("api:staff-subsidies:evaluation-list"), {"year": "abc"}).status_code == 400


@pytest.fixture
def small(tree):
    city, districts = small_city()
    return city, districts, make_staff(StaffRole.ADMINISTRATOR, city)


def test_allocation_through_the_api_from_weights_to_comparison(api_client, small):
    city, districts, manager = small
    api_client.force_authenticate(manager)
    weights_url = reverse("api:staff-subsidies:allocation-weights-list")
    response = api_client.post(weights_url, {"kind": "transfer", **WEIGHTS, "target_task": "0.35"}, format="json")
    assert response.status_code == 400 and field_codes(response)["non_field_errors"] == ["weights_sum"]
    assert "1.05" in response.json()["error"]["fields"]["non_field_errors"][0]["message"]
    response = api_client.post(weights_url, {"kind": "transfer", **WEIGHTS}, format="json")
    assert response.status_code == 201 and response.json()["number"] == 1
    weights_id = response.json()["id"]
    inputs_url = reverse("api:staff-subsidies:allocation-input-list")
    for district in districts:
        values = {key: (f"{value / 100:.2f}" if key == "funds_raised" else value)
                  for key, value in VALUES[district.name].items()}
        response = api_client.post(inputs_url, {"kind": "transfer", "area": district.code, "year": 2026, **values},
                                   format="json")
        assert response.status_code == 201, response.content
    runs_url = reverse("api:staff-subsidies:allocation-run-list")
    response = api_client.post(runs_url, {"kind": "transfer", "year": 2026, "total_fen": "1000000.01",
                                          "weights": weights_id, "label": "API"}, format="json")
    assert response.status_code == 201, response.content
    run = response.json()
    assert [share["share_fen"] for share in run["shares"]] == [41_250_000, 31_333_334, 27_416_667]
    assert run["shares"][0]["contributions"]["funds_raised"]["amount_fen"] == 20_000_000
    response = api_client.post(reverse("api:staff-subsidies:allocation-run-what-if", args=[run["id"]]),
                               {**WEIGHTS, "funds_raised": "0.3", "fiscal_difficulty": "0.2"}, format="json")
    assert response.status_code == 201
    other = response.json()["id"]
    comparison = api_client.get(reverse("api:staff-subsidies:allocation-run-compare"),
                                {"a": run["id"], "b": other}).json()
    assert sum(row["difference_fen"] for row in comparison["rows"]) == 0
    export = api_client.get(reverse("api:staff-subsidies:allocation-run-export", args=[run["id"]]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    # A district official sees their own share, not another's, not the run.
    official = make_staff(StaffRole.OFFICIAL, districts[0])
    api_client.force_authenticate(official)
    shares = api_client.get(reverse("api:staff-subsidies:allocation-share-list")).json()
    assert {row["area"]["code"] for row in shares["results"]} == {districts[0].code}
    other_share = AllocationRun.objects.get(pk=run["id"]).shares.get(area=districts[1])
    assert api_client.get(reverse("api:staff-subsidies:allocation-share-detail",
                                  args=[other_share.pk])).status_code == 404
    assert api_client.get(reverse("api:staff-subsidies:allocation-run-detail", args=[run["id"]])).status_code == 404
    assert api_client.post(weights_url, {"kind": "transfer", **WEIGHTS}, format="json").status_code == 404
    assert AllocationWeights.objects.count() == 2  # the what-if's version, nothing from the district


@pytest.mark.parametrize("body", [
    {"kind": "transfer", "year": 2026, "total_fen": ["1"], "weights": "abc"},
    {"kind": "nonsense", "year": 2026, "total_fen": "1", "weights": 1},
    {"kind": "transfer", "year": 2026, "total_fen": "-1", "weights": 999999999999},
    {"kind": "transfer"},
])
def test_malformed_run_requests_are_400(api_client, small, body):
    _city, _districts, manager = small
    api_client.force_authenticate(manager)
    response = api_client.post(reverse("api:staff-subsidies:allocation-run-list"), body, format="json")
    assert response.status_code == 400, response.content


def test_a_run_missing_inputs_is_refused_naming_the_districts(api_client, small):
    city, districts, manager = small
    weights = allocation_services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER,
                                                          weights=WEIGHTS)
    api_client.force_authenticate(manager)
    response = api_client.post(reverse("api:staff-subsidies:allocation-run-list"), {
        "kind": "transfer", "year": 2026, "total_fen": "100", "weights": weights.pk}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]["fields"]["non_field_errors"][0]
    assert error["code"] == "inputs_missing" and "甲区、乙区、丙区" in error["message"]
