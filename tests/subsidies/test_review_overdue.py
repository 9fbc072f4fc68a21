"""Overdue flags: the nightly task flags each application past its step's due date once, a rerun
writes nothing, the next step clears the flag, and the task runs on a real Celery worker."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal.constants import StaffRole
from portal.models import Area, AuditEvent
from portal.registry import schedule
from subsidies.constants import ApplicationStatus, SubsidiesEvent
from subsidies.models import Application
from subsidies.services import review as services
from tests.conftest import make_staff
from tests.portal.test_celery_worker import worker  # noqa: F401  (the fixture)
from tests.subsidies.review_support import eligible_application

TODAY = datetime.date(2026, 3, 10)


def overdue_events(application) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=SubsidiesEvent.APPLICATION_OVERDUE,
                                          object_id=str(application.pk)))


@pytest.mark.django_db
def test_applications_past_their_due_date_are_flagged_once_from_the_day_after(tree):
    late = eligible_application(tree.c1, status=ApplicationStatus.ACCEPTED, due_on=datetime.date(2026, 3, 6))
    due_today = eligible_application(tree.c1, status=ApplicationStatus.SUBMITTED, due_on=TODAY)
    done = eligible_application(tree.c1, status=ApplicationStatus.DISBURSED, due_on=datetime.date(2026, 1, 1))
    returned = eligible_application(tree.c1, status=ApplicationStatus.RETURNED, due_on=datetime.date(2026, 1, 1))

    assert services.applications_flag_overdue(today=TODAY) == 1
    assert services.applications_flag_overdue(today=TODAY) == 0  # a rerun writes nothing
    assert services.applications_flag_overdue(today=TODAY + datetime.timedelta(days=3)) == 1  # due_today, later

    assert Application.objects.get(pk=late.pk).overdue_since == datetime.date(2026, 3, 7)
    events = overdue_events(late)
    assert len(events) == 1
    assert events[0].new_values == {"overdue_since": "2026-03-07", "due_on": "2026-03-06", "status": "accepted",
                                    "step": "review"} and events[0].actor is None
    assert Application.objects.get(pk=due_today.pk).overdue_since == datetime.date(2026, 3, 11)
    assert overdue_events(done) == [] and overdue_events(returned) == []


@pytest.mark.django_db
def test_the_next_step_clears_the_flag_and_a_new_lateness_is_flagged_again(tree):
    clerk = make_staff(StaffRole.CLERK, tree.s1)
    late = eligible_application(tree.c1, status=ApplicationStatus.ACCEPTED,
                                due_on=timezone.localdate() - datetime.timedelta(days=10))
    assert services.applications_flag_overdue() == 1
    reviewed = services.application_review(actor=clerk, application=late)
    assert reviewed.overdue_since is None and reviewed.due_on > timezone.localdate()
    assert services.applications_flag_overdue() == 0
    assert services.applications_flag_overdue(today=reviewed.due_on + datetime.timedelta(days=1)) == 1
    assert len(overdue_events(late)) == 2


def test_the_task_is_on_the_nightly_schedule_at_a_quarter_to_two():
    entry = schedule()["subsidies-applications-flag-overdue-nightly"]
    assert entry["task"] == "subsidies.tasks.applications_flag_overdue"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {45})


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_nightly_overdue_flags_run_on_a_real_worker_and_rerun_cleanly(worker):  # noqa: F811
    client, queue = worker
    community = Area.objects.get(code="420102002003")
    late = eligible_application(community, status=ApplicationStatus.STREET_REVIEWED,
                                due_on=timezone.localdate() - datetime.timedelta(days=4))
    on_time = eligible_application(community, status=ApplicationStatus.SUBMITTED, due_on=timezone.localdate())

    first = client.send_task("subsidies.tasks.applications_flag_overdue", queue=queue).get(timeout=90)
    second = client.send_task("subsidies.tasks.applications_flag_overdue", queue=queue).get(timeout=90)

    assert (first, second) == (1, 0)
    assert Application.objects.get(pk=late.pk).overdue_since == late.due_on + datetime.timedelta(days=1)
    assert Application.objects.get(pk=on_time.pk).overdue_since is None
    assert len(overdue_events(late)) == 1
