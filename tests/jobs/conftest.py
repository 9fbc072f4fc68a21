"""Fixtures and helpers shared by the HR market's tests (the tier tree and users come from tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from jobs.models import Employer
from portal.constants import StaffRole
from portal.models import User
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory


@pytest.fixture
def district_clerk(tree) -> User:
    """A window clerk of district d1 (江岸区)."""
    return make_staff(StaffRole.CLERK, tree.d1)


@pytest.fixture
def clerk(district_clerk) -> User:
    """The district clerk, by the name the fair and agency tests use."""
    return district_clerk


@pytest.fixture
def org(tree) -> Employer:
    """A verified employer registered in community c1."""
    return EmployerFactory(area=tree.c1, name="武汉江城钢构有限公司")


def client_for(user=None) -> APIClient:
    """An API client, signed in as the user when one is given."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [codes]}; errors of no field under "__all__"."""
    if hasattr(exc, "error_dict"):
        return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}
    return {"__all__": [e.code for e in exc.error_list]}
