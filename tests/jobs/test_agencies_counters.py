"""The workbench counter of agency licences expiring soon (``agencies_expiring_count``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jobs.constants import LICENCE_EXPIRING_DAYS, LicenceStatus
from jobs.selectors.agencies import agencies_expiring_count
from portal.constants import StaffRole
from tests.conftest import make_staff
from tests.jobs.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _ending_in(days: int, **fields):
    return AgencyFactory(valid_to=timezone.localdate() + datetime.timedelta(days=days), **fields)


def test_district_clerk_counts_valid_licences_of_the_district_ending_within_the_window(clerk, tree):
    _ending_in(0, area=tree.c1)
    _ending_in(LICENCE_EXPIRING_DAYS, area=tree.s1)
    _ending_in(LICENCE_EXPIRING_DAYS + 1, area=tree.d1)  # not yet
    _ending_in(-1, area=tree.d1, valid_from=timezone.localdate() - datetime.timedelta(days=400))  # expired
    _ending_in(10, area=tree.d1, status=LicenceStatus.SUSPENDED)
    _ending_in(10, area=tree.d1, status=LicenceStatus.REVOKED)
    _ending_in(10, area=tree.c3)  # another district
    assert agencies_expiring_count(fetched_by=clerk) == 2
    assert agencies_expiring_count(fetched_by=make_staff(StaffRole.CLERK, tree.d2)) == 1


def test_no_count_for_those_who_do_not_manage_agencies(tree, job_seeker):
    _ending_in(10, area=tree.s1)
    for user in (make_staff(StaffRole.CLERK, tree.s1), make_staff(StaffRole.OFFICIAL, tree.d1),
                 make_staff(StaffRole.ADMINISTRATOR, tree.d1), job_seeker):
        assert agencies_expiring_count(fetched_by=user) is None


def test_the_count_is_one_query(clerk, tree, django_assert_num_queries):
    for days in (5, 15, 25):
        _ending_in(days, area=tree.s1)
    agencies_expiring_count(fetched_by=clerk)  # the clerk's grants are cached on the user from here on
    with django_assert_num_queries(1):
        assert agencies_expiring_count(fetched_by=clerk) == 3
