"""Cross-district help (异地帮扶): a district hands an approved case to another district.

The sending district's clerk proposes (with a reason); a clerk of the receiving district accepts,
choosing the street or community that will handle the case, or declines (with a reason). Who
decides is declared in ``registration.constants.HANDOVER_WORKFLOW`` and checked by ``transition`` on
the locked handover. On acceptance the case, its referral commitment and its
follow-up visits move to the chosen area (saved through the model, so ``area_path`` follows): the
receiving district handles the case from then on. The handover itself stays in the sending
district, which keeps read-only sight of the case (``registration.selectors.cases.cases_visible_to``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.workflow import authorize, transition
from registration.constants import (
    HANDOVER_WORKFLOW,
    HARDSHIP_WORKFLOW,
    NOTE_MAX,
    HandoverStatus,
    HardshipStatus,
    RegistrationEvent,
)
from registration.models import (
    CaseHandover,
    FollowUpVisit,
    HardshipCase,
    ReferralCommitment,
)

HANDLING_LEVELS = {AreaLevel.STREET, AreaLevel.COMMUNITY}


def district_of(area: Area) -> Area:
    """The district an area lies in (the area itself for a district)."""
    if area.level == AreaLevel.DISTRICT:
        return area
    return Area.objects.get(code=area.path[:6].ljust(12, "0"))


def _reason(errors: dict, field: str, text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        errors[field] = [ValidationError(message, code="required")]
    elif len(text) > NOTE_MAX:
        errors[field] = [ValidationError(_("This can be at most %(max)s characters (now %(length)s).")
                                         % {"max": NOTE_MAX, "length": len(text)}, code="max_length")]
    return text


@transaction.atomic
def handover_propose(*, actor: User, case: HardshipCase, to_district: Area | None, reason: str) -> CaseHandover:
    """A district clerk hands an approved case of their district to another district."""
    case = HardshipCase.objects.select_for_update().select_related("area").get(pk=case.pk)
    authorize(instance=case, workflow=HARDSHIP_WORKFLOW, action="hand_over", actor=actor, field="case",
              code="not_approved")
    sending = district_of(case.area)
    errors: dict[str, list[ValidationError]] = {}
    if to_district is None:
        errors["to_district"] = [ValidationError(_("Choose the receiving district."), code="required")]
    elif to_district.level != AreaLevel.DISTRICT:
        errors["to_district"] = [ValidationError(_("Choose a district."), code="level")]
    elif to_district.pk == sending.pk:
        errors["to_district"] = [ValidationError(_("Choose a district other than the case's own."),
                                                 code="same_district")]
    reason = _reason(errors, "reason", reason, _("Give the reason for the handover."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            handover = CaseHandover.objects.create(case=case, area=sending, to_district=to_district, reason=reason,
                                                   proposed_by=actor)
    except IntegrityError as exc:  # handover_one_proposed_per_case
        raise ValidationError({"case": [ValidationError(
            _("This case already has a handover awaiting the other district's answer."), code="duplicate")]}) from exc
    audit_record(event_type=RegistrationEvent.HANDOVER_PROPOSED, actor=actor, obj=handover,
                 new={"case": case.pk, "to_district": to_district.pk, "reason": reason})
    return handover


@transaction.atomic
def handover_accept(*, actor: User, handover: CaseHandover, handling_area: Area | None,
                    note: str = "") -> CaseHandover:
    """The receiving district accepts and chooses the street or community that handles the case."""
    note = (note or "").strip()
    moved: dict[str, HardshipCase] = {}

    def can_take_over(row: CaseHandover) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if handling_area is None:
            errors["handling_area"] = [ValidationError(
                _("Choose the street or community that will handle the case."), code="required")]
        elif handling_area.level not in HANDLING_LEVELS or not handling_area.is_within(row.to_district):
            errors["handling_area"] = [ValidationError(_("Choose a street or community of %(district)s.")
                                                       % {"district": row.to_district.name}, code="outside")]
        if len(note) > NOTE_MAX:
            errors["decision_note"] = [ValidationError(_("This can be at most %(max)s characters.")
                                                       % {"max": NOTE_MAX}, code="max_length")]
        case = HardshipCase.objects.select_for_update().get(pk=row.case_id)
        if case.status != HardshipStatus.APPROVED:
            errors["case"] = [ValidationError(
                _("The case is no longer approved (%(status)s), so it cannot be taken over.")
                % {"status": case.get_status_display()}, code="not_approved")]
        if errors:
            raise ValidationError(errors)
        moved["case"] = case

    handover = transition(instance=handover, workflow=HANDOVER_WORKFLOW, to=HandoverStatus.ACCEPTED, actor=actor,
                          note=note, check=can_take_over,
                          changes={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note})
    case = moved["case"]
    old_area = case.area_id
    # Through the model's save, so each record's area_path follows its new area.
    for record in [case, *ReferralCommitment.objects.select_for_update().filter(case=case),
                   *FollowUpVisit.objects.select_for_update().filter(case=case)]:
        record.area = handling_area
        record.save(update_fields=["area", "area_path"])
    audit_record(event_type=RegistrationEvent.HARDSHIP_MOVED, actor=actor, obj=case,
                 old={"area": old_area}, new={"area": handling_area.pk, "handover": handover.pk})
    return handover


def handover_decline(*, actor: User, handover: CaseHandover, reason: str) -> CaseHandover:
    """The receiving district declines, giving its reason; the case stays where it is."""
    errors: dict[str, list[ValidationError]] = {}
    reason = _reason(errors, "decision_note", reason, _("Give the reason for declining."))
    if errors:
        raise ValidationError(errors)
    return transition(instance=handover, workflow=HANDOVER_WORKFLOW, to=HandoverStatus.DECLINED, actor=actor,
                      note=reason, changes={"decided_by": actor, "decided_at": timezone.now(),
                                            "decision_note": reason})
