"""The real-name ledgers: who is on them on a date, counts equal to the overview's, scope,
pagination with constant queries, and CSV/XLSX exports (masked by default, audited)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.constants import AuditEventType, AuditKind, StaffRole
from portal.models import AuditEvent
from registration.constants import (
    CancellationReason,
    EmploymentKind,
    HardshipStatus,
    UnemploymentStatus,
)
from registration.identity import identity_decrypt
from registration.selectors.ledger import ledger_counts
from tests.conftest import make_staff
from tests.registration.factories import (
    EmploymentRegistrationFactory,
    PersonFactory,
    UnemploymentRegistrationFactory,
    api_field_codes,
    client_for,
)
from tests.registration.factories_cases import (
    ApprovedCaseFactory,
    ReferralCommitmentFactory,
)

pytestmark = pytest.mark.django_db

OVERVIEW = "/staff/registration/"
LEDGER = "/staff/registration/ledger/"
EXPORT = "/staff/registration/ledger/export/"
API = "/api/staff/registration/ledger/"
TODAY = timezone.localdate()
ON = TODAY - datetime.timedelta(days=10)


def days(n):
    return TODAY - datetime.timedelta(days=n)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def district_clerk(tree):
    return make_staff(StaffRole.CLERK, tree.d1)


@pytest.fixture
def ledger_data(tree):
    """Registrations and cases in d1 (c1, c2) and one in d2, around the date ON."""
    on_ledger = [
        UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), registered_on=days(30)),
        UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c2), registered_on=days(10)),  # on the day
        UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), registered_on=days(40),
                                        status=UnemploymentStatus.CANCELLED, cancelled_on=days(5),
                                        cancel_reason=CancellationReason.FOUND_WORK),  # cancelled later
    ]
    # Not on the ledger on ON: cancelled before, registered after, pending, rejected, another district.
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), registered_on=days(40),
                                    status=UnemploymentStatus.CANCELLED, cancelled_on=days(10),
                                    cancel_reason=CancellationReason.MOVED_AWAY)
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), registered_on=days(9))
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING,
                                    registered_on=days(30))
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.REJECTED,
                                    registered_on=days(30))
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c3), registered_on=days(30))
    cases = [
        ApprovedCaseFactory(area=tree.c1, approved_on=days(20)),
        ApprovedCaseFactory(area=tree.c2, approved_on=days(20), status=HardshipStatus.ENDED, ended_on=days(2)),
    ]
    ReferralCommitmentFactory(case=cases[0], area=tree.c1, starts_on=days(20), due_on=days(6))
    ApprovedCaseFactory(area=tree.c1, approved_on=days(5))  # approved after ON
    ApprovedCaseFactory(area=tree.c1, approved_on=days(20), status=HardshipStatus.ENDED, ended_on=days(12))
    ApprovedCaseFactory(area=tree.c1, status=HardshipStatus.INTAKE)
    ApprovedCaseFactory(area=tree.c3, approved_on=days(20))
    return {"unemployed": on_ledger, "cases": cases}


def test_ledger_rows_are_the_registrations_and_cases_in_force_on_the_date(tree, district_clerk, ledger_data):
    client = login(district_clerk)
    rows = client.get(LEDGER, {"kind": "unemployed", "on": ON.isoformat()}).context["page_obj"].paginator.object_list
    assert {r.pk for r in rows} == {r.pk for r in ledger_data["unemployed"]}
    rows = client.get(LEDGER, {"kind": "hard_to_employ", "on": ON.isoformat()}).context["page_obj"].paginator.object_list
    assert {r.pk for r in rows} == {c.pk for c in ledger_data["cases"]}


@pytest.mark.parametrize("area_attr", ["d1", "s1", "c1", "c2"])
def test_ledger_counts_equal_the_overview_counts_for_the_same_area_and_date(tree, district_clerk, ledger_data,
                                                                            area_attr):
    area = getattr(tree, area_attr)
    client = login(district_clerk)
    params = {"area": area.code, "on": ON.isoformat()}
    overview = client.get(OVERVIEW, params).context["counts"]
    unemployed = client.get(LEDGER, {**params, "kind": "unemployed"}).context["page_obj"].paginator.count
    hard = client.get(LEDGER, {**params, "kind": "hard_to_employ"}).context["page_obj"].paginator.count
    assert (overview.unemployed, overview.hard_to_employ) == (unemployed, hard)
    api = client_for(district_clerk).get(API, params).json()
    assert api["counts"]["unemployed"] == unemployed and api["count"] == unemployed
    if area_attr == "d1":
        assert (unemployed, hard) == (3, 2)


def test_overview_counts_new_employment_this_month_by_kind(tree, district_clerk):
    first = TODAY.replace(day=1)
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c1), kind=EmploymentKind.ENTERPRISE_HIRE,
                                  started_on=first)
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c2), kind=EmploymentKind.FLEXIBLE, started_on=TODAY)
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c1), kind=EmploymentKind.FLEXIBLE,
                                  started_on=first - datetime.timedelta(days=1))  # last month
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c3), kind=EmploymentKind.FLEXIBLE, started_on=TODAY)
    counts = login(district_clerk).get(OVERVIEW).context["counts"]
    assert counts.new_employment_by_kind == {"enterprise_hire": 1, "self_employed": 0, "flexible": 1,
                                             "public_welfare": 0}
    assert counts.new_employment == 2 and counts.area == tree.d1


def test_community_clerk_sees_own_community_by_default_and_cannot_choose_another(tree, ledger_data):
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    client = login(clerk)
    response = client.get(LEDGER, {"on": ON.isoformat()})
    assert response.context["area"] == tree.c1
    assert {r.area_id for r in response.context["object_list"]} == {tree.c1.pk}
    response = client.get(LEDGER, {"area": tree.c2.code, "on": ON.isoformat()})
    assert "area" in response.context["form"].errors and response.context["area"] == tree.c1
    bad = client_for(clerk).get(API, {"area": tree.d1.code})
    assert bad.status_code == 400 and api_field_codes(bad) == {"area": ["out_of_scope"]}


def test_clerks_of_another_district_see_nothing_of_this_district(tree, ledger_data):
    other = make_staff(StaffRole.CLERK, tree.d2)
    rows = login(other).get(LEDGER, {"on": ON.isoformat()}).context["object_list"]
    assert {r.area_id for r in rows} == {tree.c3.pk}
    response = client_for(other).get(API, {"area": tree.d1.code})
    assert response.status_code == 400


def test_future_date_is_refused(tree, district_clerk):
    response = login(district_clerk).get(LEDGER, {"on": (TODAY + datetime.timedelta(days=1)).isoformat()})
    assert [e.code for e in response.context["form"].errors.as_data()["on"]] == ["future"]


def test_ledger_page_and_api_keep_a_constant_query_count(tree, district_clerk, django_assert_num_queries):
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1))
    ApprovedCaseFactory(area=tree.c1)
    client, api = login(district_clerk), client_for(district_clerk)
    for kind in ("unemployed", "hard_to_employ"):
        client.get(LEDGER, {"kind": kind})
        api.get(API, {"kind": kind})  # warm per-process caches
        with CaptureQueriesContext(connection) as page_small:
            client.get(LEDGER, {"kind": kind})
        with CaptureQueriesContext(connection) as api_small:
            api.get(API, {"kind": kind})
        for _ in range(12):
            UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c2))
            ApprovedCaseFactory(area=tree.c2)
        with django_assert_num_queries(len(page_small.captured_queries)):
            client.get(LEDGER, {"kind": kind})
        with django_assert_num_queries(len(api_small.captured_queries)):
            api.get(API, {"kind": kind})


def test_ledger_paginates(tree, district_clerk):
    for _ in range(55):
        UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1))
    response = login(district_clerk).get(LEDGER)
    assert len(response.context["object_list"]) == 50 and response.context["is_paginated"]
    assert len(login(district_clerk).get(LEDGER, {"page": 2}).context["object_list"]) == 5


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_is_masked_by_default_and_audited(tree, district_clerk, ledger_data):
    response = login(district_clerk).post(EXPORT, {"export-kind": "unemployed", "export-on": ON.isoformat(),
                                                   "export-file_format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    persons = [r.person for r in ledger_data["unemployed"]]
    assert len(rows) == 1 + len(persons)
    numbers = {row[2] for row in rows[1:]}
    assert numbers == {p.id_masked for p in persons}
    assert not any(identity_decrypt(p.id_encrypted) in ",".join(cell for row in rows for cell in row) for p in persons)
    event = AuditEvent.objects.get(event_type=AuditEventType.PERSONAL_DATA_EXPORTED)
    assert (event.kind, event.actor, event.area, event.new_values["full_numbers"]) == (
        AuditKind.EXPORT, district_clerk, tree.d1, False)


def test_full_numbers_only_on_the_explicit_option_and_audited_as_such(tree, district_clerk, ledger_data):
    response = login(district_clerk).post(EXPORT, {"export-kind": "hard_to_employ", "export-on": ON.isoformat(),
                                                   "export-file_format": "csv", "export-full_numbers": "on"})
    rows = read_csv(response)
    assert {row[2] for row in rows[1:]} == {identity_decrypt(c.person.id_encrypted) for c in ledger_data["cases"]}
    assert AuditEvent.objects.get(event_type=AuditEventType.PERSONAL_DATA_EXPORTED).new_values["full_numbers"] is True


def test_xlsx_export_opens_with_masked_numbers(tree, district_clerk, ledger_data):
    response = login(district_clerk).post(EXPORT, {"export-kind": "unemployed", "export-on": ON.isoformat(),
                                                   "export-file_format": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment") and ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    # A title row saying which ledger, area and day; the header in bold under it.
    assert rows[0][0] == f"{tree.d1.name}已登记失业台账（{ON.isoformat()}）"
    assert rows[1][1] == "姓名" and sheet["A2"].font.bold
    data = rows[2:]
    assert len(data) == 3 and {row[2] for row in data} == {r.person.id_masked for r in ledger_data["unemployed"]}
    # Numbers as numbers, dates as dates (shown yyyy-mm-dd), numbers of people as text; readable widths.
    assert [row[0] for row in data] == [1, 2, 3]
    assert all(isinstance(row[4], datetime.datetime) for row in data) and sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].data_type == "s" and sheet["F3"].data_type == "s"
    assert sheet.column_dimensions["C"].width >= 18 and sheet.column_dimensions["A"].width < 10


def test_export_of_an_area_outside_scope_is_refused_and_not_audited(tree, ledger_data):
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    response = login(clerk).post(EXPORT, {"export-area": tree.d1.code, "export-file_format": "csv",
                                          "export-full_numbers": "on"})
    assert response.status_code == 400 and "area" in response.context["export_form"].errors
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_EXPORTED).exists()


def test_export_cells_that_look_like_formulas_are_neutralised(tree, district_clerk):
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1, name="=HYPERLINK(1)"))
    rows = read_csv(login(district_clerk).post(EXPORT, {"export-file_format": "csv"}))
    assert rows[1][1] == "'=HYPERLINK(1)"
    response = login(district_clerk).post(EXPORT, {"export-file_format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["B3"].value == "=HYPERLINK(1)" and sheet["B3"].data_type == "s"  # text, not a formula


def test_api_export_is_masked_by_default_and_audited(tree, district_clerk, ledger_data):
    response = client_for(district_clerk).post(API + "export/", {"kind": "unemployed", "on": ON.isoformat(),
                                                                 "file_format": "csv"}, format="json")
    rows = read_csv(response)
    assert {row[2] for row in rows[1:]} == {r.person.id_masked for r in ledger_data["unemployed"]}
    assert AuditEvent.objects.filter(event_type=AuditEventType.PERSONAL_DATA_EXPORTED,
                                     kind=AuditKind.EXPORT).count() == 1


def test_api_list_rows_show_masked_numbers(tree, district_clerk, ledger_data):
    data = client_for(district_clerk).get(API, {"on": ON.isoformat()}).json()
    assert {row["identity_number"] for row in data["results"]} == {r.person.id_masked for r in ledger_data["unemployed"]}
    assert data["counts"]["area"] == tree.d1.code


def test_ledger_counts_selector_is_scoped(tree, ledger_data):
    from portal.scoping import OutOfScope

    clerk = make_staff(StaffRole.CLERK, tree.c1)
    with pytest.raises(OutOfScope):
        ledger_counts(fetched_by=clerk, area=tree.d1, on_date=ON)
    assert ledger_counts(fetched_by=clerk, area=tree.c1, on_date=ON).unemployed == 2


def test_options_on_the_ledger_export_describes_it_instead_of_failing(api_client, district_clerk):
    api_client.force_authenticate(district_clerk)
    response = api_client.options("/api/staff/registration/ledger/export/")
    assert response.status_code == 200 and response.json()["name"]
