"""Fixtures of the policy tests: editors and reviewers at city and district level, the seed file."""

from pathlib import Path

import pytest

from portal.constants import StaffRole
from tests.conftest import make_staff

SEED = Path(__file__).resolve().parents[2] / "policy" / "data" / "wuhan_2009_138.txt"


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def city_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.city, username="city_official")


@pytest.fixture
def city_admin(tree):
    return make_staff(StaffRole.ADMINISTRATOR, tree.city, username="city_admin")


@pytest.fixture
def district_clerk(tree):
    """An editor of 江岸区 (d1), not a reviewer."""
    return make_staff(StaffRole.CLERK, tree.d1, username="jiangan_clerk")


@pytest.fixture
def district_official(tree):
    """A reviewer of 江岸区 (d1)."""
    return make_staff(StaffRole.OFFICIAL, tree.d1, username="jiangan_official")


@pytest.fixture
def other_district_official(tree):
    return make_staff(StaffRole.OFFICIAL, tree.d2, username="wuchang_official")


@pytest.fixture
def street_clerk(tree):
    return make_staff(StaffRole.CLERK, tree.s1, username="street_clerk")
