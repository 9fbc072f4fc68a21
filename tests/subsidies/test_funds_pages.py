"""The employment fund pages: funds of my area by year with the 1.5 % flag, a fund's ledger (paginated, a
constant number of queries), the city's forms in yuan (bad input kept and explained), district staff
reading their own district's fund only, navigation and the workbench counter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.constants import StaffRole
from subsidies.models import Fund, FundEntry
from subsidies.services import fundbooks as services
from subsidies.services import funds as ledger
from tests.conftest import make_staff
from tests.subsidies.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def city_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.city)


@pytest.fixture
def funds(tree, city_official):
    """The city's fund (meets the rule), 江岸区's (short by 1 fen) and 武昌区's."""
    made = {}
    for area, budget, revenue in ((tree.city, 30_000_000, 1_000_000_000), (tree.d1, 1_500, 100_001),
                                  (tree.d2, 2_000_000, 100_000_000)):
        made[area.code] = services.fund_create(actor=city_official, area=area, year=YEAR, budget_fen=budget,
                                               prior_year_revenue_fen=revenue)
    return made


def test_the_city_sees_every_fund_of_the_year_with_the_shortfall_in_words(client, tree, city_official, funds):
    client.force_login(city_official)
    response = client.get(reverse("staff-subsidies:fund-list"))
    assert response.status_code == 200
    assert [row.fund.area.name for row in response.context["rows"]] == ["武汉市", "江岸区", "武昌区"]
    html = response.content.decode()
    assert "差 0.01 元" in html and "达到 1.5% 要求" in html and 'class="table-wrap"' in html
    short = client.get(reverse("staff-subsidies:fund-list"), {"short": "on", "year": YEAR})
    assert [row.fund.area.name for row in short.context["rows"]] == ["江岸区"]


def test_a_district_official_reads_their_own_districts_fund_only(client, tree, funds):
    official = make_staff(StaffRole.OFFICIAL, tree.d1)
    client.force_login(official)
    response = client.get(reverse("staff-subsidies:fund-list"))
    assert [row.fund.area.name for row in response.context["rows"]] == ["江岸区"]
    html = response.content.decode()
    assert "武昌区" not in html.split("<main")[1] and "录入资金" not in html
    wuchang = funds[tree.d2.code]
    assert client.get(reverse("staff-subsidies:fund-detail", args=[wuchang.pk])).status_code == 404
    assert client.get(reverse("staff-subsidies:fund-detail", args=[funds[tree.d1.code].pk])).status_code == 200
    assert client.get(reverse("staff-subsidies:fund-create")).status_code == 403
    response = client.post(reverse("staff-subsidies:fund-allocate", args=[funds[tree.d1.code].pk]),
                           {"amount_fen": "100"})
    assert response.status_code == 404 and not FundEntry.objects.exists()


def test_a_street_clerk_finds_no_fund_and_is_told_who_enters_them(client, tree, funds):
    client.force_login(make_staff(StaffRole.CLERK, tree.s1))
    response = client.get(reverse("staff-subsidies:fund-list"))
    assert response.status_code == 200 and response.context["rows"] == []
    assert "市里录入" in response.content.decode()


def test_the_ledger_page_keeps_a_constant_number_of_queries_and_pages(client, tree, city_official, funds,
                                                                      django_assert_num_queries):
    fund = funds[tree.d1.code]
    services.fund_money_allocate(actor=city_official, fund=fund, amount_fen=10_000_000)
    client.force_login(city_official)
    url = reverse("staff-subsidies:fund-detail", args=[fund.pk])
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert len(response.context["entries"]) == 1
    application = ApplicationFactory()
    for _ in range(20):
        services.fund_money_allocate(actor=city_official, fund=fund, amount_fen=100)
        ledger.fund_reserve(application=application, amount_fen=50, actor=city_official)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    page = response.context["page_obj"]
    assert page.paginator.count == 41 and len(response.context["entries"]) == 30 and page.has_next()
    # Newest first, each with what was available after it.
    newest = response.context["entries"][0]
    fund.refresh_from_db()
    assert newest.kind == "reserved" and newest.available_after == fund.available_fen == 10_001_000
    assert application.programme.name in response.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["entries"]) == 11 and second.context["entries"][-1].available_after == 10_000_000


def test_the_city_enters_a_fund_in_yuan_and_a_bad_amount_is_kept_and_explained(client, tree, city_official):
    client.force_login(city_official)
    url = reverse("staff-subsidies:fund-create")
    page = client.get(url)
    assert [a.code for a in page.context["form"].fields["area"].queryset][:2] == ["420100000000", "420102000000"]
    bad = {"area": tree.d1.code, "year": YEAR, "budget_fen": "-5", "prior_year_revenue_fen": "0"}
    response = client.post(url, bad)
    assert response.status_code == 200 and not Fund.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"budget_fen", "prior_year_revenue_fen"}
    html = response.content.decode()
    assert 'value="-5"' in html and "金额不能为负数" in html and "金额必须大于零" in html
    response = client.post(url, {**bad, "budget_fen": "100", "prior_year_revenue_fen": "12,345.678"})
    assert list(response.context["form"].errors) == ["prior_year_revenue_fen"]
    assert 'value="12,345.678"' in response.content.decode()
    good = {**bad, "budget_fen": "1,500,000.50", "prior_year_revenue_fen": "100000000"}
    response = client.post(url, good)
    fund = Fund.objects.get()
    assert response.status_code == 302 and response.url == reverse("staff-subsidies:fund-detail", args=[fund.pk])
    assert (fund.budget_fen, fund.prior_year_revenue_fen) == (150_000_050, 10_000_000_000)
    detail = client.get(response.url).content.decode()
    assert "1,500,000.50" in detail and "1,500,000.00" in detail  # the fund and its 1.5 % minimum


@pytest.mark.parametrize("amount", ["abc", "1e999999999", "-10", "0", "99999999999999999999", "1.001"])
def test_allocating_malformed_amounts_answers_an_error_never_a_500(client, tree, city_official, funds, amount):
    client.force_login(city_official)
    fund = funds[tree.d1.code]
    response = client.post(reverse("staff-subsidies:fund-allocate", args=[fund.pk]),
                           {"amount_fen": amount, "note": "测试"})
    assert response.status_code == 200
    assert response.context["allocate_form"].errors["amount_fen"]
    assert not FundEntry.objects.exists()


def test_the_city_allocates_money_and_corrects_a_fund_from_its_page(client, tree, city_official, funds):
    client.force_login(city_official)
    fund = funds[tree.d1.code]
    response = client.post(reverse("staff-subsidies:fund-allocate", args=[fund.pk]),
                           {"amount_fen": "2,000.00", "note": "中央转移支付"})
    assert response.status_code == 302
    fund.refresh_from_db()
    assert fund.allocated_fen == 200_000
    response = client.post(reverse("staff-subsidies:fund-edit", args=[fund.pk]),
                           {"budget_fen": "15.01", "prior_year_revenue_fen": "1000.01"})
    fund.refresh_from_db()
    assert response.status_code == 302 and fund.budget_fen == 1_501
    html = client.get(reverse("staff-subsidies:fund-detail", args=[fund.pk])).content.decode()
    assert "中央转移支付" in html and "达到 1.5% 要求" in html


def test_navigation_and_the_counter_of_short_funds(client, tree, city_official, funds):
    client.force_login(city_official)
    workbench = client.get(reverse("staff:workbench")).content.decode()
    assert reverse("staff-subsidies:fund-list") in workbench
    assert "就业专项资金低于上年一般预算收入 1.5%" in workbench and "short=on" in workbench
    district_clerk = make_staff(StaffRole.CLERK, tree.d1)
    client.force_login(district_clerk)
    html = client.get(reverse("staff:workbench")).content.decode()
    assert reverse("staff-subsidies:fund-list") in html and "低于上年一般预算收入" not in html
    assert reverse("staff-subsidies:allocation") not in html
