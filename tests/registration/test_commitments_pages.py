"""The commitment queue page and meeting a commitment from it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.constants import VacancyStatus
from portal.constants import StaffRole
from registration.constants import CommitmentStatus
from registration.models import ReferralCommitment
from registration.services.commitments import commitments_escalate
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import ReferralCommitmentFactory, approved_case

pytestmark = pytest.mark.django_db
QUEUE = "staff-registration:commitment-list"


def test_the_queue_is_sorted_by_due_date_and_flags_overdue_and_escalated_ones(client, staff, tree):
    today = timezone.localdate()
    fresh = ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=3))
    late = ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=30), provisional=True)
    commitments_escalate()
    client.force_login(staff["clerk@community"])
    response = client.get(reverse(QUEUE))
    rows = list(response.context["commitments"])
    assert rows == [late, fresh]
    assert (rows[0].escalation.level, rows[1].escalation.level) == (2, 0)
    page = response.content.decode()
    assert "overdue-row" in page and "flag-district" in page and "flag-provisional" in page
    assert f"{rows[0].escalation.working_days_overdue} " in page


def test_a_commitment_due_today_is_marked_in_the_queue(client, staff, tree):
    today = timezone.localdate()
    ReferralCommitmentFactory(area=tree.c1, due_on=today)
    ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=5))
    client.force_login(staff["clerk@community"])
    page = client.get(reverse(QUEUE)).content.decode()
    assert page.count('class="due-today-row"') == 1 and page.count("今天到期") == 1


def test_street_queue_shows_overdue_ones_and_everything_on_request(client, staff, tree):
    today = timezone.localdate()
    fresh = ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=3))
    late = ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=1))
    commitments_escalate()
    client.force_login(staff["clerk@street"])
    assert list(client.get(reverse(QUEUE)).context["commitments"]) == [late]
    assert list(client.get(reverse(QUEUE), {"show": "all"}).context["commitments"]) == [late, fresh]
    assert list(client.get(reverse(QUEUE), {"show": "all", "status": "met"}).context["commitments"]) == []


def test_a_clerk_refers_from_the_commitment_page_and_it_shows_as_met(client, staff, tree):
    commitment = approved_case(staff, PersonFactory(area=tree.c1, name="赵志强")).commitment
    vacancy = VacancyFactory(employer=EmployerFactory(area=tree.c3, name="武汉保洁服务公司"), area=tree.c3,
                             title="保洁员")
    client.force_login(staff["clerk@community"])
    url = reverse("staff-registration:commitment-detail", args=[commitment.pk])
    response = client.get(url, {"vacancy_q": "保洁"})
    assert [v for v, _ in response.context["form"].fields["vacancy"].choices] == [vacancy.pk]
    response = client.post(url, {"vacancy_q": "保洁", "vacancy": vacancy.pk, "note": "本人同意"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.MET and commitment.met_by_referral.vacancy == vacancy
    page = client.get(url).content.decode()
    assert "保洁员" in page and 'id="commitment-status"' in page
    assert list(client.get(reverse(QUEUE)).context["commitments"]) == []


def test_refer_errors_are_shown_by_the_field(client, staff, tree):
    commitment = approved_case(staff, PersonFactory(area=tree.c1)).commitment
    closed = VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.c1, title="已关闭岗位",
                            status=VacancyStatus.CLOSED)
    client.force_login(staff["clerk@community"])
    url = reverse("staff-registration:commitment-detail", args=[commitment.pk])
    response = client.post(url, {"vacancy": closed.pk, "note": "试试"})
    assert response.status_code == 200 and "vacancy" in response.context["form"].errors
    assert response.context["form"]["note"].value() == "试试"
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.OPEN


def test_commitments_of_another_district_are_not_found(client, tree):
    commitment = ReferralCommitmentFactory(area=tree.c1)
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))
    url = reverse("staff-registration:commitment-detail", args=[commitment.pk])
    assert client.get(url).status_code == 404 and client.post(url, {"vacancy": 1}).status_code == 404
    assert list(client.get(reverse(QUEUE), {"show": "all"}).context["commitments"]) == []


@pytest.mark.parametrize("position", ["official@district", "administrator@city"])
def test_the_queue_is_for_clerks(client, staff, position):
    client.force_login(staff[position])
    assert client.get(reverse(QUEUE)).status_code == 403


def test_the_queue_keeps_a_constant_query_count(client, staff, tree, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(staff["clerk@community"])
    ReferralCommitmentFactory(area=tree.c1, due_on=today)
    client.get(reverse(QUEUE))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse(QUEUE))
    for n in range(15):
        ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=n))
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(reverse(QUEUE))
    assert len(response.context["commitments"]) == 16
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_escalation_the_nightly_task_wrote_shows_on_the_case_and_the_commitment(client, staff, tree):
    late = ReferralCommitmentFactory(area=tree.c1, due_on=timezone.localdate() - datetime.timedelta(days=30))
    client.force_login(staff["clerk@community"])
    case_url = reverse("staff-registration:case-detail", args=[late.case_id])
    commitment_url = reverse("staff-registration:commitment-detail", args=[late.pk])
    assert 'id="commitment-escalation"' not in client.get(case_url).content.decode()
    commitments_escalate()
    late.refresh_from_db()
    for url in (case_url, commitment_url):
        page = client.get(url).content.decode()
        assert 'id="commitment-escalation"' in page and "flag-district" in page
        assert timezone.localtime(late.escalated_at).strftime("%Y-%m-%d %H:%M") in page


def test_the_refer_form_shows_only_to_who_may_meet_the_commitment(client, staff, tree):
    commitment = approved_case(staff, PersonFactory(area=tree.c1)).commitment
    url = reverse("staff-registration:commitment-detail", args=[commitment.pk])
    client.force_login(staff["clerk@street"])
    assert "refer" in client.get(url).context["moves"] and 'id="refer-title"' in client.get(url).content.decode()
    ReferralCommitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.CLOSED)
    response = client.get(url)
    assert not response.context["moves"] and 'id="refer-title"' not in response.content.decode()
