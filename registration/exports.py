"""CSV and XLSX files of the ledgers.

Identity numbers are masked unless the caller asked for full numbers (and the service that
audits the export allowed it). Rows are read in chunks and written as they come: CSV streams to
the client, XLSX is written by openpyxl's write-only workbook to a temporary file, so neither
holds the whole ledger in memory.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from registration.identity import identity_decrypt
from registration.selectors.ledger import LedgerKind

CHUNK = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text for a cell; text a spreadsheet would read as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def ledger_header(kind: str) -> list[str]:
    common = [_("No."), _("Name"), _("Identity number"), _("Sex"), _("Date of birth"), _("Mobile phone"),
              _("Area")]
    if kind == LedgerKind.HARD_TO_EMPLOY:
        return [*common, _("Categories"), _("Approved on"), _("Referral commitment due"),
                _("Referral commitment status")]
    return [*common, _("Registered on"), _("Applied online"), _("Employment card number")]


def ledger_row_values(kind: str, number: int, record, *, full_numbers: bool) -> list:
    """A ledger row's values as they are: the row number, dates as dates, yes/no, text (the identity
    number, masked or whole, and the phone are text). ``_cell`` turns them into CSV text."""
    person = record.person
    identity = identity_decrypt(person.id_encrypted) if full_numbers else person.id_masked
    common = [number, person.name, identity, person.get_sex_display(), person.birth_date, person.phone,
              record.area.name]
    if kind == LedgerKind.HARD_TO_EMPLOY:
        commitment = getattr(record, "commitment", None) if _has_commitment(record) else None
        return [*common, "、".join(c.name for c in record.categories.all()), record.approved_on,
                commitment.due_on if commitment else None, commitment.get_status_display() if commitment else ""]
    return [*common, record.registered_on, record.applied_online, person.employment_card_number or ""]


def _has_commitment(record) -> bool:
    try:
        return record.commitment is not None
    except ObjectDoesNotExist:  # no commitment (yet)
        return False


def ledger_rows(kind: str, queryset: QuerySet, *, full_numbers: bool) -> Iterator[list]:
    """The ledger's rows, numbered from 1, read from the database in chunks (values as they are)."""
    for number, record in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
        yield ledger_row_values(kind, number, record, full_numbers=full_numbers)


def ledger_title(kind: str, area, on_date: datetime.date) -> str:
    """The first row of an XLSX ledger: which ledger, of which area, on which day."""
    name = _("Registered unemployed") if kind == LedgerKind.UNEMPLOYED else _("Hard-to-employ persons")
    return _("%(ledger)s ledger of %(area)s on %(date)s") % {"ledger": name, "area": area.name,
                                                           "date": on_date.isoformat()}


class _Echo:
    def write(self, value):
        return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text line by line; a byte-order mark first so spreadsheet programs read UTF-8 Chinese."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


# Column widths in characters: the row number narrow, identity numbers and phones whole.
_WIDTHS = {0: 6, 1: 10, 2: 21, 3: 6, 4: 12, 5: 14, 6: 20}
_DEFAULT_WIDTH = 14


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A typed cell: numbers as numbers, dates as dates shown yyyy-mm-dd, yes/no as words and any text
    as text, never a formula (a name beginning with = stays the name)."""
    if isinstance(value, bool):
        value = _("Yes") if value else _("No")
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_file(sheet_name: str, header: list[str], rows: Iterable[list], *, title: str = ""):
    """An XLSX workbook in a temporary file, positioned at its start (the caller streams and closes it):
    ``title`` in the first row (which ledger, area and day), then the header in bold, and the rows
    with typed cells and readable column widths."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name[:31])
    for index in range(len(header)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = _WIDTHS.get(index, _DEFAULT_WIDTH)
    bold = Font(bold=True)
    if title:
        first = WriteOnlyCell(sheet, value=title)
        first.font = Font(bold=True, size=13)
        sheet.append([first])
    heading = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle
