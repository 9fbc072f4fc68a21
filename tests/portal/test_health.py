import pytest

from portal.celery import app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_in_process_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True, "vendor": "postgresql"},
                                                           "broker": {"ok": True, "mode": "in-process"}}}


def test_healthz_reports_real_redis(client, monkeypatch, settings):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:6379/15")
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["broker"] == {"ok": True, "mode": "redis"}


def test_healthz_answers_503_when_the_broker_is_down(client, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
