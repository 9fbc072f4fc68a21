import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from portal.audit import audit_record
from portal.constants import AuditEventType, AuditKind, StaffRole
from portal.models import AuditEvent
from tests.conftest import make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_actor_object_area_and_values(tree):
    actor = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    grant = actor.role_grants.get()
    event = audit_record(event_type=AuditEventType.ROLE_REVOKED, actor=actor, obj=grant,
                         old={"revoked_at": None}, new={"revoked_at": "2026-11-24"})
    event.refresh_from_db()
    assert (event.actor, event.area, event.area_path) == (actor, tree.city, tree.city.path)
    assert (event.object_type, event.object_id) == ("portal.rolegrant", str(grant.pk))
    assert event.old_values == {"revoked_at": None} and event.new_values == {"revoked_at": "2026-11-24"}
    assert event.kind == AuditKind.CHANGE


def test_read_kind_is_recorded(tree):
    actor = make_staff(StaffRole.CLERK, tree.d1)
    event = audit_record(event_type=AuditEventType.PERSONAL_DATA_VIEWED, actor=actor, obj=actor,
                         area=tree.d1, kind=AuditKind.READ)
    assert AuditEvent.objects.get(pk=event.pk).kind == AuditKind.READ


def test_unknown_event_type_is_refused():
    with pytest.raises(ValueError):
        audit_record(event_type="made.up", actor=None)


def test_events_cannot_be_changed_or_deleted_through_the_orm(tree):
    event = audit_record(event_type=AuditEventType.AREA_UPDATED, actor=None, area=tree.d1)
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="changed")
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize("statement", [
    "UPDATE portal_auditevent SET object_repr = 'changed' WHERE id = %s",
    "DELETE FROM portal_auditevent WHERE id = %s",
])
def test_database_refuses_update_and_delete_whoever_connects(tree, statement):
    event = audit_record(event_type=AuditEventType.AREA_UPDATED, actor=None, area=tree.d1)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, object_repr="").exists()


def test_admin_shows_audit_rows_read_only(client, tree):
    root = UserFactory(is_superuser=True, is_staff=True)
    event = audit_record(event_type=AuditEventType.AREA_UPDATED, actor=None, area=tree.d1)
    client.force_login(root)
    assert client.get("/admin/portal/auditevent/").status_code == 200
    detail = client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert client.post(f"/admin/portal/auditevent/{event.pk}/change/", {"object_repr": "x"}).status_code == 403
    assert client.get("/admin/portal/auditevent/add/").status_code == 403
    assert client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_is_for_the_system_administrator_only(client, tree):
    city_admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    city_admin.is_staff = True
    city_admin.save()
    client.force_login(city_admin)
    response = client.get("/admin/portal/auditevent/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
