"""Agency services and badges: licences by district clerks, status with reasons, supervision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jobs.constants import JobsEvent, LicenceStatus, SupervisionResult
from jobs.models import Agency, SupervisionRecord
from jobs.selectors.agencies import LicenceBadge, agency_public_list, agency_staff_base, licence_badge
from jobs.services import agencies as services
from portal.constants import StaffRole
from portal.models import AuditEvent, StatusChange
from portal.scoping import OutOfScope
from portal.workflow import available_moves
from tests.conftest import make_staff
from tests.jobs.conftest import codes
from tests.jobs.factories import AgencyFactory, credit_code

pytestmark = pytest.mark.django_db


# --- Helpers shared with test_agencies_pages.py and test_agencies_api.py ------------------------


def licence_values(area, **overrides) -> dict:
    today = timezone.localdate()
    return {"name": "武汉江城人力资源服务有限公司", "licence_number": "鄂人社中介字〔2026〕0001号", "holder": "张三",
            "scope": "职业介绍、职业指导、人才推荐", "address": "江岸区解放大道100号", "contact_phone": "027-82881234",
            "credit_code": credit_code(7), "valid_from": today - datetime.timedelta(days=10),
            "valid_to": today + datetime.timedelta(days=3 * 365), "area": area, **overrides}


# --- Recording licences -----------------------------------------------------------------------


def test_district_clerk_records_a_licence_and_it_is_audited(clerk, tree):
    agency = services.agency_license(actor=clerk, **licence_values(tree.s1))
    assert agency.status == LicenceStatus.VALID and agency.area == tree.s1
    event = AuditEvent.objects.get(event_type=JobsEvent.AGENCY_LICENSED, object_id=str(agency.pk))
    assert event.actor == clerk and event.new_values["licence_number"] == agency.licence_number


def test_duplicate_licence_number_is_refused_with_a_clear_message(clerk, tree):
    services.agency_license(actor=clerk, **licence_values(tree.d1))
    with pytest.raises(ValidationError) as caught:
        services.agency_license(actor=clerk, **licence_values(tree.d1, name="另一家", credit_code=""))
    assert codes(caught.value) == {"licence_number": ["duplicate"]}
    assert "鄂人社中介字〔2026〕0001号" in caught.value.message_dict["licence_number"][0]
    assert Agency.objects.count() == 1


def test_licence_must_not_end_before_it_starts(clerk, tree):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.agency_license(actor=clerk, **licence_values(tree.d1, valid_from=today,
                                                              valid_to=today - datetime.timedelta(days=1)))
    assert codes(caught.value) == {"valid_to": ["order"]}
    assert services.agency_license(actor=clerk, **licence_values(tree.d1, valid_from=today, valid_to=today))


def test_invalid_credit_code_is_refused_and_an_empty_one_is_fine(clerk, tree):
    with pytest.raises(ValidationError) as caught:
        services.agency_license(actor=clerk, **licence_values(tree.d1, credit_code="91420100MA4K000000"))
    assert codes(caught.value) == {"credit_code": ["check"]}
    assert services.agency_license(actor=clerk, **licence_values(tree.d1, credit_code="")).credit_code == ""


def test_missing_and_oversized_fields_are_named(clerk, tree):
    with pytest.raises(ValidationError) as caught:
        services.agency_license(actor=clerk, **licence_values(tree.d1, name="", holder="张" * 61))
    assert codes(caught.value) == {"name": ["required"], "holder": ["max_length"]}


@pytest.mark.parametrize("position", ["s1", "c1"])
def test_street_and_community_clerks_cannot_record_licences(tree, position):
    clerk = make_staff(StaffRole.CLERK, getattr(tree, position))
    with pytest.raises(OutOfScope):
        services.agency_license(actor=clerk, **licence_values(getattr(tree, position)))
    with pytest.raises(OutOfScope):
        services.agency_license(actor=clerk, **licence_values(None))
    assert not Agency.objects.exists()


def test_district_administrator_and_clerks_of_other_districts_cannot_record_here(tree):
    for actor in (make_staff(StaffRole.ADMINISTRATOR, tree.d1), make_staff(StaffRole.CLERK, tree.d2)):
        with pytest.raises(OutOfScope):
            services.agency_license(actor=actor, **licence_values(tree.d1))


def test_agency_belongs_to_a_district_or_below(clerk, tree):
    superuser = make_staff(StaffRole.CLERK, tree.d1)
    superuser.is_superuser = True
    superuser.save()
    with pytest.raises(ValidationError) as caught:
        services.agency_license(actor=superuser, **licence_values(tree.city))
    assert codes(caught.value) == {"area": ["level"]}


def test_update_corrects_details_and_keeps_the_number_unique(clerk, tree):
    first = services.agency_license(actor=clerk, **licence_values(tree.d1))
    second = services.agency_license(actor=clerk, **licence_values(
        tree.d1, licence_number="鄂人社中介字〔2026〕0002号"))
    updated = services.agency_update(actor=clerk, agency=second, **licence_values(
        tree.s1, licence_number="鄂人社中介字〔2026〕0002号", holder="李四"))
    assert (updated.holder, updated.area) == ("李四", tree.s1)
    event = AuditEvent.objects.get(event_type=JobsEvent.AGENCY_UPDATED, object_id=str(second.pk))
    assert event.old_values["holder"] == "张三" and event.new_values["holder"] == "李四"
    with pytest.raises(ValidationError) as caught:
        services.agency_update(actor=clerk, agency=second, **licence_values(tree.d1,
                                                                            licence_number=first.licence_number))
    assert codes(caught.value) == {"licence_number": ["duplicate"]}


# --- Status -----------------------------------------------------------------------------------


def test_licence_is_suspended_reinstated_then_revoked_with_reasons(clerk, tree):
    agency = services.agency_license(actor=clerk, **licence_values(tree.d1))
    agency = services.agency_status_change(actor=clerk, agency=agency, to=LicenceStatus.SUSPENDED, reason="违规收费")
    assert (agency.status, agency.status_reason) == (LicenceStatus.SUSPENDED, "违规收费")
    agency = services.agency_status_change(actor=clerk, agency=agency, to=LicenceStatus.VALID, reason="整改完成")
    agency = services.agency_status_change(actor=clerk, agency=agency, to=LicenceStatus.REVOKED, reason="再次违规")
    history = list(StatusChange.objects.filter(object_type="jobs.agency", object_id=str(agency.pk))
                   .values_list("from_status", "to_status", "note"))
    assert history == [("valid", "suspended", "违规收费"), ("suspended", "valid", "整改完成"),
                       ("valid", "revoked", "再次违规")]
    assert AuditEvent.objects.filter(event_type=JobsEvent.AGENCY_STATUS_CHANGED).count() == 3


def test_revoked_is_final(clerk, tree):
    agency = services.agency_license(actor=clerk, **licence_values(tree.d1))
    agency = services.agency_status_change(actor=clerk, agency=agency, to=LicenceStatus.REVOKED, reason="吊销")
    with pytest.raises(ValidationError) as caught:
        services.agency_status_change(actor=clerk, agency=agency, to=LicenceStatus.VALID, reason="恢复")
    assert codes(caught.value) == {"__all__": ["invalid_transition"]}


def test_status_change_needs_a_reason(clerk, tree):
    agency = services.agency_license(actor=clerk, **licence_values(tree.d1))
    with pytest.raises(ValidationError) as caught:
        services.agency_status_change(actor=clerk, agency=agency, to=LicenceStatus.SUSPENDED, reason="  ")
    assert codes(caught.value) == {"reason": ["required"]}
    agency.refresh_from_db()
    assert agency.status == LicenceStatus.VALID


def test_street_clerk_cannot_change_a_licence_status(tree):
    agency = AgencyFactory(area=tree.s1)
    with pytest.raises(OutOfScope):
        services.agency_status_change(actor=make_staff(StaffRole.CLERK, tree.s1), agency=agency,
                                      to=LicenceStatus.SUSPENDED, reason="x")


def test_status_change_judges_the_locked_row_not_the_callers_stale_copy(clerk, tree):
    stale = AgencyFactory(area=tree.d1)
    services.agency_status_change(actor=clerk, agency=Agency.objects.get(pk=stale.pk), to=LicenceStatus.REVOKED,
                                  reason="吊销")
    with pytest.raises(ValidationError) as caught:
        services.agency_status_change(actor=clerk, agency=stale, to=LicenceStatus.SUSPENDED, reason="暂停")
    assert codes(caught.value) == {"__all__": ["invalid_transition"]}
    assert Agency.objects.get(pk=stale.pk).status == LicenceStatus.REVOKED


@pytest.mark.parametrize("role, position", [(StaffRole.CLERK, "s1"), (StaffRole.ADMINISTRATOR, "d1"),
                                            (StaffRole.OFFICIAL, "city"), (StaffRole.CLERK, "d2")])
def test_only_district_clerks_over_the_agency_have_moves_and_the_services_agree(tree, role, position):
    agency = AgencyFactory(area=tree.s1)
    actor = make_staff(role, getattr(tree, position))
    assert available_moves(actor, agency) == {}
    for attempt in (
        lambda: services.agency_status_change(actor=actor, agency=agency, to=LicenceStatus.SUSPENDED, reason="x"),
        lambda: services.agency_update(actor=actor, agency=agency, **licence_values(tree.s1)),
        lambda: services.agency_supervise(actor=actor, agency=agency, inspected_on=timezone.localdate(),
                                          findings="x", result=SupervisionResult.COMPLIANT),
    ):
        with pytest.raises(OutOfScope):
            attempt()
    district_clerk = make_staff(StaffRole.CLERK, tree.d1)
    assert set(available_moves(district_clerk, agency)) == {"suspend", "revoke", "edit", "supervise"}


# --- Supervision ------------------------------------------------------------------------------


def test_district_clerk_records_an_inspection(clerk, tree):
    agency = AgencyFactory(area=tree.s1)
    record = services.agency_supervise(actor=clerk, agency=agency, inspected_on=timezone.localdate(),
                                       findings="收费公示不全", result=SupervisionResult.RECTIFY)
    assert (record.inspector, record.area, record.result) == (clerk, tree.s1, SupervisionResult.RECTIFY)
    assert AuditEvent.objects.filter(event_type=JobsEvent.AGENCY_SUPERVISED, object_id=str(record.pk)).exists()


def test_inspection_date_in_the_future_is_refused(clerk, tree):
    agency = AgencyFactory(area=tree.d1)
    with pytest.raises(ValidationError) as caught:
        services.agency_supervise(actor=clerk, agency=agency,
                                  inspected_on=timezone.localdate() + datetime.timedelta(days=1),
                                  findings="x", result=SupervisionResult.COMPLIANT)
    assert codes(caught.value) == {"inspected_on": ["future"]}
    with pytest.raises(ValidationError) as caught:
        services.agency_supervise(actor=clerk, agency=agency, inspected_on=None, findings="", result="great")
    assert codes(caught.value) == {"inspected_on": ["required"], "findings": ["required"],
                                   "result": ["invalid_choice"]}
    assert not SupervisionRecord.objects.exists()


def test_community_clerk_cannot_record_an_inspection(tree):
    agency = AgencyFactory(area=tree.c1)
    with pytest.raises(OutOfScope):
        services.agency_supervise(actor=make_staff(StaffRole.CLERK, tree.c1), agency=agency,
                                  inspected_on=timezone.localdate(), findings="x", result=SupervisionResult.COMPLIANT)


# --- Badges -----------------------------------------------------------------------------------


def _badges_by_name(queryset) -> dict[str, str]:
    return {agency.name: agency.badge for agency in queryset}


def test_badge_is_valid_expiring_within_60_days_expired_or_suspended(tree):
    today = timezone.localdate()
    days = datetime.timedelta
    AgencyFactory(name="valid", valid_to=today + days(61))
    AgencyFactory(name="expiring-60", valid_to=today + days(60))
    AgencyFactory(name="expiring-today", valid_to=today)
    AgencyFactory(name="expired", valid_from=today - days(400), valid_to=today - days(1))
    AgencyFactory(name="suspended", status=LicenceStatus.SUSPENDED, valid_to=today + days(10))
    AgencyFactory(name="suspended-expired", status=LicenceStatus.SUSPENDED, valid_from=today - days(400),
                  valid_to=today - days(5))
    AgencyFactory(name="revoked", status=LicenceStatus.REVOKED)
    expected = {"valid": LicenceBadge.VALID, "expiring-60": LicenceBadge.EXPIRING,
                "expiring-today": LicenceBadge.EXPIRING, "expired": LicenceBadge.EXPIRED,
                "suspended": LicenceBadge.SUSPENDED, "suspended-expired": LicenceBadge.EXPIRED}
    assert _badges_by_name(agency_public_list(fetched_by=None)) == expected  # revoked is not public
    assert _badges_by_name(agency_staff_base()) == {**expected, "revoked": LicenceBadge.REVOKED}
    # The in-memory rule agrees with the database expression.
    assert {a.name: licence_badge(a) for a in Agency.objects.all()} == {**expected, "revoked": LicenceBadge.REVOKED}
