"""Employer services: registration, changes, verification by the district and member units."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from jobs.constants import EmployerStatus, JobsEvent
from jobs.models import Employer, Vacancy
from jobs.search import vacancy_search_text
from jobs.services.employers import (
    employer_register,
    employer_reject,
    employer_resubmit,
    employer_set_membership,
    employer_update,
    employer_verify,
)
from portal.constants import AccountType, StaffRole
from portal.models import AuditEvent, StatusChange
from portal.reference.models import Industry
from portal.scoping import OutOfScope
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.jobs.factories import EmployerFactory, VacancyFactory, credit_code

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError, field: str) -> list[str]:
    return [error.code for error in exc.error_dict[field]]


def registration(tree, **overrides) -> dict:
    return {"name": "武汉江滩建材有限公司", "credit_code": credit_code(90001),
            "industry": Industry.objects.get(code="C"), "area": tree.c1, "contact_name": "张经理",
            "contact_phone": "027-82001234", "address": "沿江大道1号", "introduction": "建材批发。", **overrides}


def test_employer_registers_its_organisation_pending_and_audited(tree, employer):
    org = employer_register(actor=employer, **registration(tree, credit_code=" " + credit_code(90001).lower()))
    org.refresh_from_db()
    assert org.status == EmployerStatus.PENDING and org.account == employer
    assert org.credit_code == credit_code(90001)  # trimmed and upper-cased
    assert org.area_path == tree.c1.path
    event = AuditEvent.objects.get(event_type=JobsEvent.EMPLOYER_REGISTERED)
    assert event.actor == employer and event.object_id == str(org.pk)
    assert event.new_values["credit_code"] == credit_code(90001)


@pytest.mark.parametrize("code, expected", [
    (credit_code(90001)[:17] + ("0" if credit_code(90001)[17] != "0" else "1"), "check"),
    ("91420100ABC", "length"),
    ("91420100MA4KZZZZZZ", "charset"),
    ("", "required"),
])
def test_register_refuses_an_invalid_credit_code(tree, employer, code, expected):
    with pytest.raises(ValidationError) as caught:
        employer_register(actor=employer, **registration(tree, credit_code=code))
    assert codes(caught.value, "credit_code") == [expected]
    assert not Employer.objects.exists()


def test_register_refuses_a_credit_code_already_registered(tree, employer):
    EmployerFactory(credit_code=credit_code(90001))
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        employer_register(actor=employer, **registration(tree))
    assert codes(caught.value, "credit_code") == ["duplicate"]
    assert "already registered" in caught.value.error_dict["credit_code"][0].messages[0]


def test_register_needs_a_community_and_an_industry(tree, employer):
    with pytest.raises(ValidationError) as caught:
        employer_register(actor=employer, **registration(tree, area=tree.s1, industry=None, name=""))
    assert codes(caught.value, "area") == ["level"]
    assert codes(caught.value, "industry") == ["required"]
    assert codes(caught.value, "name") == ["blank"]


def test_register_refuses_a_bad_phone_number(tree, employer):
    with pytest.raises(ValidationError) as caught:
        employer_register(actor=employer, **registration(tree, contact_phone="call me"))
    assert codes(caught.value, "contact_phone") == ["invalid"]


def test_only_employer_accounts_register_and_only_once(tree, employer, job_seeker):
    with pytest.raises(ValidationError) as caught:
        employer_register(actor=job_seeker, **registration(tree))
    assert codes(caught.value, "__all__") == ["not_employer"]
    employer_register(actor=employer, **registration(tree))
    with pytest.raises(ValidationError) as caught:
        employer_register(actor=employer, **registration(tree, credit_code=credit_code(90002)))
    assert codes(caught.value, "__all__") == ["already_registered"]


def test_district_clerk_verifies_a_pending_employer(tree, district_clerk):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    verified = employer_verify(actor=district_clerk, employer=org)
    org.refresh_from_db()
    assert org.status == verified.status == EmployerStatus.VERIFIED
    assert org.verified_by == district_clerk and org.verified_at is not None
    change = StatusChange.objects.get(object_type="jobs.employer", object_id=str(org.pk))
    assert (change.from_status, change.to_status, change.actor) == ("pending", "verified", district_clerk)
    events = AuditEvent.objects.filter(event_type=JobsEvent.EMPLOYER_STATUS_CHANGED, object_id=str(org.pk))
    assert events.count() == 1


@pytest.mark.parametrize("role, attr", [
    (StaffRole.CLERK, "s1"), (StaffRole.CLERK, "c1"), (StaffRole.CLERK, "d2"),
    (StaffRole.ADMINISTRATOR, "d1"), (StaffRole.OFFICIAL, "d1"),
])
def test_only_a_clerk_of_the_employers_district_verifies_or_rejects(tree, role, attr):
    user = make_staff(role, getattr(tree, attr))
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING, verified_at=None)
    with pytest.raises(OutOfScope):
        employer_verify(actor=user, employer=org)
    with pytest.raises(OutOfScope):
        employer_reject(actor=user, employer=org, reason="营业执照不清晰")
    org.refresh_from_db()
    assert org.status == EmployerStatus.PENDING


def test_a_verified_employer_cannot_be_verified_again(tree, district_clerk):
    org = EmployerFactory(area=tree.c1)
    with pytest.raises(ValidationError) as caught:
        employer_verify(actor=district_clerk, employer=org)
    assert caught.value.code == "invalid_transition"


def test_rejected_employer_corrects_its_details_and_resubmits(tree, district_clerk, employer):
    org = employer_register(actor=employer, **registration(tree))
    with pytest.raises(ValidationError) as caught:
        employer_reject(actor=district_clerk, employer=org, reason="  ")
    assert codes(caught.value, "reason") == ["required"]

    employer_reject(actor=district_clerk, employer=org, reason="名称与营业执照不一致")
    org.refresh_from_db()
    assert (org.status, org.status_reason) == (EmployerStatus.REJECTED, "名称与营业执照不一致")

    employer_update(actor=employer, employer=org, name="武汉江滩建材贸易有限公司")
    employer_resubmit(actor=employer, employer=org)
    org.refresh_from_db()
    assert (org.status, org.status_reason, org.name) == (EmployerStatus.PENDING, "", "武汉江滩建材贸易有限公司")
    moves = list(StatusChange.objects.filter(object_id=str(org.pk), object_type="jobs.employer")
                 .values_list("to_status", "note"))
    assert moves == [("rejected", "名称与营业执照不一致"), ("pending", "")]


def test_resubmitting_a_pending_employer_is_refused(tree, employer):
    org = employer_register(actor=employer, **registration(tree))
    with pytest.raises(ValidationError) as caught:
        employer_resubmit(actor=employer, employer=org)
    assert caught.value.code == "invalid_transition"


def test_another_account_cannot_change_or_resubmit_an_employer(tree, employer):
    org = EmployerFactory(area=tree.c1, status=EmployerStatus.REJECTED)
    with pytest.raises(OutOfScope):
        employer_update(actor=employer, employer=org, name="冒名公司")
    with pytest.raises(OutOfScope):
        employer_resubmit(actor=employer, employer=org)
    org.refresh_from_db()
    assert org.status == EmployerStatus.REJECTED and org.name != "冒名公司"


def test_renaming_an_employer_reindexes_its_vacancies(tree):
    org = EmployerFactory(area=tree.c1, name="武汉旧名有限公司")
    vacancy = VacancyFactory(employer=org)
    assert "旧名" in vacancy.search_text
    employer_update(actor=org.account, employer=org, name="武汉新名称有限公司")
    vacancy.refresh_from_db()
    assert vacancy.search_text == vacancy_search_text(title=vacancy.title, employer_name="武汉新名称有限公司",
                                                      description=vacancy.description)
    assert "旧名" not in vacancy.search_text and "新名" in vacancy.search_text
    event = AuditEvent.objects.get(event_type=JobsEvent.EMPLOYER_UPDATED)
    assert event.old_values == {"name": "武汉旧名有限公司"} and event.new_values == {"name": "武汉新名称有限公司"}


def test_a_verified_employer_keeps_its_credit_code_and_area(tree):
    org = EmployerFactory(area=tree.c1)
    with pytest.raises(ValidationError) as caught:
        employer_update(actor=org.account, employer=org, credit_code=credit_code(90009), area=tree.c2)
    assert codes(caught.value, "credit_code") == ["locked"] and codes(caught.value, "area") == ["locked"]
    employer_update(actor=org.account, employer=org, contact_phone="027-88889999")
    org.refresh_from_db()
    assert org.contact_phone == "027-88889999"


def test_district_makes_a_verified_employer_a_member_unit_and_ends_it(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    org = EmployerFactory(area=tree.c1)
    since = timezone.localdate() - datetime.timedelta(days=3)
    employer_set_membership(actor=admin, employer=org, is_member=True, member_since=since)
    org.refresh_from_db()
    assert org.is_member_unit and org.member_since == since
    employer_set_membership(actor=make_staff(StaffRole.CLERK, tree.d1), employer=org, is_member=False)
    org.refresh_from_db()
    assert not org.is_member_unit and org.member_since is None
    events = AuditEvent.objects.filter(event_type=JobsEvent.EMPLOYER_MEMBERSHIP_CHANGED).order_by("id")
    assert [e.new_values["is_member_unit"] for e in events] == [True, False]


def test_membership_refuses_unverified_employers_future_dates_and_street_staff(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    pending = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING)
    with pytest.raises(ValidationError) as caught:
        employer_set_membership(actor=admin, employer=pending, is_member=True, member_since=timezone.localdate())
    assert codes(caught.value, "__all__") == ["not_verified"]
    org = EmployerFactory(area=tree.c1)
    with pytest.raises(ValidationError) as caught:
        employer_set_membership(actor=admin, employer=org, is_member=True,
                                member_since=timezone.localdate() + datetime.timedelta(days=1))
    assert codes(caught.value, "member_since") == ["future"]
    with pytest.raises(ValidationError) as caught:
        employer_set_membership(actor=admin, employer=org, is_member=True, member_since=None)
    assert codes(caught.value, "member_since") == ["required"]
    with pytest.raises(OutOfScope):
        employer_set_membership(actor=make_staff(StaffRole.ADMINISTRATOR, tree.s1), employer=org, is_member=True,
                                member_since=timezone.localdate())
    with pytest.raises(OutOfScope):
        employer_set_membership(actor=make_staff(StaffRole.CLERK, tree.d2), employer=org, is_member=True,
                                member_since=timezone.localdate())
    org.refresh_from_db()
    assert not org.is_member_unit


def test_employer_account_type_is_what_decides_registration(tree):
    staff_user = UserFactory(account_type=AccountType.STAFF)
    with pytest.raises(ValidationError):
        employer_register(actor=staff_user, **registration(tree))


def test_reindexing_works_through_many_vacancies_in_chunks(tree):
    from jobs.services.employers import _reindex_vacancies

    org = EmployerFactory(area=tree.c1, name="武汉批量有限公司")
    VacancyFactory.create_batch(5, employer=org)
    org.name = "武汉分块有限公司"
    assert _reindex_vacancies(org, batch=2) == 5
    assert all("分块" in text for text in Vacancy.objects.values_list("search_text", flat=True))
