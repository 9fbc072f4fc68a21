"""CSV and XLSX files of the ledgers.

Identity numbers are masked unless the caller asked for full numbers (and the service that
audits the export allowed it). Rows are read in chunks and written as they come: CSV streams to
the client, XLSX is written by the portal's workbook writer (``portal.xlsx``) to a temporary file, so
neither holds the whole ledger in memory.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.xlsx import Column, XlsxBook
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


def xlsx_file(sheet_name: str, header: list[str], rows: Iterable[list], *, title: str):
    """An XLSX workbook in a temporary file, positioned at its start (the caller streams and closes it):
    ``title`` in the first row (which ledger, area and day), then the header in bold, and the rows
    with typed cells and readable column widths (``portal.xlsx``, as every export of the portal)."""
    book = XlsxBook()
    columns = [Column(label, width=_WIDTHS.get(index, _DEFAULT_WIDTH)) for index, label in enumerate(header)]
    book.add_table(sheet_name, title=title, columns=columns, rows=rows)
    return book.to_temporary_file()
