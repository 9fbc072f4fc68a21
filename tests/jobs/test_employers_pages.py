"""Employer pages: the employer's own organisation, and the staff's employer list and verification."""

from __future__ import annotations

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.constants import EmployerStatus
from jobs.models import Employer
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory, credit_code

pytestmark = pytest.mark.django_db

HOME = "/jobs/employer/"
PROFILE = "/jobs/employer/profile/"


def form_data(tree, **overrides) -> dict:
    return {"name": "武汉江滩建材有限公司", "credit_code": credit_code(91001), "industry": "C",
            "area_district": tree.d1.code, "area_street": tree.s1.code, "area_community": tree.c1.code,
            "address": "沿江大道1号", "contact_name": "张经理", "contact_phone": "027-82001234",
            "introduction": "建材批发。", **overrides}


@pytest.fixture
def employer_client(client, employer):
    client.force_login(employer)
    return client


def test_named_urls_resolve_to_the_documented_paths():
    assert reverse("jobs:employer-home") == HOME
    assert reverse("staff-jobs:employer-list") == "/staff/jobs/employers/"
    assert reverse("staff-jobs:employer-detail", kwargs={"pk": 7}) == "/staff/jobs/employers/7/"


def test_employer_without_an_organisation_is_invited_to_register(employer_client):
    response = employer_client.get(HOME)
    assert response.status_code == 200
    assert reverse("jobs:employer-profile") in response.content.decode()
    assert response.context["employer"] is None


def test_employer_registers_and_sees_the_pending_status(employer_client, employer, tree):
    response = employer_client.post(PROFILE, form_data(tree))
    assert response.status_code == 302 and response["Location"] == HOME
    org = Employer.objects.get(account=employer)
    assert (org.status, org.area, org.industry_id) == (EmployerStatus.PENDING, tree.c1, "C")
    page = employer_client.get(HOME).content.decode()
    assert org.name in page and "status-pending" in page
    assert reverse("jobs:employer-vacancy-create") not in page  # no posting until verified


@pytest.mark.parametrize("overrides, field, text", [
    ({"credit_code": credit_code(91001)[:17] + ("0" if credit_code(91001)[17] != "0" else "1")}, "credit_code",
     "check character"),
    ({"credit_code": "1234"}, "credit_code", "18 characters"),
    ({"area_community": "", "area": ""}, "area", "Choose down to a community"),
    ({"area_district": "", "area_street": "", "area_community": "", "area": "999999999999"}, "area", "Unknown area"),
    ({"industry": "Z"}, "industry", "Unknown industry"),
])
def test_bad_registration_input_is_shown_next_to_the_field_and_kept(employer_client, tree, overrides, field, text,
                                                                    settings):
    employer_client.cookies["django_language"] = "en"
    response = employer_client.post(PROFILE, form_data(tree, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors and text in " ".join(form.errors[field])
    page = response.content.decode()
    assert 'value="武汉江滩建材有限公司"' in page and 'value="027-82001234"' in page  # input kept
    assert "has-error" in page
    assert not Employer.objects.exists()


def test_a_duplicate_credit_code_gets_a_clear_message(employer_client, tree):
    EmployerFactory(credit_code=credit_code(91001))
    employer_client.cookies["django_language"] = "en"
    response = employer_client.post(PROFILE, form_data(tree))
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["credit_code"])
    assert Employer.objects.count() == 1


def test_rejected_employer_sees_the_reason_corrects_and_resubmits(employer_client, employer, tree):
    org = EmployerFactory(account=employer, area=tree.c1, status=EmployerStatus.REJECTED,
                          status_reason="<b>名称</b>与执照不一致", verified_at=None)
    page = employer_client.get(HOME).content.decode()
    assert html.escape("<b>名称</b>与执照不一致") in page and "<b>名称</b>" not in page
    assert reverse("jobs:employer-resubmit") in page

    form = employer_client.get(PROFILE).context["form"]
    assert form.initial["name"] == org.name and "credit_code" in form.fields
    response = employer_client.post(PROFILE, form_data(tree, name="武汉改正后有限公司", credit_code=org.credit_code))
    assert response.status_code == 302
    response = employer_client.post(reverse("jobs:employer-resubmit"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.status, org.status_reason) == ("武汉改正后有限公司", EmployerStatus.PENDING, "")


def test_verified_employer_edits_details_but_not_code_or_area(employer_client, employer, tree):
    org = EmployerFactory(account=employer, area=tree.c1)
    form = employer_client.get(PROFILE).context["form"]
    assert "credit_code" not in form.fields and "area" not in form.fields
    data = form_data(tree, contact_phone="027-86660000", credit_code=credit_code(91999), area_community=tree.c2.code)
    assert employer_client.post(PROFILE, data).status_code == 302
    org.refresh_from_db()
    assert org.contact_phone == "027-86660000" and org.credit_code != credit_code(91999) and org.area == tree.c1


@pytest.mark.parametrize("who", ["job_seeker", "staff"])
def test_employer_pages_are_for_employer_accounts(client, job_seeker, tree, who):
    client.force_login(job_seeker if who == "job_seeker" else make_staff(StaffRole.CLERK, tree.d1))
    for url in (HOME, PROFILE):
        assert client.get(url).status_code == 403
    assert client.post(reverse("jobs:employer-resubmit")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Staff pages --------------------------------------------------------------------------------


def test_staff_employer_list_filters_by_status_and_member_in_scope(client, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    pending = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, name="甲待审公司")
    member = EmployerFactory(area=tree.c2, is_member_unit=True, member_since=timezone.localdate(), name="乙会员公司")
    plain = EmployerFactory(area=tree.c1, name="丙普通公司")
    EmployerFactory(area=tree.c3, status=EmployerStatus.PENDING, name="丁武昌公司")
    client.force_login(clerk)
    url = reverse("staff-jobs:employer-list")
    assert {e.pk for e in client.get(url).context["employers"]} == {pending.pk, member.pk, plain.pk}
    assert [e.pk for e in client.get(url, {"status": "pending"}).context["employers"]] == [pending.pk]
    assert [e.pk for e in client.get(url, {"member": "yes"}).context["employers"]] == [member.pk]
    assert [e.pk for e in client.get(url, {"q": "丙普通"}).context["employers"]] == [plain.pk]
    assert [e.pk for e in client.get(url, {"q": plain.credit_code}).context["employers"]] == [plain.pk]


def test_staff_employer_list_filters_by_an_area_picked_district_street_community(client, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    first = EmployerFactory(area=tree.c1, name="甲社区公司")
    EmployerFactory(area=tree.c2, name="乙社区公司")
    client.force_login(clerk)
    url = reverse("staff-jobs:employer-list")
    page = client.get(url).content.decode()
    # The picker's selects, not a text box for a division code.
    assert 'name="area_district"' in page and 'name="area_community"' in page
    assert 'type="text" name="area"' not in page
    picked = {"area_district": tree.d1.code, "area_street": tree.s1.code, "area_community": tree.c1.code}
    response = client.get(url, picked)
    assert [e.pk for e in response.context["employers"]] == [first.pk]
    assert f'<option value="{tree.c1.code}" selected>' in response.content.decode()
    unknown = client.get(url, {"area": "999999999999"})
    assert "区划无效，请重新选择。" in unknown.content.decode()


def test_staff_employer_list_keeps_a_constant_query_count(client, tree, django_assert_num_queries):
    client.force_login(make_staff(StaffRole.CLERK, tree.d1))
    url = reverse("staff-jobs:employer-list")
    for _ in range(2):
        VacancyFactory(employer=EmployerFactory(area=tree.c1))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["employers"]) == 2
    for _ in range(15):
        VacancyFactory(employer=EmployerFactory(area=tree.c2))
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["employers"]) == 17


def test_district_clerk_verifies_from_the_detail_page(client, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    client.force_login(clerk)
    page = client.get(reverse("staff-jobs:employer-detail", kwargs={"pk": org.pk}))
    assert page.status_code == 200 and {"verify", "reject"} <= set(page.context["moves"])
    assert reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk}) in page.content.decode()
    response = client.post(reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk}))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == EmployerStatus.VERIFIED and org.verified_by == clerk
    history = client.get(reverse("staff-jobs:employer-detail", kwargs={"pk": org.pk})).context["history"]
    assert [(h.from_status, h.to_status) for h in history] == [("pending", "verified")]


def test_rejecting_without_a_reason_reshows_the_page_with_the_error(client, tree):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    client.force_login(make_staff(StaffRole.CLERK, tree.d1))
    url = reverse("staff-jobs:employer-reject", kwargs={"pk": org.pk})
    response = client.post(url, {"reject-reason": ""})
    assert response.status_code == 200
    assert response.context["reject_form"].errors["reason"]
    assert "has-error" in response.content.decode()
    response = client.post(url, {"reject-reason": "营业执照已过期"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.status, org.status_reason) == (EmployerStatus.REJECTED, "营业执照已过期")


@pytest.mark.parametrize("attr", ["s1", "c1"])
def test_street_and_community_clerks_see_but_cannot_verify(client, tree, attr):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    client.force_login(make_staff(StaffRole.CLERK, getattr(tree, attr)))
    page = client.get(reverse("staff-jobs:employer-detail", kwargs={"pk": org.pk}))
    assert page.status_code == 200 and not {"verify", "reject"} & set(page.context["moves"])
    assert reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk}) not in page.content.decode()
    assert client.post(reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk})).status_code == 404
    assert client.post(reverse("staff-jobs:employer-reject", kwargs={"pk": org.pk}),
                       {"reject-reason": "x"}).status_code == 404
    org.refresh_from_db()
    assert org.status == EmployerStatus.PENDING


def test_clerk_of_another_district_gets_not_found(client, tree):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))
    for url in (reverse("staff-jobs:employer-detail", kwargs={"pk": org.pk}),):
        assert client.get(url).status_code == 404
    assert client.post(reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk})).status_code == 404


def test_job_seekers_and_employers_cannot_open_staff_employer_pages(client, job_seeker, tree):
    org = EmployerFactory(area=tree.c1)
    for user in (job_seeker, org.account):
        client.force_login(user)
        assert client.get(reverse("staff-jobs:employer-list")).status_code == 403
        assert client.get(reverse("staff-jobs:employer-detail", kwargs={"pk": org.pk})).status_code == 403


def test_district_administrator_makes_a_member_unit_and_ends_it(client, tree):
    org = EmployerFactory(area=tree.c1)
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    url = reverse("staff-jobs:employer-membership", kwargs={"pk": org.pk})
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = client.post(url, {"membership-is_member": "1", "membership-member_since": future})
    assert response.status_code == 200 and response.context["membership_form"].errors["member_since"]
    since = timezone.localdate().isoformat()
    assert client.post(url, {"membership-is_member": "1", "membership-member_since": since}).status_code == 302
    org.refresh_from_db()
    assert org.is_member_unit and org.member_since.isoformat() == since
    assert client.post(url, {"membership-is_member": "0"}).status_code == 302
    org.refresh_from_db()
    assert not org.is_member_unit


def test_links_to_vacancy_pages_are_shown_only_to_those_who_may_open_them(client, tree):
    """Administrators see the employers but not the vacancy review or posting, which are a clerk's:
    no link leads them to a 403; a district clerk sees and can open both."""
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.VERIFIED)
    review, post = reverse("staff-jobs:vacancy-review"), reverse("staff-jobs:vacancy-create")
    detail = reverse("staff-jobs:employer-detail", kwargs={"pk": org.pk})
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    listing, page = client.get(reverse("staff-jobs:employer-list")).content.decode(), client.get(detail).content.decode()
    assert f'href="{review}"' not in listing and f'href="{post}?employer=' not in page
    assert client.get(review).status_code == 403
    client.force_login(make_staff(StaffRole.CLERK, tree.d1))
    listing, page = client.get(reverse("staff-jobs:employer-list")).content.decode(), client.get(detail).content.decode()
    assert f'href="{review}"' in listing and f'href="{post}?employer={org.pk}"' in page
    assert client.get(review).status_code == 200
