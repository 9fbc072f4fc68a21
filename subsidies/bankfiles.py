"""The district's bank disbursement file and the bank's result file: their columns and how they are
written and read. What a line means, and whether it is right, is the payment service's business
(``subsidies.services.payments``); this module only turns files into rows of text and back.

The disbursement file (CSV or XLSX) has one line per payment: the payment reference, the payee, the
bank account and the amount in yuan with two decimals, then a totals line (合计: the number of lines
and the sum). Column names are Chinese, the bank's language, whatever the page's language; amounts
and accounts are written as text, so a spreadsheet neither rounds an amount nor drops an account's
leading zeros.

The bank's result file repeats those columns and adds the result (成功/失败, or paid/failed), the
reason of a failure and, optionally, the bank's own reference. Its columns may come in any order, named
in Chinese or English; CSV may be UTF-8 (with or without a byte-order mark) or GB18030 (what banks'
systems write); a file is read as XLSX when its content is a ZIP archive, whatever its name says.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from subsidies.constants import BANK_FILE_MAX_BYTES, BANK_FILE_MAX_LINES

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

# Column key → (the header written, the headers accepted when read).
COLUMNS = {
    "reference": ("支付参考号", {"支付参考号", "参考号", "付款参考号", "reference", "payment reference"}),
    "payee": ("收款人", {"收款人", "收款人姓名", "户名", "payee", "payee name", "name"}),
    "account": ("银行账号", {"银行账号", "收款账号", "账号", "account", "bank account"}),
    "amount": ("金额（元）", {"金额（元）", "金额(元)", "金额", "amount", "amount (yuan)"}),
    "result": ("结果", {"结果", "支付结果", "处理结果", "result", "status"}),
    "reason": ("失败原因", {"失败原因", "原因", "reason", "failure reason"}),
    "bank_reference": ("银行流水号", {"银行流水号", "流水号", "bank reference"}),
}
EXPORT_KEYS = ("reference", "payee", "account", "amount")
RESULT_REQUIRED = ("reference", "payee", "account", "amount", "result")
TOTAL_LABELS = {"合计", "总计", "total", "totals"}
# The words a result cell may hold (compared without case or surrounding spaces).
PAID_WORDS = {"成功", "支付成功", "已支付", "已付款", "paid", "success", "succeeded"}
FAILED_WORDS = {"失败", "支付失败", "未支付", "退票", "failed", "failure", "fail"}
# An XLSX file is a ZIP archive; refuse one that unpacks to more than this (a "ZIP bomb").
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
CELL_MAX = 1000  # longer cell text is cut here; the service refuses what is too long for its field
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _header_of(key: str) -> str:
    return COLUMNS[key][0]


def safe_cell(text: str) -> str:
    """Text a spreadsheet would read as a formula gets an apostrophe first (removed again on reading)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unsafe_cell(text: str) -> str:
    """The text ``safe_cell`` wrote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


# --- The disbursement file ------------------------------------------------------------------------


def disbursement_rows(lines: Iterable[tuple[str, str, str, str]], *, count: int, total: str) -> Iterator[list[str]]:
    """The file's rows: the header, one row per (reference, payee, account, amount in yuan), the totals."""
    yield [_header_of(key) for key in EXPORT_KEYS]
    for reference, payee, account, amount in lines:
        yield [reference, safe_cell(payee), safe_cell(account), amount]
    yield ["合计", f"{count} 笔", "", total]


def write_csv(rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Widths in characters of the disbursement file's columns (reference, payee, account, amount).
XLSX_WIDTHS = (16, 14, 26, 14)


def write_xlsx(rows: Iterable[list[str]], *, title: str) -> bytes:
    """The disbursement file as XLSX. Unlike the portal's reports (``portal.xlsx``) it has no title row
    and its amounts are text: the bank's systems read it, the header first, and the bank returns it
    with its results. Its columns are wide enough to read when a clerk opens it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(XLSX_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in rows:
        sheet.append(row)  # every cell a string: amounts and accounts stay exactly as written
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The bank's result file -----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One line of the bank's result file as text, with its line number in the file (the header is 1)."""

    number: int
    reference: str
    payee: str
    account: str
    amount: str
    result: str
    reason: str
    bank_reference: str


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


def _text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A number cell (a bank that wrote amounts as numbers): its shortest exact decimal text.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()[:CELL_MAX]


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything; kept for safety
        raise _file_error(_("The file is neither UTF-8 nor GB18030 text, nor an XLSX workbook."), "unreadable")
    if "\x00" in text:
        raise _file_error(_("The file contains NUL characters: it is not a CSV text file or an XLSX workbook."),
                          "unreadable")
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [cell.strip()[:CELL_MAX] for cell in row]
    except csv.Error as exc:
        raise _file_error(_("The CSV file cannot be read: %(error)s.") % {"error": exc}, "unreadable") from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise _file_error(_("The workbook unpacks to more than %(mb)s MB; save it again or send it as CSV.")
                              % {"mb": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}, "too_large")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any damaged or foreign archive is the same answer to the clerk
        raise _file_error(_("The file looks like a workbook but cannot be opened as XLSX."), "unreadable") from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_text_of(value) for value in row]
    except Exception:  # noqa: BLE001 - a damaged sheet
        raise _file_error(_("The workbook's first sheet cannot be read."), "unreadable") from None
    finally:
        workbook.close()


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        for key, (_written, accepted) in COLUMNS.items():
            if name in {alias.lower() for alias in accepted} and key not in found:
                found[key] = index
    return found


def read_result_file(data: bytes) -> list[ResultRow]:
    """The lines of a bank result file (CSV or XLSX), as text. A file that cannot be read at all (too
    large, not a table, no header naming the columns, too many lines) is refused here, as an error of
    the field ``file``; each line's content is checked by the payment service."""
    if len(data) > BANK_FILE_MAX_BYTES:
        raise _file_error(_("The file is larger than %(mb)s MB.") % {"mb": BANK_FILE_MAX_BYTES // (1024 * 1024)},
                          "too_large")
    if not data.strip():
        raise _file_error(_("The file is empty."), "empty")
    rows = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    header: dict[str, int] | None = None
    result: list[ResultRow] = []
    for number, row in enumerate(rows, start=1):
        if not any(row):
            continue
        if header is None:
            header = _columns(row)
            missing = [COLUMNS[key][0] for key in RESULT_REQUIRED if key not in header]
            if missing:
                raise _file_error(
                    _("Line %(line)s must name the columns; missing: %(missing)s.")
                    % {"line": number, "missing": "、".join(missing)}, "no_header")
            continue
        values = {key: (row[index] if index < len(row) else "") for key, index in header.items()}
        if values["reference"].strip().lower() in TOTAL_LABELS:
            continue  # the totals line the bank may echo
        if len(result) >= BANK_FILE_MAX_LINES:
            raise _file_error(_("The file has more than %(max)s lines; split it.") % {"max": BANK_FILE_MAX_LINES},
                              "too_many_lines")
        result.append(ResultRow(number=number, **{key: values.get(key, "") for key in COLUMNS}))
    if header is None:
        raise _file_error(_("The file is empty."), "empty")
    if not result:
        raise _file_error(_("The file names its columns but has no lines."), "empty")
    return result


def result_template_rows() -> list[str]:
    """The header of a result file, for the page that explains the format."""
    return [_header_of(key) for key in COLUMNS]
