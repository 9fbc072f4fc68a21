"""Payment cycle pages: lists with a constant number of queries, a cycle's totals and lines, generating,
the bank file, the bank result's preview then confirmation, and jurisdiction (a 武昌区 clerk sees no
江岸区 cycle, line, total or file)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from subsidies.constants import ApplicationStatus, CycleStatus, PaymentStatus
from subsidies.models import Application, Payment, PaymentCycle
from subsidies.services.payments import cycle_export, cycle_generate, payment_reference
from tests.subsidies.payments_support import (
    approved_application,
    cycle_in,
    district_clerk,
    month_at,
    result_csv,
    result_line,
    social_insurance,
)

pytestmark = pytest.mark.django_db

LIST = reverse("staff-subsidies:cycle-list")
GENERATE = reverse("staff-subsidies:cycle-generate")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(cycle) -> str:
    return reverse("staff-subsidies:cycle-detail", args=[cycle.pk])


@pytest.fixture
def jiangan(tree):
    clerk = district_clerk(tree.d1)
    applications = [approved_application(tree.c1, payee_name="江岸甲"), approved_application(tree.c2)]
    cycle = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(-1)).cycle
    return clerk, cycle, applications


def _cycles_with_lines(area, count: int) -> None:
    for _ in range(count):
        cycle = cycle_in(area)
        application = approved_application(area, reserve=False)
        Payment.objects.create(cycle=cycle, application=application, month=cycle.month, amount_fen=40_000,
                               payee_name="某", payee_account="6222", area=application.area)


def test_the_cycle_list_reads_a_constant_number_of_queries(tree, django_assert_num_queries):
    clerk = district_clerk(tree.d1)
    client = _client(clerk)
    _cycles_with_lines(tree.c1, 1)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(_count(client, LIST)) as one:
        assert len(client.get(LIST).context["cycles"]) == 1
    _cycles_with_lines(tree.c1, 14)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(LIST).context["cycles"]) == 15


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_a_cycles_page_reads_a_constant_number_of_queries(tree, django_assert_num_queries):
    clerk = district_clerk(tree.d1)
    approved_application(tree.c1)
    cycle = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(-2)).cycle
    client = _client(clerk)
    few = _count(client, _detail(cycle))
    many_cycle = cycle_in(tree.d1, month=month_at(-1))
    for _ in range(30):
        application = approved_application(tree.c2, reserve=False)
        Payment.objects.create(cycle=many_cycle, application=application, month=many_cycle.month, amount_fen=100,
                               payee_name="某", payee_account="62220001", area=application.area)
    with django_assert_num_queries(few):
        response = client.get(_detail(many_cycle))
    assert len(response.context["lines"]) == 30


def test_a_cycles_page_shows_totals_lines_and_who_is_left_out(jiangan, tree):
    clerk, cycle, (first, second) = jiangan
    response = _client(clerk).get(_detail(cycle))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["totals"].count == 4 and response.context["totals"].amount_fen == 160_000
    assert "1,600.00" in body and "江岸甲" in body
    assert payment_reference(cycle.payments.order_by("id").first()) in body
    assert "6222020200" not in body  # accounts are masked on the page; the bank file has them whole
    assert "将名单报送银行" in body  # the export step is the clerk's (moves)


def test_generating_on_the_page_adds_the_list_and_shows_it(tree):
    clerk = district_clerk(tree.d1)
    approved_application(tree.c1)
    response = _client(clerk).post(GENERATE, {"programme": "social-insurance", "month": f"{month_at(-1):%Y-%m}"})
    cycle = PaymentCycle.objects.get()
    assert response.status_code == 302 and response.url == _detail(cycle)
    assert cycle.payments.count() == 2


@pytest.mark.parametrize("month", ["2026-13", "abc", "9" * 400, "", "-1-01"])
def test_a_bad_month_is_refused_on_the_form_and_keeps_the_choice(month, tree):
    clerk = district_clerk(tree.d1)
    social_insurance()
    response = _client(clerk).post(GENERATE, {"programme": "social-insurance", "month": month})
    assert response.status_code == 400
    form = response.context["generate_form"]
    assert "month" in form.errors and form["programme"].value() == "social-insurance"
    assert not PaymentCycle.objects.exists()


def test_a_future_month_is_refused_with_the_reason(tree):
    social_insurance()
    response = _client(district_clerk(tree.d1)).post(GENERATE, {"programme": "social-insurance",
                                                                "month": f"{month_at(2):%Y-%m}"})
    assert response.status_code == 400
    assert response.context["generate_form"].errors["month"][0].endswith("按月发放须从当月第一天起。")


def test_the_page_downloads_the_bank_file_and_sends_the_list(jiangan):
    clerk, cycle, _ = jiangan
    response = _client(clerk).post(reverse("staff-subsidies:cycle-export", args=[cycle.pk]), {"file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bank-social-insurance-420102000000-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 6 and rows[-1] == ["合计", "4 笔", "", "1600.00"]
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.EXPORTED


def test_the_bank_result_is_previewed_then_applied_on_confirmation(jiangan):
    clerk, cycle, applications = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    client = _client(clerk)
    payments = list(cycle.payments.order_by("id"))
    data = result_csv([result_line(p) for p in payments[:3]] + [result_line(payments[3], "失败", "账户冻结")])
    url = reverse("staff-subsidies:cycle-import", args=[cycle.pk])

    preview = client.post(url, {"file": SimpleUploadedFile("回盘.csv", data)})

    assert preview.status_code == 200
    assert (preview.context["check"].paid, preview.context["check"].failed) == (3, 1)
    assert Payment.objects.filter(status=PaymentStatus.PENDING).count() == 4  # nothing saved yet
    confirmed = client.post(url, {"confirm": "1", "sha256": preview.context["check"].sha256})
    assert confirmed.status_code == 302
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["failed", "paid", "paid", "paid"]
    assert set(Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True)) \
        == {ApplicationStatus.DISBURSED}
    # The preview is used once: confirming again finds nothing to apply.
    again = client.post(url, {"confirm": "1", "sha256": preview.context["check"].sha256}, follow=True)
    assert "预览的文件已失效" in again.content.decode()


def test_a_bad_file_is_previewed_with_every_bad_line_and_cannot_be_confirmed(jiangan):
    clerk, cycle, _ = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    payment = cycle.payments.order_by("id").first()
    data = result_csv([result_line(payment, amount="999.00")])
    client = _client(clerk)
    response = client.post(reverse("staff-subsidies:cycle-import", args=[cycle.pk]),
                           {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 400
    assert "第 2 行，金额：999.00 元与发放记录的 400.00 元不一致。" in response.content.decode()
    assert response.context["confirm_form"] is None
    forged = client.post(reverse("staff-subsidies:cycle-import", args=[cycle.pk]),
                         {"confirm": "1", "sha256": "0" * 64})
    assert forged.status_code == 302 and not Payment.objects.exclude(status=PaymentStatus.PENDING).exists()


def test_an_unreadable_upload_shows_the_error_on_the_cycle_page(jiangan):
    clerk, cycle, _ = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    response = _client(clerk).post(reverse("staff-subsidies:cycle-import", args=[cycle.pk]),
                                   {"file": SimpleUploadedFile("r.csv", b"\x00\x00")})
    assert response.status_code == 400
    assert response.context["import_form"].errors["file"]


# --- Jurisdiction ----------------------------------------------------------------------------------


def test_a_wuchang_clerk_sees_no_jiangan_cycle_line_total_or_file(jiangan, tree):
    _clerk, cycle, _ = jiangan
    wuchang = district_clerk(tree.d2)
    approved_application(tree.c3, payee_name="武昌乙")
    theirs = cycle_generate(actor=wuchang, programme=social_insurance(), month=month_at(-1)).cycle
    client = _client(wuchang)

    listing = client.get(LIST)
    assert [c.pk for c in listing.context["cycles"]] == [theirs.pk]
    assert "江岸区" not in listing.content.decode().split("<main")[1].split("</main>")[0].replace(
        '<option value="420102000000">江岸区</option>', "")
    assert client.get(_detail(cycle)).status_code == 404
    assert client.post(reverse("staff-subsidies:cycle-export", args=[cycle.pk]), {"file_format": "csv"}).status_code \
        == 404
    assert client.post(reverse("staff-subsidies:cycle-import", args=[cycle.pk]),
                       {"file": SimpleUploadedFile("r.csv", b"x")}).status_code == 404
    own = client.get(_detail(theirs))
    assert own.context["totals"].count == 2 and "江岸甲" not in own.content.decode()
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.GENERATED


def test_the_city_official_sees_every_districts_cycles_but_cannot_send_them(jiangan, tree, staff):
    _clerk, cycle, _ = jiangan
    approved_application(tree.c3)
    theirs = cycle_generate(actor=district_clerk(tree.d2), programme=social_insurance(), month=month_at(-1)).cycle
    client = _client(staff["official@city"])
    assert {c.pk for c in client.get(LIST).context["cycles"]} == {cycle.pk, theirs.pk}
    page = client.get(_detail(cycle))
    assert page.status_code == 200 and page.context["export_form"] is None and page.context["import_form"] is None
    refused = client.post(reverse("staff-subsidies:cycle-export", args=[cycle.pk]), {"file_format": "csv"})
    assert refused.status_code == 404
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.GENERATED


def test_the_list_filters_by_district_month_and_status(jiangan, tree):
    _clerk, cycle, _ = jiangan
    client = _client(district_clerk(tree.city))
    month = f"{month_at(-1):%Y-%m}"
    assert [c.pk for c in client.get(LIST, {"district": "420102000000", "month": month,
                                            "status": "generated"}).context["cycles"]] == [cycle.pk]
    assert list(client.get(LIST, {"district": "420106000000"}).context["cycles"]) == []
    assert client.get(LIST, {"month": "bad"}).status_code == 200
    assert client.get(LIST, {"month": "bad\x00"}).status_code == 400  # refused before the page
