"""The review of a subsidy application, step by step (issue point 4), and the money it moves (point 6).

Who takes each step is declared once, in ``subsidies.constants.APPLICATION_WORKFLOW``: community
intake (``accept``) → street review (``review``) → district approval (``approve``, or
``approve_for_city`` when the amount is above the programme's) → city approval (``city_approve``)
→ disbursement recorded (``disburse``); each tier returns or rejects what waits for its own step.
The services below check the input and call ``portal.workflow.transition``, which locks the row and
checks the status and the actor on it (maker ≠ checker included).

Every step:

- sets ``due_on`` for the step that follows, in working days of the reference calendar (调休
  included) from the version's ``step_days``, and clears ``overdue_since``;
- at a decision (district and city approval) assesses eligibility again under the version in force
  on the application date, stores the snapshot (rule version, inputs, findings in words) and refuses,
  with the reasons, an application that is no longer eligible;
- tells the applicant (``subsidies.services.notices.application_notify``) when it is approved,
  returned, rejected or disbursed.

Money moves through the district fund's ledger (``subsidies.services.funds``) inside the step's
transaction: district approval reserves the approved amount on the applicant district's fund (the
step's ``check``, so it runs on the locked application; the fund's row lock makes two approvals that
would overdraw it one approval and one ``fund_exhausted`` refusal); a return or rejection after that
releases what is reserved; the disbursement of a one-off programme pays it out. Recurring programmes
are paid month by month by their payment cycles; their disbursement is recorded once a month is paid.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User
from portal.reference.calendar import add_working_days
from portal.scoping import OutOfScope, area_in_scope
from portal.workflow import transition
from subsidies.constants import (
    APPLICATION_WORKFLOW,
    BULK_MAX,
    GRANTED_STATUSES,
    RECURRING_KINDS,
    REMARK_MAX,
    STEP_OF_STATUS,
    ApplicationStatus,
    PaymentStatus,
    ReasonCode,
    SubsidiesEvent,
)
from subsidies.eligibility import assess, claim_of
from subsidies.models import Application
from subsidies.money import yuan
from subsidies.services import notices
from subsidies.services.funds import fund_pay, fund_release, fund_reserve, still_reserved

# The district's two approvals: which one applies is the record's ``needs_city_approval``.
APPROVE_STEPS = ("approve", "approve_for_city")


# --- Input ----------------------------------------------------------------------------------------


def _remark(remark: str | None, *, required_message: str | None = None) -> str:
    """A decision remark, stripped; required when ``required_message`` says why."""
    remark = (remark or "").strip()
    errors: list[ValidationError] = []
    if required_message and not remark:
        errors.append(ValidationError(required_message, code="required"))
    if "\x00" in remark:
        errors.append(ValidationError(_("The remark contains a character that cannot be stored."),
                                      code="null_characters"))
    if len(remark) > REMARK_MAX:
        errors.append(ValidationError(_("This can be at most %(max)s characters (now %(length)s).")
                                      % {"max": REMARK_MAX, "length": len(remark)}, code="max_length"))
    if errors:
        raise ValidationError({"remark": errors})
    return remark


def _reason(reason_code: str | None) -> str:
    if not reason_code:
        raise ValidationError({"reason_code": [ValidationError(_("Choose the reason."), code="required")]})
    if reason_code not in ReasonCode.values:
        raise ValidationError({"reason_code": [ValidationError(_("Unknown reason; choose one of the list."),
                                                               code="invalid_choice")]})
    return reason_code


# --- Deadlines --------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def step_due_on(application: Application, status: str, *, start: datetime.date | None = None) -> datetime.date | None:
    """When the step that takes ``application`` out of ``status`` is due: the version's ``step_days``
    of that step in working days after ``start`` (today); None for a status no step waits on."""
    step = STEP_OF_STATUS.get(status)
    if step is None:
        return None
    if step == "approve" and application.needs_city_approval:
        step = "approve_for_city"
    days = (application.version.parameters.get("step_days") or {}).get(step)
    if not days:
        return None
    return add_working_days(start or _today(), days).due_on


def _next_step(row: Application, status: str) -> dict:
    """The changes every step makes: the next step's due date, and no overdue flag any more."""
    return {"due_on": step_due_on(row, status), "overdue_since": None}


# --- Eligibility at a decision ----------------------------------------------------------------------


def _assess_again(row: Application) -> tuple[dict, int]:
    """Assess the locked application again; its snapshot and the amount it may be granted (at most
    what was requested), or a refusal listing every reason."""
    assessment = assess(version=row.version, claim=claim_of(row))
    if not assessment.eligible:
        raise ValidationError([ValidationError(_("No longer eligible: %(reason)s") % {"reason": reason},
                                               code="not_eligible") for reason in assessment.reasons])
    amount = min(assessment.amount_fen, row.amount_requested_fen)
    if amount <= 0:
        raise ValidationError(_("The rules give no amount for this application."), code="not_eligible")
    return assessment.record(), amount


def _not_granted_twice(row: Application, actor: User | None) -> None:
    """A period already granted to the beneficiary under the programme is refused with a clear message
    (the PostgreSQL exclusion constraint is the last word; see ``_granting``). The other application is
    named only to someone who may see it: outside the actor's area it is not even said to exist."""
    other = (Application.objects.filter(programme_id=row.programme_id, person_id=row.person_id,
                                        status__in=GRANTED_STATUSES, period_start__lte=row.period_end,
                                        period_end__gte=row.period_start)
             .exclude(pk=row.pk).select_related("area").order_by("id").first())
    if other is None:
        return
    if area_in_scope(actor, other.area):
        raise ValidationError(_("Application No. %(number)s already grants %(start)s to %(end)s of this programme "
                                "to the beneficiary; periods granted never overlap.")
                              % {"number": other.pk, "start": other.period_start, "end": other.period_end},
                              code="period_granted")
    raise _overlap_error()


def _overlap_error() -> ValidationError:
    return ValidationError(_("Another application already grants part of this period to the beneficiary; "
                             "periods granted never overlap."), code="period_granted")


def _granting(move):
    """Run a step that grants a period; the exclusion constraint's refusal (two overlapping approvals at
    once) becomes the same clear error as the check before it."""
    try:
        return move()
    except IntegrityError as exc:
        if "subsidy_granted_periods_do_not_overlap" not in str(exc):
            raise
        raise _overlap_error() from exc


# --- The steps --------------------------------------------------------------------------------------


def application_accept(*, actor: User, application: Application, remark: str = "") -> Application:
    """Community intake: the application is complete and goes to the street."""
    remark = _remark(remark)
    return transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.ACCEPTED,
                      actor=actor, note=remark, check=lambda row: _next_step(row, ApplicationStatus.ACCEPTED))


def application_review(*, actor: User, application: Application, remark: str = "") -> Application:
    """Street review: the facts are checked and the application goes to the district."""
    remark = _remark(remark)
    return transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.STREET_REVIEWED,
                      actor=actor, note=remark,
                      check=lambda row: _next_step(row, ApplicationStatus.STREET_REVIEWED))


@transaction.atomic
def application_approve(*, actor: User, application: Application, remark: str = "",
                        step: str | None = None) -> Application:
    """District approval, in one transaction: eligibility assessed again and its snapshot stored, the
    approved amount reserved on the applicant district's fund. Final (``approve``), or sent on to the
    city when the amount is above the programme's (``approve_for_city``), as the record's
    ``needs_city_approval`` says. ``step``, when given (the button or API action the clerk chose), must be
    the one that applies, so a page showing an older state never takes the other step."""
    remark = _remark(remark)
    if step is not None and step not in APPROVE_STEPS:
        raise ValidationError(_("Unknown approval step."), code="invalid_transition")
    locked = Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    if locked is None:
        raise OutOfScope(_("Not found."))
    for_city = locked.needs_city_approval if step is None else step == "approve_for_city"
    target = ApplicationStatus.DISTRICT_APPROVED if for_city else ApplicationStatus.APPROVED

    def decide(row: Application) -> dict:
        _not_granted_twice(row, actor)
        snapshot, amount = _assess_again(row)
        fund_reserve(application=row, amount_fen=amount, actor=actor)
        changes = {"eligibility": snapshot, "amount_approved_fen": amount, **_next_step(row, target)}
        if target == ApplicationStatus.APPROVED:
            changes["decided_at"] = timezone.now()
        return changes

    row = _granting(lambda: transition(instance=locked, workflow=APPLICATION_WORKFLOW, to=target, actor=actor,
                                       note=remark, check=decide))
    if target == ApplicationStatus.APPROVED:
        notices.application_notify(row, notices.APPROVED)
    return row


@transaction.atomic
def application_city_approve(*, actor: User, application: Application, remark: str = "") -> Application:
    """City approval of an amount above the programme's: eligibility assessed again and stored; should
    the rules now give less than the district reserved, the difference goes back to the fund."""
    remark = _remark(remark)

    def decide(row: Application) -> dict:
        snapshot, amount = _assess_again(row)
        reserved = row.amount_approved_fen or 0
        if amount < reserved:
            fund_release(application=row, actor=actor, amount_fen=reserved - amount,
                         note=_("Less approved by the city"))
        else:
            amount = reserved  # the city approves at most what the district reserved
        return {"eligibility": snapshot, "amount_approved_fen": amount, "decided_at": timezone.now(),
                **_next_step(row, ApplicationStatus.APPROVED)}

    row = transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.APPROVED,
                     actor=actor, note=remark, check=decide)
    notices.application_notify(row, notices.APPROVED)
    return row


def _closing(actor: User | None, note: str):
    """The check of a return or a rejection: what the district reserved goes back to the fund."""

    def release(row: Application) -> dict:
        fund_release(application=row, actor=actor, note=note)
        return {}

    return release


def _reason_and_remark(reason_code: str, remark: str, *, required_message) -> tuple[str, str]:
    """A closing decision's reason code and remark, both checked: every error at once."""
    errors = {}
    try:
        reason_code = _reason(reason_code)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        remark = _remark(remark, required_message=required_message)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return reason_code, remark


@transaction.atomic
def application_return(*, actor: User, application: Application, reason_code: str, remark: str) -> Application:
    """Return for correction, with a reason and a remark: the applicant (or the window that entered it)
    corrects it and sends it again; its history is kept. Anything reserved is released."""
    reason_code, remark = _reason_and_remark(reason_code, remark,
                                             required_message=_("Say what the applicant must correct."))

    def check(row: Application) -> dict:
        _closing(actor, remark)(row)
        return {"reason_code": reason_code, "remark": remark, "amount_approved_fen": None, "due_on": None,
                "overdue_since": None}

    row = transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.RETURNED,
                     actor=actor, note=remark, check=check)
    notices.application_notify(row, notices.RETURNED)
    return row


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason_code: str, remark: str) -> Application:
    """Not approved, with a reason and a remark. Anything reserved is released."""
    reason_code, remark = _reason_and_remark(reason_code, remark,
                                             required_message=_("Give the remark that explains the rejection."))

    def check(row: Application) -> dict:
        _closing(actor, remark)(row)
        return {"reason_code": reason_code, "remark": remark, "decided_at": timezone.now(), "due_on": None,
                "overdue_since": None}

    row = transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.REJECTED,
                     actor=actor, note=remark, check=check)
    notices.application_notify(row, notices.REJECTED)
    return row


def disbursement_waits(application: Application) -> str | None:
    """Why the disbursement cannot be recorded yet, or None: a recurring programme is paid month by month
    by its payment cycles, and its disbursement is recorded once a month of it is paid."""
    if application.programme.kind in RECURRING_KINDS and \
            not application.payments.filter(status=PaymentStatus.PAID).exists():
        return _("This programme is paid month by month through payment cycles; the disbursement is recorded "
                 "when its first month is paid.")
    return None


@transaction.atomic
def application_disburse(*, actor: User | None, application: Application, remark: str = "") -> Application:
    """Record the disbursement. A one-off programme's reserved amount is paid out of the district fund
    (its ledger's ``paid`` entry) in the same transaction. A recurring programme is paid month by month
    by its payment cycles; its disbursement is recorded once a month of it is paid (the payment cycle
    calls this too, as the system or the clerk)."""
    remark = _remark(remark)

    def pay(row: Application) -> dict:
        waiting = disbursement_waits(row)
        if waiting:
            raise ValidationError(waiting, code="paid_by_cycle")
        if row.programme.kind not in RECURRING_KINDS:
            amount = still_reserved(row)
            fund_pay(application=row, amount_fen=amount, actor=actor,
                     note=_("Disbursement of application No. %(number)s") % {"number": row.pk})
        return {"due_on": None, "overdue_since": None}

    row = transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.DISBURSED,
                     actor=actor, note=remark, check=pay)
    notices.application_notify(row, notices.DISBURSED)
    return row


# --- Many at once -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    """One item of a bulk approval: approved (with its new status and amount) or refused with the reason."""

    id: int
    approved: bool
    status: str = ""
    amount_fen: int | None = None
    messages: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return " ".join(self.messages)


def _codes(exc: ValidationError) -> tuple[str, ...]:
    errors = [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else exc.error_list
    return tuple(dict.fromkeys(error.code or "invalid" for error in errors))


def application_approve_bulk(*, actor: User, ids: Iterable[int], remark: str = "") -> list[BulkResult]:
    """Approve the selected applications, each in a transaction of its own: each is approved whole or
    not at all, and the answer gives every item's own result (approved, or refused with the reason).
    An application that is not there or not the actor's reads "not found", the same either way.
    At most ``BULK_MAX`` at once."""
    remark = _remark(remark)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationError({"ids": [ValidationError(_("Select at least one application."), code="required")]})
    if len(ids) > BULK_MAX:
        raise ValidationError({"ids": [ValidationError(
            _("At most %(max)s applications at once (%(count)s selected).") % {"max": BULK_MAX, "count": len(ids)},
            code="too_many")]})
    found = Application.objects.in_bulk(ids)
    results = []
    for pk in ids:
        application = found.get(pk)
        try:
            if application is None:
                raise OutOfScope(_("Not found."))
            with transaction.atomic():  # a savepoint: a refusal undoes this item only
                row = application_approve(actor=actor, application=application, remark=remark)
        except Http404:
            results.append(BulkResult(id=pk, approved=False, messages=(_("Not found."),), codes=("not_found",)))
        except ValidationError as exc:
            results.append(BulkResult(id=pk, approved=False, messages=tuple(exc.messages), codes=_codes(exc)))
        else:
            results.append(BulkResult(id=pk, approved=True, status=row.status, amount_fen=row.amount_approved_fen,
                                      messages=(_("Approved: %(amount)s yuan.") % {"amount": yuan(row.amount_fen)},)))
    return results


# --- Overdue flags (nightly) ------------------------------------------------------------------------


def applications_flag_overdue(*, today: datetime.date | None = None) -> int:
    """Nightly: flag each application whose current step is past its due date (``overdue_since``, the
    first day after it) with one ``APPLICATION_OVERDUE`` audit event, in the same transaction. A flag
    set is not written again, so a rerun writes nothing; the next step clears it. Returns how many
    were flagged."""
    today = today or timezone.localdate()
    waiting = list(STEP_OF_STATUS)
    flagged = 0
    candidates = Application.objects.filter(status__in=waiting, due_on__lt=today, overdue_since__isnull=True)
    for pk in candidates.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            row = (Application.objects.select_for_update(of=("self",)).select_related("area")
                   .filter(pk=pk, status__in=waiting, due_on__lt=today, overdue_since__isnull=True).first())
            if row is None:  # the step was taken meanwhile, or another run flagged it
                continue
            row.overdue_since = row.due_on + datetime.timedelta(days=1)
            row.save(update_fields=["overdue_since"])
            audit_record(event_type=SubsidiesEvent.APPLICATION_OVERDUE, actor=None, obj=row,
                         old={"overdue_since": None},
                         new={"overdue_since": row.overdue_since, "due_on": row.due_on, "status": row.status,
                              "step": STEP_OF_STATUS[row.status]})
            flagged += 1
    return flagged
