"""The allocation pages: weights (refused showing the sum), the districts' inputs, a run explained factor
by factor, what-if and comparison, XLSX exports, and a district's staff reading their own share only."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from portal.constants import StaffRole
from subsidies.constants import AllocationKind
from subsidies.models import AllocationInput, AllocationRun, AllocationWeights
from subsidies.services import allocation as services
from tests.conftest import make_staff
from tests.subsidies.factories_funds import small_city
from tests.subsidies.test_allocation_services import VALUES, WEIGHTS

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def city(tree):
    return small_city()


@pytest.fixture
def manager(city):
    return make_staff(StaffRole.OFFICIAL, city[0])


@pytest.fixture
def run(city, manager):
    city_area, districts = city
    for district in districts:
        services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=YEAR, area=district,
                                       values=VALUES[district.name])
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    return services.allocation_run(actor=manager, kind=AllocationKind.TRANSFER, year=YEAR, total_fen=100_000_001,
                                   weights=weights, city=city_area, label="2026 年第一批")


def test_weights_that_do_not_add_up_to_one_are_refused_on_the_page_showing_the_sum(client, city, manager):
    client.force_login(manager)
    url = reverse("staff-subsidies:allocation-weights")
    data = {"kind": "transfer", **WEIGHTS, "fund_performance": "0.05"}
    response = client.post(f"{url}?kind=transfer", data)
    assert response.status_code == 200 and not AllocationWeights.objects.exists()
    html = response.content.decode()
    assert "各权重之和为 0.95，不等于 1" in html and 'value="0.05"' in html
    response = client.post(f"{url}?kind=transfer", {"kind": "transfer", **WEIGHTS})
    assert response.status_code == 302
    listing = client.get(url, {"kind": "transfer"})
    assert [version.number for version, _cells in listing.context["versions"]] == [1]
    assert listing.context["versions"][0][1] == ["0.4", "0.3", "0.1", "0.1", "0.1"]


def test_the_inputs_page_names_what_is_missing_and_the_form_takes_yuan(client, city, manager):
    _city_area, districts = city
    client.force_login(manager)
    page = client.get(reverse("staff-subsidies:allocation-inputs"), {"kind": "transfer", "year": YEAR})
    assert page.status_code == 200 and "尚未录入（3 个）" in page.content.decode()
    url = reverse("staff-subsidies:allocation-input-create")
    data = {"kind": "transfer", "area": districts[0].code, "year": YEAR, "funds_raised": "300,000.00",
            "target_task": "100", "last_year_results": "50", "fiscal_difficulty": "abc", "fund_performance": "90"}
    response = client.post(url, data)
    assert response.status_code == 200 and list(response.context["form"].errors) == ["fiscal_difficulty"]
    assert 'value="abc"' in response.content.decode() and not AllocationInput.objects.exists()
    response = client.post(url, {**data, "fiscal_difficulty": "1"})
    assert response.status_code == 302
    row = AllocationInput.objects.get()
    assert row.values == VALUES["甲区"] and row.number == 1
    page = client.get(reverse("staff-subsidies:allocation-inputs"), {"kind": "transfer", "year": YEAR})
    assert "尚未录入（2 个）" in page.content.decode() and "300,000.00 元" in page.content.decode()
    detail = client.get(reverse("staff-subsidies:allocation-input-detail", args=[row.pk]))
    assert detail.status_code == 200 and "第 1 版" in detail.content.decode()


def test_a_run_refused_for_missing_inputs_names_the_districts_on_the_page(client, city, manager):
    _city_area, districts = city
    services.allocation_input_save(actor=manager, kind=AllocationKind.TRANSFER, year=YEAR, area=districts[1],
                                   values=VALUES["乙区"])
    weights = services.allocation_weights_save(actor=manager, kind=AllocationKind.TRANSFER, weights=WEIGHTS)
    client.force_login(manager)
    url = reverse("staff-subsidies:allocation-run-create")
    assert client.get(url, {"kind": "transfer"}).context["form"].initial["weights"] == weights.pk
    response = client.post(f"{url}?kind=transfer", {"kind": "transfer", "year": YEAR, "total_fen": "1,000.00",
                                                    "weights": weights.pk, "label": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "2 个区缺少 2026 年的基础数据：甲区、丙区" in html
    assert 'value="1,000.00"' in html and not AllocationRun.objects.exists()


def test_the_run_page_explains_every_share_and_the_export_adds_up(client, manager, run):
    client.force_login(manager)
    response = client.get(reverse("staff-subsidies:allocation-run-detail", args=[run.pk]))
    assert response.status_code == 200
    table = response.context["table"]
    assert [row.share.share_fen for row in table.rows] == [41_250_000, 31_333_334, 27_416_667]
    assert table.total_shares_fen == 100_000_001
    html = response.content.decode()
    assert "412,500.00" in html and "313,333.34" in html and "1,000,000.01" in html
    assert "50.0000 %" in html and "300,000.00 元" in html  # 甲区's funds raised and its part
    export = client.get(reverse("staff-subsidies:allocation-run-export", args=[run.pk]))
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(export.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    # A title row naming the run, the area it allocates and the day; the labels under it.
    subject = f"{run.get_kind_display()} {run.year} · {gettext('run')} {run.pk}" + (f" {run.label}" if run.label else "")
    assert rows[0][0] == f"{run.area.name}{subject}（{timezone.localdate().isoformat()}）"
    assert sheet["A1"].font.bold and sheet["A2"].font.bold
    share_column = rows[1].index("分配额（元）")
    assert [row[0] for row in rows[2:]] == ["甲区", "乙区", "丙区", "合计"]
    assert sum(Decimal(str(row[share_column])) for row in rows[2:5]) == Decimal("1000000.01")
    # Yuan and parts as numbers, division codes as text; every column has a width.
    share_cell = sheet.cell(row=3, column=share_column + 1)
    assert share_cell.data_type == "n" and share_cell.number_format == "#,##0.00"
    part_column = next(i for i, label in enumerate(rows[1]) if label.endswith("占比（%）"))
    assert isinstance(rows[2][part_column], (int, float)) and 0 < rows[2][part_column] <= 100
    assert sheet.cell(row=3, column=2).data_type == "s" and len(rows[2][1]) == 12
    assert all(sheet.column_dimensions[chr(65 + i)].width for i in range(min(len(rows[1]), 26)))
    method = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert any("区划代码较小" in (line or "") for line in method)


def test_what_if_then_the_comparison_shows_who_gains_what(client, manager, run):
    client.force_login(manager)
    data = {**WEIGHTS, "funds_raised": "0.3", "fiscal_difficulty": "0.2", "label": "提高困难程度权重"}
    response = client.post(reverse("staff-subsidies:allocation-run-what-if", args=[run.pk]), data)
    other = AllocationRun.objects.exclude(pk=run.pk).get()
    assert response.status_code == 302 and response.url.endswith(f"?a={run.pk}&b={other.pk}")
    page = client.get(response.url)
    comparison = page.context["comparison"]
    assert {row.name: row.difference for row in comparison.rows}["丙区"] > 0
    assert sum(row.difference for row in comparison.rows) == 0
    html = page.content.decode()
    assert 'class="gain"' in html and 'class="loss"' in html and "已改" in html
    export = client.get(reverse("staff-subsidies:allocation-compare-export"), {"a": run.pk, "b": other.pk})
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert timezone.localdate().isoformat() in rows[0][0] and rows[1][0] == "区"
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][4])) == 0
    # Weights that do not add up to 1 on the what-if form: refused on the run's page, nothing computed.
    response = client.post(reverse("staff-subsidies:allocation-run-what-if", args=[run.pk]),
                           {**WEIGHTS, "funds_raised": "0.5"})
    assert response.status_code == 200 and "1.1" in response.content.decode()
    assert AllocationRun.objects.count() == 2


def test_a_district_reads_its_own_share_only(client, city, run):
    _city_area, districts = city
    official = make_staff(StaffRole.OFFICIAL, districts[0])
    client.force_login(official)
    index = client.get(reverse("staff-subsidies:allocation"))
    assert [share.area.name for share in index.context["shares"]] == ["甲区"]
    assert list(index.context["object_list"]) == []
    own = run.shares.get(area=districts[0])
    other = run.shares.get(area=districts[1])
    page = client.get(reverse("staff-subsidies:allocation-share-detail", args=[own.pk]))
    assert page.status_code == 200 and "412,500.00" in page.content.decode()
    assert "乙区" not in page.content.decode().split("<main")[1]
    for url in (reverse("staff-subsidies:allocation-share-detail", args=[other.pk]),
                reverse("staff-subsidies:allocation-run-detail", args=[run.pk]),
                reverse("staff-subsidies:allocation-run-export", args=[run.pk])):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("staff-subsidies:allocation-compare"), {"a": run.pk, "b": run.pk}).status_code == 404
    assert client.get(reverse("staff-subsidies:allocation-run-create")).status_code == 403
    weights_page = client.get(reverse("staff-subsidies:allocation-weights"))
    assert weights_page.status_code == 200 and weights_page.context["form"] is None
    inputs = client.get(reverse("staff-subsidies:allocation-inputs"), {"year": YEAR})
    assert [row["district"].name for row in inputs.context["rows"]] == ["甲区"]


def test_the_runs_list_keeps_a_constant_number_of_queries(client, city, manager, run):
    client.force_login(manager)
    url = reverse("staff-subsidies:allocation")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        services.allocation_what_if(actor=manager, run=run, weights={**WEIGHTS, "target_task": "0.2",
                                                                     "last_year_results": "0.2"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["object_list"]) == 6 and len(many) == len(one)
