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


def ledger_row_values(kind: str, number: int, record, *, full_numbers: bool) -> list[str]:
    person = record.person
    identity = identity_decrypt(person.id_encrypted) if full_numbers else person.id_masked
    common = [number, person.name, identity, person.get_sex_display(), person.birth_date, person.phone,
              record.area.name]
    if kind == LedgerKind.HARD_TO_EMPLOY:
        commitment = getattr(record, "commitment", None) if _has_commitment(record) else None
        return [_cell(v) for v in (*common, "、".join(c.name for c in record.categories.all()), record.approved_on,
                                   commitment.due_on if commitment else "",
                                   commitment.get_status_display() if commitment else "")]
    return [_cell(v) for v in (*common, record.registered_on, record.applied_online,
                               person.employment_card_number or "")]


def _has_commitment(record) -> bool:
    try:
        return record.commitment is not None
    except ObjectDoesNotExist:  # no commitment (yet)
        return False


def ledger_rows(kind: str, queryset: QuerySet, *, full_numbers: bool) -> Iterator[list[str]]:
    """The ledger's rows, numbered from 1, read from the database in chunks."""
    for number, record in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
        yield ledger_row_values(kind, number, record, full_numbers=full_numbers)


class _Echo:
    def write(self, value):
        return value


def csv_stream(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text line by line; a byte-order mark first so spreadsheet programs read UTF-8 Chinese."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(title: str, header: list[str], rows: Iterable[list[str]]):
    """An XLSX workbook in a temporary file, positioned at its start (the caller streams and closes it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle
