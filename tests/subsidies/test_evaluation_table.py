"""The fund-use performance evaluation (seed 二(五)): money raised and paid per programme, people served,
placements, cost per placement and attainment against the city's targets, one query per table, each
district reading its own line only, exports, targets, and the score offered to next year's allocation."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.constants import StaffRole
from portal.models import AuditEvent
from portal.scoping import OutOfScope, scope_paths
from subsidies.constants import AllocationKind, ProgrammeKind, SubsidiesEvent
from subsidies.models import EvaluationTarget, Fund
from subsidies.selectors.evaluation import evaluation, evaluation_spending, evaluation_table, performance_scores
from subsidies.services import allocation as allocation_services
from subsidies.services import fundbooks
from subsidies.services import funds as ledger
from subsidies.services.evaluation import evaluation_target_save
from tests.conftest import make_staff
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory
from tests.subsidies.factories import ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
MID_YEAR = datetime.date(YEAR, 6, 1)


@pytest.fixture
def city_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.city)


def paid(fund_owner, application, amounts, reserve=None):
    """Reserve on the district's fund of YEAR, then pay each amount."""
    ledger.fund_reserve(application=application, amount_fen=reserve or sum(amounts), actor=fund_owner, on=MID_YEAR)
    for amount in amounts:
        ledger.fund_pay(application=application, amount_fen=amount, actor=fund_owner)


@pytest.fixture
def year_of_work(tree, city_official):
    """江岸区 2025: a fund short of the 1.5 % rule; P1 paid twice (a social insurance subsidy) and placed
    only in 2024; P2 paid and placed in 2025 (employment registration); P3 placed through an agency (a job
    referral subsidy paid); P4 approved (reserved) but not paid. 武昌区 2025: P5 paid, no targets."""
    social = ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)
    referral = ProgrammeFactory(kind=ProgrammeKind.JOB_REFERRAL)
    jiangan = fundbooks.fund_create(actor=city_official, area=tree.d1, year=YEAR, budget_fen=1_000_000,
                                    prior_year_revenue_fen=100_000_000)
    wuchang = fundbooks.fund_create(actor=city_official, area=tree.d2, year=YEAR, budget_fen=5_000_000,
                                    prior_year_revenue_fen=100_000_000)
    for fund in (jiangan, wuchang):
        fundbooks.fund_money_allocate(actor=city_official, fund=fund, amount_fen=10_000_000)
    people = {name: PersonFactory(area=tree.c1, name=name) for name in ("张一", "李二", "王三", "赵四")}
    people["钱五"] = PersonFactory(area=tree.c3, name="钱五")
    EmploymentRegistrationFactory(person=people["张一"], started_on=datetime.date(YEAR - 1, 11, 1))
    EmploymentRegistrationFactory(person=people["李二"], started_on=datetime.date(YEAR, 3, 1))
    paid(city_official, ApplicationFactory(programme=social, person=people["张一"]), [40_000, 40_000],
         reserve=120_000)
    paid(city_official, ApplicationFactory(programme=social, person=people["李二"]), [60_000])
    paid(city_official, ApplicationFactory(programme=referral, person=people["王三"]), [20_000])
    ledger.fund_reserve(application=ApplicationFactory(programme=social, person=people["赵四"]), amount_fen=50_000,
                        actor=city_official, on=MID_YEAR)
    paid(city_official, ApplicationFactory(programme=social, person=people["钱五"], area=tree.c3), [30_000])
    evaluation_target_save(actor=city_official, area=tree.d1, year=YEAR, people_served=4, placements=4)
    return {"social": social, "referral": referral, "jiangan": jiangan, "wuchang": wuchang}


def test_the_evaluation_counts_money_people_and_placements_as_defined(tree, city_official, year_of_work):
    """江岸区: paid 80,000 + 60,000 + 20,000 = 160,000 fen to 张一, 李二, 王三 (people served 3; 赵四 only
    reserved). Placed in 2025: 李二 (registration) and 王三 (referral subsidy) = 2; 张一 was placed in 2024.
    Cost per placement 160,000 / 2 = 80,000 fen. Targets 4 and 4: 75.00 % and 50.00 %, score 62.50."""
    rows = {row.name: row for row in evaluation_table(fetched_by=city_official, year=YEAR)}
    jiangan = rows["江岸区"]
    assert (jiangan.budget_fen, jiangan.allocated_fen, jiangan.paid_fen) == (1_000_000, 10_000_000, 160_000)
    assert (jiangan.people_served, jiangan.placements) == (3, 2)
    assert jiangan.cost_per_placement_fen == 80_000
    assert (jiangan.people_attainment, jiangan.placement_attainment, jiangan.score) == (
        Decimal("75.00"), Decimal("50.00"), Decimal("62.50"))
    assert jiangan.check.short and jiangan.check.shortfall_fen == 500_000
    wuchang = rows["武昌区"]
    assert (wuchang.paid_fen, wuchang.people_served, wuchang.placements, wuchang.score) == (30_000, 1, 0, None)
    assert wuchang.cost_per_placement_fen is None
    assert len(rows) == 13 and rows["汉阳区"].fund_id is None and rows["汉阳区"].paid_fen == 0
    columns, spending = evaluation_spending(fetched_by=city_official, year=YEAR)
    by_name = {column.name: column.id for column in columns}
    social, referral = year_of_work["social"], year_of_work["referral"]
    assert spending[tree.d1.code] == {by_name[social.name]: 140_000, by_name[referral.name]: 20_000}
    assert spending[tree.d2.code] == {by_name[social.name]: 30_000}
    assert performance_scores(fetched_by=city_official, year=YEAR) == {tree.d1.code: Decimal("62.50")}


def test_an_attainment_above_the_target_counts_as_100(tree, city_official, year_of_work):
    evaluation_target_save(actor=city_official, area=tree.d1, year=YEAR, people_served=2, placements=1)
    row = next(r for r in evaluation_table(fetched_by=city_official, year=YEAR) if r.code == tree.d1.code)
    assert (row.people_attainment, row.placement_attainment, row.score) == (Decimal(100), Decimal(100),
                                                                          Decimal("100.00"))


def test_each_table_is_one_query_whatever_the_rows(tree, city_official, year_of_work, django_assert_num_queries):
    scope_paths(city_official)  # the reader's grants, read once per request
    with django_assert_num_queries(1):
        rows = evaluation_table(fetched_by=city_official, year=YEAR)
    with django_assert_num_queries(1):
        evaluation_spending(fetched_by=city_official, year=YEAR)
    assert len(rows) == 13


def test_a_district_official_reads_their_own_districts_line_and_spending_only(tree, year_of_work):
    official = make_staff(StaffRole.OFFICIAL, tree.d1)
    table = evaluation(fetched_by=official, year=YEAR)
    assert [row.name for row in table.rows] == ["江岸区"]
    assert table.totals["paid_fen"] == 160_000
    assert make_staff(StaffRole.CLERK, tree.s1) and evaluation(fetched_by=make_staff(StaffRole.CLERK, tree.s1),
                                                              year=YEAR).rows == []


def test_the_exports_hold_the_readers_districts_only(client, tree, year_of_work):
    official = make_staff(StaffRole.OFFICIAL, tree.d1)
    client.force_login(official)
    url = reverse("staff-subsidies:evaluation-export")
    response = client.get(url, {"year": YEAR, "file_format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    # The title row names the reader's area and the day; the labels under it, then the districts.
    assert rows[0][0] == f"{tree.d1.name}{YEAR} 年绩效评估（{timezone.localdate().isoformat()}）"
    assert [row[0] for row in rows[2:]] == ["江岸区"]
    header = rows[1]
    assert rows[2][header.index("已发放（元）")] == 1600 and rows[2][header.index("实现就业人数")] == 2
    paid = sheet.cell(row=3, column=header.index("已发放（元）") + 1)
    assert paid.data_type == "n" and paid.number_format == "#,##0.00"
    assert sheet.cell(row=3, column=2).value == tree.d1.code and sheet.cell(row=3, column=2).data_type == "s"
    assert sheet.column_dimensions["A"].width >= 6 and sheet.column_dimensions["C"].width >= 10
    text = client.get(url, {"year": YEAR, "file_format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[1:]] == ["江岸区"] and "武昌区" not in text
    assert lines[1][header.index("人均就业成本（元）")] == "800.00"
    event = AuditEvent.objects.filter(event_type=SubsidiesEvent.FUND_REPORT_EXPORTED).first()
    assert event.new_values["districts"] == [tree.d1.code] and event.area_path == tree.d1.path


def test_the_page_shows_the_table_and_the_city_sets_targets(client, tree, city_official, year_of_work):
    client.force_login(city_official)
    page = client.get(reverse("staff-subsidies:evaluation"), {"year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200 and "62.50" in html and "800.00" in html and "差 5,000.00 元" in html
    assert year_of_work["referral"].name in html and 'class="table-wrap"' in html
    response = client.post(reverse("staff-subsidies:evaluation-targets"),
                           {"area": tree.d2.code, "year": YEAR, "people_served": "10", "placements": "5"})
    assert response.status_code == 302
    assert EvaluationTarget.objects.get(area=tree.d2, year=YEAR).placements == 5
    response = client.post(reverse("staff-subsidies:evaluation-targets"),
                           {"area": tree.d2.code, "year": YEAR, "people_served": "-3", "placements": "abc"})
    assert response.status_code == 200 and set(response.context["target_form"].errors) == {"people_served",
                                                                                           "placements"}


def test_district_staff_cannot_set_targets(client, tree, year_of_work):
    official = make_staff(StaffRole.OFFICIAL, tree.d1)
    with pytest.raises(OutOfScope):
        evaluation_target_save(actor=official, area=tree.d1, year=YEAR, people_served=1, placements=1)
    client.force_login(official)
    response = client.post(reverse("staff-subsidies:evaluation-targets"),
                           {"area": tree.d1.code, "year": YEAR, "people_served": "1", "placements": "1"})
    assert response.status_code in (200, 404)
    assert EvaluationTarget.objects.get(area=tree.d1, year=YEAR).people_served == 4
    assert "下达区级目标" not in client.get(reverse("staff-subsidies:evaluation")).content.decode()


@pytest.mark.parametrize(("people", "placements", "field"), [(0, 1, "people_served"), (1, None, "placements"),
                                                             (True, 1, "people_served"), (1, 10**9, "placements")])
def test_bad_targets_are_refused_naming_the_field(tree, city_official, people, placements, field):
    with pytest.raises(ValidationError) as caught:
        evaluation_target_save(actor=city_official, area=tree.d1, year=YEAR, people_served=people,
                               placements=placements)
    assert field in caught.value.error_dict and not EvaluationTarget.objects.exists()


def test_last_years_score_is_offered_as_this_years_fund_performance(client, tree, city_official, year_of_work):
    values = {"funds_raised": 1_000_000, "target_task": 100, "last_year_results": 90, "fiscal_difficulty": "1",
              "fund_performance": "0"}
    allocation_services.allocation_input_save(actor=city_official, kind=AllocationKind.TRANSFER, year=YEAR + 1,
                                              area=tree.d1, values=values)
    taken = allocation_services.allocation_inputs_take_performance(
        actor=city_official, year=YEAR + 1, scores=performance_scores(fetched_by=city_official, year=YEAR))
    assert taken.updated == ["江岸区"] and "武昌区" in taken.without_input
    latest = allocation_services.latest_inputs(kind=AllocationKind.TRANSFER, year=YEAR + 1, districts=[tree.d1])
    assert latest[tree.d1.code].values["fund_performance"] == "62.5" and latest[tree.d1.code].number == 2
    # The input form of a district without an input offers its fund as funds raised and its score.
    Fund.objects.create(area=tree.d2, year=YEAR + 1, budget_fen=7_654_321, prior_year_revenue_fen=1)
    evaluation_target_save(actor=city_official, area=tree.d2, year=YEAR, people_served=1, placements=1)
    client.force_login(city_official)
    form = client.get(reverse("staff-subsidies:allocation-input-create"),
                      {"kind": "transfer", "year": YEAR + 1, "area": tree.d2.code}).context["form"]
    assert form.initial["funds_raised"] == 7_654_321 and form.initial["fund_performance"] == "50.00"
