"""Applying for a subsidy: submit (online or at a community window), correct a returned application,
resubmit it, withdraw it.

Who applies is fixed by the programme's kind (``APPLICANT_TYPE``): a job seeker for themselves (their
account linked to their person record), an employer account for a person it employs (named by
identity number and name), or a community window clerk for anyone in the community (an agency's job
referral subsidy too: agencies have no accounts). Every application belongs to the beneficiary's
residence community (``area``): that community takes it in, its street and district review it, and
its district's fund pays, whoever applied. ``application_submit`` takes the version in force
on the application date, assesses the claim (``subsidies.eligibility``), keeps the assessment as the
record of why, and sets the community intake's due date on the working-day calendar.

One open application per applicant, programme and period is decided by the database (a partial
unique constraint): a second one is answered with the first (``ApplicationExists``). A period that
overlaps a granted one is refused here with a clear message; on PostgreSQL an exclusion constraint
is the last word when the application is granted. Amounts are fen; the pages take yuan.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Agency, Employer
from portal.audit import audit_record
from portal.constants import AccountType
from portal.models import User
from portal.reference.calendar import add_working_days
from portal.scoping import OutOfScope, area_in_scope, has_staff_role
from portal.workflow import authorize, transition
from registration.models import EmploymentRegistration, Person
from registration.retirement import add_months
from subsidies.constants import (
    AMOUNT_MAX_FEN,
    APPLICANT_TYPE,
    APPLICATION_WORKFLOW,
    BANK_ACCOUNT_MAX,
    COMMUNITY_CLERKS,
    GRANTED_STATUSES,
    OPEN_APPLICATION_STATUSES,
    PAYEE_NAME_MAX,
    REMARK_MAX,
    STEP_OF_STATUS,
    ApplicantType,
    ApplicationStatus,
    Channel,
    ProgrammeKind,
    SubsidiesEvent,
)
from subsidies.eligibility import Assessment, Claim, assess, claim_of, version_in_force
from subsidies.models import Application, Programme, ProgrammeVersion
from subsidies.money import yuan
from subsidies.services.funds import fund_release
from subsidies.services.notices import SUBMITTED, WITHDRAWN, application_notify

# Kinds whose claim rests on an amount the applicant states (contributions paid a month, the loan).
BASIS_KINDS = (ProgrammeKind.SOCIAL_INSURANCE, ProgrammeKind.GRADUATE_SOCIAL_INSURANCE, ProgrammeKind.STARTUP_LOAN)
# Kinds paid for a span of whole months (the others name a day: the placement, the loan's start).
PERIOD_KINDS = (ProgrammeKind.SOCIAL_INSURANCE, ProgrammeKind.GRADUATE_SOCIAL_INSURANCE,
                ProgrammeKind.PUBLIC_WELFARE_POST)
LONGEST_PERIOD_MONTHS = 600  # a period beyond 50 years is a typing error, whatever the programme
LOAN_TERM_MAX = 600
STAFF_COUNT_MAX = 1_000_000
EARLIEST_GRADUATION_YEAR = 1950
BANK_ACCOUNT_RE = re.compile(r"^\d{8,%d}$" % BANK_ACCOUNT_MAX)
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

# Which field a failed eligibility finding is about (the others are about the person or the whole claim).
FINDING_FIELDS = {
    "whole_months": "period_start", "before_retirement": "period_end", "months_limit": "period_end",
    "contributions_paid": "basis_fen", "loan_amount": "basis_fen", "loan_term": "loan_term_months",
    "small_enterprise": "staff_count", "recent_graduate": "graduation_year", "applied_in_time": "period_start",
    "placed": "period_start", "employer_verified": "employer", "licensed_agency": "agency",
}


class ApplicationExists(ValidationError):
    """An open application of the same applicant, programme and period; ``application`` is it."""

    def __init__(self, application: Application | None):
        self.application = application
        if application is None:
            message = _("An open application for this programme and period already exists.")
        else:
            message = _("Application No. %(number)s for this programme and period is already open (%(status)s, "
                        "submitted on %(date)s).") % {
                "number": application.pk, "status": application.get_status_display(),
                "date": timezone.localtime(application.submitted_at).date()}
        super().__init__({"period_start": [ValidationError(message, code="duplicate")]})


# --- Who applies ------------------------------------------------------------------------------


def is_window_clerk(actor: User | None) -> bool:
    return has_staff_role(actor, COMMUNITY_CLERKS.roles, COMMUNITY_CLERKS.levels)


def _applicant(*, actor: User, programme: Programme, person: Person | None, employer: Employer | None,
               agency: Agency | None) -> dict:
    """Who applies, for whom, through which channel, and which area reviews it; refuses what the
    actor may not apply for."""
    applicant_type = APPLICANT_TYPE[programme.kind]
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise OutOfScope(_("Not found."))
    if is_window_clerk(actor):
        return _at_window(actor=actor, applicant_type=applicant_type, person=person, employer=employer, agency=agency)
    if actor.account_type == AccountType.JOB_SEEKER:
        if applicant_type != ApplicantType.PERSON:
            raise ValidationError({"programme": [ValidationError(
                _("%(programme)s is applied for by %(who)s, not by job seekers.")
                % {"programme": programme.name, "who": ApplicantType(applicant_type).label}, code="wrong_applicant")]})
        own = Person.objects.select_related("area").filter(account=actor).first()
        if own is None:
            raise ValidationError(_("Your account is not linked to your registration record yet. Link it on the page "
                                    "“My registration” with your identity number and name, then apply."),
                                  code="not_linked")
        if person is not None and person.pk != own.pk:
            raise OutOfScope(_("Not found."))
        return {"applicant_type": applicant_type, "person": own, "employer": None, "agency": None,
                "channel": Channel.ONLINE, "applicant_account": actor, "area": own.area}
    if actor.account_type == AccountType.EMPLOYER:
        if applicant_type != ApplicantType.EMPLOYER:
            raise ValidationError({"programme": [ValidationError(
                _("%(programme)s is applied for by %(who)s, not by employers.")
                % {"programme": programme.name, "who": ApplicantType(applicant_type).label}, code="wrong_applicant")]})
        own = Employer.objects.select_related("area").filter(account=actor).first()
        if own is None:
            raise ValidationError(_("Register your organisation first (My organisation), then apply."),
                                  code="no_employer")
        if employer is not None and employer.pk != own.pk:
            raise OutOfScope(_("Not found."))
        if person is None or not EmploymentRegistration.objects.filter(person=person, employer=own).exists():
            raise ValidationError({"person": [_no_employee()]})
        return {"applicant_type": applicant_type, "person": person, "employer": own, "agency": None,
                "channel": Channel.ONLINE, "applicant_account": actor, "area": person.area}
    raise OutOfScope(_("Not found."))


def _no_employee() -> ValidationError:
    # Says nothing about whether the number exists: an employer cannot probe for persons.
    return ValidationError(_("No person employed by your organisation matches this identity number and name. The "
                             "hire must be registered first (employment registration at the community window)."),
                           code="not_employee")


def _at_window(*, actor: User, applicant_type: str, person: Person | None, employer: Employer | None,
               agency: Agency | None) -> dict:
    errors: dict[str, list[ValidationError]] = {}
    if person is None:
        errors["person"] = [ValidationError(_("Choose the person the subsidy is for."), code="required")]
    if applicant_type == ApplicantType.EMPLOYER and employer is None:
        errors["employer"] = [ValidationError(_("Name the employer by its unified social credit code."),
                                              code="required")]
    if applicant_type == ApplicantType.AGENCY and agency is None:
        errors["agency"] = [ValidationError(_("Name the agency by its licence number."), code="required")]
    if errors:
        raise ValidationError(errors)
    # The community where the beneficiary lives takes every application in (it keeps the person's records).
    area = person.area
    if not area_in_scope(actor, area, COMMUNITY_CLERKS.roles, COMMUNITY_CLERKS.levels):
        raise OutOfScope(_("Not found."))
    if applicant_type == ApplicantType.PERSON:
        account = person.account if person.account_id else None
    elif applicant_type == ApplicantType.EMPLOYER:
        account = employer.account if employer.account_id else None
    else:
        account = None  # agencies have no accounts
    return {"applicant_type": applicant_type, "person": person,
            "employer": employer if applicant_type == ApplicantType.EMPLOYER else None,
            "agency": agency if applicant_type == ApplicantType.AGENCY else None,
            "channel": Channel.WINDOW, "applicant_account": account, "area": area}


# --- What the application states ---------------------------------------------------------------


def _clean_text(errors: dict, field: str, value: Any, limit: int, required_message: str) -> str:
    value = str(value or "").strip()
    if not value:
        errors.setdefault(field, []).append(ValidationError(required_message, code="required"))
    elif CONTROL_RE.search(value):
        errors.setdefault(field, []).append(ValidationError(_("This text contains a character that is not allowed."),
                                                            code="invalid"))
    elif len(value) > limit:
        errors.setdefault(field, []).append(ValidationError(
            _("This can be at most %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)},
            code="max_length"))
    return value


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,12}", value.strip()):
        return int(value)
    return None


def _statement(*, programme: Programme, version: ProgrammeVersion, period_start, period_end, basis_fen,
               loan_term_months, details, payee_name, payee_account) -> dict:
    """The stated facts, checked for shape and sanity (amounts, dates, texts); eligibility comes after."""
    kind, params = programme.kind, version.parameters
    errors: dict[str, list[ValidationError]] = {}

    def bad(field: str, message: str, code: str = "invalid") -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not isinstance(period_start, datetime.date):
        bad("period_start", {ProgrammeKind.JOB_REFERRAL: _("Give the date the person started work."),
                             ProgrammeKind.STARTUP_LOAN: _("Give the date the loan starts.")}.get(
            kind, _("Give the first day of the period.")), "required")
    term = None
    if kind == ProgrammeKind.STARTUP_LOAN:
        term = _whole(loan_term_months)
        if term is None:
            bad("loan_term_months", _("Give the loan's term in whole months."), "required")
        elif not 0 < term <= LOAN_TERM_MAX:
            bad("loan_term_months", _("The term must be from 1 to %(max)s months.") % {"max": params["max_term_months"]},
                "range")
            term = None
    if kind in PERIOD_KINDS:
        if not isinstance(period_end, datetime.date):
            bad("period_end", _("Give the last day of the period."), "required")
        elif isinstance(period_start, datetime.date):
            if period_end < period_start:
                bad("period_end", _("The period cannot end before it starts."), "before_start")
            elif (period_end.year - period_start.year) * 12 + period_end.month - period_start.month \
                    >= LONGEST_PERIOD_MONTHS:
                bad("period_end", _("A period of more than %(years)s years is not possible.")
                    % {"years": LONGEST_PERIOD_MONTHS // 12}, "range")
    elif kind == ProgrammeKind.STARTUP_LOAN:
        period_end = (add_months(period_start, term) - datetime.timedelta(days=1)
                      if isinstance(period_start, datetime.date) and term else period_start)
    else:  # a placement is one day
        period_end = period_start

    basis = 0
    if kind in BASIS_KINDS:
        label = _("The loan amount") if kind == ProgrammeKind.STARTUP_LOAN else _("The contributions paid a month")
        basis = _whole(basis_fen)
        cap = params.get("loan_cap_fen") if kind == ProgrammeKind.STARTUP_LOAN else None
        if basis is None:
            bad("basis_fen", _("Give an amount in yuan, such as 1234.56."), "required")
        elif basis <= 0:
            bad("basis_fen", _("%(what)s must be more than 0 yuan.") % {"what": label}, "not_positive")
        elif basis > AMOUNT_MAX_FEN:
            bad("basis_fen", _("%(what)s of %(amount)s yuan is above the %(max)s yuan any application may state: "
                               "check the amount.") % {"what": label, "amount": yuan(basis), "max": yuan(AMOUNT_MAX_FEN)},
                "too_large")
        elif cap is not None and basis > cap:
            bad("basis_fen", _("The loan may be at most %(cap)s yuan under this programme.") % {"cap": yuan(cap)},
                "above_cap")
        basis = basis or 0

    stated: dict[str, Any] = {}
    details = details if isinstance(details, dict) else {}
    if kind == ProgrammeKind.GRADUATE_SOCIAL_INSURANCE:
        staff_count = _whole(details.get("staff_count"))
        if staff_count is None:
            bad("staff_count", _("Give the number of staff of the enterprise."), "required")
        elif not 0 < staff_count <= STAFF_COUNT_MAX:
            bad("staff_count", _("Give a number of staff from 1 to %(max)s.") % {"max": STAFF_COUNT_MAX}, "range")
        year = _whole(details.get("graduation_year"))
        this_year = timezone.localdate().year
        if year is None:
            bad("graduation_year", _("Give the year the person graduated."), "required")
        elif not EARLIEST_GRADUATION_YEAR <= year <= this_year:
            bad("graduation_year", _("Give a year from %(first)s to %(last)s.")
                % {"first": EARLIEST_GRADUATION_YEAR, "last": this_year}, "range")
        stated = {"staff_count": staff_count, "graduation_year": year}

    name = _clean_text(errors, "payee_name", payee_name, PAYEE_NAME_MAX, _("Give the name of the account holder."))
    account = re.sub(r"[\s-]", "", str(payee_account or ""))
    if not account:
        bad("payee_account", _("Give the bank account the subsidy is paid to."), "required")
    elif not BANK_ACCOUNT_RE.fullmatch(account):
        bad("payee_account", _("A bank account number is 8 to %(max)s digits.") % {"max": BANK_ACCOUNT_MAX})
    if errors:
        raise ValidationError(errors)
    return {"period_start": period_start, "period_end": period_end, "basis_fen": basis,
            "loan_term_months": term, "details": stated, "payee_name": name, "payee_account": account}


def _refusal(assessment: Assessment) -> ValidationError:
    """The failed findings as errors: on the field at fault where there is one, else on the whole claim."""
    errors: dict[str, list[ValidationError]] = {}
    for finding in assessment.findings:
        if not finding.ok:
            field = FINDING_FIELDS.get(finding.code, "__all__")
            errors.setdefault(field, []).append(ValidationError(finding.text, code=f"not_eligible.{finding.code}"))
    return ValidationError(errors)


def _overlap_checks(*, programme: Programme, person: Person, applicant_key: str, period_start: datetime.date,
                    period_end: datetime.date, exclude: int | None = None) -> None:
    """A period already granted (to anyone) for the person, or an open application of this applicant
    for an overlapping period: refused with a clear message (the constraints are the last word)."""
    overlapping = (Application.objects.filter(programme=programme, person=person, period_start__lte=period_end,
                                              period_end__gte=period_start)
                   .exclude(pk=exclude or 0))
    granted = overlapping.filter(status__in=GRANTED_STATUSES).order_by("period_start").first()
    if granted is not None:
        raise ValidationError({"period_start": [ValidationError(
            _("%(start)s to %(end)s is already granted for this person under this programme: choose a period that "
              "does not overlap it.") % {"start": granted.period_start, "end": granted.period_end},
            code="period_granted")]})
    already = (overlapping.filter(status__in=OPEN_APPLICATION_STATUSES, applicant_key=applicant_key)
               .order_by("period_start").first())
    if already is not None:
        raise ApplicationExists(already)


def _constraint_error(exc: IntegrityError, *, programme: Programme, person: Person, applicant_key: str,
                      period_start: datetime.date) -> ValidationError:
    text = str(exc)
    if "subsidy_one_open_application_per_period" in text:
        existing = (Application.objects.filter(programme=programme, person=person, applicant_key=applicant_key,
                                               period_start=period_start, status__in=OPEN_APPLICATION_STATUSES)
                    .first())
        return ApplicationExists(existing)
    if "subsidy_granted_periods_do_not_overlap" in text:
        return ValidationError({"period_start": [ValidationError(
            _("This period overlaps one already granted for this person under this programme."),
            code="period_granted")]})
    raise exc


def _applicant_key(applicant_type: str, person: Person, employer: Employer | None, agency: Agency | None) -> str:
    # The same key Application.save() writes, to look for the open application before saving.
    return {ApplicantType.PERSON: f"person:{person.pk}", ApplicantType.EMPLOYER: f"employer:{getattr(employer, 'pk', None)}",
            ApplicantType.AGENCY: f"agency:{getattr(agency, 'pk', None)}"}[applicant_type]


def _amounts(assessment: Assessment, version: ProgrammeVersion) -> dict:
    amount = assessment.amount_fen
    if amount <= 0:
        raise ValidationError({"basis_fen": [ValidationError(
            _("Under these rules the claim comes to 0 yuan: check the amount and the period."), code="zero_amount")]})
    if amount > AMOUNT_MAX_FEN:
        raise ValidationError({"basis_fen": [ValidationError(
            _("The claim comes to %(amount)s yuan, above the %(max)s yuan any application may be for: check the "
              "amount and the period.") % {"amount": yuan(amount), "max": yuan(AMOUNT_MAX_FEN)}, code="too_large")]})
    return {"amount_requested_fen": amount, "monthly_amount_fen": assessment.monthly_amount_fen,
            "needs_city_approval": amount > version.parameters["city_approval_above_fen"],
            "eligibility": assessment.record()}


def intake_due_on(version: ProgrammeVersion, start: datetime.date) -> datetime.date:
    """When the community's intake of an application received on ``start`` falls due."""
    return add_working_days(start, version.parameters["step_days"][STEP_OF_STATUS[ApplicationStatus.SUBMITTED]]).due_on


# --- Submit ------------------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, actor: User, programme: Programme, period_start: datetime.date | None,
                       period_end: datetime.date | None = None, payee_name: str = "", payee_account: str = "",
                       basis_fen: int | None = 0, loan_term_months: int | None = None, details: dict | None = None,
                       person: Person | None = None, employer: Employer | None = None,
                       agency: Agency | None = None) -> Application:
    """Submit an application to ``programme`` (see the module docstring for who may).

    Refused, naming the field at fault: an ineligible claim (every failed finding in words), a
    duplicate open application (``ApplicationExists``), a period overlapping a granted one, an amount
    that is negative, zero, absurd or above the cap.
    """
    if programme is None or not isinstance(programme, Programme):
        raise ValidationError({"programme": [ValidationError(_("Choose a programme."), code="required")]})
    who = _applicant(actor=actor, programme=programme, person=person, employer=employer, agency=agency)
    applied_on = timezone.localdate()
    version = version_in_force(programme, applied_on) if programme.active else None
    if version is None:
        raise ValidationError({"programme": [ValidationError(_("%(programme)s takes no applications now.")
                                                             % {"programme": programme.name}, code="closed")]})
    stated = _statement(programme=programme, version=version, period_start=period_start, period_end=period_end,
                        basis_fen=basis_fen, loan_term_months=loan_term_months, details=details,
                        payee_name=payee_name, payee_account=payee_account)
    claim = Claim(person=who["person"], period_start=stated["period_start"], period_end=stated["period_end"],
                  applied_on=applied_on, basis_fen=stated["basis_fen"], loan_term_months=stated["loan_term_months"],
                  employer=who["employer"], agency=who["agency"], details=stated["details"])
    assessment = assess(version=version, claim=claim)
    if not assessment.eligible:
        raise _refusal(assessment)
    amounts = _amounts(assessment, version)
    key = _applicant_key(who["applicant_type"], who["person"], who["employer"], who["agency"])
    _overlap_checks(programme=programme, person=who["person"], applicant_key=key,
                    period_start=stated["period_start"], period_end=stated["period_end"])
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme, version=version, entered_by=actor, applied_on=applied_on,
                due_on=intake_due_on(version, applied_on), status=ApplicationStatus.SUBMITTED,
                **who, **stated, **amounts)
    except IntegrityError as exc:  # a parallel submission won the race: the database decided
        raise _constraint_error(exc, programme=programme, person=who["person"], applicant_key=key,
                                period_start=stated["period_start"]) from exc
    audit_record(event_type=SubsidiesEvent.APPLICATION_SUBMITTED, actor=actor, obj=application, new={
        "programme": programme.pk, "version": version.number, "person": who["person"].pk,
        "applicant_type": who["applicant_type"], "channel": who["channel"], "period_start": stated["period_start"],
        "period_end": stated["period_end"], "basis_fen": stated["basis_fen"],
        "amount_requested_fen": amounts["amount_requested_fen"], "needs_city_approval": amounts["needs_city_approval"],
        "due_on": application.due_on})
    application_notify(application, SUBMITTED)
    return application


# --- Correct, resubmit, withdraw ----------------------------------------------------------------


CORRECTABLE = ("period_start", "period_end", "basis_fen", "loan_term_months", "details", "payee_name",
               "payee_account")


@transaction.atomic
def application_correct(*, actor: User, application: Application, period_start: datetime.date | None,
                        period_end: datetime.date | None = None, payee_name: str = "", payee_account: str = "",
                        basis_fen: int | None = 0, loan_term_months: int | None = None,
                        details: dict | None = None) -> Application:
    """The applicant (or the window that entered it) corrects the stated facts of a returned
    application; the claim is assessed again under the same version, and refused as at submission."""
    row = (Application.objects.select_for_update(of=("self",)).select_related("programme", "version", "person",
                                                                               "employer", "agency")
           .get(pk=application.pk))
    authorize(instance=row, workflow=APPLICATION_WORKFLOW, action="correct", actor=actor)
    stated = _statement(programme=row.programme, version=row.version, period_start=period_start,
                        period_end=period_end, basis_fen=basis_fen, loan_term_months=loan_term_months,
                        details=details, payee_name=payee_name, payee_account=payee_account)
    claim = Claim(person=row.person, period_start=stated["period_start"], period_end=stated["period_end"],
                  applied_on=row.applied_on, basis_fen=stated["basis_fen"], loan_term_months=stated["loan_term_months"],
                  employer=row.employer, agency=row.agency, details=stated["details"], exclude_application=row.pk)
    assessment = assess(version=row.version, claim=claim)
    if not assessment.eligible:
        raise _refusal(assessment)
    amounts = _amounts(assessment, row.version)
    _overlap_checks(programme=row.programme, person=row.person, applicant_key=row.applicant_key,
                    period_start=stated["period_start"], period_end=stated["period_end"], exclude=row.pk)
    old = {name: getattr(row, name) for name in (*CORRECTABLE, "amount_requested_fen", "monthly_amount_fen",
                                                  "needs_city_approval")}
    changes = {**stated, **amounts}
    for name, value in changes.items():
        setattr(row, name, value)
    try:
        with transaction.atomic():
            row.save(update_fields=list(changes))
    except IntegrityError as exc:
        raise _constraint_error(exc, programme=row.programme, person=row.person, applicant_key=row.applicant_key,
                                period_start=stated["period_start"]) from exc
    audit_record(event_type=SubsidiesEvent.APPLICATION_UPDATED, actor=actor, obj=row, old=old,
                 new={name: changes[name] for name in old})
    return row


def _note(note: str) -> str:
    note = CONTROL_RE.sub("", str(note or "")).strip()
    if len(note) > REMARK_MAX:
        raise ValidationError({"note": [ValidationError(
            _("This can be at most %(max)s characters (now %(length)s).") % {"max": REMARK_MAX, "length": len(note)},
            code="max_length")]})
    return note


@transaction.atomic
def application_resubmit(*, actor: User, application: Application, note: str = "") -> Application:
    """Send a returned application again. The claim is assessed once more (the records may have
    changed since); an ineligible one is refused with the reasons, to be corrected first."""
    note = _note(note)

    def check(row: Application) -> dict:
        assessment = assess(version=row.version, claim=claim_of(row))
        if not assessment.eligible:
            raise _refusal(assessment)
        return {**_amounts(assessment, row.version), "due_on": intake_due_on(row.version, timezone.localdate()),
                "overdue_since": None, "reason_code": "", "remark": ""}

    row = transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.SUBMITTED,
                     actor=actor, note=note, check=check)
    application_notify(row, SUBMITTED)
    return row


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, note: str = "") -> Application:
    """The applicant withdraws a submitted or returned application (anything still reserved for it is
    given back to the fund)."""
    note = _note(note)
    row = transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.WITHDRAWN,
                     actor=actor, note=note, changes={"due_on": None, "overdue_since": None})
    fund_release(application=row, actor=actor, note=_("Withdrawn by the applicant"))
    if actor is None or actor.pk != row.applicant_account_id:
        application_notify(row, WITHDRAWN)
    return row
