import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal import services
from portal.constants import AccountType, AuditEventType, StaffRole
from portal.models import AuditEvent, RoleGrant, User
from portal.scoping import OutOfScope
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Jianghan-River-2026"


def _codes(exc: ValidationError) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


def test_sign_up_creates_job_seeker_and_audits():
    user = services.user_sign_up(username="lihua", password=GOOD_PASSWORD, account_type=AccountType.JOB_SEEKER,
                                 full_name="李华", phone="13800138000")
    assert user.check_password(GOOD_PASSWORD) and user.account_type == AccountType.JOB_SEEKER
    event = AuditEvent.objects.get(event_type=AuditEventType.USER_SIGNED_UP)
    assert event.actor == user and event.object_id == str(user.pk)


@pytest.mark.parametrize("password", ["12345678901", "password123", "short1!"])
def test_sign_up_refuses_weak_password_and_writes_nothing(password):
    with pytest.raises(ValidationError) as caught:
        services.user_sign_up(username="weak", password=password, account_type=AccountType.JOB_SEEKER)
    assert "password" in caught.value.error_dict
    assert not User.objects.filter(username="weak").exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.USER_SIGNED_UP).exists()


def test_sign_up_refuses_duplicate_username_ignoring_case():
    UserFactory(username="wangwu")
    with pytest.raises(ValidationError) as caught:
        services.user_sign_up(username="WangWu", password=GOOD_PASSWORD, account_type=AccountType.EMPLOYER)
    assert _codes(caught.value) == {"username": ["duplicate"]}


def test_sign_up_refuses_staff_account_type_and_bad_phone():
    with pytest.raises(ValidationError) as caught:
        services.user_sign_up(username="sneaky", password=GOOD_PASSWORD, account_type=AccountType.STAFF)
    assert "account_type" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.user_sign_up(username="badphone", password=GOOD_PASSWORD, account_type=AccountType.JOB_SEEKER,
                              phone="12345")
    assert "phone" in caught.value.error_dict


def test_city_administrator_creates_staff_in_a_district(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    grant = services.staff_account_create(actor=admin, username="d1clerk", password=GOOD_PASSWORD,
                                          full_name="经办员甲", role=StaffRole.CLERK, area=tree.d1)
    assert grant.user.account_type == AccountType.STAFF and grant.area == tree.d1 and grant.granted_by == admin
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {AuditEventType.STAFF_ACCOUNT_CREATED, AuditEventType.ROLE_GRANTED} <= types
    assert AuditEvent.objects.get(event_type=AuditEventType.ROLE_GRANTED).area == tree.d1


@pytest.mark.parametrize("admin_at, target", [
    ("d1", "d2"),   # a sibling district: outside the subtree
    ("d1", "d1"),   # the administrator's own tier: not below it
    ("d1", "city"),  # above
    ("s1", "s2"),
])
def test_staff_grant_outside_or_at_the_granters_tier_is_refused(tree, admin_at, target):
    admin = make_staff(StaffRole.ADMINISTRATOR, getattr(tree, admin_at))
    role = StaffRole.OFFICIAL if target == "city" else StaffRole.CLERK
    with pytest.raises(ValidationError) as caught:
        services.staff_account_create(actor=admin, username="nope", password=GOOD_PASSWORD, full_name="某人",
                                      role=role, area=getattr(tree, target))
    assert _codes(caught.value) == {"area": ["out_of_scope"]}
    assert not User.objects.filter(username="nope").exists()


def test_clerk_cannot_grant_even_below_own_area(tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    with pytest.raises(ValidationError):
        services.staff_account_create(actor=clerk, username="nope", password=GOOD_PASSWORD, full_name="某人",
                                      role=StaffRole.CLERK, area=tree.c1)


def test_role_must_fit_the_area_level(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    with pytest.raises(ValidationError) as caught:
        services.staff_account_create(actor=admin, username="offc", password=GOOD_PASSWORD, full_name="某人",
                                      role=StaffRole.OFFICIAL, area=tree.c1)
    assert _codes(caught.value) == {"area": ["level"]}


def test_failed_password_on_staff_account_leaves_no_user_or_grant(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    with pytest.raises(ValidationError):
        services.staff_account_create(actor=admin, username="weakstaff", password="123456", full_name="某人",
                                      role=StaffRole.CLERK, area=tree.d1)
    assert not User.objects.filter(username="weakstaff").exists()
    assert RoleGrant.objects.count() == 1  # only the administrator's own


def test_period_must_be_ordered(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.staff_account_create(actor=admin, username="p", password=GOOD_PASSWORD, full_name="某人",
                                      role=StaffRole.CLERK, area=tree.d1, valid_from=today,
                                      valid_to=today - datetime.timedelta(days=1))
    assert _codes(caught.value) == {"valid_to": ["order"]}


def test_duplicate_open_grant_is_refused(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    grant = services.staff_account_create(actor=admin, username="dup", password=GOOD_PASSWORD, full_name="某人",
                                          role=StaffRole.CLERK, area=tree.d1)
    with pytest.raises(ValidationError) as caught:
        services.role_grant_create(actor=admin, user=grant.user, role=StaffRole.CLERK, area=tree.d1)
    assert _codes(caught.value) == {"role": ["duplicate"]}


def test_staff_roles_go_to_staff_accounts_only(tree, job_seeker):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    with pytest.raises(ValidationError) as caught:
        services.role_grant_create(actor=admin, user=job_seeker, role=StaffRole.CLERK, area=tree.d1)
    assert "user" in caught.value.error_dict


def test_revoke_ends_scope_at_once_and_is_audited(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    grant = clerk.role_grants.get()
    services.role_grant_revoke(actor=admin, grant=grant)
    grant.refresh_from_db()
    assert grant.revoked_by == admin and not grant.is_active()
    assert RoleGrant.objects.visible_to(clerk).count() == 0
    assert AuditEvent.objects.filter(event_type=AuditEventType.ROLE_REVOKED, object_id=str(grant.pk)).count() == 1
    with pytest.raises(ValidationError):
        services.role_grant_revoke(actor=admin, grant=grant)


def test_revoke_outside_subtree_reads_as_not_found(tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d2)
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    with pytest.raises(OutOfScope):
        services.role_grant_revoke(actor=admin, grant=clerk.role_grants.get())
    assert clerk.role_grants.get().revoked_at is None


def test_expiry_is_recorded_once_even_when_rerun(tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    grant = clerk.role_grants.get()
    RoleGrant.objects.filter(pk=grant.pk).update(valid_from=datetime.date(2020, 1, 1),
                                                 valid_to=datetime.date(2020, 12, 31))
    assert services.role_grants_expire() == 1
    assert services.role_grants_expire() == 0
    assert AuditEvent.objects.filter(event_type=AuditEventType.ROLE_EXPIRED).count() == 1


def test_password_change_checks_old_password_and_strength(job_seeker):
    with pytest.raises(ValidationError) as caught:
        services.user_password_change(user=job_seeker, old_password="wrong", new_password=GOOD_PASSWORD)
    assert _codes(caught.value) == {"old_password": ["password_incorrect"]}
    with pytest.raises(ValidationError):
        services.user_password_change(user=job_seeker, old_password=TEST_PASSWORD, new_password="1234567890")
    services.user_password_change(user=job_seeker, old_password=TEST_PASSWORD, new_password=GOOD_PASSWORD)
    job_seeker.refresh_from_db()
    assert job_seeker.check_password(GOOD_PASSWORD)
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_PASSWORD_CHANGED).count() == 1
