"""Allocation of the city's money among its districts (seed 二(二), 二(四)): hand-computed examples to the
fen (remainder and tie-break included), weights and inputs as versions, refusals in words, what-if."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from portal.constants import StaffRole
from portal.models import AuditEvent
from portal.scoping import OutOfScope
from subsidies.constants import AllocationKind, SubsidiesEvent
from subsidies.models import AllocationInput, AllocationShare, AllocationWeights
from subsidies.selectors.allocation import allocation_comparison
from subsidies.services import allocation as services
from tests.conftest import make_staff
from tests.subsidies.factories_funds import small_city

pytestmark = pytest.mark.django_db

# The hand-computed transfer example: weights and each district's values.
WEIGHTS = {"funds_raised": "0.4", "target_task": "0.3", "last_year_results": "0.1", "fiscal_difficulty": "0.1",
           "fund_performance": "0.1"}
VALUES = {
    "甲区": {"funds_raised": 30_000_000, "target_task": 100, "last_year_results": 50, "fiscal_difficulty": "1",
            "fund_performance": "90"},
    "乙区": {"funds_raised": 20_000_000, "target_task": 100, "last_year_results": 30, "fiscal_difficulty": "1",
            "fund_performance": "60"},
    "丙区": {"funds_raised": 10_000_000, "target_task": 100, "last_year_results": 20, "fiscal_difficulty": "2",
            "fund_performance": "90"},
}


@pytest.fixture
def city_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.city)


@pytest.fixture
def city(tree):
    return small_city()


@pytest.fixture
def manager(city):
    return make_staff(StaffRole.OFFICIAL, city[0])


def enter_inputs(manager, districts, values, *, kind=AllocationKind.TRANSFER, year=2026):
    return {district.name: services.allocation_input_save(actor=manager, kind=kind, year=year, area=district,
                                                          values=values[district.name]) for district in districts}


def shares_by_name(run) -> dict[str, AllocationShare]:
    return {share.area.name: share for share in run.shares.select_related("area")}


def test_transfer_shares_reproduce_the_hand_computation_to_the_fen(city, manager):
    """Weights 0.4 / 0.3 / 0.1 / 0.1 / 0.1; the districts' parts of each factor:

    ========  ================  ===========  =================  ==================  ================
    district  funds raised      target task  last year results  fiscal difficulty   fund performance
    ========  ================  ===========  =================  ==================  ================
    甲区      300,000 of 600,000 = 1/2   100/300 = 1/3   50/100 = 1/2   1/4   90/240 = 3/8
    乙区      200,000 → 1/3     1/3          30/100 = 3/10      1/4                 60/240 = 1/4
    丙区      100,000 → 1/6     1/3          20/100 = 1/5       2/4 = 1/2           3/8
    ========  ================  ===========  =================  ==================  ================

    Scores (in 1200ths): 甲 = 0.2 + 0.1 + 0.05 + 0.025 + 0.0375 = 495/1200; 乙 = 2/15 + 1/10 + 3/100 +
    1/40 + 1/40 = 376/1200; 丙 = 1/15 + 1/10 + 1/50 + 1/20 + 3/80 = 329/1200; they add up to 1.

    Total 1,000,000.01 yuan = 100,000,001 fen:
    甲 100,000,001 × 495/1200 = 41,250,000.4125 → 41,250,000 (remainder .4125)
    乙 100,000,001 × 376/1200 = 31,333,333.6467 → 31,333,333 (remainder .6467)
    丙 100,000,001 × 329/1200 = 27,416,666.9408 → 27,416,666 (remainder .9408)
    The floors add up to 99,999,999: the 2 fen left go to the largest remainders, 丙 then 乙.
    Shares: 甲 41,250,000; 乙 31,333,334; 丙 27,416,667 (sum 100,000,001).

    甲's share by factor (contributions 240, 120, 60, 30, 45 of 495): 20,000,000; 10,000,000; 5,000,000;
    2,500,000; 3,750,000. 乙's (80, 60, 18, 15, 15 of 188, in 600ths) of 31,333,334: 13,333,333.617,
    10,000,000.213, 3,000,000.064, 2,500,000.053, 2,500,000.053 → floors add up to 31,333,333, the 1 fen
    left goes to funds raised: 13,333,334; 10,000,000; 3,000,000; 2,500,000; 2,500,000.
    """
    city_area, districts = city
    enter_inputs(manager, districts, VALUES)
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    run = services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=100_000_001,
                                  weights=weights, city=city_area)
    shares = shares_by_name(run)
    assert {name: share.share_fen for name, share in shares.items()} == {
        "甲区": 41_250_000, "乙区": 31_333_334, "丙区": 27_416_667}
    assert sum(share.share_fen for share in shares.values()) == 100_000_001
    assert shares["甲区"].score == Decimal("0.412500000000")
    assert shares["乙区"].score == Decimal("0.313333333333")
    assert shares["丙区"].score == Decimal("0.274166666667")
    amounts = {name: {factor: part["amount_fen"] for factor, part in share.contributions.items()}
               for name, share in shares.items()}
    assert amounts["甲区"] == {"funds_raised": 20_000_000, "target_task": 10_000_000, "last_year_results": 5_000_000,
                              "fiscal_difficulty": 2_500_000, "fund_performance": 3_750_000}
    assert amounts["乙区"] == {"funds_raised": 13_333_334, "target_task": 10_000_000, "last_year_results": 3_000_000,
                              "fiscal_difficulty": 2_500_000, "fund_performance": 2_500_000}
    assert sum(amounts["丙区"].values()) == 27_416_667
    part = shares["甲区"].contributions["funds_raised"]
    assert (part["value"], part["part"], part["weight"], part["contribution"]) == (
        30_000_000, "0.500000000000", "0.4000", "0.200000000000")
    assert run.inputs.count() == 3 and run.weights == weights
    event = AuditEvent.objects.get(event_type=SubsidiesEvent.ALLOCATION_RUN, object_id=str(run.pk))
    assert event.new_values["shares"] == {d.code: shares[d.name].share_fen for d in districts}


def test_a_run_is_reproduced_from_its_weights_and_input_versions(city, manager):
    city_area, districts = city
    enter_inputs(manager, districts, VALUES)
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    run = services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=7_777_777,
                                  weights=weights, city=city_area)
    # Later inputs change; the run still names the versions it used and recomputes to the same fen.
    services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026, area=districts[0],
                                   values={**VALUES["甲区"], "funds_raised": 90_000_000})
    used = {row.area_id: services.input_fractions(row, run.kind) for row in run.inputs.all()}
    again = services.allocation_compute(kind=run.kind, total_fen=run.total_fen,
                                        weights=services.weights_fractions(run.weights), values=used)
    assert {code: result.share_fen for code, result in again.items()} == {
        share.area_id: share.share_fen for share in run.shares.all()}


def test_equal_remainders_go_to_the_district_with_the_smaller_division_code(city, manager):
    """Three districts with the same values score 1/3 each: 100 fen → 33.33 each, floors 99, and the one
    fen left (three equal remainders of 1/3) goes to 甲区, whose code 429901000000 is the smallest."""
    city_area, districts = city
    same = {"funds_raised": 1_000_000, "target_task": 10, "last_year_results": 10, "fiscal_difficulty": "1",
            "fund_performance": "50"}
    enter_inputs(manager, districts, {d.name: same for d in districts})
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    run = services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=100,
                                  weights=weights, city=city_area)
    assert {name: s.share_fen for name, s in shares_by_name(run).items()} == {"甲区": 34, "乙区": 33, "丙区": 33}


def test_startup_loan_shares_come_with_the_districts_half_match_and_the_citys_half_of_costs(tree):
    """Start-up loans, two districts with equal indicators: 1,001 fen → 500.5 each, the tie goes to 甲区
    (smaller code): 501 and 500. 甲区 matches half of 501 rounded up = 251, 乙区 250. 甲区 expects an
    interest subsidy of 10.01 yuan (1,001 fen): the city bears half rounded down, 500 fen; the district 501."""
    city_area, districts = small_city(("甲区", "乙区"), code="429800000000")
    boss = make_staff(StaffRole.ADMINISTRATOR, city_area)
    indicators = {"target": 50_000_000, "last_year_completion": "95", "repayment_rate": "98.5",
                  "loan_balance": 30_000_000, "guarantee_fund_balance": 5_000_000}
    enter_inputs(boss, districts, {"甲区": {**indicators, "interest_subsidy": 1001},
                                   "乙区": {**indicators, "compensation": 20_000}}, kind=AllocationKind.STARTUP_LOAN)
    weights = services.allocation_weights_save(actor=boss, kind=AllocationKind.STARTUP_LOAN, weights={
        "target": "0.2", "last_year_completion": "0.2", "repayment_rate": "0.2", "loan_balance": "0.2",
        "guarantee_fund_balance": "0.2"})
    run = services.allocation_run(actor=boss, kind=AllocationKind.STARTUP_LOAN, year=2026, total_fen=1001,
                                  weights=weights, city=city_area)
    shares = shares_by_name(run)
    assert (shares["甲区"].share_fen, shares["甲区"].district_match_fen) == (501, 251)
    assert (shares["乙区"].share_fen, shares["乙区"].district_match_fen) == (500, 250)
    costs = {item["name"]: item for item in services.startup_costs(run.inputs.get(area=districts[0]).values)}
    assert (costs["interest_subsidy"]["city_fen"], costs["interest_subsidy"]["district_fen"]) == (500, 501)
    assert services.startup_costs(run.inputs.get(area=districts[1]).values)[1]["city_fen"] == 10_000


def test_weights_that_do_not_add_up_to_one_are_refused_showing_the_sum(city, manager):
    bad = {**WEIGHTS, "fund_performance": "0.05"}
    with pytest.raises(ValidationError) as caught:
        services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=bad)
    error = caught.value.error_dict["__all__"][0]
    assert error.code == "weights_sum" and "0.95" in error.messages[0]
    assert not AllocationWeights.objects.exists()


@pytest.mark.parametrize(("value", "code"), [("-0.1", "range"), ("1.5", "range"), ("0.12345", "decimals"),
                                             ("abc", "invalid"), ("", "required"), ("1e999999", "invalid"),
                                             ("0.1\x00", "invalid"), (None, "required")])
def test_a_bad_weight_is_refused_naming_its_factor(city, manager, value, code):
    with pytest.raises(ValidationError) as caught:
        services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER,
                                         weights={**WEIGHTS, "target_task": value})
    assert [e.code for e in caught.value.error_dict["target_task"]] == [code]


def test_weights_versions_are_numbered_and_an_unknown_factor_is_refused(city, manager):
    first = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    second = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    assert (first.number, second.number) == (1, 2) and first.weights["funds_raised"] == "0.4"
    with pytest.raises(ValidationError) as caught:
        services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER,
                                         weights={**WEIGHTS, "bribes": "0"})
    assert caught.value.error_dict["__all__"][0].code == "unknown_factor"


def test_an_allocation_missing_inputs_is_refused_naming_the_districts(city, manager):
    city_area, districts = city
    services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026, area=districts[0],
                                   values=VALUES["甲区"])
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    with pytest.raises(ValidationError) as caught:
        services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=1000,
                                weights=weights, city=city_area)
    assert caught.value.code == "inputs_missing"
    assert "乙区" in caught.value.messages[0] and "丙区" in caught.value.messages[0]
    assert "甲区" not in caught.value.messages[0]
    assert not AllocationShare.objects.exists()


def test_saving_an_input_again_makes_a_new_version_and_an_unchanged_save_keeps_it(city, manager):
    _city_area, districts = city
    first = services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026,
                                           area=districts[0], values=VALUES["甲区"])
    same = services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026,
                                          area=districts[0], values=dict(VALUES["甲区"]))
    changed = services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026,
                                             area=districts[0], values={**VALUES["甲区"], "target_task": 120})
    assert same.pk == first.pk and (first.number, changed.number) == (1, 2)
    assert AllocationInput.objects.filter(area=districts[0]).count() == 2
    first.refresh_from_db()
    assert first.values["target_task"] == 100  # the old version is kept as it was
    assert AuditEvent.objects.filter(event_type=SubsidiesEvent.ALLOCATION_INPUT_SAVED).count() == 2


@pytest.mark.parametrize(("factor", "value", "code"), [
    ("funds_raised", -100, "negative"), ("funds_raised", 10**20, "too_large"), ("target_task", -1, "range"),
    ("target_task", "12.5", "invalid"), ("fiscal_difficulty", "abc", "invalid"), ("fund_performance", "101", "range"),
    ("fiscal_difficulty", "1.123456", "decimals"), ("last_year_results", None, "required"),
])
def test_a_bad_input_value_is_refused_naming_its_factor(city, manager, factor, value, code):
    _city_area, districts = city
    with pytest.raises(ValidationError) as caught:
        services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026, area=districts[0],
                                       values={**VALUES["甲区"], factor: value})
    assert [e.code for e in caught.value.error_dict[factor]] == [code]
    assert not AllocationInput.objects.exists()


def test_an_input_is_kept_for_a_district_only(city, manager):
    city_area, _districts = city
    with pytest.raises(ValidationError) as caught:
        services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026, area=city_area,
                                       values=VALUES["甲区"])
    assert caught.value.error_dict["area"][0].code == "level"


def test_a_factor_zero_for_every_district_gives_no_one_anything(city, manager):
    """fund_performance is 0 everywhere: its weight 0.1 gives nothing, so the scores add up to 0.9 and the
    total is shared in proportion to them (the other factors' weights, in their proportions)."""
    city_area, districts = city
    values = {name: {**row, "fund_performance": "0"} for name, row in VALUES.items()}
    enter_inputs(manager, districts, values)
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    run = services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=90_000,
                                  weights=weights, city=city_area)
    shares = shares_by_name(run)
    # 甲: 0.375 of 0.9; 乙: (376 - 30)/1200 = 0.28833 of 0.9; 丙: (329 - 45)/1200 of 0.9.
    expected = services.allocation_compute(kind=AllocationKind.TRANSFER, total_fen=90_000,
                                           weights=services.weights_fractions(WEIGHTS),
                                           values={d.code: services.input_fractions(values[d.name],
                                                                                    AllocationKind.TRANSFER)
                                                   for d in districts})
    assert shares["甲区"].share_fen == 37_500 == expected[districts[0].code].share_fen
    assert sum(s.share_fen for s in shares.values()) == 90_000
    assert all(s.contributions["fund_performance"]["amount_fen"] == 0 for s in shares.values())


def test_nothing_to_allocate_by_is_refused(city, manager):
    city_area, districts = city
    zero = {"funds_raised": 0, "target_task": 0, "last_year_results": 0, "fiscal_difficulty": "0",
            "fund_performance": "0"}
    enter_inputs(manager, districts, {d.name: zero for d in districts})
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    with pytest.raises(ValidationError) as caught:
        services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=100,
                                weights=weights, city=city_area)
    assert caught.value.code == "no_scores"


@pytest.mark.parametrize(("total", "code"), [(0, "not_positive"), (-5, "not_positive"), (10**15, "too_large"),
                                             (None, "required")])
def test_a_bad_total_is_refused(city, manager, total, code):
    city_area, districts = city
    enter_inputs(manager, districts, VALUES)
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    with pytest.raises(ValidationError) as caught:
        services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=total,
                                weights=weights, city=city_area)
    assert [e.code for e in caught.value.error_dict["total_fen"]] == [code]


def test_what_if_uses_the_same_inputs_and_shows_who_gains_what(city, manager):
    """Raising fiscal difficulty from 0.1 to 0.2 and lowering funds raised from 0.4 to 0.3 moves money to
    丙区 (fiscal difficulty 2 of 4, funds raised 1/6) and away from 甲区 (1/4 and 1/2)."""
    city_area, districts = city
    enter_inputs(manager, districts, VALUES)
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    run = services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=2026, total_fen=1_200_000,
                                  weights=weights, city=city_area)
    # A later input must not leak into the what-if: it reuses the run's versions.
    services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=2026, area=districts[2],
                                   values={**VALUES["丙区"], "funds_raised": 500_000_000})
    other = services.allocation_what_if(actor=manager, run=run,
                                        weights={**WEIGHTS, "funds_raised": "0.3", "fiscal_difficulty": "0.2"})
    assert other.weights.number == 2 and set(other.inputs.all()) == set(run.inputs.all())
    comparison = allocation_comparison(fetched_by=manager, a=run, b=other)
    by_name = {row.name: row for row in comparison.rows}
    # 1200ths × 1,000 fen: 甲 495 → 495 - 0.1×600 + 0.1×300 = 465; 丙 329 → 329 - 0.1×200 + 0.1×600 = 369.
    assert (by_name["甲区"].share_a, by_name["甲区"].share_b) == (495_000, 465_000)
    assert (by_name["丙区"].share_a, by_name["丙区"].share_b) == (329_000, 369_000)
    assert by_name["乙区"].difference == -10_000 and sum(row.difference for row in comparison.rows) == 0
    funds = {f.factor: f for f in by_name["甲区"].factors}
    assert (funds["funds_raised"].amount_a, funds["funds_raised"].amount_b) == (240_000, 180_000)
    assert [row.name for row in comparison.gainers] == ["丙区"]
    # The same weights again reuse that version.
    again = services.allocation_what_if(actor=manager, run=run,
                                        weights={**WEIGHTS, "funds_raised": "0.30", "fiscal_difficulty": "0.2"})
    assert again.weights == other.weights


def test_only_city_level_officials_and_administrators_allocate(tree, city, manager):
    city_area, districts = city
    district_official = make_staff(StaffRole.OFFICIAL, districts[0])
    with pytest.raises(OutOfScope):
        services.allocation_weights_save(actor=district_official, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    with pytest.raises(OutOfScope):
        services.allocation_input_save(actor=district_official, kind=AllocationKind.TRANSFER, year=2026,
                                       area=districts[0], values=VALUES["甲区"])
    wuhan_official = make_staff(StaffRole.OFFICIAL, tree.city)  # another city's official
    with pytest.raises(OutOfScope):
        services.allocation_input_save(actor=wuhan_official, kind=AllocationKind.TRANSFER, year=2026,
                                       area=districts[0], values=VALUES["甲区"])
    enter_inputs(manager, districts, VALUES)
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    with pytest.raises(OutOfScope):
        services.allocation_run(actor=wuhan_official, kind=AllocationKind.TRANSFER, year=2026, total_fen=100,
                                weights=weights, city=city_area)


def test_the_compute_function_is_exact_on_fractions():
    results = services.allocation_compute(
        kind=AllocationKind.TRANSFER, total_fen=10, weights=services.weights_fractions(WEIGHTS),
        values={"a": {name: Fraction(1) for name in WEIGHTS}, "b": {name: Fraction(2) for name in WEIGHTS}})
    assert (results["a"].score, results["b"].score) == (Fraction(1, 3), Fraction(2, 3))
    assert (results["a"].share_fen, results["b"].share_fen) == (3, 7)  # 3.33 and 6.67: the fen to b
