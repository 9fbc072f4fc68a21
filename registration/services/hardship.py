"""Hard-to-employ identification (就业困难人员认定): community intake → street review → district approval.

Who takes each step is declared once, in ``registration.constants.HARDSHIP_WORKFLOW``; the
services below check the input and call ``portal.workflow.transition``, which checks the status and
the actor on the locked row. Intake (creating the case) is not a move: a clerk of the person's
community submits it here. Approval opens the 10-working-day referral commitment in the same
transaction. The status ends on employment, after two refused suitable referrals within a year
(both found by the nightly reconcile task, see ``registration.services.followups.placements_reconcile``),
or by the district with a reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel, StaffRole
from portal.models import User
from portal.scoping import assert_in_scope
from portal.workflow import transition
from registration.constants import (
    ACTIVE_HARDSHIP_STATUSES,
    CIRCUMSTANCES_MAX,
    HARDSHIP_WORKFLOW,
    NOTE_MAX,
    HardshipEndReason,
    HardshipStatus,
    RegistrationEvent,
)
from registration.models import HardshipCase, HardshipCategory, Person
from registration.services.commitments import commitment_close, commitment_open

COMMUNITY = [AreaLevel.COMMUNITY]


def _max_length(errors: dict, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(ValidationError(
            _("This can be at most %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)},
            code="max_length"))


@transaction.atomic
def hardship_case_submit(*, actor: User, person: Person, categories: Iterable[HardshipCategory],
                         circumstances: str = "") -> HardshipCase:
    """Community intake: a clerk of the person's residence community submits them for identification."""
    assert_in_scope(actor, person.area, roles=[StaffRole.CLERK], levels=COMMUNITY)
    categories = list(dict.fromkeys(categories))
    circumstances = (circumstances or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if not categories:
        errors["categories"] = [ValidationError(_("Choose at least one category."), code="required")]
    elif any(not category.active for category in categories):
        errors["categories"] = [ValidationError(_("A chosen category is no longer in use."), code="inactive")]
    _max_length(errors, "circumstances", circumstances, CIRCUMSTANCES_MAX)
    existing = HardshipCase.objects.filter(person=person, status__in=ACTIVE_HARDSHIP_STATUSES).first()
    if existing is not None:
        errors.setdefault("person", []).append(_duplicate_error(existing))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            case = HardshipCase.objects.create(person=person, area=person.area, circumstances=circumstances,
                                               submitted_by=actor)
    except IntegrityError as exc:  # hardship_one_active_case_per_person: a parallel intake won
        existing = HardshipCase.objects.filter(person=person, status__in=ACTIVE_HARDSHIP_STATUSES).first()
        raise ValidationError({"person": [_duplicate_error(existing)]}) from exc
    case.categories.set(categories)
    audit_record(event_type=RegistrationEvent.HARDSHIP_SUBMITTED, actor=actor, obj=case,
                 new={"person": person.pk, "categories": sorted(c.code for c in categories),
                      "circumstances": circumstances})
    return case


def _duplicate_error(existing: HardshipCase | None) -> ValidationError:
    if existing is None:
        return ValidationError(_("This person already has an active hard-to-employ case."), code="duplicate")
    return ValidationError(
        _("This person already has an active hard-to-employ case (no. %(id)s, %(status)s).")
        % {"id": existing.pk, "status": existing.get_status_display()}, code="duplicate")


def _note(note: str, *, required_message: str | None = None) -> str:
    """A decision note, stripped; required when ``required_message`` says why."""
    note = (note or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if required_message and not note:
        errors["decision_note"] = [ValidationError(required_message, code="required")]
    _max_length(errors, "decision_note", note, NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    return note


def hardship_case_review(*, actor: User, case: HardshipCase, note: str = "") -> HardshipCase:
    """Street review: the intake is confirmed and goes to the district."""
    note = _note(note)
    return transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.STREET_REVIEWED, actor=actor,
                      note=note)


def hardship_case_reject(*, actor: User, case: HardshipCase, reason: str) -> HardshipCase:
    """Not identified: the street rejects an intake, the district a reviewed case. A reason is required."""
    reason = _note(reason, required_message=_("Give the reason for the rejection."))
    return transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.REJECTED, actor=actor,
                      note=reason, changes={"decision_note": reason})


@transaction.atomic
def hardship_case_approve(*, actor: User, case: HardshipCase, note: str = "",
                          approved_on: datetime.date | None = None) -> HardshipCase:
    """District approval: the person is hard-to-employ, and the referral commitment falls due in 10
    working days from the approval date (opened in the same transaction)."""
    note = _note(note)
    approved_on = approved_on or timezone.localdate()
    case = transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.APPROVED, actor=actor,
                      note=note, changes={"approved_on": approved_on, "decision_note": note})
    commitment_open(case=case, actor=actor)
    return case


def _end(*, case: HardshipCase, actor: User | None, reason: str, note: str, ended_on: datetime.date) -> HardshipCase:
    case = transition(instance=case, workflow=HARDSHIP_WORKFLOW, to=HardshipStatus.ENDED, actor=actor, note=note,
                      changes={"ended_on": ended_on, "end_reason": reason, "decision_note": note[:NOTE_MAX]})
    commitment_close(case=case, actor=actor, note=note)
    return case


@transaction.atomic
def hardship_case_end(*, actor: User, case: HardshipCase, note: str) -> HardshipCase:
    """The district ends an approved case, giving its reason."""
    note = _note(note, required_message=_("Give the reason for ending the case."))
    return _end(case=case, actor=actor, reason=HardshipEndReason.DISTRICT_DECISION, note=note,
                ended_on=timezone.localdate())


@transaction.atomic
def hardship_case_end_automatically(*, case: HardshipCase, reason: str, note: str,
                                    ended_on: datetime.date | None = None) -> HardshipCase | None:
    """End an approved case on employment or after refused referrals (no actor: the nightly task).

    Returns None, changing nothing, when the case is no longer approved (rerunnable)."""
    try:
        return _end(case=case, actor=None, reason=reason, note=note, ended_on=ended_on or timezone.localdate())
    except ValidationError as exc:  # no longer approved: ended by the district or an earlier run
        if exc.code == "invalid_transition":
            return None
        raise
