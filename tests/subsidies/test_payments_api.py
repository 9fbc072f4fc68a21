"""The staff API of payment cycles: the same rules as the pages, one error format, no 500 on bad input,
and another district's cycle answered as missing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from subsidies.constants import CycleStatus, PaymentStatus
from subsidies.models import Payment, PaymentCycle
from subsidies.services.payments import cycle_export, cycle_generate, payment_reference
from tests.subsidies.payments_support import (
    approved_application,
    district_clerk,
    month_at,
    result_csv,
    result_line,
    social_insurance,
)

pytestmark = pytest.mark.django_db

CYCLES = "/api/staff/subsidies/cycles/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def jiangan(tree):
    clerk = district_clerk(tree.d1)
    approved_application(tree.c1)
    cycle = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(-1)).cycle
    return clerk, cycle


def test_generate_lists_and_reads_a_cycle(tree):
    clerk = district_clerk(tree.d1)
    application = approved_application(tree.c1)
    api = _api(clerk)

    made = api.post(f"{CYCLES}generate/", {"programme": "social-insurance", "month": f"{month_at(-1):%Y-%m}"},
                    format="json")
    again = api.post(f"{CYCLES}generate/", {"programme": "social-insurance", "month": f"{month_at(-1):%Y-%m}"},
                     format="json")

    assert made.status_code == 200, made.content
    assert (made.json()["added"], made.json()["added_fen"], made.json()["district"]) == (2, 80_000, "420102000000")
    assert again.json()["added"] == 0 and again.json()["cycle"] == made.json()["cycle"]
    listed = api.get(CYCLES).json()["results"]
    assert [(c["id"], c["line_count"], c["total_fen"], c["status"], c["moves"]) for c in listed] == \
        [(made.json()["cycle"], 2, 80_000, "generated", ["export", "generate"])]
    detail = api.get(f"{CYCLES}{made.json()['cycle']}/").json()
    assert detail["month"] == f"{month_at(-1):%Y-%m}" and detail["left_out"] == []
    lines = api.get(f"{CYCLES}{made.json()['cycle']}/payments/").json()
    assert [(p["application"], p["amount_fen"], p["status"]) for p in lines["results"]] == \
        [(application.pk, 40_000, "pending")] * 2
    assert lines["results"][0]["payee_account"].startswith("****")
    assert lines["totals"]["pending"] == {"count": 2, "amount_fen": 80_000}


@pytest.mark.parametrize("body, field", [
    ({"programme": "social-insurance", "month": "2026-13"}, "month"),
    ({"programme": "social-insurance", "month": 202605}, "month"),
    ({"programme": "social-insurance", "month": ["2026-05"]}, "month"),
    ({"programme": "social-insurance", "month": None}, "month"),
    ({"programme": "nope", "month": "2025-01"}, "programme"),
    ({"programme": {"a": 1}, "month": "2025-01"}, "programme"),
    ({"programme": "social-insurance", "month": "2025-01", "district": "420106000000"}, "district"),
])
def test_bad_generate_input_answers_400_naming_the_field(body, field, tree):
    social_insurance()
    response = _api(district_clerk(tree.d1)).post(f"{CYCLES}generate/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not PaymentCycle.objects.exists()


def test_export_answers_the_file_and_an_unknown_format_400(jiangan):
    clerk, cycle = jiangan
    api = _api(clerk)
    assert api.post(f"{CYCLES}{cycle.pk}/export/", {"file_format": "doc"}, format="json").status_code == 400
    response = api.post(f"{CYCLES}{cycle.pk}/export/", {"file_format": "xlsx"}, format="json")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[-1] == ("合计", "2 笔", None, "800.00")
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.EXPORTED


def test_import_dry_run_changes_nothing_then_import_applies(jiangan):
    clerk, cycle = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    api = _api(clerk)
    data = result_csv([result_line(p) for p in cycle.payments.order_by("id")])

    dry = api.post(f"{CYCLES}{cycle.pk}/import/", {"file": SimpleUploadedFile("r.csv", data), "dry_run": "true"},
                   format="multipart")
    assert dry.status_code == 200
    assert (dry.json()["applied"], dry.json()["paid"], dry.json()["paid_fen"]) == (False, 2, 80_000)
    assert not Payment.objects.exclude(status=PaymentStatus.PENDING).exists()

    applied = api.post(f"{CYCLES}{cycle.pk}/import/", {"file": SimpleUploadedFile("r.csv", data)}, format="multipart")
    assert applied.status_code == 200
    assert applied.json()["applied"] is True and applied.json()["lines"][0]["action"] == "paid"
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.PAID}
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.SETTLED


def test_a_bad_result_file_answers_400_naming_each_line(jiangan):
    clerk, cycle = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    first, second = cycle.payments.order_by("id")
    data = result_csv([result_line(first, amount="abc"), result_line(second, account="1")])
    response = _api(clerk).post(f"{CYCLES}{cycle.pk}/import/", {"file": SimpleUploadedFile("r.csv", data)},
                                format="multipart")
    assert response.status_code == 400
    errors = response.json()["error"]["fields"]["file"]
    assert [e["code"] for e in errors] == ["unreadable_number", "account_changed"]
    assert errors[0]["message"].startswith("第 2 行") and errors[1]["message"].startswith("第 3 行")
    assert not Payment.objects.exclude(status=PaymentStatus.PENDING).exists()


def test_import_without_a_file_or_with_a_wrong_flag_answers_400(jiangan):
    clerk, cycle = jiangan
    cycle_export(actor=clerk, cycle=cycle)
    api = _api(clerk)
    assert api.post(f"{CYCLES}{cycle.pk}/import/", {}, format="multipart").status_code == 400
    wrong = api.post(f"{CYCLES}{cycle.pk}/import/", {"file": SimpleUploadedFile("r.csv", b"x"), "dry_run": "perhaps"},
                     format="multipart")
    assert wrong.status_code == 400 and "dry_run" in wrong.json()["error"]["fields"]


def test_payments_list_filters_and_refuses_bad_filters(jiangan):
    clerk, cycle = jiangan
    api = _api(clerk)
    payments = api.get("/api/staff/subsidies/payments/", {"cycle": cycle.pk, "status": "pending"}).json()["results"]
    assert [p["reference"] for p in payments] == [payment_reference(p) for p in cycle.payments.order_by("id")]
    assert api.get("/api/staff/subsidies/payments/", {"cycle": "1" * 40}).status_code == 400
    assert api.get("/api/staff/subsidies/payments/", {"status": "maybe"}).status_code == 400
    assert api.get(f"{CYCLES}{cycle.pk}/payments/", {"status": "x\x00"}).status_code == 400


def test_another_districts_cycle_answers_404_everywhere(jiangan, tree):
    clerk, cycle = jiangan
    api = _api(district_clerk(tree.d2))
    assert api.get(CYCLES).json()["results"] == []
    assert api.get("/api/staff/subsidies/payments/").json()["results"] == []
    assert api.get(f"{CYCLES}{cycle.pk}/").status_code == 404
    assert api.get(f"{CYCLES}{cycle.pk}/payments/").status_code == 404
    assert api.post(f"{CYCLES}{cycle.pk}/export/", {"file_format": "csv"}, format="json").status_code == 404
    assert api.post(f"{CYCLES}{cycle.pk}/import/", {"file": SimpleUploadedFile("r.csv", b"x")},
                    format="multipart").status_code == 404
    assert PaymentCycle.objects.get(pk=cycle.pk).status == CycleStatus.GENERATED
