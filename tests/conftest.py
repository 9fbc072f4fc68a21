"""Fixtures shared by every app's tests: the tier tree, a user per role, API clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from jobs.selectors.search import reference_forget
from portal.constants import AccountType, AreaLevel, StaffRole
from portal.models import Area, RoleGrant, User
from portal.reference.divisions import areas_load_file
from portal.reference.models import Occupation
from portal.reference.occupations import reference_load
from registration.models import HardshipCategory
from registration.reference import hardship_categories_load
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the portal's default language (Simplified Chinese), whatever the
    previous test's requests activated; a test that checks English text activates it itself."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: no throttle counts left by the tests before it."""
    cache.clear()
    yield


@pytest.fixture
def fresh_reference_memo():
    """Reference tables (districts, occupations) are remembered per process; a test that reads them
    through the search selectors starts and ends without them."""
    reference_forget()
    yield
    reference_forget()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Wuhan's 3,702 areas once; each test's transaction rolls back over it."""
    with django_db_blocker.unblock():
        areas_load_file()


@dataclass
class Tree:
    province: Area
    city: Area
    other_city: Area
    d1: Area  # 江岸区
    d2: Area  # 武昌区
    s1: Area  # a street of d1
    s2: Area  # another street of d1
    c1: Area  # a community of s1
    c2: Area  # another community of s1
    c3: Area  # a community of d2

    def sibling_and_parent(self, area: Area) -> tuple[Area, Area]:
        return {
            self.c1.code: (self.c2, self.s1),
            self.s1.code: (self.s2, self.d1),
            self.d1.code: (self.d2, self.city),
            self.city.code: (self.other_city, self.province),
        }[area.code]


@pytest.fixture
def distinct_ids(db):
    """Each table numbers its next rows from its own million (table n from n × 1,000,000), so an id
    names one record: a guard looking for a record's id in an answer cannot mistake a nested id of
    another model (a referral's vacancy, say) for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename")
        for n, (name,) in enumerate(cursor.fetchall(), start=1):
            cursor.execute("SELECT setval(%s, %s, false)", [name, n * 1_000_000])


@pytest.fixture
def tree(db) -> Tree:
    """Named areas of the loaded Wuhan tree, plus a province root and a sibling city."""
    province = Area.objects.create(code="420000000000", name="湖北省", level=AreaLevel.PROVINCE)
    other_city = Area.objects.create(code="420200000000", name="黄石市", level=AreaLevel.CITY, parent=province)
    city = Area.objects.get(code="420100000000")
    d1 = Area.objects.get(code="420102000000")
    d2 = Area.objects.get(code="420106000000")
    s1, s2 = Area.objects.filter(parent=d1).order_by("code")[:2]
    c1, c2 = Area.objects.filter(parent=s1).order_by("code")[:2]
    c3 = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=d2.path).order_by("code").first()
    return Tree(province, city, other_city, d1, d2, s1, s2, c1, c2, c3)


def make_staff(role: str, area: Area, username: str | None = None) -> User:
    user = UserFactory(account_type=AccountType.STAFF, **({"username": username} if username else {}))
    RoleGrant.objects.create(user=user, role=role, area=area)
    return user


# Every staff role at every tier it can hold, named "<role>@<tier>".
STAFF_POSITIONS = [
    ("clerk@community", StaffRole.CLERK, "c1"),
    ("clerk@street", StaffRole.CLERK, "s1"),
    ("clerk@district", StaffRole.CLERK, "d1"),
    ("official@district", StaffRole.OFFICIAL, "d1"),
    ("official@city", StaffRole.OFFICIAL, "city"),
    ("administrator@street", StaffRole.ADMINISTRATOR, "s1"),
    ("administrator@district", StaffRole.ADMINISTRATOR, "d1"),
    ("administrator@city", StaffRole.ADMINISTRATOR, "city"),
]


@pytest.fixture
def staff(tree) -> dict[str, User]:
    """A user for every staff position in STAFF_POSITIONS, keyed by its name."""
    return {name: make_staff(role, getattr(tree, attr), username=name.replace("@", "_"))
            for name, role, attr in STAFF_POSITIONS}


@pytest.fixture
def job_seeker(db) -> User:
    return UserFactory(account_type=AccountType.JOB_SEEKER)


@pytest.fixture
def employer(db) -> User:
    return UserFactory(account_type=AccountType.EMPLOYER)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def committed_tree(request, django_db_blocker):
    """For transactional tests (live server, Celery worker): data is committed, then flushed.

    The flush after the test empties every table, so the tree and the reference tables
    (occupations, industries) are loaded again afterwards for the tests that follow.
    """
    def reload():
        with django_db_blocker.unblock():
            if not Area.objects.filter(code="420100000000").exists():
                areas_load_file()
            if not Occupation.objects.exists():
                reference_load()
            if not HardshipCategory.objects.exists():
                hardship_categories_load()

    request.addfinalizer(reload)
    request.getfixturevalue("transactional_db")
    reload()
