"""The referral commitment (承诺10个工作日内推荐就业): opened on approval, met by a referral,
escalated when overdue.

Who meets or closes a commitment is declared in ``registration.constants.COMMITMENT_WORKFLOW``.
A hard-to-employ person is referred through the HR market (``jobs.services.referrals``): a
referral points at a job seeker profile, so a person without one gets one here (with an inactive
account and an unusable password when they have no account; the person can be given access later).

Escalation is state: the nightly ``commitments_escalate`` writes ``escalation_level`` (street, then
district) with one audit event per tier reached, in the same transaction; the queues read the field.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import JobsEvent
from jobs.models import Referral, SeekerProfile, Vacancy
from jobs.selectors.seekers import referrals_for_seeker
from jobs.services.referrals import referral_create
from portal.audit import audit_record
from portal.constants import AccountType, StaffRole
from portal.models import Area, User
from portal.reference.calendar import add_working_days
from portal.scoping import area_in_scope
from portal.workflow import transition
from registration.constants import (
    COMMITMENT_WORKFLOW,
    REFERRAL_COMMITMENT_WORKING_DAYS,
    SKILLS_MAX,
    CommitmentStatus,
    EscalationLevel,
    RegistrationEvent,
)
from registration.models import HardshipCase, Person, ReferralCommitment
from registration.selectors.commitments import commitment_escalation


def commitment_open(*, case: HardshipCase, actor: User | None) -> ReferralCommitment:
    """Open the commitment of an approved case (called by the approval, in its transaction)."""
    due = add_working_days(case.approved_on, REFERRAL_COMMITMENT_WORKING_DAYS)
    commitment = ReferralCommitment.objects.create(case=case, area=case.area, starts_on=case.approved_on,
                                                   due_on=due.due_on, provisional=due.provisional)
    audit_record(event_type=RegistrationEvent.COMMITMENT_CREATED, actor=actor, obj=commitment,
                 new={"case": case.pk, "starts_on": case.approved_on, "due_on": due.due_on,
                      "provisional": due.provisional})
    return commitment


def commitment_close(*, case: HardshipCase, actor: User | None, note: str = "") -> ReferralCommitment | None:
    """Close an open commitment without a referral (the case ended first)."""
    commitment = ReferralCommitment.objects.filter(case=case, status=CommitmentStatus.OPEN).first()
    if commitment is None:
        return None
    return transition(instance=commitment, workflow=COMMITMENT_WORKFLOW, to=CommitmentStatus.CLOSED, actor=actor,
                      note=note)


def _seeker_for(*, actor: User, person: Person, area: Area) -> SeekerProfile:
    """The person's job seeker profile, created (with an inactive account if needed) when missing."""
    person = Person.objects.select_for_update(of=("self",)).select_related("account", "seeker_profile").get(pk=person.pk)
    if person.seeker_profile is not None:
        return person.seeker_profile
    account = person.account
    if account is None:
        account = User(username=f"p{person.pk}-{secrets.token_hex(3)}", full_name=person.name,
                       phone=person.phone, account_type=AccountType.JOB_SEEKER, is_active=False)
        account.set_unusable_password()
        account.save()
    elif account.account_type != AccountType.JOB_SEEKER:
        raise ValidationError({"vacancy": [ValidationError(
            _("This person's account is not a job seeker account, so they cannot be referred."),
            code="not_job_seeker")]})
    profile = SeekerProfile.objects.filter(account=account).first()
    if profile is None:
        profile = SeekerProfile.objects.create(account=account, area=area, education=person.education,
                                               skills=person.skills[:SKILLS_MAX])
        audit_record(event_type=JobsEvent.SEEKER_PROFILE_SAVED, actor=actor, obj=profile,
                     new={"area": area.pk, "education": person.education, "person": person.pk})
    person.account, person.seeker_profile = account, profile
    person.save(update_fields=["account", "seeker_profile"])
    return profile


@transaction.atomic
def commitment_refer(*, actor: User, commitment: ReferralCommitment, vacancy: Vacancy,
                     note: str = "") -> ReferralCommitment:
    """Meet the commitment: refer the person to a public vacancy and mark the commitment met.

    The referral is made inside the step's check, so it is made only once ``transition`` has
    found the step open to this clerk on the locked commitment; any refusal undoes it all, and the
    referral is recorded with the status change (and its audit event)."""

    def refer(row: ReferralCommitment) -> dict:
        seeker = _seeker_for(actor=actor, person=row.case.person, area=row.area)
        if not area_in_scope(actor, seeker.area, roles=[StaffRole.CLERK]):
            # The person registered themselves as a job seeker in another area; its clerks refer them.
            raise ValidationError({"vacancy": [ValidationError(
                _("This person's job seeker profile belongs to %(area)s; a clerk there makes the referral.")
                % {"area": seeker.area.name}, code="seeker_out_of_scope")]})
        return {"met_by_referral": referral_create(actor=actor, seeker=seeker, vacancy=vacancy, note=note)}

    return transition(instance=commitment, workflow=COMMITMENT_WORKFLOW, to=CommitmentStatus.MET, actor=actor,
                      note=_("Referred to “%(title)s”.") % {"title": vacancy.title},
                      changes={"met_at": timezone.now()}, check=refer)


def commitments_reconcile() -> int:
    """Nightly: mark open commitments met by any referral of the person made since approval (for
    referrals made from the HR market's own pages). Rerunning changes nothing twice."""
    referred = Referral.objects.filter(seeker_id=OuterRef("case__person__seeker_profile_id"),
                                       referred_at__date__gte=OuterRef("starts_on"))
    open_ones = (ReferralCommitment.objects.filter(status=CommitmentStatus.OPEN)
                 .filter(Exists(referred)).select_related("case__person__seeker_profile"))
    met = 0
    for commitment in open_ones:
        with transaction.atomic():
            referral = referrals_for_seeker(seeker=commitment.case.person.seeker_profile,
                                            since=commitment.starts_on).first()
            locked = ReferralCommitment.objects.select_for_update().get(pk=commitment.pk)
            if referral is None or locked.status != CommitmentStatus.OPEN:
                continue
            transition(instance=locked, workflow=COMMITMENT_WORKFLOW, to=CommitmentStatus.MET, actor=None,
                       note=_("Referred to “%(title)s”.") % {"title": referral.vacancy.title},
                       changes={"met_at": referral.referred_at, "met_by_referral": referral})
            met += 1
    return met


def commitments_recompute_provisional() -> int:
    """Recompute provisional due dates of open commitments once staff have filled the year's calendar."""
    changed = 0
    for commitment in ReferralCommitment.objects.filter(status=CommitmentStatus.OPEN, provisional=True):
        due = add_working_days(commitment.starts_on, REFERRAL_COMMITMENT_WORKING_DAYS)
        if (due.due_on, due.provisional) == (commitment.due_on, commitment.provisional):
            continue
        with transaction.atomic():
            old = {"due_on": commitment.due_on, "provisional": commitment.provisional}
            commitment.due_on, commitment.provisional = due.due_on, due.provisional
            commitment.save(update_fields=["due_on", "provisional"])
            audit_record(event_type=RegistrationEvent.COMMITMENT_DUE_CHANGED, actor=None, obj=commitment, old=old,
                         new={"due_on": due.due_on, "provisional": due.provisional})
        changed += 1
    return changed


def commitments_escalate(*, today: datetime.date | None = None) -> int:
    """Nightly: raise the escalation of each overdue open commitment to the tier its lateness has
    reached (street, then district), writing the field and one audit event per tier in the same
    transaction. Levels only go up and a tier reached is not written again, so the task can be
    rerun; a commitment that skipped nights records every tier it passed. Returns the tiers recorded."""
    today = today or timezone.localdate()
    recorded = 0
    candidates = ReferralCommitment.objects.filter(status=CommitmentStatus.OPEN, due_on__lt=today,
                                                   escalation_level__lt=EscalationLevel.DISTRICT)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            row = ReferralCommitment.objects.select_for_update().get(pk=pk)
            escalation = commitment_escalation(due_on=row.due_on, today=today)
            if row.status != CommitmentStatus.OPEN or escalation.level <= row.escalation_level:
                continue
            for level in range(row.escalation_level + 1, escalation.level + 1):
                audit_record(event_type=RegistrationEvent.COMMITMENT_ESCALATED, actor=None, obj=row,
                             old={"escalation_level": level - 1},
                             new={"level": level, "level_label": str(EscalationLevel(level).label),
                                  "due_on": row.due_on, "working_days_overdue": escalation.working_days_overdue})
                recorded += 1
            row.escalation_level, row.escalated_at = escalation.level, timezone.now()
            row.save(update_fields=["escalation_level", "escalated_at"])
    return recorded
