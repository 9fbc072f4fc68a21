"""Follow-up visit pages: the list by due date and recording a visit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.constants import StaffRole
from registration.constants import FollowUpStatus
from registration.models import FollowUpVisit
from tests.conftest import make_staff
from tests.registration.factories_cases import FollowUpVisitFactory

pytestmark = pytest.mark.django_db


def test_visits_are_listed_by_due_date_and_filtered(client, staff, tree):
    today = timezone.localdate()
    later = FollowUpVisitFactory(area=tree.c1, due_on=today + datetime.timedelta(days=60), months_after=3)
    sooner = FollowUpVisitFactory(area=tree.c1, due_on=today + datetime.timedelta(days=5))
    done = FollowUpVisitFactory(area=tree.c1, status=FollowUpStatus.DONE)
    FollowUpVisitFactory(area=tree.c3)
    client.force_login(staff["clerk@street"])
    url = reverse("staff-registration:followup-list")
    assert list(client.get(url).context["visits"]) == [sooner, done, later]  # done is due in 10 days
    assert list(client.get(url, {"status": "scheduled"}).context["visits"]) == [sooner, later]


def test_a_clerk_records_a_visit_and_bad_input_keeps_what_was_typed(client, staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    client.force_login(staff["clerk@community"])
    url = reverse("staff-registration:followup-detail", args=[visit.pk])
    response = client.post(url, {"outcome": "visited", "notes": "电话回访"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"visited_on", "still_employed"} and form["notes"].value() == "电话回访"
    response = client.post(url, {"outcome": "visited", "visited_on": timezone.localdate().isoformat(),
                                 "still_employed": "yes", "notes": "电话回访，工作稳定"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.still_employed) == (FollowUpStatus.DONE, True)
    assert "工作稳定" in client.get(url).content.decode()


def test_a_visit_is_marked_missed(client, staff, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    client.force_login(staff["clerk@district"])
    url = reverse("staff-registration:followup-detail", args=[visit.pk])
    assert client.post(url, {"outcome": "missed", "notes": "三次上门无人"}).status_code == 302
    assert FollowUpVisit.objects.get(pk=visit.pk).status == FollowUpStatus.MISSED


def test_visits_of_another_district_are_not_found(client, tree):
    visit = FollowUpVisitFactory(area=tree.c1)
    client.force_login(make_staff(StaffRole.CLERK, tree.d2))
    url = reverse("staff-registration:followup-detail", args=[visit.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "missed", "notes": "x"}).status_code == 404
    assert list(client.get(reverse("staff-registration:followup-list")).context["visits"]) == []


def test_the_list_keeps_a_constant_query_count(client, staff, tree, django_assert_max_num_queries):
    client.force_login(staff["clerk@community"])
    FollowUpVisitFactory(area=tree.c1)
    url = reverse("staff-registration:followup-list")
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for _ in range(12):
        FollowUpVisitFactory(area=tree.c1)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert len(client.get(url).context["visits"]) == 13
    assert len(large.captured_queries) == len(small.captured_queries)
