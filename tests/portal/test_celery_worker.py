"""Tasks through a real Celery worker on the real Redis broker, against the test database."""

from __future__ import annotations

import datetime

import pytest

from portal.constants import AuditEventType, StaffRole
from portal.models import Area, AuditEvent, RoleGrant
from tests.celery_worker import Workers
from tests.conftest import make_staff

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(committed_tree):
    """A worker process on its own queue, reading the test database; yields a client app and the queue."""
    workers = Workers()
    workers.start()
    try:
        yield workers.client, workers.queue
    finally:
        workers.stop()  # its output is shown by pytest only when the test fails


def test_nightly_grant_expiry_runs_on_a_real_worker_and_reruns_without_duplicates(worker):
    client, queue = worker
    clerk = make_staff(StaffRole.CLERK, Area.objects.get(code="420102000000"))
    RoleGrant.objects.filter(user=clerk).update(valid_from=datetime.date(2024, 1, 1),
                                                valid_to=datetime.date(2024, 12, 31))

    first = client.send_task("portal.tasks.role_grants_expire", queue=queue).get(timeout=90)
    second = client.send_task("portal.tasks.role_grants_expire", queue=queue).get(timeout=90)

    assert (first, second) == (1, 0)
    events = AuditEvent.objects.filter(event_type=AuditEventType.ROLE_EXPIRED)
    assert events.count() == 1 and events.get().area.code == "420102000000"
