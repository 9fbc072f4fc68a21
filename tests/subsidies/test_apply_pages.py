"""The applicant's pages (apply, my applications with the timeline, correct, resubmit, withdraw), the
/me/ panel, the community window's pages, and the applicant's and the window's API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.constants import AccountType, StaffRole
from portal.workflow import transition
from subsidies.constants import APPLICATION_WORKFLOW, ApplicationStatus, ProgrammeKind
from subsidies.models import Application
from subsidies.services.applications import application_submit
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.subsidies.apply_support import (
    graduate_hire,
    hard_to_employ_flexible,
    identity_of,
    linked_seeker,
    months_from_now,
    programme,
    referral_placement,
    social_insurance_input,
)
from tests.subsidies.factories import ApplicationFactory, this_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def social():
    return programme(ProgrammeKind.SOCIAL_INSURANCE)


@pytest.fixture
def seeker(tree):
    return linked_seeker(hard_to_employ_flexible(tree.c1, name="李梅"))


def form_data(**changes) -> dict:
    return {"period_start": f"{this_month():%Y-%m}", "period_end": f"{months_from_now(2):%Y-%m}",
            "basis_fen": "600.00", "payee_name": "李梅", "payee_account": "6222 0202 0000 1234 567", **changes}


# --- Applying online ------------------------------------------------------------------------------


def test_seeker_applies_online_in_yuan_and_lands_on_the_new_application(client, seeker, social):
    client.force_login(seeker)
    page = client.get(reverse("subsidies:apply", args=[social.code]))
    assert page.status_code == 200 and "李梅" in page.content.decode()
    response = client.post(reverse("subsidies:apply", args=[social.code]), form_data())
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == f"/subsidies/my/applications/{application.pk}/"
    assert application.basis_fen == 60_000 and application.payee_account == "6222020200001234567"
    assert (application.period_start, application.period_end) == (this_month(), months_from_now(2))
    detail = client.get(response.url).content.decode()
    assert "1,200.00" in detail and "400.00" in detail  # yuan with two decimals


def test_an_ineligible_claim_shows_the_reasons_in_words_and_keeps_what_was_typed(client, tree, social):
    from tests.registration.factories import PersonFactory
    user = linked_seeker(PersonFactory(area=tree.c1))
    client.force_login(user)
    response = client.post(reverse("subsidies:apply", args=[social.code]), form_data(basis_fen="654.32"))
    body = response.content.decode()
    assert response.status_code == 200 and not Application.objects.exists()
    assert 'value="654.32"' in body
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["__all__"]] == ["not_eligible.hard_to_employ",
                                                                   "not_eligible.flexible_employment"]
    for message in form.non_field_errors():
        assert message in body


@pytest.mark.parametrize(("value", "code"), [("-5", "not_positive"), ("0", "not_positive"),
                                             ("99999999999", "too_large"), ("1.234", "invalid"),
                                             ("abc", "invalid")])
def test_bad_amounts_get_a_clear_field_error_never_a_500(client, seeker, social, value, code):
    client.force_login(seeker)
    response = client.post(reverse("subsidies:apply", args=[social.code]), form_data(basis_fen=value))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["basis_fen"]] == [code]


def test_a_second_application_links_to_the_open_one(client, seeker, social):
    first = application_submit(actor=seeker, programme=social, **social_insurance_input())
    client.force_login(seeker)
    response = client.post(reverse("subsidies:apply", args=[social.code]), form_data())
    assert f"/subsidies/my/applications/{first.pk}/" in response.content.decode()
    assert Application.objects.count() == 1


def test_unlinked_seeker_is_shown_how_to_link_before_applying(client, social):
    client.force_login(UserFactory(account_type=AccountType.JOB_SEEKER))
    body = client.get(reverse("subsidies:apply-start")).content.decode()
    assert reverse("registration:me") in body
    assert reverse("subsidies:apply", args=[social.code]) not in body


def test_staff_cannot_use_the_online_form(client, tree, social):
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    assert client.get(reverse("subsidies:apply", args=[social.code])).status_code == 403


def test_employer_applies_for_its_graduate_by_identity_number_and_name(client, tree):
    graduate = programme(ProgrammeKind.GRADUATE_SOCIAL_INSURANCE)
    employer, person = graduate_hire(tree.c1)
    client.force_login(employer.account)
    data = form_data(identity_number=identity_of(person), person_name="冒名", basis_fen="900",
                     graduation_year="2025", staff_count="20")
    refused = client.post(reverse("subsidies:apply", args=[graduate.code]), data)
    assert [e.code for e in refused.context["form"].errors.as_data()["identity_number"]] == ["not_employee"]
    assert person.name not in refused.content.decode().split("<main")[1]  # nothing about the person leaks
    data["person_name"] = person.name
    response = client.post(reverse("subsidies:apply", args=[graduate.code]), data)
    assert response.status_code == 302
    assert Application.objects.get().employer == employer


# --- My applications --------------------------------------------------------------------------------


def _many(seeker, social, n, offset=0):
    person = seeker.person
    for i in range(offset, offset + n):
        ApplicationFactory(programme=social, person=person, applicant_account=seeker,
                           period_start=months_from_now(3 * i).replace(day=1), period_end=months_from_now(3 * i + 2))


def test_my_list_uses_the_same_queries_for_one_or_many_applications(client, seeker, social,
                                                                      django_assert_num_queries):
    client.force_login(seeker)
    _many(seeker, social, 1)
    client.get(reverse("subsidies:my-applications"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("subsidies:my-applications")).status_code == 200
    assert len(few.captured_queries) <= 6  # session, user, count, page, panel-free: nothing per row
    _many(seeker, social, 14, offset=1)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(reverse("subsidies:my-applications")).content.decode()
    assert body.count('class="card"') == 15


def test_my_timeline_uses_the_same_queries_however_long_it_is(client, tree, seeker, social,
                                                                django_assert_num_queries):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    client.force_login(seeker)
    url = reverse("subsidies:my-application", args=[application.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    window = make_staff(StaffRole.CLERK, tree.c1)
    for _ in range(4):  # returned and resubmitted four times: eight more steps in the timeline
        transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.RETURNED, actor=window,
                   note="请补充材料")
        transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.SUBMITTED, actor=seeker)
    with django_assert_num_queries(len(short.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("请补充材料") == 4


def test_returned_application_shows_the_reason_and_the_correct_resubmit_withdraw_buttons(client, tree, seeker,
                                                                                          social):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.RETURNED,
               actor=make_staff(StaffRole.CLERK, tree.c1), note="缴费证明不清晰",
               changes={"reason_code": "documents_missing", "remark": "缴费证明不清晰"})
    client.force_login(seeker)
    url = reverse("subsidies:my-application", args=[application.pk])
    body = client.get(url).content.decode()
    assert "缴费证明不清晰" in body
    for name in ("my-application-correct", "my-application-resubmit", "my-application-withdraw", "my-document-add"):
        assert reverse(f"subsidies:{name}", args=[application.pk]) in body
    refused = client.post(reverse("subsidies:my-application-correct", args=[application.pk]),
                          form_data(period_end=f"{months_from_now(48):%Y-%m}"))
    assert refused.status_code == 200 and 'value="600.00"' in refused.content.decode()
    done = client.post(reverse("subsidies:my-application-correct", args=[application.pk]),
                       form_data(basis_fen="900"))
    assert done.status_code == 302
    assert client.post(reverse("subsidies:my-application-resubmit", args=[application.pk]), {"note": ""}
                       ).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.basis_fen == 90_000
    assert client.post(reverse("subsidies:my-application-withdraw", args=[application.pk])).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_someone_elses_application_is_not_found(client, seeker, social):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    client.force_login(UserFactory(account_type=AccountType.JOB_SEEKER))
    for name in ("my-application", "my-application-withdraw", "my-application-correct", "my-document-add"):
        method = client.get if name == "my-application" else client.post
        assert method(reverse(f"subsidies:{name}", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_me_page_panel_lists_my_subsidy_applications(client, seeker, social):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    client.force_login(seeker)
    body = client.get(reverse("me")).content.decode()
    assert reverse("subsidies:my-application", args=[application.pk]) in body


def test_the_me_page_panel_tells_an_unlinked_seeker_what_to_do(client):
    client.force_login(UserFactory(account_type=AccountType.JOB_SEEKER))
    body = client.get(reverse("me")).content.decode()
    assert reverse("registration:me") in body and reverse("subsidies:programme-list") in body


def test_empty_list_says_what_to_do_next(client, seeker):
    client.force_login(seeker)
    body = client.get(reverse("subsidies:my-applications")).content.decode()
    assert reverse("subsidies:programme-list") in body


# --- The community window --------------------------------------------------------------------------


def test_window_finds_the_person_and_enters_the_application(client, tree, social):
    person = hard_to_employ_flexible(tree.c1, name="王五")
    window = make_staff(StaffRole.CLERK, tree.c1)
    client.force_login(window)
    url = reverse("staff-subsidies:window-apply", args=[social.code])
    found = client.get(url, {"q": "王五"}).content.decode()
    assert "王五" in found and person.id_masked in found
    response = client.post(url, {**form_data(payee_name="王五"), "person": person.pk, "q": "王五"})
    application = Application.objects.get()
    assert response.url == reverse("staff-subsidies:window-application", args=[application.pk])
    assert application.entered_by == window and application.channel == "window"
    assert client.get(response.url).status_code == 200


def test_window_finds_the_person_by_identity_number_without_putting_it_in_the_address(client, tree, social):
    from registration.identity import identity_decrypt

    person = hard_to_employ_flexible(tree.c1, name="王五")
    number = identity_decrypt(person.id_encrypted)
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    url = reverse("staff-subsidies:window-apply", args=[social.code])
    page = client.get(url).content.decode()
    assert 'method="post" class="form narrow search-step"' in page and 'name="find"' in page
    found = client.post(url, {"q": number, "find": "1"})
    assert found.status_code == 302 and found["Location"].startswith(f"{url}?lookup=")
    assert number not in found["Location"] and not Application.objects.exists()
    assert person.id_masked in client.get(found["Location"]).content.decode()
    refused = client.get(url, {"q": number})  # an old link with the number: not looked up
    assert refused.status_code == 200 and person.id_masked not in refused.content.decode()
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]


def test_window_enters_an_agencys_referral_subsidy_by_licence_number(client, tree):
    referral = programme(ProgrammeKind.JOB_REFERRAL)
    agency, person, placed_on = referral_placement(tree.c1)
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    url = reverse("staff-subsidies:window-apply", args=[referral.code])
    bad = client.post(url, {"person": person.pk, "licence_number": "没有这个", "period_start": placed_on.isoformat(),
                            "payee_name": "中介", "payee_account": "6222020200009876543"})
    assert [e.code for e in bad.context["form"].errors.as_data()["licence_number"]] == ["unknown"]
    good = client.post(url, {"person": person.pk, "licence_number": agency.licence_number,
                             "period_start": placed_on.isoformat(), "payee_name": "中介",
                             "payee_account": "6222020200009876543"})
    assert good.status_code == 302 and Application.objects.get().agency == agency


def test_window_pays_the_applicant_under_their_own_name_when_the_payee_is_left_empty(client, tree, social):
    """The person is picked from the search on the same page, so the clerk may leave the account holder
    empty: the person's (or the agency's) own name is used; with no applicant chosen it is still asked for."""
    person = hard_to_employ_flexible(tree.c1, name="王五")
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    url = reverse("staff-subsidies:window-apply", args=[social.code])
    unchosen = client.post(url, form_data(payee_name=""))
    assert set(unchosen.context["form"].errors) == {"person"}
    client.post(url, {**form_data(payee_name=""), "person": person.pk})
    assert Application.objects.get().payee_name == "王五"

    referral = programme(ProgrammeKind.JOB_REFERRAL)
    agency, placed, placed_on = referral_placement(tree.c1)
    client.post(reverse("staff-subsidies:window-apply", args=[referral.code]),
                {"person": placed.pk, "licence_number": agency.licence_number, "period_start": placed_on.isoformat(),
                 "payee_name": "", "payee_account": "6222020200009876543"})
    assert Application.objects.get(agency=agency).payee_name == agency.name


def test_window_cannot_choose_a_person_of_another_community(client, tree, social):
    stranger = hard_to_employ_flexible(tree.c2)
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    response = client.post(reverse("staff-subsidies:window-apply", args=[social.code]),
                           {**form_data(), "person": stranger.pk})
    assert [e.code for e in response.context["form"].errors.as_data()["person"]] == ["unknown"]
    assert not Application.objects.exists()


def test_a_street_clerk_is_told_applications_are_entered_at_the_community(client, tree, social):
    client.force_login(make_staff(StaffRole.CLERK, tree.s1))
    assert client.get(reverse("staff-subsidies:window")).status_code == 200
    assert client.get(reverse("staff-subsidies:window-apply", args=[social.code])).status_code == 403


# --- API ------------------------------------------------------------------------------------------


def test_api_submit_follow_and_withdraw_my_application(api_client, seeker, social):
    api_client.force_authenticate(seeker)
    created = api_client.post("/api/subsidies/me/applications/", {"programme": social.code, **form_data()},
                              format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["amount_requested_fen"] == 120_000 and body["moves"] == ["withdraw", "add_document"]
    assert body["timeline"][0]["label"] and body["findings"]
    again = api_client.post("/api/subsidies/me/applications/", {"programme": social.code, **form_data()},
                            format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["period_start"][0] == {
        "code": "duplicate", "message": again.json()["error"]["fields"]["period_start"][0]["message"],
        "application_id": body["id"]}
    listed = api_client.get("/api/subsidies/me/applications/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    withdrawn = api_client.post(f"/api/subsidies/me/applications/{body['id']}/withdraw/", {}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


@pytest.mark.parametrize("payload", [
    {"programme": "social-insurance", "basis_fen": ["600"], "period_start": {"a": 1}},
    {"programme": "social-insurance", "basis_fen": "1e400", "period_start": "2026-13"},
    {"programme": "social-insurance", "basis_fen": "600", "payee_name": "a\x00b"},
    {"programme": ["x"]},
    {"programme": "no-such-programme"},
    {"programme": "social-insurance", "basis_fen": 10**30, "loan_term_months": 10**30},
])
def test_api_malformed_input_answers_400_never_500(api_client, seeker, social, payload):
    api_client.force_authenticate(seeker)
    response = api_client.post("/api/subsidies/me/applications/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not Application.objects.exists()


def test_api_window_entry_and_scope(api_client, tree, social):
    person = hard_to_employ_flexible(tree.c1)
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.c1))
    created = api_client.post("/api/staff/subsidies/window/applications/",
                              {"programme": social.code, "person": person.pk, **form_data()}, format="json")
    assert created.status_code == 201, created.json()
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.c2))
    assert api_client.get(f"/api/staff/subsidies/window/applications/{created.json()['id']}/").status_code == 404
    refused = api_client.post("/api/staff/subsidies/window/applications/",
                              {"programme": social.code, "person": person.pk, **form_data()}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["person"][0]["code"] == "unknown"
