"""Harnesses for the parametrised workflow test (tests/portal/test_workflows.py).

For every workflow an app declares (``portal.workflow.Workflow`` in its ``constants.py``), a harness
says how to make a record in each status, inside the fixture tree's 江岸区 (d1 → s1 → c1), and how to
take each step and action through its service with valid input. The test then asks
``available_moves`` and the services the same question for every staff position, the record's own
accounts and a stranger, and wants the same answer. A workflow without a harness fails the test.

Each app keeps its harnesses in a module of its own here (``registration.py`` …), registered with
``@harness("app.Model")``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from portal.models import User


@dataclass
class Context:
    """What a harness builds with: the fixture tree and a user per staff position (tests/conftest.py)."""

    tree: Any
    staff: dict[str, User]


@dataclass
class Harness:
    # make(status, ctx) → a saved record in that status, made by someone who is not a staff position
    make: Callable[[str, Context], models.Model]
    # step or action name → take(record, actor, ctx), calling the service with valid input
    take: dict[str, Callable[[models.Model, User, Context], Any]]
    # accounts(record, ctx) → the record's own accounts by name (an employer, an applicant …)
    accounts: Callable[[models.Model, Context], dict[str, User]] = lambda record, ctx: {}
    # ValidationError codes a service uses for "not now" or "not yours" besides the kernel's
    refusal_codes: frozenset[str] = field(default_factory=frozenset)


HARNESSES: dict[str, Harness] = {}


def harness(model: str):
    def register(builder: Callable[[], Harness]) -> Callable[[], Harness]:
        HARNESSES[model] = builder()
        return builder

    return register


def load_all() -> dict[str, Harness]:
    from tests.workflows import jobs_events, jobs_market, policy, registration, subsidies, subsidies_payments  # noqa: F401,E501 - they register themselves

    return HARNESSES
