"""Tasks sent while the broker is down are kept in the database and sent once it answers
(portal.outbox); the forecasts request says so. The broker here is real: a port nothing listens on,
then the test Redis (TEST_REDIS_URL), where the sent message is found on its queue."""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid

import pytest
import redis
from django.urls import reverse

from portal import outbox
from portal.celery import app
from portal.outbox import KeptTask, kept_tasks_send, task_send
from portal.tasks import role_grants_expire

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"


def _forget_connections() -> None:
    """Connections and the result store are kept per URL: drop them so the next send uses the new ones."""
    app._pool = app.amqp._producer_pool = app._backend_cache = None
    vars(app._local).pop("backend", None)


@contextlib.contextmanager
def broker(url: str, *, results: str | None = None):
    """Send tasks to ``url`` (not in-process) for the block; ``results``: the result store, as in
    production (the same Redis)."""
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend
    app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = False, url, results
    _forget_connections()
    try:
        yield
    finally:
        _forget_connections()
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = saved


@pytest.fixture
def queue():
    """A queue of the test Redis of its own, emptied afterwards."""
    name = f"outbox-test-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(os.environ["TEST_REDIS_URL"])
    yield name, client
    client.delete(name)
    client.close()


def test_a_task_the_broker_does_not_take_is_kept_at_once_with_a_warning(caplog):
    started = time.monotonic()
    with broker(DOWN):
        assert task_send(role_grants_expire, args=[], queue="nightly") is False
    assert time.monotonic() - started < 2  # a request is not held by retries with back-off
    kept = KeptTask.objects.get()
    assert (kept.name, kept.args, kept.options, kept.attempts) == ("portal.tasks.role_grants_expire", [],
                                                                     {"queue": "nightly"}, 1)
    assert "Connection refused" in kept.last_error or "connecting" in kept.last_error
    assert "kept to be sent" in caplog.text


def test_a_task_is_kept_at_once_when_the_result_store_is_down_too():
    # Production's result store is the broker's Redis: asking for a result would subscribe to it
    # first, retrying for twenty seconds before a RuntimeError (bench/fault_drills.py found it).
    started = time.monotonic()
    with broker(DOWN, results=DOWN):
        assert task_send(role_grants_expire, args=[]) is False
    assert time.monotonic() - started < 2
    assert KeptTask.objects.get().name == "portal.tasks.role_grants_expire"


def test_a_task_is_sent_without_a_result_nobody_reads(queue):
    name, client = queue
    with broker(os.environ["TEST_REDIS_URL"], results=os.environ["TEST_REDIS_URL"]):
        assert task_send(role_grants_expire, queue=name) is True
    message = json.loads(client.lpop(name))
    assert message["headers"]["ignore_result"] is True and not KeptTask.objects.exists()


def test_kept_tasks_wait_while_the_broker_is_down_and_are_sent_once_each_when_it_answers(queue):
    name, client = queue
    with broker(DOWN):
        task_send(role_grants_expire, queue=name)
        task_send(role_grants_expire, queue=name)
        assert kept_tasks_send() == {"sent": 0, "waiting": 2}
    assert KeptTask.objects.order_by("id").first().attempts == 2
    with broker(os.environ["TEST_REDIS_URL"]):
        assert kept_tasks_send() == {"sent": 2, "waiting": 0}
        assert kept_tasks_send() == {"sent": 0, "waiting": 0}
    assert client.llen(name) == 2 and not KeptTask.objects.exists()


def test_in_process_tasks_run_at_once_and_nothing_is_kept(monkeypatch):
    ran = []
    monkeypatch.setattr(outbox.current_app.tasks["portal.tasks.role_grants_expire"], "run", lambda: ran.append(1))
    assert task_send(role_grants_expire) is True
    assert ran == [1] and not KeptTask.objects.exists()


def test_sending_kept_tasks_is_on_the_beat_schedule_every_minute():
    from portal import registry
    entry = registry.schedule()["kept-tasks-send"]
    assert entry["task"] == "portal.tasks.kept_tasks_send" and entry["schedule"] == 60.0


def test_the_forecasts_request_says_when_the_task_service_is_down_and_keeps_it(api_client, tree, staff):
    api_client.force_authenticate(staff["administrator@city"])
    with broker(DOWN):
        response = api_client.post(reverse("api:staff-analytics:forecast-run-list"))
    assert response.status_code == 202
    body = response.json()
    assert body["queued"] is False and body["message"] == "任务服务暂时无法连接：请求已保留，服务恢复后将自动开始。"
    assert KeptTask.objects.get().name == "analytics.forecasts_make_monthly"
