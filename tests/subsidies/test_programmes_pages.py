"""Programme pages: the public list in words (with the policy document linked), the staff pages where
city-level staff create programmes and versions in yuan, and the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from portal.constants import StaffRole
from subsidies.constants import ProgrammeKind
from subsidies.models import Programme
from tests.conftest import make_staff
from tests.subsidies.factories import PARAMETERS, ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_admin(tree):
    return make_staff(StaffRole.ADMINISTRATOR, tree.city)


def test_public_page_says_who_qualifies_and_how_much_from_the_version_in_force(client):
    ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE, name="灵活就业社保补贴")
    closed = ProgrammeFactory(kind=ProgrammeKind.JOB_REFERRAL, name="已关闭的补贴")
    closed.active = False
    closed.save()
    body = client.get(reverse("subsidies:programme-list")).content.decode()
    assert "灵活就业社保补贴" in body and "已关闭的补贴" not in body
    assert "2/3" in body and "800.00" in body and "36" in body  # share, monthly cap in yuan, months


def test_public_page_links_the_published_policy_document_never_a_draft(client, tree):
    from tests.policy.factories import PolicyDocumentFactory

    published = PolicyDocumentFactory(area=tree.city, published=True)
    draft = PolicyDocumentFactory(area=tree.city)
    for kind, document in ((ProgrammeKind.SOCIAL_INSURANCE, published), (ProgrammeKind.JOB_REFERRAL, draft)):
        programme = ProgrammeFactory(kind=kind)
        programme.policy_document = document
        programme.save()
    body = client.get(reverse("subsidies:programme-list")).content.decode()
    assert reverse("policy:document-detail", args=[published.pk]) in body
    assert reverse("policy:document-detail", args=[draft.pk]) not in body


def test_public_page_queries_do_not_grow_with_the_number_of_programmes(client, django_assert_num_queries):
    ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)
    with django_assert_num_queries(4) as one:  # public documents, programmes, versions, categories
        client.get(reverse("subsidies:programme-list"))
    for kind in ProgrammeKind.values[1:]:
        ProgrammeFactory(kind=kind)
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(reverse("subsidies:programme-list")).content.decode()
    assert body.count('class="card"') == 5


def test_public_detail_of_an_unknown_or_closed_programme_is_not_found(client):
    assert client.get(reverse("subsidies:programme-detail", args=["nothing"])).status_code == 404


def test_every_staff_member_reads_programmes_only_city_level_staff_change_them(client, tree, city_admin):
    programme = ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    client.force_login(clerk)
    body = client.get(reverse("staff-subsidies:programme-detail", args=[programme.code])).content.decode()
    assert "800.00" in body and reverse("staff-subsidies:programme-version", args=[programme.code]) not in body
    assert client.get(reverse("staff-subsidies:programme-create")).status_code == 403
    assert client.post(reverse("staff-subsidies:programme-version", args=[programme.code]), {}).status_code == 403
    client.force_login(city_admin)
    body = client.get(reverse("staff-subsidies:programme-detail", args=[programme.code])).content.decode()
    assert reverse("staff-subsidies:programme-version", args=[programme.code]) in body


def _version_post(**changes) -> dict:
    data = {"effective_from": "2030-01-01", "source": "示例数值", "city_approval_above_fen": "50,000.00",
            "share": "2/3", "monthly_cap_fen": "800", "max_months": "36", "retirement_window_years": "5",
            **{f"step_days__{step}": "5" for step in ("accept", "review", "approve", "approve_for_city",
                                                     "city_approve", "disburse")}}
    data.update(changes)
    return data


def test_city_admin_saves_a_new_version_in_yuan_stored_in_fen(client, city_admin):
    programme = ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)
    client.force_login(city_admin)
    url = reverse("staff-subsidies:programme-version", args=[programme.code])
    form = client.get(url).content.decode()
    assert 'value="800.00"' in form  # the latest version's values, in yuan
    response = client.post(url, _version_post(monthly_cap_fen="1,000.50", required_documents=["identity"]))
    assert response.status_code == 302
    version = programme.versions.get(number=2)
    assert version.parameters["monthly_cap_fen"] == 100_050
    assert version.parameters["city_approval_above_fen"] == 5_000_000
    assert version.parameters["required_documents"] == ["identity"]
    assert version.effective_from == datetime.date(2030, 1, 1)


def test_bad_version_input_is_shown_on_each_field_and_kept(client, city_admin):
    programme = ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)
    client.force_login(city_admin)
    response = client.post(reverse("staff-subsidies:programme-version", args=[programme.code]),
                           _version_post(share="3/2", monthly_cap_fen="-5", step_days__accept="0"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"share", "monthly_cap_fen", "step_days__accept"}
    assert 'value="3/2"' in response.content.decode()
    assert programme.versions.count() == 1


def test_city_admin_creates_a_programme_kind_first(client, city_admin):
    client.force_login(city_admin)
    chooser = client.get(reverse("staff-subsidies:programme-create")).content.decode()
    assert 'name="kind"' in chooser
    form = client.get(reverse("staff-subsidies:programme-create"), {"kind": "job_referral"}).content.decode()
    assert 'name="amount_per_placement_fen"' in form
    response = client.post(reverse("staff-subsidies:programme-create"), {
        "kind": "job_referral", "code": "referral-2030", "name": "职业介绍补贴", "active": "on",
        **_version_post(amount_per_placement_fen="200", placement_within_days="180")})
    assert response.status_code == 302, response.context["form"].errors
    assert Programme.objects.get(code="referral-2030").versions.get().parameters["amount_per_placement_fen"] == 20_000


def test_staff_programme_list_shows_the_version_in_force(client, tree):
    programme = ProgrammeFactory(kind=ProgrammeKind.SOCIAL_INSURANCE)
    ApplicationFactory(programme=programme)
    client.force_login(make_staff(StaffRole.OFFICIAL, tree.d1))
    body = client.get(reverse("staff-subsidies:programme-list")).content.decode()
    assert programme.name in body and "2020-01-01" in body


# --- API ------------------------------------------------------------------------------------------


def test_public_api_lists_open_programmes_in_words(api_client):
    ProgrammeFactory(kind=ProgrammeKind.STARTUP_LOAN)
    body = api_client.get("/api/subsidies/programmes/").json()
    assert body[0]["code"] == "startup-loan" and body[0]["summary"]["how"]
    assert body[0]["current"]["parameters"]["loan_cap_fen"] == 30_000_000
    assert api_client.get("/api/subsidies/programmes/startup-loan/").status_code == 200
    assert api_client.get("/api/subsidies/programmes/nothing/").status_code == 404


def test_staff_api_creates_a_programme_and_names_every_bad_parameter(api_client, city_admin, tree):
    api_client.force_authenticate(city_admin)
    payload = {"code": "si-2030", "kind": "social_insurance", "name": "社保补贴", "effective_from": "2030-01-01",
               "source": "示例数值", "parameters": {**PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE], "share": "x",
                                                 "bogus": 1}}
    bad = api_client.post("/api/staff/subsidies/programmes/", payload, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"parameters.share", "parameters.bogus"}
    payload["parameters"] = PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE]
    good = api_client.post("/api/staff/subsidies/programmes/", payload, format="json")
    assert good.status_code == 201 and good.json()["versions"][0]["number"] == 1
    version = api_client.post("/api/staff/subsidies/programmes/si-2030/versions/",
                              {"effective_from": "2031-01-01", "source": "示例数值",
                               "parameters": PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE]}, format="json")
    assert version.status_code == 201 and [v["number"] for v in version.json()["versions"]] == [2, 1]
    api_client.force_authenticate(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    assert api_client.post("/api/staff/subsidies/programmes/si-2030/versions/",
                           {"effective_from": "2032-01-01", "source": "x",
                            "parameters": PARAMETERS[ProgrammeKind.SOCIAL_INSURANCE]}, format="json").status_code == 404
    assert api_client.get("/api/staff/subsidies/programmes/si-2030/").status_code == 200
