"""The audit trail page: each entry's recorded values folded into its details, filters folded
unless in use, a page of 20 with pagination."""

from __future__ import annotations

import pytest

from portal.audit import audit_record
from portal.constants import AuditEventType, StaffRole
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def test_changes_list_old_names_first_then_new_ones():
    from portal.models import AuditEvent

    event = AuditEvent(old_values={"role": "clerk", "area": "江岸区"}, new_values={"area": "武昌区", "note": "调动"})
    assert event.changes() == [("role", "clerk", None), ("area", "江岸区", "武昌区"), ("note", None, "调动")]


def test_each_entry_shows_its_values_in_details_and_the_page_holds_twenty(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    for n in range(25):
        audit_record(event_type=AuditEventType.ROLE_GRANTED, actor=admin, obj=clerk, area=tree.c1,
                     old={"valid_to": "2026-01-01"}, new={"valid_to": f"2027-01-{n + 1:02d}"}, ip_address="10.0.0.7")
    client.force_login(admin)

    html = client.get("/staff/audit/").content.decode()
    assert html.count('<td class="audit-details">') == 20
    assert "<del>2026-01-01</del> → 2027-01-25" in html  # the newest first
    assert "10.0.0.7" in html
    assert '<details class="filter-box">' in html  # folded: no filter in use
    assert 'rel="next"' in html

    html = client.get("/staff/audit/", {"kind": "change"}).content.decode()
    assert '<details class="filter-box" open>' in html
