"""The one XLSX writer of the portal (portal/xlsx.py): what a spreadsheet shows when it opens a file,
and that every XLSX export of the apps goes through it."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from portal.xlsx import YUAN_FORMAT, Column, Formatted, XlsxBook, export_title


class _Area:
    name = "江岸区"


def _open(book: XlsxBook):
    return load_workbook(io.BytesIO(book.to_bytes()))


def test_a_table_sheet_opens_with_its_title_labels_widths_and_typed_cells():
    book = XlsxBook()
    moment = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Wuhan
    book.add_table("名单", title=export_title("测试名单", area=_Area(), on_date=datetime.date(2026, 3, 2)), columns=[
        Column("No.", width=6), Column("身份证号", width=21), Column("出生日期"), Column("金额（元）", number_format=YUAN_FORMAT),
        Column("登记时间"), Column("在册"), Column("姓名"), Column("区划代码"),
    ], rows=[
        [1, "420102********1234", datetime.date(1990, 5, 17), Decimal("1234.50"), moment, True, "=HYPERLINK(1)",
         "420102000000"],
        [2, "42010219900517123X", None, Formatted(3, "0"), None, False, "张三", "0420"],
    ])
    sheet = _open(book).active
    assert sheet.title == "名单"
    assert sheet["A1"].value == "江岸区测试名单（2026-03-02）" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["No.", "身份证号", "出生日期", "金额（元）", "登记时间", "在册", "姓名", "区划代码"]
    assert all(c.font.bold for c in sheet[2]) and sheet.freeze_panes == "A3"
    # Numbers are numbers, dates dates, and identity numbers, names and codes text exactly as written.
    assert sheet["A3"].value == 1 and sheet["A3"].data_type == "n"
    assert sheet["B3"].value == "420102********1234" and sheet["B3"].data_type == "s"
    assert sheet["B4"].value == "42010219900517123X" and sheet["B4"].data_type == "s"
    assert sheet["C3"].is_date and sheet["C3"].value == datetime.datetime(1990, 5, 17)
    assert sheet["C3"].number_format == "yyyy-mm-dd"
    assert sheet["D3"].value == 1234.5 and sheet["D3"].number_format == YUAN_FORMAT
    assert sheet["D4"].value == 3 and sheet["D4"].number_format == "0"
    assert sheet["E3"].value == datetime.datetime(2026, 3, 2, 9, 30) and sheet["E3"].number_format == "yyyy-mm-dd hh:mm"
    assert (sheet["F3"].value, sheet["F4"].value) == ("是", "否")
    assert sheet["G3"].value == "=HYPERLINK(1)" and sheet["G3"].data_type == "s"  # never a formula
    assert sheet["H3"].data_type == "s" and sheet["H4"].value == "0420"
    # Widths: given ones kept; fitted ones hold the label and the longest cell (a Chinese character is two).
    assert sheet.column_dimensions["A"].width == 6 and sheet.column_dimensions["B"].width == 21
    assert sheet.column_dimensions["C"].width >= len("1990-05-17")
    assert sheet.column_dimensions["G"].width >= len("=HYPERLINK(1)")
    assert sheet.column_dimensions["D"].width >= 2 * len("金额（元）")


def test_notes_sheets_and_sheet_names_a_spreadsheet_accepts():
    book = XlsxBook()
    book.add_table("2026/03: 名单?" * 3, title="T", columns=[Column("A")], rows=[])
    book.add_notes("方法", ["=1+1 是文字", "第二行"])
    workbook = _open(book)
    assert len(workbook.worksheets[0].title) <= 31 and not re.search(r"[\[\]:*?/\\]", workbook.worksheets[0].title)
    notes = workbook["方法"]
    assert notes["A1"].value == "=1+1 是文字" and notes["A1"].data_type == "s"
    assert notes.column_dimensions["A"].width == 120


def test_the_title_of_a_reader_without_an_area_says_all_areas():
    assert export_title("名单", area=None, on_date=datetime.date(2026, 1, 5)) == "全部区域名单（2026-01-05）"


APP_DIRS = ["portal", "jobs", "registration", "policy", "subsidies", "analytics"]
# The bank's disbursement file is an exchange format read by the bank's systems and read back by
# the portal (subsidies/bankfiles.py): its header must be the first row and its amounts text.
NOT_FOR_PEOPLE = {"portal/xlsx.py", "subsidies/bankfiles.py"}


@pytest.mark.parametrize("app", APP_DIRS)
def test_every_xlsx_export_of_the_apps_is_written_by_portal_xlsx(app):
    writers = []
    for path in sorted(Path(settings.BASE_DIR, app).rglob("*.py")):
        relative = path.relative_to(settings.BASE_DIR).as_posix()
        if "migrations" in path.parts or relative in NOT_FOR_PEOPLE:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"from openpyxl import[^\n]*\bWorkbook\b|openpyxl\.Workbook\(|WriteOnlyCell", text):
            writers.append(relative)
    assert writers == [], f"write XLSX through portal.xlsx.XlsxBook: {writers}"
