"""The API contract: schemathesis generates requests from the OpenAPI schema for every operation
and checks each answer (no 500, status codes, content types and bodies as documented), as
anonymous and as each role, with a token from /api/auth/token/. In-process (WSGI), seeded.

``CONTRACT_EXAMPLES`` sets the examples per operation and mode (default 2, in the test command);
``make contract`` runs 25. Every operation documents 400/401/403/404 (409 where it changes
something) through portal/api_schema.py. Each request runs in a savepoint that is rolled back, so examples do not see each
other's writes and a database error in one cannot break the next.
"""

import contextlib
import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from rest_framework.utils.encoders import JSONEncoder
from schemathesis import GenerationMode
# Valid by the schema is not valid by the rules (an unknown area code, a wrong password): the
# services answer those with 400, as documented.
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.constants import AccountType, StaffRole
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "seeker", "employer", "clerk", "official", "administrator"]
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "2"))


def api_schema():
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=JSONEncoder))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = WSGIHandler()
    return loaded


def token_headers(role, tree) -> dict:
    if role == "anonymous":
        return {}
    user = {
        "seeker": lambda: UserFactory(account_type=AccountType.JOB_SEEKER),
        "employer": lambda: UserFactory(account_type=AccountType.EMPLOYER),
        "clerk": lambda: make_staff(StaffRole.CLERK, tree.d1),
        "official": lambda: make_staff(StaffRole.OFFICIAL, tree.d1),
        "administrator": lambda: make_staff(StaffRole.ADMINISTRATOR, tree.d1),
    }[role]()
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Token {response.json()['token']}"}


def operation_failures(operation, headers) -> list[str]:
    failures = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            with transaction.atomic():
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
                transaction.set_rollback(True)

        try:
            check()
        except Unsatisfiable:  # nothing of the operation can be made invalid (no parameters, no body)
            continue
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures.append(f"{operation.label} ({mode}): {exc}")
    return failures


@contextlib.contextmanager
def connection_kept():
    """The WSGI handler closes the connection after each request; the test's transaction needs it
    (Django's test client does the same, and connects the handlers again when it is done, so the
    tokens are fetched before this)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_its_contract(role, tree):
    schema = api_schema()
    headers = token_headers(role, tree)
    failures = []
    with connection_kept():
        for result in schema.get_all_operations():
            failures += operation_failures(result.ok(), headers)
    assert not failures, "\n\n".join(failures)
