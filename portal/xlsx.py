"""XLSX files people open in a spreadsheet program, written one way for every app.

Each table sheet starts with a title row saying what the table is, of which area and on which day,
then the column labels in bold (frozen, so they stay in view), then the rows with typed cells:

- numbers stay numbers (a column may give its number format, money ``#,##0.00``);
- dates are dates shown ``yyyy-mm-dd`` (date-times ``yyyy-mm-dd hh:mm``, in local time);
- text is text, never a formula: a name beginning with ``=`` stays that name, and identity numbers
  (masked or whole), phone numbers and division codes stay exactly as written;
- yes/no are words.

Column widths are given in characters or fitted to the label and the cells. Workbooks are written
by openpyxl's write-only workbook, so a long ledger streams through without being held whole.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONTH_FORMAT = "yyyy-mm"
YUAN_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "0.00"
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
_WIDTH_MIN, _WIDTH_MAX = 6, 48


@dataclass(frozen=True)
class Column:
    """A column: its label, its width in characters (None: fitted to the label and the cells) and
    the number format of its numbers (None: General)."""

    label: str
    width: float | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class Formatted:
    """A cell whose number format differs from its column's (a row of yuan in a column of people)."""

    value: object
    number_format: str


def export_title(subject: str, *, area, on_date: datetime.date) -> str:
    """The title row: what the table is, of which area (None: a reader without an area, such as a
    superuser, reads every area), on which day."""
    area_name = area.name if area is not None else _("all areas")
    return _("%(subject)s of %(area)s on %(date)s") % {"subject": subject, "area": area_name,
                                                      "date": on_date.isoformat()}


def _display_width(text: str) -> int:
    """Characters as a spreadsheet column counts them: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _shown(value) -> str:
    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, datetime.datetime):
        return "0000-00-00 00:00"
    if isinstance(value, datetime.date):
        return "0000-00-00"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{value:,.2f}" if isinstance(value, (float, Decimal)) else f"{value:,}"
    return "" if value is None else str(value)


def cell_value(value):
    """A value as openpyxl stores it: yes/no as words, an aware date-time in local time (naive)."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def typed_cell(sheet, value, number_format: str | None = None) -> WriteOnlyCell:
    """A typed cell: numbers as numbers (in ``number_format``), dates as dates, text as text."""
    if isinstance(value, Formatted):
        value, number_format = value.value, value.number_format
    value = cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        cell.number_format = number_format if number_format in (DATETIME_FORMAT, DATE_FORMAT) else DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = number_format if number_format in (DATE_FORMAT, MONTH_FORMAT) else DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text begins with
    elif isinstance(value, (int, float, Decimal)) and number_format:
        cell.number_format = number_format
    return cell


class XlsxBook:
    """A workbook of table sheets (and notes sheets), written row by row."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)

    @staticmethod
    def _sheet_name(name: str) -> str:
        return (str(name).translate(_SHEET_NAME_FORBIDDEN)[:SHEET_NAME_MAX]) or "Sheet"

    def add_table(self, name: str, *, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
        """A sheet: the title row, the labels in bold, then ``rows`` (lists of values, one per column)."""
        sheet = self.workbook.create_sheet(title=self._sheet_name(name))
        if any(column.width is None for column in columns):
            rows = list(rows)  # fitted widths need the cells first
        for index, column in enumerate(columns):
            width = column.width
            if width is None:
                shown = [_display_width(_shown(row[index])) for row in rows if index < len(row)]
                width = max([_display_width(str(column.label)), *shown]) + 2
                width = min(max(width, _WIDTH_MIN), _WIDTH_MAX)
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = "A3"
        first = WriteOnlyCell(sheet, value=str(title))
        first.font = Font(bold=True, size=13)
        first.data_type = "s"
        sheet.append([first])
        heading = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column.label))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.data_type = "s"
            heading.append(cell)
        sheet.append(heading)
        formats = [column.number_format for column in columns]
        for row in rows:
            sheet.append([typed_cell(sheet, value, formats[index] if index < len(formats) else None)
                          for index, value in enumerate(row)])

    def add_notes(self, name: str, lines: Iterable[str], *, width: float = 120) -> None:
        """A sheet of text lines (how the figures are computed), one per row, as text."""
        sheet = self.workbook.create_sheet(title=self._sheet_name(name))
        sheet.column_dimensions["A"].width = width
        for line in lines:
            sheet.append([typed_cell(sheet, str(line))])

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def to_temporary_file(self):
        """The workbook in a temporary file positioned at its start (the caller streams and closes it)."""
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the FileResponse
        self.workbook.save(handle)
        handle.seek(0)
        return handle
