"""Follow-up visits (跟踪回访) after a hard-to-employ person is placed, and the nightly reconcile.

Placement detection runs in the nightly reconcile task (``placements_reconcile``), not in the
HR market's or the registration pages' own writes: a placement is a referral recorded as hired
(its outcome date) or an employment registration (its start date), on or after the approval date.
Visits fall due 1, 3 and 6 months after the placement date; the unique constraint on (person,
placement date, months) makes the task rerunnable. An employment registration made from a hired
referral (its ``referral`` link) is the same placement and schedules nothing more.

The same task ends approved cases on employment (an employment registration after approval) and
after REFUSALS_TO_END referrals refused by the person within REFUSAL_WINDOW_DAYS (counted from the
approval date at the earliest, so refusals before identification do not count).
"""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import ReferralOutcome, RefusalBy
from jobs.models import Referral
from portal.audit import audit_record
from portal.models import User
from portal.workflow import transition
from registration.constants import (
    FOLLOW_UP_MONTHS,
    FOLLOW_UP_WORKFLOW,
    REFUSAL_WINDOW_DAYS,
    REFUSALS_TO_END,
    VISIT_NOTES_MAX,
    FollowUpStatus,
    HardshipEndReason,
    HardshipStatus,
    RegistrationEvent,
)
from registration.models import (
    EmploymentRegistration,
    FollowUpVisit,
    HardshipCase,
    Person,
)
from registration.services.hardship import hardship_case_end_automatically


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (1-31 → 2-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def followups_schedule(*, person: Person, case: HardshipCase | None, placed_on: datetime.date,
                       actor: User | None = None) -> list[FollowUpVisit]:
    """Schedule the 1-, 3- and 6-month visits of one placement; visits already there are kept."""
    area = case.area if case is not None else person.area
    created = []
    for months in FOLLOW_UP_MONTHS:
        try:
            with transaction.atomic():
                visit = FollowUpVisit.objects.create(person=person, case=case, area=area, placed_on=placed_on,
                                                     months_after=months, due_on=add_months(placed_on, months))
        except IntegrityError:  # followup_once_per_placement
            continue
        audit_record(event_type=RegistrationEvent.FOLLOWUP_SCHEDULED, actor=actor, obj=visit,
                     new={"placed_on": placed_on, "months_after": months, "due_on": visit.due_on})
        created.append(visit)
    return created


def _notes_errors(notes: str, errors: dict) -> None:
    if len(notes) > VISIT_NOTES_MAX:
        errors["notes"] = [ValidationError(_("The notes can be at most %(max)s characters.")
                                           % {"max": VISIT_NOTES_MAX}, code="max_length")]


def followup_record(*, actor: User, visit: FollowUpVisit, visited_on: datetime.date | None,
                    still_employed: bool | None, notes: str = "") -> FollowUpVisit:
    """Record a visit that took place: when, whether the person is still employed, and notes."""
    notes = (notes or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if visited_on is None:
        errors["visited_on"] = [ValidationError(_("Enter the date of the visit."), code="required")]
    elif visited_on > timezone.localdate():
        errors["visited_on"] = [ValidationError(_("The date cannot be in the future."), code="future")]
    if still_employed is None:
        errors["still_employed"] = [ValidationError(_("Say whether the person is still employed."),
                                                    code="required")]
    _notes_errors(notes, errors)
    if errors:
        raise ValidationError(errors)

    def after_placement(row: FollowUpVisit) -> None:
        if visited_on < row.placed_on:
            raise ValidationError({"visited_on": [ValidationError(
                _("The visit cannot be before the placement (%(day)s).") % {"day": row.placed_on},
                code="before_placement")]})

    return transition(instance=visit, workflow=FOLLOW_UP_WORKFLOW, to=FollowUpStatus.DONE, actor=actor,
                      check=after_placement,
                      changes={"visited_on": visited_on, "visited_by": actor, "still_employed": still_employed,
                               "notes": notes})


def followup_mark_missed(*, actor: User, visit: FollowUpVisit, notes: str = "") -> FollowUpVisit:
    """The person could not be reached for this visit; say what was tried."""
    notes = (notes or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if not notes:
        errors["notes"] = [ValidationError(_("Say what was tried to reach the person."), code="required")]
    _notes_errors(notes, errors)
    if errors:
        raise ValidationError(errors)
    return transition(instance=visit, workflow=FOLLOW_UP_WORKFLOW, to=FollowUpStatus.MISSED, actor=actor,
                      changes={"visited_by": actor, "notes": notes})


def _hired_referrals(case: HardshipCase) -> list[Referral]:
    if case.person.seeker_profile_id is None:
        return []
    return list(Referral.objects.filter(seeker_id=case.person.seeker_profile_id, status=ReferralOutcome.HIRED,
                                        outcome_on__gte=case.approved_on).order_by("outcome_on", "id"))


def _refusals(case: HardshipCase, today: datetime.date) -> int:
    if case.person.seeker_profile_id is None:
        return 0
    since = max(case.approved_on, today - datetime.timedelta(days=REFUSAL_WINDOW_DAYS))
    return Referral.objects.filter(seeker_id=case.person.seeker_profile_id, status=ReferralOutcome.REFUSED,
                                   refused_by=RefusalBy.SEEKER, outcome_on__gte=since).count()


def placements_reconcile(*, today: datetime.date | None = None) -> dict[str, int]:
    """Nightly: schedule follow-up visits of new placements and end cases on employment or after
    refused referrals. Rerunning schedules and ends nothing twice."""
    today = today or timezone.localdate()
    seeker = OuterRef("person__seeker_profile_id")
    hired = Referral.objects.filter(seeker_id=seeker, status=ReferralOutcome.HIRED,
                                    outcome_on__gte=OuterRef("approved_on"))
    employed = EmploymentRegistration.objects.filter(person_id=OuterRef("person_id"),
                                                     started_on__gte=OuterRef("approved_on"))
    refused = Referral.objects.filter(seeker_id=seeker, status=ReferralOutcome.REFUSED, refused_by=RefusalBy.SEEKER,
                                      outcome_on__gte=today - datetime.timedelta(days=REFUSAL_WINDOW_DAYS))
    cases = (HardshipCase.objects.filter(status=HardshipStatus.APPROVED)
             .filter(Q(Exists(hired)) | Q(Exists(employed)) | Q(Exists(refused)))
             .select_related("person", "area"))
    counts = {"visits": 0, "ended_employed": 0, "ended_refusals": 0}
    for case in cases:
        with transaction.atomic():
            referrals = _hired_referrals(case)
            registrations = list(EmploymentRegistration.objects.filter(person=case.person,
                                                                       started_on__gte=case.approved_on)
                                 .order_by("started_on", "id"))
            hired_ids = {r.pk for r in referrals}
            placements = sorted({r.outcome_on for r in referrals}
                                | {e.started_on for e in registrations if e.referral_id not in hired_ids})
            for placed_on in placements:
                counts["visits"] += len(followups_schedule(person=case.person, case=case, placed_on=placed_on))
            if registrations:
                if hardship_case_end_automatically(case=case, reason=HardshipEndReason.EMPLOYED,
                                                   note=_("Employment registered."),
                                                   ended_on=registrations[0].started_on):
                    counts["ended_employed"] += 1
            elif _refusals(case, today) >= REFUSALS_TO_END:
                if hardship_case_end_automatically(case=case, reason=HardshipEndReason.REFUSED_REFERRALS,
                                                   note=_("Refused two suitable referrals within a year.")):
                    counts["ended_refusals"] += 1
    return counts
