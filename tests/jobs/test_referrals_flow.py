"""Referrals (职业介绍): clerks refer job seekers of their area to public vacancies and record outcomes."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from jobs.constants import JobsEvent, ReferralOutcome, VacancyStatus
from jobs.models import Referral
from jobs.selectors.seekers import referrals_for_seeker
from jobs.services.referrals import referral_create, referral_outcome_record
from portal.constants import StaffRole
from portal.models import AuditEvent, StatusChange
from tests.conftest import make_staff
from tests.jobs.factories import (
    EmployerFactory,
    ReferralFactory,
    SeekerProfileFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker(tree):
    profile = SeekerProfileFactory(area=tree.c1)
    profile.account.full_name = "李明"
    profile.account.phone = "13912345678"
    profile.account.save()
    return profile


@pytest.fixture
def vacancy(tree):
    return VacancyFactory(employer=EmployerFactory(area=tree.c3, name="武昌物流有限公司"),
                          area=tree.c3, title="快递分拣员")


@pytest.fixture
def clerk(staff):
    return staff["clerk@community"]


def make_referrals(area, count: int) -> None:
    """``count`` referrals in ``area``, each of its own job seeker to its own vacancy there."""
    for _ in range(count):
        ReferralFactory(seeker=SeekerProfileFactory(area=area), area=area,
                        vacancy=VacancyFactory(employer=EmployerFactory(area=area), area=area))


# --- Service ----------------------------------------------------------------------------------


def test_clerk_refers_a_seeker_of_the_area_and_the_referral_belongs_to_the_seeker_residence(clerk, seeker, vacancy):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy, note="本人同意")
    assert referral.area == seeker.area and referral.area_path == seeker.area.path
    assert referral.status == ReferralOutcome.PENDING and referral.referred_by == clerk
    assert AuditEvent.objects.filter(event_type=JobsEvent.REFERRAL_CREATED, object_id=str(referral.pk),
                                     actor=clerk).exists()


@pytest.mark.parametrize("position", ["clerk@community", "clerk@street", "clerk@district"])
def test_any_clerk_tier_above_the_seeker_can_refer(staff, position, seeker, vacancy):
    assert referral_create(actor=staff[position], seeker=seeker, vacancy=vacancy).pk


def test_clerk_of_another_district_gets_404_and_nothing_is_written(tree, seeker, vacancy):
    other = make_staff(StaffRole.CLERK, tree.d2)
    with pytest.raises(Http404):
        referral_create(actor=other, seeker=seeker, vacancy=vacancy)
    referral = ReferralFactory(seeker=seeker, vacancy=vacancy, area=seeker.area)
    with pytest.raises(Http404):
        referral_outcome_record(actor=other, referral=referral, outcome="interviewed")
    assert Referral.objects.count() == 1 and Referral.objects.get().status == ReferralOutcome.PENDING


def test_an_official_cannot_refer(tree, staff, seeker, vacancy):
    with pytest.raises(Http404):
        referral_create(actor=staff["official@district"], seeker=seeker, vacancy=vacancy)


def test_only_one_pending_referral_per_seeker_and_vacancy(clerk, seeker, vacancy):
    first = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    with pytest.raises(ValidationError) as caught:
        referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    assert caught.value.error_dict["vacancy"][0].code == "duplicate"
    # Once the first has an outcome, the seeker can be referred to the same vacancy again.
    referral_outcome_record(actor=clerk, referral=first, outcome="refused", refused_by="employer",
                            refusal_reason="岗位已招满")
    assert referral_create(actor=clerk, seeker=seeker, vacancy=vacancy).pk != first.pk


def test_a_vacancy_that_is_not_public_cannot_be_referred_to(clerk, seeker, tree):
    pending = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, status=VacancyStatus.PENDING)
    with pytest.raises(ValidationError) as caught:
        referral_create(actor=clerk, seeker=seeker, vacancy=pending)
    assert caught.value.error_dict["vacancy"][0].code == "not_open"


def test_outcomes_interviewed_then_hired_with_a_date(clerk, seeker, vacancy):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    referral = referral_outcome_record(actor=clerk, referral=referral, outcome="interviewed")
    assert referral.status == "interviewed" and referral.outcome_on == timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        referral_outcome_record(actor=clerk, referral=referral, outcome="hired")
    assert caught.value.error_dict["outcome_on"][0].code == "required"
    referral = referral_outcome_record(actor=clerk, referral=referral, outcome="hired",
                                       outcome_on=timezone.localdate(), note="已签合同")
    assert referral.status == "hired"
    moves = list(StatusChange.objects.filter(object_type="jobs.referral", object_id=str(referral.pk))
                 .values_list("to_status", "note"))
    assert moves == [("interviewed", ""), ("hired", "已签合同")]
    assert AuditEvent.objects.filter(event_type=JobsEvent.REFERRAL_OUTCOME_RECORDED,
                                     object_id=str(referral.pk)).count() == 2
    with pytest.raises(ValidationError) as caught:
        referral_outcome_record(actor=clerk, referral=referral, outcome="refused", refused_by="seeker",
                                refusal_reason="x")
    assert caught.value.code == "invalid_transition"


def test_refused_needs_a_reason_and_who_refused(clerk, seeker, vacancy):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    with pytest.raises(ValidationError) as caught:
        referral_outcome_record(actor=clerk, referral=referral, outcome="refused")
    assert set(caught.value.error_dict) == {"refused_by", "refusal_reason"}
    referral = referral_outcome_record(actor=clerk, referral=referral, outcome="refused", refused_by="seeker",
                                       refusal_reason="通勤太远")
    assert (referral.status, referral.refused_by, referral.refusal_reason) == ("refused", "seeker", "通勤太远")


def test_outcome_date_cannot_be_in_the_future(clerk, seeker, vacancy):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    with pytest.raises(ValidationError) as caught:
        referral_outcome_record(actor=clerk, referral=referral, outcome="hired",
                                outcome_on=timezone.localdate() + datetime.timedelta(days=1))
    assert caught.value.error_dict["outcome_on"][0].code == "future"


def test_referrals_for_seeker_since_a_date_for_the_referral_commitment(clerk, seeker, vacancy, tree):
    old = ReferralFactory(seeker=seeker, vacancy=vacancy, area=seeker.area,
                          referred_at=timezone.now() - datetime.timedelta(days=30), status="refused",
                          refused_by="seeker", refusal_reason="不合适")
    recent = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    ReferralFactory(area=tree.c1)  # another seeker's
    since = timezone.localdate() - datetime.timedelta(days=14)
    assert list(referrals_for_seeker(seeker=seeker, since=since)) == [recent]
    assert list(referrals_for_seeker(seeker=seeker, since=since - datetime.timedelta(days=30))) == [old, recent]
    other_clerk = make_staff(StaffRole.CLERK, tree.d2)
    assert list(referrals_for_seeker(seeker=seeker, since=since, fetched_by=other_clerk)) == []


# --- Pages ------------------------------------------------------------------------------------


def test_new_referral_page_finds_a_seeker_in_scope_and_a_public_vacancy_then_refers(client, clerk, seeker, vacancy,
                                                                                     tree):
    far = SeekerProfileFactory(area=tree.c3)
    far.account.full_name = "李明远"  # same name part, but another district
    far.account.save()
    client.force_login(clerk)
    response = client.get("/staff/jobs/referrals/new/", {"seeker_q": "李明", "vacancy_q": "分拣"})
    assert response.status_code == 200
    form = response.context["form"]
    assert [pk for pk, _ in form.fields["seeker"].choices] == [seeker.pk]
    assert [pk for pk, _ in form.fields["vacancy"].choices] == [vacancy.pk]
    response = client.post("/staff/jobs/referrals/new/", {
        "seeker_q": "李明", "vacancy_q": "分拣", "seeker": seeker.pk, "vacancy": vacancy.pk, "note": "电话联系"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/jobs/referrals/{referral.pk}/"
    assert referral.seeker == seeker and referral.note == "电话联系"


def test_new_referral_page_by_phone_and_refuses_an_out_of_scope_choice(client, clerk, seeker, vacancy, tree):
    far = SeekerProfileFactory(area=tree.c3)
    client.force_login(clerk)
    response = client.get("/staff/jobs/referrals/new/", {"seeker_q": "13912345678"})
    assert [pk for pk, _ in response.context["form"].fields["seeker"].choices] == [seeker.pk]
    response = client.post("/staff/jobs/referrals/new/", {"seeker": far.pk, "vacancy": vacancy.pk,
                                                          "vacancy_q": "分拣", "note": "备注保留"})
    assert response.status_code == 200
    assert "seeker" in response.context["form"].errors
    assert 'value="备注保留"' in response.content.decode()
    assert not Referral.objects.exists()


def test_duplicate_pending_referral_is_refused_on_the_page_with_a_clear_message(client, clerk, seeker, vacancy):
    referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is asserted in English
    response = client.post("/staff/jobs/referrals/new/", {"seeker": seeker.pk, "vacancy": vacancy.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["vacancy"][0].startswith("This job seeker already has a referral")
    assert Referral.objects.count() == 1


def test_refer_link_preselects_seeker_and_vacancy(client, clerk, seeker, vacancy):
    client.force_login(clerk)
    response = client.get("/staff/jobs/referrals/new/", {"seeker": seeker.pk, "vacancy": vacancy.pk})
    page = response.content.decode()
    assert f'value="{seeker.pk}"' in page and f'value="{vacancy.pk}"' in page
    assert 'checked' in page


def test_referral_detail_records_refusal_and_a_missing_reason_is_shown_next_to_the_field(client, clerk, seeker,
                                                                                           vacancy):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    client.force_login(clerk)
    url = f"/staff/jobs/referrals/{referral.pk}/"
    response = client.post(url, {"outcome": "refused", "refused_by": "employer", "note": "电话回访"})
    assert response.status_code == 200
    assert "refusal_reason" in response.context["form"].errors
    assert 'value="电话回访"' in response.content.decode()
    response = client.post(url, {"outcome": "refused", "refused_by": "employer",
                                 "refusal_reason": "<i>学历不符</i>"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "&lt;i&gt;学历不符&lt;/i&gt;" in page and "<i>学历不符</i>" not in page
    assert 'name="outcome"' not in page  # final


def test_referral_list_filters_by_outcome(client, clerk, seeker, vacancy, tree):
    pending = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    hired = ReferralFactory(seeker=SeekerProfileFactory(area=tree.c1), vacancy=vacancy, area=tree.c1,
                            status="hired", outcome_on=timezone.localdate())
    client.force_login(clerk)
    response = client.get("/staff/jobs/referrals/")
    assert {r.pk for r in response.context["referrals"]} == {pending.pk, hired.pk}
    response = client.get("/staff/jobs/referrals/", {"status": "hired"})
    assert [r.pk for r in response.context["referrals"]] == [hired.pk]


def test_clerk_of_another_district_gets_404_on_referral_pages(client, tree, seeker, vacancy, clerk):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    other = make_staff(StaffRole.CLERK, tree.d2)
    client.force_login(other)
    assert client.get(f"/staff/jobs/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/staff/jobs/referrals/{referral.pk}/", {"outcome": "interviewed"}).status_code == 404
    assert referral.pk not in {r.pk for r in client.get("/staff/jobs/referrals/").context["referrals"]}
    referral.refresh_from_db()
    assert referral.status == ReferralOutcome.PENDING


def test_job_seeker_and_employer_cannot_open_referral_pages(client, seeker, vacancy):
    for user in (seeker.account, vacancy.employer.account):
        client.force_login(user)
        assert client.get("/staff/jobs/referrals/").status_code == 403
        assert client.get("/staff/jobs/referrals/new/").status_code == 403


def test_referral_list_keeps_a_constant_query_count(client, clerk, tree, django_assert_num_queries):
    make_referrals(tree.c1, 2)
    client.force_login(clerk)
    client.get("/staff/jobs/referrals/")
    with django_assert_num_queries(5):  # session, user, grants, count, page
        client.get("/staff/jobs/referrals/")
    make_referrals(tree.c1, 10)
    with django_assert_num_queries(5):
        response = client.get("/staff/jobs/referrals/")
    assert len(response.context["referrals"]) == 12


# --- API --------------------------------------------------------------------------------------


def test_api_referral_create_list_retrieve_and_outcome(api_client, clerk, seeker, vacancy):
    api_client.force_authenticate(clerk)
    response = api_client.post("/api/staff/jobs/referrals/", {"seeker": seeker.pk, "vacancy": vacancy.pk,
                                                              "note": "首次推荐"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["seeker"]["id"] == seeker.pk and body["area"]["code"] == seeker.area.code
    assert body["status"] == "pending"
    again = api_client.post("/api/staff/jobs/referrals/", {"seeker": seeker.pk, "vacancy": vacancy.pk},
                            format="json")
    assert again.status_code == 400 and again.json()["error"]["fields"]["vacancy"][0]["code"] == "duplicate"
    assert [row["id"] for row in api_client.get("/api/staff/jobs/referrals/").json()["results"]] == [body["id"]]
    url = f"/api/staff/jobs/referrals/{body['id']}/outcome/"
    refused = api_client.post(url, {"outcome": "refused", "refused_by": "seeker"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["refusal_reason"][0]["code"] == "required"
    response = api_client.post(url, {"outcome": "hired", "outcome_on": timezone.localdate().isoformat()},
                               format="json")
    assert response.status_code == 200 and response.json()["status"] == "hired"
    detail = api_client.get(f"/api/staff/jobs/referrals/{body['id']}/").json()
    assert [h["to_status"] for h in detail["history"]] == ["hired"]
    assert api_client.get("/api/staff/jobs/referrals/", {"status": "pending"}).json()["count"] == 0


def test_api_clerk_of_another_district_gets_404(api_client, tree, clerk, seeker, vacancy):
    referral = referral_create(actor=clerk, seeker=seeker, vacancy=vacancy)
    api_client.force_authenticate(make_staff(StaffRole.CLERK, tree.d2))
    assert api_client.get(f"/api/staff/jobs/referrals/{referral.pk}/").status_code == 404
    response = api_client.post(f"/api/staff/jobs/referrals/{referral.pk}/outcome/", {"outcome": "interviewed"},
                               format="json")
    assert response.status_code == 404
    response = api_client.post("/api/staff/jobs/referrals/", {"seeker": seeker.pk, "vacancy": vacancy.pk},
                               format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api_client.get("/api/staff/jobs/referrals/").json()["count"] == 0


def test_api_referral_to_a_closed_vacancy_is_refused(api_client, clerk, seeker, tree):
    closed = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, status=VacancyStatus.CLOSED)
    api_client.force_authenticate(clerk)
    response = api_client.post("/api/staff/jobs/referrals/", {"seeker": seeker.pk, "vacancy": closed.pk},
                               format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["vacancy"][0]["code"] == "not_open"


def test_api_referrals_are_for_clerks(api_client, staff, seeker):
    for user in (seeker.account, staff["official@district"]):
        api_client.force_authenticate(user)
        assert api_client.get("/api/staff/jobs/referrals/").status_code == 403


def test_api_referral_list_keeps_a_constant_query_count(api_client, clerk, tree, django_assert_num_queries):
    make_referrals(tree.c1, 2)
    api_client.force_authenticate(clerk)
    api_client.get("/api/staff/jobs/referrals/")  # the clerk's grants are cached after this
    with django_assert_num_queries(3):  # count, page, histories
        api_client.get("/api/staff/jobs/referrals/")
    make_referrals(tree.c1, 10)
    with django_assert_num_queries(3):
        assert api_client.get("/api/staff/jobs/referrals/").json()["count"] == 12
