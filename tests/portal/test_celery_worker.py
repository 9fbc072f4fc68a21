"""Tasks through a real Celery worker on the real Redis broker, against the test database."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from portal.constants import AuditEventType, StaffRole
from portal.models import Area, AuditEvent, RoleGrant
from tests.conftest import make_staff

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(committed_tree):
    """A worker process on its own queue, reading the test database; yields a client app."""
    broker = os.environ["TEST_REDIS_URL"]
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_ENVIRONMENT": "test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", "REDIS_URL": broker}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-Q", queue, "-l", "warning",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    client = Celery("portal-test-client", broker=broker, backend=broker)
    try:
        yield client, queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest only when the test fails


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
