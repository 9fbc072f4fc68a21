"""Agency pages: the public register and the staff pages of district clerks."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.constants import LicenceStatus, SupervisionResult
from jobs.models import Agency, SupervisionRecord
from jobs.selectors.agencies import LicenceBadge
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import AgencyFactory, SupervisionRecordFactory
from tests.jobs.test_agencies_services import licence_values

pytestmark = pytest.mark.django_db


def error_codes(form) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}


def form_data(area, **overrides) -> dict:
    values = licence_values(area, **overrides)
    data = {key: value for key, value in values.items() if key != "area"}
    data["valid_from"] = values["valid_from"].isoformat()
    data["valid_to"] = values["valid_to"].isoformat()
    data["area"] = area.code
    return data


# --- Public register --------------------------------------------------------------------------


def test_public_register_shows_licences_with_badges_and_hides_revoked(client):
    today = timezone.localdate()
    AgencyFactory(name="甲中介", valid_to=today + datetime.timedelta(days=400))
    AgencyFactory(name="乙中介", valid_to=today + datetime.timedelta(days=30))
    AgencyFactory(name="丙中介", valid_from=today - datetime.timedelta(days=500),
                  valid_to=today - datetime.timedelta(days=1))
    AgencyFactory(name="丁中介", status=LicenceStatus.SUSPENDED)
    AgencyFactory(name="戊中介", status=LicenceStatus.REVOKED)
    response = client.get(reverse("jobs:agency-list"))
    assert response.status_code == 200
    badges = {a.name: a.badge for a in response.context["agencies"]}
    assert badges == {"甲中介": LicenceBadge.VALID, "乙中介": LicenceBadge.EXPIRING, "丙中介": LicenceBadge.EXPIRED,
                      "丁中介": LicenceBadge.SUSPENDED}
    html = response.content.decode()
    assert "戊中介" not in html
    for badge in ("valid", "expiring", "expired", "suspended"):
        assert f'class="badge {badge}"' in html


def test_public_register_filters_by_district(client, tree):
    here = AgencyFactory(area=tree.s1)
    there = AgencyFactory(area=tree.c3)
    response = client.get(reverse("jobs:agency-list"), {"district": tree.d2.code})
    assert [a.pk for a in response.context["agencies"]] == [there.pk]
    response = client.get(reverse("jobs:agency-list"), {"district": tree.d1.code})
    assert [a.pk for a in response.context["agencies"]] == [here.pk]


def test_public_register_query_count_does_not_grow(client, tree, django_assert_num_queries):
    AgencyFactory()
    url = reverse("jobs:agency-list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(10):
        AgencyFactory(area=tree.c3 if index % 2 else tree.s1)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["agencies"]) == 11


def test_agency_text_is_shown_as_text(client):
    AgencyFactory(name="<b>中介</b>", scope="<script>alert(1)</script>")
    html = client.get(reverse("jobs:agency-list")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;中介&lt;/b&gt;" in html


# --- Staff pages ------------------------------------------------------------------------------


def test_district_clerk_records_a_licence_through_the_form(client, clerk, tree):
    client.force_login(clerk)
    assert client.get(reverse("staff-jobs:agency-create")).status_code == 200
    data = form_data(tree.s1)
    data.pop("area")
    data[f"area_{'district'}"] = tree.d1.code
    data[f"area_{'street'}"] = tree.s1.code
    response = client.post(reverse("staff-jobs:agency-create"), data)
    agency = Agency.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk})
    assert agency.area == tree.s1 and agency.holder == "张三"


def test_duplicate_licence_number_is_shown_beside_the_field_with_the_input_kept(client, clerk, tree):
    AgencyFactory(licence_number="鄂人社中介字〔2026〕0001号")
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:agency-create"), form_data(tree.d1, name="重复号码的中介"))
    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"licence_number": ["duplicate"]}
    html = response.content.decode()
    assert 'value="重复号码的中介"' in html and 'id="id_licence_number_error"' in html
    assert Agency.objects.count() == 1


def test_bad_dates_and_credit_code_are_refused_on_the_form(client, clerk, tree):
    today = timezone.localdate()
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:agency-create"), form_data(
        tree.d1, valid_from=today, valid_to=today - datetime.timedelta(days=1), credit_code="123"))
    assert error_codes(response.context["form"]) == {"valid_to": ["order"], "credit_code": ["length"]}


def test_area_outside_my_district_is_refused_on_the_form(client, clerk, tree):
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:agency-create"), form_data(tree.c3))
    assert error_codes(response.context["form"]) == {"area": ["out_of_scope"]}


@pytest.mark.parametrize("position", ["s1", "c1"])
def test_street_and_community_clerks_cannot_open_the_licence_form(client, tree, position):
    area = getattr(tree, position)
    client.force_login(make_staff(StaffRole.CLERK, area))
    assert client.get(reverse("staff-jobs:agency-create")).status_code == 403
    assert client.post(reverse("staff-jobs:agency-create"), form_data(area)).status_code == 403
    own = AgencyFactory(area=area)
    page = client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": own.pk}))
    assert page.status_code == 200 and not page.context["moves"] and page.context["form"] is None
    response = client.post(reverse("staff-jobs:agency-status", kwargs={"pk": own.pk}),
                           {"status": LicenceStatus.REVOKED, "reason": "x"})
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == LicenceStatus.VALID
    assert not Agency.objects.exclude(pk=own.pk).exists()


def test_clerk_of_another_district_gets_404(client, tree):
    agency = AgencyFactory(area=tree.d1)
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))
    for name in ("staff-jobs:agency-detail", "staff-jobs:agency-status", "staff-jobs:agency-supervise"):
        url = reverse(name, kwargs={"pk": agency.pk})
        assert client.post(url, {"status": "revoked", "reason": "x", "inspected_on": "2026-01-01",
                                 "findings": "x", "result": "violation"}).status_code == 404
    assert client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk})).status_code == 404
    agency.refresh_from_db()
    assert agency.status == LicenceStatus.VALID and not SupervisionRecord.objects.exists()
    assert client.get(reverse("staff-jobs:agency-list")).context["agencies"].__len__() == 0


def test_status_change_with_reason_through_the_page(client, clerk, tree):
    agency = AgencyFactory(area=tree.d1)
    client.force_login(clerk)
    page = client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk}))
    assert {value for value, _ in page.context["status_form"].fields["status"].choices} == {"suspended", "revoked"}
    missing = client.post(reverse("staff-jobs:agency-status", kwargs={"pk": agency.pk}),
                          {"status": LicenceStatus.SUSPENDED, "reason": ""})
    assert missing.status_code == 200 and error_codes(missing.context["status_form"]) == {"reason": ["required"]}
    response = client.post(reverse("staff-jobs:agency-status", kwargs={"pk": agency.pk}),
                           {"status": LicenceStatus.SUSPENDED, "reason": "未按规定公示收费标准"})
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.status, agency.status_reason) == (LicenceStatus.SUSPENDED, "未按规定公示收费标准")
    page = client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk}))
    assert {value for value, _ in page.context["status_form"].fields["status"].choices} == {"valid", "revoked"}
    assert [e.event_type for e in page.context["history"]] == ["agency.status_changed"]


def test_the_page_offers_what_the_workflow_allows_and_the_service_judges_the_rest(client, clerk, tree):
    revoked = AgencyFactory(area=tree.d1, status=LicenceStatus.REVOKED)
    client.force_login(clerk)
    page = client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": revoked.pk}))
    assert page.context["status_form"] is None  # revoked is final
    assert page.context["form"] is not None and page.context["supervision_form"] is not None
    html = page.content.decode()
    assert 'class="status-form"' not in html and 'class="supervision-form"' in html and 'class="edit-form"' in html
    # A move the page did not offer (a stale page) is the service's to refuse.
    valid = AgencyFactory(area=tree.d1)
    response = client.post(reverse("staff-jobs:agency-status", kwargs={"pk": valid.pk}),
                           {"status": LicenceStatus.VALID, "reason": "恢复"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    valid.refresh_from_db()
    assert valid.status == LicenceStatus.VALID and valid.status_reason == ""


def test_inspection_in_the_future_is_refused_on_the_page_with_the_input_kept(client, clerk, tree):
    agency = AgencyFactory(area=tree.d1)
    client.force_login(clerk)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("staff-jobs:agency-supervise", kwargs={"pk": agency.pk}), {
        "inspected_on": tomorrow, "findings": "台账不全", "result": SupervisionResult.RECTIFY})
    assert response.status_code == 200
    assert error_codes(response.context["supervision_form"]) == {"inspected_on": ["future"]}
    html = response.content.decode()
    assert f'value="{tomorrow}"' in html and "台账不全</textarea>" in html
    response = client.post(reverse("staff-jobs:agency-supervise", kwargs={"pk": agency.pk}), {
        "inspected_on": timezone.localdate().isoformat(), "findings": "台账不全", "result": SupervisionResult.RECTIFY})
    assert response.status_code == 302
    page = client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk}))
    assert [r.findings for r in page.context["records"]] == ["台账不全"]


def test_clerk_corrects_details_on_the_page(client, clerk, tree):
    agency = AgencyFactory(area=tree.d1)
    client.force_login(clerk)
    response = client.post(reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk}),
                           form_data(tree.d1, licence_number=agency.licence_number, holder="王五"))
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.holder == "王五"


def test_officials_read_agencies_but_job_seekers_cannot(client, tree, job_seeker):
    agency = AgencyFactory(area=tree.d1)
    client.force_login(make_staff(StaffRole.OFFICIAL, tree.city))
    assert client.get(reverse("staff-jobs:agency-detail", kwargs={"pk": agency.pk})).status_code == 200
    assert client.get(reverse("staff-jobs:agency-create")).status_code == 403
    client.force_login(job_seeker)
    assert client.get(reverse("staff-jobs:agency-list")).status_code == 403


def test_staff_list_query_count_does_not_grow(client, clerk, tree, django_assert_num_queries):
    SupervisionRecordFactory(agency=AgencyFactory(area=tree.d1), area=tree.d1)
    client.force_login(clerk)
    url = reverse("staff-jobs:agency-list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(8):
        agency = AgencyFactory(area=tree.s1)
        SupervisionRecordFactory(agency=agency, area=agency.area)
        SupervisionRecordFactory(agency=agency, area=agency.area)
    AgencyFactory(area=tree.c3)  # another district's
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    agencies = list(response.context["agencies"])
    assert len(agencies) == 9 and {a.supervision_count for a in agencies} == {1, 2}


def test_staff_list_filters_by_validity(client, clerk, tree):
    soon = AgencyFactory(area=tree.d1, valid_to=timezone.localdate() + datetime.timedelta(days=5))
    AgencyFactory(area=tree.d1)
    client.force_login(clerk)
    response = client.get(reverse("staff-jobs:agency-list"), {"badge": LicenceBadge.EXPIRING})
    assert [a.pk for a in response.context["agencies"]] == [soon.pk]
