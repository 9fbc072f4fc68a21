"""Apps plug into the kernel from their AppConfig: the test app in tests/plugin_app names no kernel
file and no kernel file names it, yet its navigation, schedule, audit events, counter and page work."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from portal import registry
from portal.audit import audit_record
from portal.celery import app as celery_app
from portal.constants import StaffRole
from portal.models import AuditEvent
from tests.conftest import make_staff
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_no_kernel_file_names_the_plugin_app():
    kernel = [path for path in (ROOT / "portal").rglob("*.py") if "migrations" not in path.parts]
    assert kernel
    assert [str(p) for p in kernel if "plugin_app" in p.read_text(encoding="utf-8")] == []


def test_its_urls_are_mounted_and_its_page_answers(client):
    assert reverse("plugin:sample") == "/plugin/"
    response = client.get("/plugin/")
    assert response.status_code == 200 and "插件示例页面" in response.content.decode()


def test_its_nightly_task_is_in_the_beat_schedule_celery_runs():
    entry = celery_app.conf.beat_schedule["plugin-sample-nightly"]
    assert entry["task"] == "tests.plugin_app.tasks.sample_nightly"
    assert registry.schedule()["plugin-sample-nightly"] is entry or registry.schedule()["plugin-sample-nightly"] == entry
    # Every app's entry is there as well, each naming a task the worker knows.
    tasks = {e["task"] for e in celery_app.conf.beat_schedule.values()}
    assert {"jobs.tasks.vacancies_expire", "registration.tasks.commitments_escalate",
            "policy.tasks.documents_expire", "portal.tasks.role_grants_expire"} <= tasks
    celery_app.loader.import_default_modules()
    assert tasks <= set(celery_app.tasks)


@pytest.mark.django_db
def test_its_audit_event_type_is_accepted_labelled_and_filterable(admin_client, tree):
    event = audit_record(event_type="plugin.sample_recorded", actor=None, area=tree.d1)
    assert event.get_event_type_display() == "插件示例已记录"
    with pytest.raises(ValueError):
        audit_record(event_type="plugin.never_registered", actor=None)
    page = admin_client.get(reverse("staff:audit-list"), {"event_type": "plugin.sample_recorded"})
    assert page.status_code == 200
    assert list(page.context["events"]) == [event]
    assert AuditEvent.objects.filter(event_type="plugin.sample_recorded").count() == 1


@pytest.mark.django_db
def test_its_navigation_entry_shows_to_its_audience_only(client, tree):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert "插件示例" in client.get("/").content.decode()
    client.force_login(make_staff(StaffRole.CLERK, tree.d1))
    assert "插件示例" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_its_counter_is_on_the_workbench_of_the_staff_it_counts_for_first_when_overdue(client, tree):
    counted = make_staff(StaffRole.CLERK, tree.d1, username="plugin_clerk")
    client.force_login(counted)
    counters = client.get(reverse("staff:workbench")).context["counters"]
    assert counters[0].key == "plugin.sample" and counters[0].count == 7 and counters[0].overdue
    client.force_login(make_staff(StaffRole.CLERK, tree.d1, username="other_clerk"))
    assert "plugin.sample" not in [c.key for c in client.get(reverse("staff:workbench")).context["counters"]]


def test_a_second_registration_of_the_same_name_is_refused():
    from tests.plugin_app.constants import PluginEvent

    with pytest.raises(ValueError):
        registry.register_urls(prefix="plugin", module="tests.plugin_app.urls")
    with pytest.raises(ValueError):
        registry.register_schedule("plugin-sample-nightly", task="x", schedule=60)
    registry.register_audit_events(PluginEvent)  # the same class again changes nothing
    assert registry.audit_event_types()["plugin.sample_recorded"] == "插件示例已记录"
