"""Employment funds (seed 二(一)): entering a fund, the 1.5 % rule exactly in fen, allocating money,
refusals in words, who may write, and two reservations racing for one fund on real PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.constants import StaffRole
from portal.models import Area, AuditEvent
from portal.scoping import OutOfScope
from subsidies.constants import FundEntryKind, SubsidiesEvent
from subsidies.models import Fund, FundEntry
from subsidies.selectors.funds import funds_of_year, funds_short_count
from subsidies.services import fundbooks as services
from subsidies.services import funds as ledger
from tests.conftest import make_staff
from tests.subsidies.factories import ApplicationFactory, FundFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def city_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.city)


def create(actor, area, **overrides):
    values = {"area": area, "year": YEAR, "budget_fen": 150_000_000_00, "prior_year_revenue_fen": 1_000_000_000_00}
    return services.fund_create(actor=actor, **{**values, **overrides})


@pytest.mark.parametrize(("revenue", "minimum"), [(100_000, 1_500), (100_001, 1_501), (99_999, 1_500), (1, 1),
                                                  (0, 0), (123_456_789_012_345, 1_851_851_835_186)])
def test_the_minimum_is_1_5_percent_of_last_years_revenue_rounded_up_to_the_fen(revenue, minimum):
    """100,001 fen × 15 / 1000 = 1,500.015 fen: a budget of 1,500 fen would be short, so the minimum is 1,501."""
    assert services.minimum_fund_fen(revenue) == minimum


def test_a_short_fund_is_saved_and_flagged_with_its_shortfall(tree, city_official):
    fund = create(city_official, tree.d1, budget_fen=1_500, prior_year_revenue_fen=100_001)
    check = services.fund_check(fund)
    assert (check.minimum_fen, check.shortfall_fen, check.short) == (1_501, 1, True)
    event = AuditEvent.objects.get(event_type=SubsidiesEvent.FUND_SAVED, object_id=str(fund.pk))
    assert event.new_values["shortfall_fen"] == 1 and event.area_path == tree.d1.path
    met = create(city_official, tree.d2, budget_fen=1_501, prior_year_revenue_fen=100_001)
    assert services.fund_check(met).short is False


def test_the_database_condition_agrees_with_the_check_on_every_fund(tree, city_official):
    budgets = {tree.city: (15_000, 1_000_000), tree.d1: (14_999, 1_000_000), tree.d2: (1_500, 100_001)}
    for area, (budget, revenue) in budgets.items():
        create(city_official, area, budget_fen=budget, prior_year_revenue_fen=revenue)
    short_in_db = set(funds_of_year(fetched_by=city_official, year=YEAR, short_only=True).values_list("area_id",
                                                                                                   flat=True))
    short_in_python = {fund.area_id for fund in Fund.objects.all() if services.fund_check(fund).short}
    assert short_in_db == short_in_python == {tree.d1.code, tree.d2.code}
    assert funds_short_count(fetched_by=city_official) == 2


def test_the_short_funds_counter_is_the_citys_to_do_only(tree, city_official):
    create(city_official, tree.d1, budget_fen=1, prior_year_revenue_fen=100_000)
    district_official = make_staff(StaffRole.OFFICIAL, tree.d1)
    assert funds_short_count(fetched_by=city_official) == 1
    assert funds_short_count(fetched_by=district_official) is None
    assert funds_short_count(fetched_by=make_staff(StaffRole.CLERK, tree.d1)) is None


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"budget_fen": -1}, "budget_fen", "negative"),
    ({"budget_fen": None}, "budget_fen", "required"),
    ({"budget_fen": 10**16}, "budget_fen", "too_large"),
    ({"budget_fen": 1.5}, "budget_fen", "invalid"),
    ({"prior_year_revenue_fen": 0}, "prior_year_revenue_fen", "not_positive"),
    ({"year": 2008}, "year", "year_range"),
    ({"year": YEAR + 2}, "year", "year_range"),
    ({"year": "2026"}, "year", "year_range"),
])
def test_bad_fund_input_is_refused_naming_the_field(tree, city_official, overrides, field, code):
    with pytest.raises(ValidationError) as caught:
        create(city_official, tree.d1, **overrides)
    assert [e.code for e in caught.value.error_dict[field]] == [code]
    assert not Fund.objects.exists()


def test_a_fund_is_kept_for_the_city_or_a_district_once_a_year(tree, city_official):
    with pytest.raises(ValidationError) as caught:
        create(city_official, tree.s1)
    assert caught.value.error_dict["area"][0].code == "level"
    create(city_official, tree.d1)
    with pytest.raises(ValidationError) as caught:
        create(city_official, tree.d1, budget_fen=5)
    assert caught.value.error_dict["year"][0].code == "duplicate" and "江岸区" in caught.value.messages[0]
    assert Fund.objects.count() == 1


def test_only_the_city_enters_and_changes_funds(tree, city_official):
    district_official = make_staff(StaffRole.OFFICIAL, tree.d1)
    district_admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    for actor in (district_official, district_admin, make_staff(StaffRole.CLERK, tree.d1)):
        with pytest.raises(OutOfScope):
            create(actor, tree.d1)
    fund = create(city_official, tree.d1)
    with pytest.raises(OutOfScope):
        services.fund_update(actor=district_official, fund=fund, budget_fen=1, prior_year_revenue_fen=1)
    with pytest.raises(OutOfScope):
        services.fund_money_allocate(actor=district_admin, fund=fund, amount_fen=100)
    other_city = Area.objects.create(code="421000000000", name="荆州市", level="city")
    with pytest.raises(OutOfScope):
        create(make_staff(StaffRole.OFFICIAL, other_city), tree.d1, year=YEAR - 1)


def test_correcting_a_fund_is_audited_with_old_and_new_values(tree, city_official):
    fund = create(city_official, tree.d1, budget_fen=100, prior_year_revenue_fen=10_000)
    services.fund_update(actor=city_official, fund=fund, budget_fen=150, prior_year_revenue_fen=10_000)
    fund.refresh_from_db()
    assert fund.budget_fen == 150
    event = AuditEvent.objects.filter(event_type=SubsidiesEvent.FUND_SAVED, object_id=str(fund.pk)).first()
    assert event.old_values == {"budget_fen": 100, "prior_year_revenue_fen": 10_000}
    assert event.new_values["budget_fen"] == 150 and event.new_values["shortfall_fen"] == 0
    # Nothing changed: no event.
    services.fund_update(actor=city_official, fund=fund, budget_fen=150, prior_year_revenue_fen=10_000)
    assert AuditEvent.objects.filter(event_type=SubsidiesEvent.FUND_SAVED, object_id=str(fund.pk)).count() == 2


def test_allocating_money_appends_a_ledger_entry_and_moves_the_balance(tree, city_official):
    fund = create(city_official, tree.d1)
    entry = services.fund_money_allocate(actor=city_official, fund=fund, amount_fen=5_000_000, note="  一季度  预算 ")
    fund.refresh_from_db()
    assert (entry.kind, entry.amount_fen, entry.note, entry.actor) == (FundEntryKind.ALLOCATED, 5_000_000,
                                                                      "一季度 预算", city_official)
    assert (fund.allocated_fen, fund.available_fen) == (5_000_000, 5_000_000)
    assert AuditEvent.objects.filter(event_type=SubsidiesEvent.FUND_ENTRY, object_id=str(fund.pk)).count() == 1


@pytest.mark.parametrize(("amount", "code"), [(0, "not_positive"), (-100, "not_positive"), (None, "required"),
                                              (10**15, "too_large"), ("100", "invalid")])
def test_allocating_a_bad_amount_is_refused_and_nothing_moves(tree, city_official, amount, code):
    fund = create(city_official, tree.d1)
    with pytest.raises(ValidationError) as caught:
        services.fund_money_allocate(actor=city_official, fund=fund, amount_fen=amount)
    assert [e.code for e in caught.value.error_dict["amount_fen"]] == [code]
    fund.refresh_from_db()
    assert fund.allocated_fen == 0 and not FundEntry.objects.exists()


def test_the_database_refuses_an_overdrawn_fund_whatever_the_code_does(tree):
    fund = FundFactory(area=tree.d1, allocated_fen=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(reserved_fen=101)


@pytest.mark.django_db(transaction=True)
def test_two_reservations_that_together_would_overdraw_one_fund_give_one_and_one_refusal(committed_tree,
                                                                                         monkeypatch):
    """Each reservation fits alone (600 of 1,000 yuan) but not both. Both threads read the fund before either
    writes (a barrier), and the first holds the fund's row lock a moment while the second waits for it: the
    second then sees what is left and is refused with the amount still available."""
    district = Area.objects.get(code="420102000000")
    fund = Fund.objects.create(area=district, year=YEAR, budget_fen=100_000, prior_year_revenue_fen=1_000_000)
    ledger.fund_allocate(actor=None, fund=fund, amount_fen=100_000)
    applications = [ApplicationFactory(), ApplicationFactory()]
    barrier = threading.Barrier(2)
    real_append = ledger._append

    def slow_append(**kwargs):
        time.sleep(0.3)  # hold the fund's lock while the other thread queues for it
        return real_append(**kwargs)

    monkeypatch.setattr(ledger, "_append", slow_append)
    results: list = [None, None]

    def reserve(index):
        try:
            barrier.wait(timeout=10)
            results[index] = ledger.fund_reserve(application=applications[index], amount_fen=60_000, actor=None)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each desk got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    granted = [r for r in results if isinstance(r, FundEntry)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(granted) == 1 and len(refused) == 1, results
    assert refused[0].code == "fund_exhausted" and "400.00" in refused[0].messages[0]
    fund.refresh_from_db()
    assert (fund.reserved_fen, fund.available_fen) == (60_000, 40_000)
    assert FundEntry.objects.filter(kind=FundEntryKind.RESERVED).count() == 1
