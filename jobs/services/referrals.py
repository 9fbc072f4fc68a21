"""Referrals (职业介绍): a clerk refers a job seeker to a public vacancy and records the outcome.

Kept general: the registration module meets its 10-working-day referral commitment for
hard-to-employ people with these records (see ``jobs.selectors.seekers.referrals_for_seeker``).
Who records an outcome is declared once, in ``jobs.constants.REFERRAL_WORKFLOW``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import (
    REFERRAL_CLERKS,
    REFERRAL_NOTE_MAX,
    REFERRAL_OUTCOMES,
    REFERRAL_WORKFLOW,
    REFUSAL_REASON_MAX,
    JobsEvent,
    ReferralOutcome,
    RefusalBy,
)
from jobs.models import Referral, SeekerProfile, Vacancy
from portal.audit import audit_record
from portal.models import User
from portal.scoping import assert_in_scope
from portal.workflow import transition


@transaction.atomic
def referral_create(*, actor: User, seeker: SeekerProfile, vacancy: Vacancy, note: str = "") -> Referral:
    """Refer a job seeker of the clerk's area to a public vacancy; one pending referral per pair."""
    # The referral belongs to the seeker's residence area: its clerks follow it up.
    assert_in_scope(actor, seeker.area, roles=REFERRAL_CLERKS.roles)
    note = (note or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if not Vacancy.objects.public().filter(pk=vacancy.pk).exists():
        errors["vacancy"] = [ValidationError(_("This vacancy is not open: choose a published vacancy."),
                                             code="not_open")]
    if len(note) > REFERRAL_NOTE_MAX:
        errors["note"] = [ValidationError(_("The note can be at most %(max)s characters (now %(length)s).")
                                          % {"max": REFERRAL_NOTE_MAX, "length": len(note)}, code="max_length")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            referral = Referral.objects.create(seeker=seeker, vacancy=vacancy, area=seeker.area, referred_by=actor,
                                               note=note)
    except IntegrityError as exc:  # referral_one_pending_per_seeker_vacancy
        raise ValidationError({"vacancy": [ValidationError(
            _("This job seeker already has a referral to this vacancy awaiting its outcome."),
            code="duplicate")]}) from exc
    audit_record(event_type=JobsEvent.REFERRAL_CREATED, actor=actor, obj=referral,
                 new={"seeker": seeker.pk, "vacancy": vacancy.pk, "note": note})
    return referral


def _not_before_the_referral(outcome_on: datetime.date | None):
    def check(referral: Referral) -> None:
        if outcome_on is not None and outcome_on < timezone.localtime(referral.referred_at).date():
            raise ValidationError({"outcome_on": [ValidationError(_("The date cannot be before the referral."),
                                                                  code="before_referral")]})
    return check


def referral_outcome_record(
    *, actor: User, referral: Referral, outcome: str, outcome_on: datetime.date | None = None,
    refused_by: str = "", refusal_reason: str = "", note: str = "",
) -> Referral:
    """Record what came of a referral: interviewed, hired (with the date) or refused (by whom and why)."""
    refusal_reason, note = (refusal_reason or "").strip(), (note or "").strip()
    today = timezone.localdate()
    errors: dict[str, list[ValidationError]] = {}
    if outcome not in REFERRAL_OUTCOMES:
        errors["outcome"] = [ValidationError(_("Choose interviewed, hired or refused."), code="invalid_choice")]
    if outcome == ReferralOutcome.HIRED and outcome_on is None:
        errors["outcome_on"] = [ValidationError(_("Enter the date the person was hired."), code="required")]
    if outcome_on is not None and outcome_on > today:
        errors["outcome_on"] = [ValidationError(_("The date cannot be in the future."), code="future")]
    if outcome == ReferralOutcome.REFUSED:
        if refused_by not in RefusalBy.values:
            errors["refused_by"] = [ValidationError(_("Say who refused: the job seeker or the employer."),
                                                    code="required")]
        if not refusal_reason:
            errors["refusal_reason"] = [ValidationError(_("Give the reason for the refusal."), code="required")]
        elif len(refusal_reason) > REFUSAL_REASON_MAX:
            errors["refusal_reason"] = [ValidationError(
                _("The reason can be at most %(max)s characters (now %(length)s).")
                % {"max": REFUSAL_REASON_MAX, "length": len(refusal_reason)}, code="max_length")]
    elif refused_by or refusal_reason:
        errors["refusal_reason"] = [ValidationError(_("A refusal reason is only recorded for a refusal."),
                                                    code="not_refused")]
    if len(note) > REFERRAL_NOTE_MAX:
        errors["note"] = [ValidationError(_("The note can be at most %(max)s characters.")
                                          % {"max": REFERRAL_NOTE_MAX}, code="max_length")]
    if errors:
        raise ValidationError(errors)
    changes = {"outcome_on": outcome_on or today}
    if outcome == ReferralOutcome.REFUSED:
        changes.update(refused_by=refused_by, refusal_reason=refusal_reason)
    return transition(instance=referral, workflow=REFERRAL_WORKFLOW, to=outcome, actor=actor, note=note,
                      changes=changes, check=_not_before_the_referral(outcome_on))
