"""CSV and XLSX exports of the dashboards' tables: exactly the table the page shows (numbers as
numbers, money in yuan), scoped like the page, and each one audited as DATA_EXPORTED."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from analytics.constants import AnalyticsEvent
from analytics.exports import table_csv, table_xlsx
from analytics.tables import Column, Table
from portal.constants import AuditKind
from portal.models import AuditEvent
from tests.analytics.dashboard_data import DAY, WUCHANG_UNEMPLOYED, make_dashboard_facts
from tests.analytics.factories_dashboard import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def facts(tree):
    return make_dashboard_facts(tree)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_areas_table_exports_as_csv_with_the_pages_rows(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    page = client.get("/staff/analytics/")
    shown = {t.key: t for t in page.context["tables"]}["areas"]
    response = client.get("/staff/analytics/", {"export": "areas", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="overview-areas-{tree.d1.code}-{DAY:%Y%m%d}.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 1 + len(shown.rows)
    assert rows[0][0] == str(shown.columns[0].label) and rows[0][4].endswith("(%)")
    s1 = next(r for r in rows if r[0] == tree.s1.name)
    # new employment this month, this year, target, share of target (percent), unemployed, …, paid (yuan)
    assert s1[1:5] == ["126", "1183", "3000", "39.43"]
    assert s1[8] == "500.00"
    assert not any("武昌" in cell for row in rows for cell in row)


def test_the_key_figures_export_as_xlsx_with_numbers_and_yuan(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    response = client.get(f"/staff/analytics/areas/{tree.d1.code}/", {"export": "figures", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(response)
    assert tree.d1.name in rows[0][0] and DAY.isoformat() in rows[0][0]
    by_figure = {row[0]: row for row in rows[2:]}
    new_employment = next(row for name, row in by_figure.items() if name.startswith(("New employment", "新增就业")))
    assert new_employment[1:4] == (216, 216, 0)
    assert new_employment[8] == 2028 and new_employment[10] == 328
    rate = next(row for row in rows[2:] if "%" in row[0])
    assert rate[1] == 5.0 and rate[6] == -0.5  # percent, and percentage points
    paid = rows[-1]
    assert paid[1] == 1000


def test_every_export_is_audited_with_who_what_and_where(client, tree, staff, facts):
    user = staff["official@district"]
    client.force_login(user)
    client.get("/staff/analytics/", {"export": "trend", "format": "xlsx"})
    event = AuditEvent.objects.get(event_type=AnalyticsEvent.DATA_EXPORTED)
    assert (event.actor, event.area, event.kind) == (user, tree.d1, AuditKind.EXPORT)
    assert event.new_values == {"page": "overview", "table": "trend", "format": "xlsx", "rows": 18,
                                "day": DAY.isoformat()}


def test_a_jiangan_officials_exports_hold_nothing_of_wuchang(client, tree, staff, facts):
    run(DAY, "failed", error="武昌区 failed", tasks=[(tree.d2, "failed", "武昌区 task"), (tree.d1, "done", "")])
    client.force_login(staff["official@district"])
    for url in ("/staff/analytics/", f"/staff/analytics/areas/{tree.s1.code}/", "/staff/analytics/runs/",
                f"/staff/analytics/report/?area={tree.d1.code}"):
        tables = client.get(url).context["tables"]
        assert tables, url
        for table in tables:
            for file_format in ("csv", "xlsx"):
                response = client.get(url, {"export": table.key, "format": file_format})
                assert response.status_code == 200, (url, table.key)
                cells = (" ".join(str(c) for row in xlsx_rows(response) for c in row) if file_format == "xlsx"
                         else response.content.decode())
                assert "武昌" not in cells and str(WUCHANG_UNEMPLOYED) not in cells, (url, table.key)


def test_the_city_export_of_districts_includes_wuchang(client, tree, staff, facts):
    client.force_login(staff["official@city"])
    rows = csv_rows(client.get("/staff/analytics/", {"export": "areas", "format": "csv"}))
    wuchang = next(r for r in rows if r[0] == tree.d2.name)
    assert wuchang[5] == str(WUCHANG_UNEMPLOYED)


def test_an_unknown_table_is_not_found_and_a_bad_format_is_explained(client, tree, staff, facts):
    client.force_login(staff["official@district"])
    assert client.get("/staff/analytics/", {"export": "salaries", "format": "csv"}).status_code == 404
    assert client.get("/staff/analytics/", {"export": "\x00", "format": "csv"}).status_code == 400  # refused first
    response = client.get("/staff/analytics/", {"export": "areas", "format": "pdf"}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/analytics/"
    assert [str(m) for m in response.context["messages"]]
    assert not AuditEvent.objects.filter(event_type=AnalyticsEvent.DATA_EXPORTED).exists()


def test_clerks_cannot_export(client, staff, facts):
    client.force_login(staff["clerk@district"])
    assert client.get("/staff/analytics/", {"export": "areas", "format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AnalyticsEvent.DATA_EXPORTED).exists()


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    table = Table("t", "T", [Column("name", "Name"), Column("n", "N", "int")],
                  rows=[{"name": "=HYPERLINK(\"http://x\")", "n": 1}, {"name": "+1", "n": -2}])
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8")[1:])))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "1"] and rows[2] == ["'+1", "-2"]
    sheet = load_workbook(io.BytesIO(table_xlsx(table, area=None))).active
    # XLSX: a text cell, never a formula, so the text stays exactly as it is.
    assert sheet["A3"].value == "=HYPERLINK(\"http://x\")" and sheet["A3"].data_type == "s"
    assert sheet["B4"].value == -2


def test_an_export_of_a_table_with_missing_values_leaves_the_cells_empty():
    table = Table("t", "T", [Column("a", "A", "int"), Column("b", "B", "percent")], rows=[{"a": None, "b": None}])
    assert list(csv.reader(io.StringIO(table_csv(table).decode("utf-8")[1:])))[1] == ["", ""]
    assert load_workbook(io.BytesIO(table_xlsx(table, area=None))).active["A3"].value is None


NUMERIC = {"int", "signed", "money", "signed_money", "percent", "signed_pct", "points", "ratio", "signed_ratio",
           "decimal"}


@pytest.mark.parametrize("url", ["/staff/analytics/", "/staff/analytics/runs/"])
def test_every_xlsx_table_opens_with_a_title_widths_dates_as_dates_and_numbers_as_numbers(client, tree, staff,
                                                                                          facts, url):
    run(DAY, "done", tasks=[(tree.d1, "done", "")])
    client.force_login(staff["official@district"])
    tables = client.get(url).context["tables"]
    assert tables
    checked_kinds = set()
    for table in tables:
        response = client.get(url, {"export": table.key, "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        title = sheet["A1"].value
        assert str(table.title) in title and tree.d1.name in title, table.key
        assert re.search(r"\d{4}-\d{2}-\d{2}", title), table.key  # the day of the figures (or of the export)
        assert [c.value for c in sheet[2]] and sheet["A2"].font.bold
        for index, column in enumerate(table.columns, start=1):
            assert sheet.column_dimensions[get_column_letter(index)].width >= 6, (table.key, column.key)
        for row_index, row in enumerate(table.rows):
            for index, column in enumerate(table.columns, start=1):
                cell = sheet.cell(row=row_index + 3, column=index)
                kind = table.kind(row_index, column)
                if cell.value is None:
                    continue
                checked_kinds.add(kind)
                if kind in NUMERIC:
                    assert cell.data_type == "n" and isinstance(cell.value, (int, float)), (table.key, column.key)
                elif kind in ("date", "month", "datetime"):
                    assert cell.is_date and isinstance(cell.value, datetime.datetime), (table.key, column.key)
                    assert cell.number_format in ("yyyy-mm-dd", "yyyy-mm", "yyyy-mm-dd hh:mm")
                else:
                    assert cell.data_type == "s", (table.key, column.key)
    # The walk met numbers and dates (months on the overview, days and times on the runs page).
    assert checked_kinds & NUMERIC and checked_kinds & {"date", "month", "datetime"}
