import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.constants import StaffRole
from portal.models import Area, AuditEvent, RoleGrant
from portal.scoping import OutOfScope, assert_in_scope, scope_paths
from tests.conftest import make_staff
from tests.factories import AuditEventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_district_clerk_sees_own_subtree_only(tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    inside = [AuditEventFactory(area=a) for a in (tree.d1, tree.s1, tree.c1)]
    outside = [AuditEventFactory(area=a) for a in (tree.d2, tree.c3, tree.city, tree.province)]
    visible = set(AuditEvent.objects.visible_to(clerk))
    assert visible == set(inside)
    assert not visible & set(outside)


def test_subtree_of_areas_is_one_prefix_filter(tree, django_assert_num_queries):
    clerk = make_staff(StaffRole.CLERK, tree.s1)
    clerk = type(clerk).objects.get(pk=clerk.pk)
    with django_assert_num_queries(2):  # the grants once, then the filtered rows
        rows = list(Area.objects.visible_to(clerk))
    assert {a.level for a in rows} == {"street", "community"}
    assert all(a.path.startswith(tree.s1.path) for a in rows)


@pytest.mark.parametrize("who", ["anonymous", "job_seeker", "employer", "revoked", "expired", "future", "inactive"])
def test_fail_closed(tree, who):
    AuditEventFactory(area=tree.d1)
    today = timezone.localdate()
    if who == "anonymous":
        user = AnonymousUser()
    elif who in ("job_seeker", "employer"):
        user = UserFactory(account_type=who)
    else:
        user = make_staff(StaffRole.CLERK, tree.d1)
        grant = user.role_grants.get()
        if who == "revoked":
            grant.revoked_at = timezone.now()
        elif who == "expired":
            grant.valid_from, grant.valid_to = datetime.date(2020, 1, 1), today - datetime.timedelta(days=1)
        elif who == "future":
            grant.valid_from = today + datetime.timedelta(days=1)
        elif who == "inactive":
            user.is_active = False
            user.save()
        grant.save()
    assert scope_paths(user) == []
    assert AuditEvent.objects.visible_to(user).count() == 0
    with pytest.raises(OutOfScope):
        assert_in_scope(user, tree.d1)


def test_records_without_area_are_visible_to_nobody_but_the_system_administrator(tree):
    record = AuditEventFactory(area=None)
    city_admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    assert not AuditEvent.objects.visible_to(city_admin).filter(pk=record.pk).exists()
    root = UserFactory(is_superuser=True)
    assert AuditEvent.objects.visible_to(root).filter(pk=record.pk).exists()


def test_roles_narrow_the_scope(tree):
    user = make_staff(StaffRole.CLERK, tree.c1)
    RoleGrant.objects.create(user=user, role=StaffRole.OFFICIAL, area=tree.d2)
    assert scope_paths(user) == sorted([tree.c1.path, tree.d2.path])
    assert scope_paths(user, roles=[StaffRole.OFFICIAL]) == [tree.d2.path]
    assert scope_paths(user, roles=[StaffRole.ADMINISTRATOR]) == []
    assert_in_scope(user, tree.c3, roles=[StaffRole.OFFICIAL])
    with pytest.raises(OutOfScope):
        assert_in_scope(user, tree.c3, roles=[StaffRole.CLERK])


def test_nested_grants_collapse_to_the_wider_one(tree):
    user = make_staff(StaffRole.CLERK, tree.c1)
    RoleGrant.objects.create(user=user, role=StaffRole.OFFICIAL, area=tree.d1)
    assert scope_paths(user) == [tree.d1.path]


def test_out_of_scope_is_not_found_and_none_area_is_out(tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    assert_in_scope(clerk, tree.c1)
    for area in (tree.d2, tree.city, None):
        with pytest.raises(OutOfScope) as caught:
            assert_in_scope(clerk, area)
        from django.http import Http404
        assert isinstance(caught.value, Http404)


def test_levels_narrow_the_scope_to_grants_held_at_those_levels(tree):
    user = make_staff(StaffRole.CLERK, tree.c1)
    RoleGrant.objects.create(user=user, role=StaffRole.CLERK, area=tree.d2)
    assert scope_paths(user, roles=[StaffRole.CLERK], levels=["district"]) == [tree.d2.path]
    assert_in_scope(user, tree.c3, levels=["district"])
    with pytest.raises(OutOfScope):
        assert_in_scope(user, tree.c1, levels=["district"])
