"""One rule, one place: for every declared workflow, the moves ``available_moves`` offers (the pages'
buttons, the API's action lists) are exactly the steps its services accept, for every staff position,
the record's own accounts and a stranger, from every status. The harnesses in tests/workflows/ make
the records and call the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from portal.constants import AccountType
from portal.workflow import SYSTEM, available_moves, workflows
from tests.factories import UserFactory
from tests.workflows import Context, load_all

KERNEL_REFUSALS = {"invalid_transition", "same_actor"}


class _Rollback(Exception):
    pass


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {error.code for errors in exc.error_dict.values() for error in errors}
    return {error.code for error in exc.error_list}


def _accepted(take, refusal_codes) -> bool:
    """Does the service take the step? Always rolled back, so the record stays as it was."""
    try:
        with transaction.atomic():
            take()
            raise _Rollback
    except _Rollback:
        return True
    except (Http404, PermissionDenied):
        return False
    except ValidationError as exc:
        if _codes(exc) <= KERNEL_REFUSALS | refusal_codes:
            return False
        raise AssertionError(f"the harness gave input the service refuses: {exc}") from exc


def _by_people(rule) -> bool:
    """Can anyone but the nightly tasks take a step under this rule?"""
    return rule is not SYSTEM and not (hasattr(rule, "rules") and all(r is SYSTEM for r in rule.rules))


def test_every_declared_workflow_has_a_harness():
    harnesses = load_all()
    declared = sorted(w.model for w in workflows())
    assert declared, "no workflow is declared"
    assert [label for label in declared if label not in harnesses] == []


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(w.model for w in workflows()))
def test_available_moves_are_exactly_what_the_services_accept(label, tree, staff):
    harness = load_all()[label]
    workflow = next(w for w in workflows() if w.model == label)
    ctx = Context(tree=tree, staff=staff)
    stranger = UserFactory(account_type=AccountType.JOB_SEEKER, username=f"stranger-{label}")
    checked = 0
    for status in workflow.status.values:
        names = {s.name for s in workflow.steps_from(status) if _by_people(s.by)}
        names |= {a.name for a in workflow.actions if status in a.source}
        if not names:
            continue
        record = harness.make(status, ctx)
        actors = {**staff, **harness.accounts(record, ctx), "stranger": stranger}
        for who, actor in actors.items():
            record = type(record)._default_manager.get(pk=record.pk)
            moves = set(available_moves(actor, record, workflow))
            accepted = {name for name in names
                        if _accepted(lambda name=name: harness.take[name](record, actor, ctx), harness.refusal_codes)}
            assert moves == accepted, f"{label} in {status}, {who}: moves {sorted(moves)}, services {sorted(accepted)}"
            checked += 1
    assert checked, f"{label}: no status with a step people take"
