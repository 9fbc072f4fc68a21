"""CSV and XLSX files of the dashboards' tables, and the audit event each export writes.

A file holds exactly the table the page shows, built by the same selector for the same reader, so
an export carries no figure the page would not. Numbers stay numbers (money in yuan with two
places, shares in percent); text a spreadsheet would read as a formula is prefixed with an
apostrophe. CSV starts with a byte-order mark so spreadsheet programs read the Chinese.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from analytics.constants import AnalyticsEvent
from analytics.tables import PERCENT_KINDS, Table, export_value
from portal.audit import audit_record
from portal.constants import AuditKind
from portal.models import Area, User

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_header(table: Table) -> list[str]:
    """Column labels; a column of shares says it is in percent (or percentage points)."""
    header = []
    for column in table.columns:
        label = str(column.label)
        if column.kind in PERCENT_KINDS and not label.endswith("(%)"):
            label += " (" + (_("percentage points") if column.kind == "points" else "%") + ")"
        header.append(label)
    return header


def export_rows(table: Table) -> list[list]:
    return [[_safe(export_value(row.get(column.key), table.kind(index, column))) for column in table.columns]
            for index, row in enumerate(table.rows)]


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export_header(table))
    for row in export_rows(table):
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table, *, subtitle: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (str(table.title)[:31] or "Sheet").replace("/", "-")
    sheet.append([str(table.title) + (f" · {subtitle}" if subtitle else "")])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(export_header(table))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in export_rows(table):
        sheet.append(row)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        for row_index, cell in enumerate(sheet[letter][2:]):
            kind = table.kind(row_index, column)
            if kind in ("money", "signed_money"):
                cell.number_format = "#,##0.00"
            elif kind in PERCENT_KINDS or kind in ("ratio", "signed_ratio", "decimal"):
                cell.number_format = "0.00"
        width = max([len(str(column.label)) * 2] + [len(str(c.value or "")) + 2 for c in sheet[letter][2:]])
        sheet.column_dimensions[letter].width = min(max(width, 8), 40)
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(table: Table, *, file_format: str, name: str, subtitle: str = "") -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(table_xlsx(table, subtitle=subtitle), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


def data_export_record(*, actor: User, area: Area, page: str, table: Table, file_format: str, day=None,
                       ip_address: str | None = None) -> None:
    """Audit one dashboard export (``DATA_EXPORTED``): who took which table of which area, when."""
    audit_record(event_type=AnalyticsEvent.DATA_EXPORTED, actor=actor, area=area, kind=AuditKind.EXPORT,
                 new={"page": page, "table": table.key, "format": file_format, "rows": len(table.rows),
                      "day": day}, ip_address=ip_address)

