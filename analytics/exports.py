"""CSV and XLSX files of the dashboards' tables, and the audit event each export writes.

A file holds exactly the table the page shows, built by the same selector for the same reader, so
an export carries no figure the page would not. Numbers stay numbers (money in yuan with two
places, shares in percent). XLSX is written by ``portal.xlsx`` as every export of the portal: a
title row with the table, the area and the day, typed cells (dates as dates), column widths. In CSV,
text a spreadsheet would read as a formula is prefixed with an apostrophe, and the file starts with
a byte-order mark so spreadsheet programs read the Chinese.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.constants import AnalyticsEvent
from analytics.tables import PERCENT_KINDS, Table, export_value, yuan
from portal.audit import audit_record
from portal.constants import AuditKind
from portal.models import Area, User
from portal.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_FORMAT,
    MONTH_FORMAT,
    XLSX_CONTENT_TYPE,
    YUAN_FORMAT,
    Column,
    Formatted,
    XlsxBook,
    export_title,
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = XLSX_CONTENT_TYPE
# The number format of a kind of cell in XLSX (others: General).
_KIND_FORMATS = {"money": YUAN_FORMAT, "signed_money": YUAN_FORMAT, "ratio": DECIMAL_FORMAT,
                 "signed_ratio": DECIMAL_FORMAT, "decimal": DECIMAL_FORMAT,
                 **{kind: DECIMAL_FORMAT for kind in PERCENT_KINDS}}


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


def xlsx_value(value, kind: str):
    """A value as an XLSX cell: as ``export_value`` says, but dates stay dates (a month is its first
    day shown yyyy-mm), numbers carry their kind's format, and text is left as it is (an XLSX text
    cell is never a formula)."""
    if value is None or value == "":
        return None
    if kind == "date" and isinstance(value, datetime.date):
        return Formatted(value, DATE_FORMAT)
    if kind == "month" and isinstance(value, datetime.date):
        return Formatted(value.replace(day=1) if not isinstance(value, datetime.datetime) else value.date(),
                         MONTH_FORMAT)
    if kind == "datetime" and isinstance(value, datetime.datetime):
        return Formatted(value, DATETIME_FORMAT)
    if kind in ("money", "signed_money"):
        return Formatted(yuan(value), YUAN_FORMAT)
    exported = export_value(value, kind)
    return Formatted(exported, _KIND_FORMATS[kind]) if kind in _KIND_FORMATS else exported


def table_xlsx(table: Table, *, area: Area | None, on_date: datetime.date | None = None) -> bytes:
    """The table as a workbook: a title row with the table, the area and the day (``on_date``: the
    day the page shows, today when it shows none), the labels, then typed cells."""
    rows = [[xlsx_value(row.get(column.key), table.kind(index, column)) for column in table.columns]
            for index, row in enumerate(table.rows)]
    book = XlsxBook()
    title = export_title(str(table.title), area=area, on_date=on_date or timezone.localdate())
    book.add_table(str(table.title) or "Sheet", title=title,
                   columns=[Column(label) for label in export_header(table)], rows=rows)
    return book.to_bytes()


def table_response(table: Table, *, file_format: str, name: str, area: Area | None,
                   on_date: datetime.date | None = None) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(table_xlsx(table, area=area, on_date=on_date), content_type=XLSX_TYPE)
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

