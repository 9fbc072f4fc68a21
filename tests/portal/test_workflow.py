"""The one writer of a status, ``portal.workflow.transition``: the declared step decides the move and
the actor on the locked row, whoever calls it (a view, the API, a task, or code that forgot to check)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from portal.constants import AreaLevel, StaffRole
from portal.models import AuditEvent, RoleGrant, StatusChange
from portal.scoping import forget_cached_scope
from portal.workflow import (
    PREVIOUS_ACTOR,
    Staff,
    Step,
    Workflow,
    authorize,
    available_moves,
    transition,
    with_previous_actor,
)
from registration.constants import HARDSHIP_WORKFLOW, HardshipStatus, RegistrationEvent
from registration.models import HardshipCase
from registration.services.hardship import hardship_case_approve, hardship_case_review
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import HardshipCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tree, staff):
    return HardshipCaseFactory(person=PersonFactory(area=tree.c1), area=tree.c1,
                               submitted_by=staff["clerk@community"])


@pytest.mark.parametrize("position", ["clerk@community", "clerk@district", "official@district",
                                      "administrator@city"])
def test_transition_itself_refuses_an_actor_of_the_wrong_role_or_tier(case, staff, position):
    events = AuditEvent.objects.count()
    with pytest.raises(Http404):
        transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.STREET_REVIEWED,
                   actor=staff[position])
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.INTAKE
    assert not StatusChange.objects.exists() and AuditEvent.objects.count() == events


def test_transition_refuses_a_clerk_of_another_district_and_the_system(case, tree):
    with pytest.raises(Http404):
        transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.STREET_REVIEWED,
                   actor=make_staff(StaffRole.CLERK, tree.s2))
    with pytest.raises(Http404):
        transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.STREET_REVIEWED, actor=None)


def test_the_step_decides_by_status_too(case, staff):
    """The district may reject, but not an intake: that step is the street's."""
    with pytest.raises(Http404):
        transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.REJECTED,
                   actor=staff["clerk@district"])
    with pytest.raises(ValidationError) as caught:
        transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.APPROVED,
                   actor=staff["clerk@district"])
    assert caught.value.code == "invalid_transition"


def test_the_right_actor_moves_the_record_with_its_change_row_and_audit_event(case, staff):
    row = transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.STREET_REVIEWED,
                     actor=staff["clerk@street"], note="属实")
    assert row.status == HardshipStatus.STREET_REVIEWED
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        "intake", "street_reviewed", staff["clerk@street"], "属实")
    event = AuditEvent.objects.get(event_type=RegistrationEvent.HARDSHIP_STATUS_CHANGED)
    assert event.event_type == RegistrationEvent.HARDSHIP_STATUS_CHANGED
    assert event.old_values == {"status": "intake"} and event.new_values["status"] == "street_reviewed"


def test_maker_is_not_checker_the_submitter_cannot_review_their_own_intake(tree, case, staff):
    submitter = staff["clerk@community"]
    RoleGrant.objects.create(user=submitter, role=StaffRole.CLERK, area=tree.s1)  # now also a street clerk
    forget_cached_scope(submitter)
    assert "review" not in available_moves(submitter, case)
    with pytest.raises(ValidationError) as caught:
        hardship_case_review(actor=submitter, case=case)
    assert caught.value.code == "same_actor"
    assert "review" in available_moves(staff["clerk@street"], case)


def test_maker_is_not_checker_the_reviewer_cannot_approve_what_they_reviewed(tree, case, staff):
    reviewer = make_staff(StaffRole.CLERK, tree.s1)
    RoleGrant.objects.create(user=reviewer, role=StaffRole.CLERK, area=tree.d1)  # street and district clerk
    case = hardship_case_review(actor=reviewer, case=case)
    assert "approve" not in available_moves(reviewer, case)
    with pytest.raises(ValidationError) as caught:
        hardship_case_approve(actor=reviewer, case=case)
    assert caught.value.code == "same_actor"
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.STREET_REVIEWED
    approved = hardship_case_approve(actor=staff["clerk@district"], case=case)
    assert approved.status == HardshipStatus.APPROVED


def test_lists_read_the_previous_actor_from_an_annotation_without_a_query_per_row(case, staff,
                                                                                  django_assert_num_queries):
    hardship_case_review(actor=staff["clerk@street"], case=case)
    rows = list(with_previous_actor(HardshipCase.objects.select_related("area")))
    clerk = staff["clerk@district"]
    available_moves(clerk, case)  # the clerk's grants are read once per request, then cached
    with django_assert_num_queries(0):
        assert [set(available_moves(clerk, row)) for row in rows] == [{"approve", "reject"}]


def test_an_action_that_keeps_the_status_is_checked_like_a_step(case, staff, tree):
    row = HardshipCase.objects.get(pk=case.pk)
    with pytest.raises(ValidationError) as caught:
        authorize(instance=row, workflow=HARDSHIP_WORKFLOW, action="hand_over", actor=staff["clerk@district"])
    assert caught.value.code == "invalid_transition"
    with pytest.raises(Http404):
        authorize(instance=row, workflow=HARDSHIP_WORKFLOW, action="hand_over", actor=staff["clerk@street"])
    HardshipCase.objects.filter(pk=case.pk).update(status=HardshipStatus.APPROVED)
    row = HardshipCase.objects.get(pk=case.pk)
    authorize(instance=row, workflow=HARDSHIP_WORKFLOW, action="hand_over", actor=staff["clerk@district"])
    assert "hand_over" in available_moves(staff["clerk@district"], row)


class Colour(models.TextChoices):
    RED = "red", "red"
    GREEN = "green", "green"


def test_a_workflow_with_two_steps_on_one_edge_or_an_unknown_status_is_refused():
    clerk = Staff(StaffRole.CLERK, levels=AreaLevel.DISTRICT)
    with pytest.raises(ValueError):
        Workflow(model="tests.Twice", status=Colour, event_type="x", steps=[
            Step("a", Colour.RED, Colour.GREEN, "a", by=clerk), Step("b", Colour.RED, Colour.GREEN, "b", by=clerk)])
    with pytest.raises(ValueError):
        Workflow(model="tests.Unknown", status=Colour, event_type="x", steps=[
            Step("a", Colour.RED, "blue", "a", by=clerk)])
    with pytest.raises(ValueError):  # a model has one workflow
        Workflow(model="registration.HardshipCase", status=HardshipStatus, event_type="x", steps=[])


def test_previous_actor_names_whoever_made_the_last_status_change(case, staff):
    assert PREVIOUS_ACTOR in HARDSHIP_WORKFLOW.step(HardshipStatus.STREET_REVIEWED, HardshipStatus.APPROVED).not_by
