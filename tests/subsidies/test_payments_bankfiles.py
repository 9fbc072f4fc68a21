"""The bank disbursement file (content, totals, audit, scope) and the bank's result file (a good file
settles every line and moves the money; any bad line refuses the whole file, naming every bad line and
field; the same file twice changes nothing the second time)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from portal.constants import AuditKind
from portal.models import AuditEvent, StatusChange
from portal.scoping import OutOfScope
from subsidies.constants import ApplicationStatus, CycleStatus, FundEntryKind, PaymentStatus, SubsidiesEvent
from subsidies.models import Application, Fund, FundEntry, Payment, PaymentCycle
from subsidies.services.payments import (
    cycle_export,
    cycle_generate,
    cycle_import,
    cycle_import_check,
    payment_reference,
)
from tests.subsidies.payments_support import (
    HEADER,
    approved_application,
    district_clerk,
    month_at,
    result_csv,
    result_line,
    social_insurance,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangan(tree):
    """A 江岸区 clerk and last month's cycle of two applications (two months owed each: four lines)."""
    clerk = district_clerk(tree.d1)
    first = approved_application(tree.c1, payee_name="王一", payee_account="6222020200000001")
    second = approved_application(tree.c2, payee_name="=HYPERLINK(1)", payee_account="6222020200000002")
    cycle = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(-1)).cycle
    return clerk, cycle, first, second


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _snapshot(cycle):
    return (sorted(Payment.objects.filter(cycle=cycle).values_list("pk", "status", "failure_reason")),
            list(Fund.objects.values_list("reserved_fen", "paid_fen")), FundEntry.objects.count(),
            sorted(Application.objects.values_list("pk", "status")),
            PaymentCycle.objects.get(pk=cycle.pk).status)


# --- The disbursement file -----------------------------------------------------------------------


def test_the_csv_file_has_one_line_per_payment_and_the_totals(jiangan):
    clerk, cycle, first, second = jiangan

    bank_file = cycle_export(actor=clerk, cycle=cycle, file_format="csv")

    rows = _csv_rows(bank_file.content)
    assert rows[0] == ["支付参考号", "收款人", "银行账号", "金额（元）"]
    payments = list(cycle.payments.order_by("id"))
    assert rows[1:-1] == [[payment_reference(p), "'=HYPERLINK(1)" if p.application == second else "王一",
                           p.payee_account, "400.00"] for p in payments]
    assert rows[-1] == ["合计", "4 笔", "", "1600.00"]
    assert (bank_file.lines, bank_file.total_fen) == (4, 160_000)
    assert bank_file.name == f"bank-social-insurance-420102000000-{month_at(-1):%Y%m}.csv"


def test_the_xlsx_file_has_the_same_cells_as_text(jiangan):
    clerk, cycle, *_ = jiangan
    csv_rows = _csv_rows(cycle_export(actor=clerk, cycle=cycle, file_format="csv").content)

    bank_file = cycle_export(actor=clerk, cycle=cycle, file_format="xlsx")

    sheet = load_workbook(io.BytesIO(bank_file.content)).worksheets[0]
    cells = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == csv_rows
    assert all(isinstance(cell, str) for row in cells for cell in row if cell is not None)
    # No title row (the bank reads the header first); columns wide enough for an account number.
    assert cells[0][0] == "支付参考号" and sheet.column_dimensions["C"].width >= 20


def test_the_first_export_sends_the_list_and_every_export_is_audited(jiangan):
    clerk, cycle, *_ = jiangan

    cycle_export(actor=clerk, cycle=cycle, file_format="csv", ip_address="10.0.0.1")
    cycle_export(actor=clerk, cycle=cycle, file_format="xlsx")

    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.EXPORTED
    assert StatusChange.objects.filter(object_type="subsidies.paymentcycle", object_id=str(cycle.pk)).count() == 1
    events = AuditEvent.objects.filter(event_type=SubsidiesEvent.CYCLE_EXPORTED).order_by("id")
    assert [(e.kind, e.new_values["format"], e.new_values["lines"], e.new_values["total_fen"], e.actor)
            for e in events] == [(AuditKind.EXPORT, "csv", 4, 160_000, clerk), (AuditKind.EXPORT, "xlsx", 4, 160_000, clerk)]
    assert events[0].ip_address == "10.0.0.1"


def test_another_district_cannot_export_the_list(jiangan, tree):
    _clerk, cycle, *_ = jiangan
    with pytest.raises(OutOfScope):
        cycle_export(actor=district_clerk(tree.d2), cycle=cycle, file_format="csv")
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.GENERATED
    assert not AuditEvent.objects.filter(event_type=SubsidiesEvent.CYCLE_EXPORTED).exists()


def test_an_unknown_format_is_refused(jiangan):
    clerk, cycle, *_ = jiangan
    with pytest.raises(ValidationError) as refused:
        cycle_export(actor=clerk, cycle=cycle, file_format="pdf")
    assert refused.value.error_dict["file_format"][0].code == "invalid_choice"


# --- The bank's result file: a good file ------------------------------------------------------------


def _sent(jiangan):
    clerk, cycle, first, second = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    return clerk, PaymentCycle.objects.get(pk=cycle.pk), first, second


def test_a_good_file_settles_every_line_and_moves_the_money(jiangan):
    clerk, cycle, first, second = _sent(jiangan)
    p1, p2, p3, p4 = cycle.payments.order_by("application_id", "month")
    data = result_csv([result_line(p1), result_line(p2), result_line(p3, "失败", "账户已冻结"), result_line(p4)])

    check = cycle_import(actor=clerk, cycle=cycle, data=data, file_name="result.csv")

    assert (check.paid, check.failed, check.unchanged, check.paid_fen) == (3, 1, 0, 120_000)
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in (p1, p2, p3, p4)] == ["paid", "paid", "failed", "paid"]
    assert Payment.objects.get(pk=p3.pk).failure_reason == "账户已冻结"
    assert Payment.objects.get(pk=p1.pk).bank_reference == f"B{p1.pk:06d}"
    # 2,400 yuan were reserved for the two applications; 1,200 paid; the failed 400 stay reserved.
    assert Fund.objects.values_list("reserved_fen", "paid_fen").get() == (240_000 - 120_000, 120_000)
    assert sorted(FundEntry.objects.filter(kind=FundEntryKind.PAID).values_list("payment_id", flat=True)) == \
        sorted([p1.pk, p2.pk, p4.pk])
    # The first paid month records each application's disbursement (the review's disburse step).
    assert {Application.objects.get(pk=a.pk).status for a in (first, second)} == {ApplicationStatus.DISBURSED}
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.SETTLED
    assert AuditEvent.objects.filter(event_type=SubsidiesEvent.PAYMENT_STATUS_CHANGED).count() == 4
    imported = AuditEvent.objects.get(event_type=SubsidiesEvent.BANK_RESULT_IMPORTED)
    assert (imported.new_values["paid"], imported.new_values["failed"], imported.new_values["file"]) == \
        (3, 1, "result.csv")


def test_a_file_of_some_lines_leaves_the_others_awaiting_the_bank(jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    first = cycle.payments.order_by("id").first()

    cycle_import(actor=clerk, cycle=cycle, data=result_csv([result_line(first)]))

    assert sorted(cycle.payments.values_list("status", flat=True)) == ["paid", "pending", "pending", "pending"]
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.EXPORTED


def test_importing_the_same_file_twice_changes_nothing_the_second_time(jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    lines = [result_line(p) for p in cycle.payments.order_by("id")]
    lines[1] = result_line(cycle.payments.order_by("id")[1], "失败", "户名不符")
    data = result_csv(lines)
    cycle_import(actor=clerk, cycle=cycle, data=data)
    before = _snapshot(cycle)
    changes = StatusChange.objects.count()

    again = cycle_import(actor=clerk, cycle=cycle, data=data)

    assert (again.paid, again.failed, again.unchanged) == (0, 0, 4)
    assert _snapshot(cycle) == before and StatusChange.objects.count() == changes


def test_gb18030_csv_english_headers_a_totals_line_and_xlsx_are_read(jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    payments = list(cycle.payments.order_by("id"))
    english = ["reference", "payee", "account", "amount", "result", "reason", "bank reference"]
    gbk = result_csv([result_line(payments[0]), ["合计", "4 笔", "", "1600.00", "", "", ""]], encoding="gb18030")
    assert cycle_import_check(actor=clerk, cycle=cycle, data=gbk).paid == 1
    english_file = result_csv([result_line(payments[2], "paid")], header=english)
    assert cycle_import_check(actor=clerk, cycle=cycle, data=english_file).paid == 1
    workbook = Workbook()
    workbook.active.append(HEADER)
    row = result_line(payments[1], "失败", "账号错误")
    workbook.active.append([*row[:3], 400, *row[4:]])  # the bank wrote the amount as a number
    buffer = io.BytesIO()
    workbook.save(buffer)
    check = cycle_import_check(actor=clerk, cycle=cycle, data=buffer.getvalue())
    assert (check.failed, check.errors) == (1, [])


# --- The bank's result file: bad lines refuse the whole file ------------------------------------------


BAD_LINES = {
    "unknown reference": (lambda p, others: result_line(p, reference="PAY-999999999"), "reference", "unknown_payment"),
    "not a reference": (lambda p, others: result_line(p, reference="支付123"), "reference", "unknown_payment"),
    "changed payee": (lambda p, others: result_line(p, payee="李四"), "payee", "payee_changed"),
    "changed account": (lambda p, others: result_line(p, account="6222000000009999"), "account", "account_changed"),
    "changed amount": (lambda p, others: result_line(p, amount="401.00"), "amount", "amount_changed"),
    "unreadable number": (lambda p, others: result_line(p, amount="四百"), "amount", "unreadable_number"),
    "three decimals": (lambda p, others: result_line(p, amount="400.001"), "amount", "unreadable_number"),
    "negative amount": (lambda p, others: result_line(p, amount="-400.00"), "amount", "not_positive"),
    "huge amount": (lambda p, others: result_line(p, amount="9" * 40), "amount", "unreadable_number"),
    "another amount": (lambda p, others: result_line(p, amount="99999999999.99"), "amount", "amount_changed"),
    "unknown result": (lambda p, others: result_line(p, "也许"), "result", "unknown_result"),
    "failed without reason": (lambda p, others: result_line(p, "失败", ""), "reason", "required"),
    "reason too long": (lambda p, others: result_line(p, "失败", "原因" * 101), "reason", "invalid"),
    "duplicate line": (lambda p, others: result_line(others[0]), "reference", "duplicate_line"),
}


@pytest.mark.parametrize("kind", list(BAD_LINES))
def test_a_bad_line_refuses_the_whole_file_naming_the_line_and_field(kind, jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    payments = list(cycle.payments.order_by("id"))
    make, field, code = BAD_LINES[kind]
    lines = [result_line(p) for p in payments[:3]] + [make(payments[3], payments)]
    before = _snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_import(actor=clerk, cycle=cycle, data=result_csv(lines))

    errors = refused.value.error_dict["file"]
    check = cycle_import_check(actor=clerk, cycle=cycle, data=result_csv(lines))
    assert [(e.number, e.field, e.code) for e in check.errors] == [(5, field, code)]
    assert [e.code for e in errors] == [code]
    assert errors[0].messages[0].startswith("第 5 行")
    assert _snapshot(cycle) == before


def test_every_bad_line_is_named_at_once(jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    p1, p2, p3, p4 = cycle.payments.order_by("id")
    lines = [result_line(p1, amount="1.00", payee="某某"), result_line(p2), result_line(p3, "??"), result_line(p4)]

    check = cycle_import_check(actor=clerk, cycle=cycle, data=result_csv(lines))

    assert [(e.number, e.field) for e in check.errors] == [(2, "payee"), (2, "amount"), (4, "result")]
    assert check.paid == 2  # the good lines are previewed, but nothing is applied while any line is bad


def test_a_payment_of_another_district_reads_as_unknown(jiangan, tree):
    clerk, cycle, *_ = _sent(jiangan)
    wuchang_clerk = district_clerk(tree.d2)
    approved_application(tree.c3)
    wuchang = cycle_generate(actor=wuchang_clerk, programme=social_insurance(), month=month_at(-1)).cycle
    cycle_export(actor=wuchang_clerk, cycle=wuchang)
    theirs = wuchang.payments.first()

    check = cycle_import_check(actor=clerk, cycle=cycle, data=result_csv([result_line(theirs)]))
    unknown = cycle_import_check(actor=clerk, cycle=cycle, data=result_csv([result_line(theirs,
                                                                                        reference="PAY-999999999")]))

    assert [(e.code, e.message) for e in check.errors] == [(e.code, e.message) for e in unknown.errors]
    assert theirs.payee_name not in check.errors[0].text
    assert Payment.objects.get(pk=theirs.pk).status == PaymentStatus.PENDING


def test_a_line_contradicting_a_settled_payment_is_refused(jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    payment = cycle.payments.order_by("id").first()
    cycle_import(actor=clerk, cycle=cycle, data=result_csv([result_line(payment)]))

    with pytest.raises(ValidationError) as refused:
        cycle_import(actor=clerk, cycle=cycle, data=result_csv([result_line(payment, "失败", "退票")]))

    assert refused.value.error_dict["file"][0].code == "already_settled"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID


def test_a_line_of_another_cycle_of_my_district_is_refused(jiangan, tree):
    clerk, cycle, *_ = _sent(jiangan)
    approved_application(tree.c1, start=0, months=1)
    other = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(0)).cycle
    cycle_export(actor=clerk, cycle=other)

    check = cycle_import_check(actor=clerk, cycle=cycle, data=result_csv([result_line(other.payments.first())]))

    assert [e.code for e in check.errors] == ["other_cycle"]


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"\xef\xbb\xbf\r\n\r\n", "empty"),
    ("支付参考号,收款人\nPAY-1,张三\n".encode(), "no_header"),
    (",".join(HEADER).encode() + b"\n", "empty"),
    (b"\x00\x01\x02binary", "unreadable"),
    (",".join(HEADER).encode() + "\nPAY-1,张三,1,1.00,失败,坏\x00,\n".encode(), "unreadable"),
    (b"PK\x03\x04not really a zip", "unreadable"),
    (b"x" * (5 * 1024 * 1024 + 1), "too_large"),
])
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(data, code, jiangan):
    clerk, cycle, *_ = _sent(jiangan)
    with pytest.raises(ValidationError) as refused:
        cycle_import(actor=clerk, cycle=cycle, data=data)
    assert refused.value.error_dict["file"][0].code == code


def test_a_result_before_the_list_is_sent_is_refused(jiangan):
    clerk, cycle, *_ = jiangan
    data = result_csv([result_line(cycle.payments.first())])
    with pytest.raises(ValidationError) as refused:
        cycle_import(actor=clerk, cycle=cycle, data=data)
    assert refused.value.error_dict["file"][0].code == "invalid_transition"
    assert Payment.objects.filter(status=PaymentStatus.PENDING).count() == 4


def test_another_districts_clerk_cannot_import_into_the_cycle(jiangan, tree):
    _clerk, cycle, *_ = _sent(jiangan)
    with pytest.raises(OutOfScope):
        cycle_import(actor=district_clerk(tree.d2), cycle=cycle,
                     data=result_csv([result_line(cycle.payments.first())]))
    assert not Payment.objects.exclude(status=PaymentStatus.PENDING).exists()
