"""Employment and unemployment registration (就业失业登记).

Unemployment registration is made at the residence community's window (a clerk whose scope
covers the person's community) or applied for online by the job seeker whose account is linked
to the person, and then confirmed or not confirmed there. Who may register: aged 16 or over,
under the statutory retirement age (registration/retirement.py) and not currently employed (no
employment registration without an end date). ``registered_on`` is the day the registration
took effect: the day of a window registration, or of the confirmation of an online application;
the ledger counts from it.

Who confirms, does not confirm or cancels is declared in ``registration.constants.UNEMPLOYMENT_WORKFLOW``
and checked by ``transition`` on the locked registration.

Employment registration records the kind and date (the sources of new-employment counts) and
cancels an open unemployment registration with reason "found work" in the same transaction.
A person registers as unemployed again once the employment has an end date.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Application, Employer, Referral
from portal.audit import audit_record
from portal.constants import AccountType
from portal.models import User
from portal.scoping import assert_in_scope
from portal.workflow import transition
from registration.constants import (
    EMPLOYER_NAME_MAX,
    MIN_REGISTRATION_AGE,
    NOTE_MAX,
    OPEN_UNEMPLOYMENT_STATUSES,
    REGISTRATION_ROLES,
    UNEMPLOYMENT_WORKFLOW,
    CancellationReason,
    EmploymentKind,
    RegistrationEvent,
    UnemploymentStatus,
)
from registration.identity import age_on
from registration.models import EmploymentRegistration, Person, UnemploymentRegistration
from registration.retirement import statutory_retirement_date


class DuplicateRegistration(ValidationError):
    """The person already has an open or pending unemployment registration (``existing``)."""

    def __init__(self, existing: UnemploymentRegistration | None):
        if existing is not None:
            message = _("This person already has an unemployment registration (%(status)s since %(date)s, "
                        "record no. %(pk)d); no second one can be opened.") % {
                "status": existing.get_status_display(), "date": existing.registered_on.isoformat(),
                "pk": existing.pk}
        else:
            message = _("This person already has an open unemployment registration.")
        super().__init__({"person": [ValidationError(message, code="duplicate")]})
        self.existing = existing


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def open_unemployment_registration(person: Person) -> UnemploymentRegistration | None:
    return (UnemploymentRegistration.objects.filter(person=person, status__in=OPEN_UNEMPLOYMENT_STATUSES)
            .order_by("-id").first())


def current_employment(person: Person, on_date: datetime.date | None = None) -> EmploymentRegistration | None:
    """The person's employment without an end date (or ending after ``on_date``)."""
    queryset = EmploymentRegistration.objects.filter(person=person)
    if on_date is None:
        queryset = queryset.filter(ended_on__isnull=True)
    else:
        queryset = queryset.filter(started_on__lte=on_date).exclude(ended_on__lt=on_date)
    return queryset.order_by("-started_on", "-id").first()


def unemployment_eligibility_errors(person: Person, on_date: datetime.date) -> list[ValidationError]:
    """Why the person may not register as unemployed on ``on_date`` (empty when they may)."""
    errors = []
    if age_on(person.birth_date, on_date) < MIN_REGISTRATION_AGE:
        errors.append(ValidationError(_("This person is under %(age)d and cannot register as unemployed.")
                                      % {"age": MIN_REGISTRATION_AGE}, code="under_age"))
    retirement = statutory_retirement_date(person.birth_date, person.sex, person.original_retirement_age)
    if on_date >= retirement:
        errors.append(ValidationError(
            _("This person reached the statutory retirement age on %(date)s and cannot register as unemployed.")
            % {"date": retirement.isoformat()}, code="retirement_age"))
    employment = current_employment(person)
    if employment is not None:
        errors.append(ValidationError(
            _("This person is registered as employed (%(kind)s since %(date)s); record the end of that "
              "employment first.") % {"kind": employment.get_kind_display(), "date": employment.started_on.isoformat()},
            code="employed"))
    return errors


def _create_unemployment(*, person: Person, **values) -> UnemploymentRegistration:
    existing = open_unemployment_registration(person)
    if existing is not None:
        raise DuplicateRegistration(existing)
    try:
        with transaction.atomic():
            return UnemploymentRegistration.objects.create(person=person, area=person.area, **values)
    except IntegrityError as exc:  # unemployment_one_open_per_person: another window was first
        raise DuplicateRegistration(open_unemployment_registration(person)) from exc


@transaction.atomic
def unemployment_register(*, actor: User, person: Person, registered_on: datetime.date | None = None,
                          note: str = "") -> UnemploymentRegistration:
    """Register a person as unemployed at the window of their residence community."""
    assert_in_scope(actor, person.area, roles=REGISTRATION_ROLES)
    person = Person.objects.select_for_update().get(pk=person.pk)
    today = timezone.localdate()
    registered_on = registered_on or today
    note = (note or "").strip()
    if registered_on > today:
        raise _error("registered_on", _("The registration date cannot be in the future."), "future")
    if len(note) > NOTE_MAX:
        raise _error("note", _("At most %(max)d characters.") % {"max": NOTE_MAX}, "max_length")
    problems = unemployment_eligibility_errors(person, registered_on)
    if problems:
        raise ValidationError({"person": problems})
    registration = _create_unemployment(person=person, status=UnemploymentStatus.OPEN, registered_on=registered_on,
                                        confirmed_by=actor, confirmed_at=timezone.now(), note=note)
    audit_record(event_type=RegistrationEvent.UNEMPLOYMENT_REGISTERED, actor=actor, obj=registration,
                 new={"person": person.pk, "status": registration.status, "registered_on": registered_on})
    return registration


@transaction.atomic
def unemployment_apply_online(*, user: User, note: str = "") -> UnemploymentRegistration:
    """A job seeker applies online; the registration waits for the community clerk's confirmation."""
    if user is None or not user.is_authenticated or user.account_type != AccountType.JOB_SEEKER:
        raise ValidationError(_("Only job seekers apply for unemployment registration online."), code="not_seeker")
    person = Person.objects.select_for_update().filter(account=user).first()
    if person is None:
        raise ValidationError(_("Link your account to your person record first."), code="not_linked")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _error("note", _("At most %(max)d characters.") % {"max": NOTE_MAX}, "max_length")
    problems = unemployment_eligibility_errors(person, timezone.localdate())
    if problems:
        raise ValidationError({"person": problems})
    registration = _create_unemployment(person=person, status=UnemploymentStatus.PENDING, applied_online=True,
                                        note=note)
    audit_record(event_type=RegistrationEvent.UNEMPLOYMENT_APPLIED, actor=user, obj=registration,
                 new={"person": person.pk, "status": registration.status})
    return registration


def unemployment_confirm(*, actor: User, registration: UnemploymentRegistration,
                         note: str = "") -> UnemploymentRegistration:
    """The community's clerk confirms an online application: the registration takes effect today."""
    note = (note or "").strip()[:NOTE_MAX]
    today = timezone.localdate()

    def still_eligible(row: UnemploymentRegistration) -> None:
        problems = unemployment_eligibility_errors(row.person, today)
        if problems:
            raise ValidationError({"person": problems})

    return transition(instance=registration, workflow=UNEMPLOYMENT_WORKFLOW, to=UnemploymentStatus.OPEN, actor=actor,
                      note=note, check=still_eligible,
                      changes={"confirmed_by": actor, "confirmed_at": timezone.now(), "registered_on": today})


def unemployment_reject(*, actor: User, registration: UnemploymentRegistration, note: str) -> UnemploymentRegistration:
    """Not confirmed: the clerk says why (the applicant reads it on their page)."""
    note = (note or "").strip()
    if not note:
        raise _error("note", _("Say why the registration is not confirmed."), "required")
    if len(note) > NOTE_MAX:
        raise _error("note", _("At most %(max)d characters.") % {"max": NOTE_MAX}, "max_length")
    return transition(instance=registration, workflow=UNEMPLOYMENT_WORKFLOW, to=UnemploymentStatus.REJECTED,
                      actor=actor, note=note, changes={"confirmed_by": actor, "confirmed_at": timezone.now()})


def unemployment_cancel(*, actor: User, registration: UnemploymentRegistration, reason: str,
                        cancelled_on: datetime.date | None = None, note: str = "") -> UnemploymentRegistration:
    """Cancel an open registration: found work, retirement age, moved away or death.

    Everything is checked at once on the locked row, after ``transition`` has found the step open to
    this clerk, so the dates are compared with the registration as it is."""
    today = timezone.localdate()
    cancelled_on = cancelled_on or today
    note = (note or "").strip()

    def valid(row: UnemploymentRegistration) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if reason not in CancellationReason.values:
            errors["cancel_reason"] = [ValidationError(_("Choose the reason for the cancellation."),
                                                       code="invalid_choice")]
        if cancelled_on > today:
            errors["cancelled_on"] = [ValidationError(_("The date cannot be in the future."), code="future")]
        elif cancelled_on < row.registered_on:
            errors["cancelled_on"] = [ValidationError(_("The date cannot be before the registration (%(date)s).")
                                                      % {"date": row.registered_on.isoformat()}, code="order")]
        elif reason == CancellationReason.RETIREMENT_AGE:
            person = row.person
            retirement = statutory_retirement_date(person.birth_date, person.sex, person.original_retirement_age)
            if cancelled_on < retirement:
                errors["cancel_reason"] = [ValidationError(
                    _("This person reaches the statutory retirement age only on %(date)s.")
                    % {"date": retirement.isoformat()}, code="not_retired")]
        if len(note) > NOTE_MAX:
            errors["note"] = [ValidationError(_("At most %(max)d characters.") % {"max": NOTE_MAX},
                                              code="max_length")]
        if errors:
            raise ValidationError(errors)

    return transition(instance=registration, workflow=UNEMPLOYMENT_WORKFLOW, to=UnemploymentStatus.CANCELLED,
                      actor=actor, note=note, check=valid,
                      changes={"cancelled_on": cancelled_on, "cancel_reason": reason})


@transaction.atomic
def employment_register(
    *, actor: User, person: Person, kind: str, started_on: datetime.date | None, employer_name: str = "",
    employer: Employer | None = None, application: Application | None = None, referral: Referral | None = None,
) -> EmploymentRegistration:
    """Register employment; an open unemployment registration is cancelled (found work) in the same
    transaction, and a pending online application is not confirmed."""
    assert_in_scope(actor, person.area, roles=REGISTRATION_ROLES)
    person = Person.objects.select_for_update().get(pk=person.pk)
    today = timezone.localdate()
    employer_name = (employer_name or "").strip()
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if kind not in EmploymentKind.values:
        add("kind", _("Choose the kind of employment."), "invalid_choice")
    if started_on is None:
        add("started_on", _("Enter the first day of the employment."), "required")
    elif started_on > today:
        add("started_on", _("The date cannot be in the future."), "future")
    elif age_on(person.birth_date, started_on) < MIN_REGISTRATION_AGE:
        add("started_on", _("The person was under %(age)d on that day.") % {"age": MIN_REGISTRATION_AGE}, "under_age")
    if len(employer_name) > EMPLOYER_NAME_MAX:
        add("employer_name", _("At most %(max)d characters.") % {"max": EMPLOYER_NAME_MAX}, "max_length")
    if application is not None:
        if person.seeker_profile_id is None or application.seeker_id != person.seeker_profile_id:
            add("application", _("This application is not this person's."), "not_own")
        elif employer is None:
            employer = application.vacancy.employer
    if referral is not None:
        if person.seeker_profile_id is None or referral.seeker_id != person.seeker_profile_id:
            add("referral", _("This referral is not this person's."), "not_own")
        elif employer is None:
            employer = referral.vacancy.employer
    if employer is not None and not employer_name:
        employer_name = employer.name
    if kind == EmploymentKind.ENTERPRISE_HIRE and not employer_name and "employer_name" not in errors:
        add("employer_name", _("Name the employer."), "required")
    current = current_employment(person)
    if current is not None:
        add("person", _("This person is already registered as employed (%(kind)s since %(date)s); record the end "
                        "of that employment first.") % {"kind": current.get_kind_display(),
                                                         "date": current.started_on.isoformat()}, "employed")
    if errors:
        raise ValidationError(errors)
    registration = EmploymentRegistration.objects.create(
        person=person, area=person.area, kind=kind, started_on=started_on, employer_name=employer_name,
        employer=employer, application=application, referral=referral, registered_by=actor)
    audit_record(event_type=RegistrationEvent.EMPLOYMENT_REGISTERED, actor=actor, obj=registration,
                 new={"person": person.pk, "kind": kind, "started_on": started_on, "employer_name": employer_name,
                      "employer": employer, "application": application, "referral": referral})
    unemployment = open_unemployment_registration(person)
    if unemployment is not None:
        note = _("Employment registered (%(kind)s from %(date)s).") % {
            "kind": registration.get_kind_display(), "date": started_on.isoformat()}
        if unemployment.status == UnemploymentStatus.OPEN:
            transition(instance=unemployment, workflow=UNEMPLOYMENT_WORKFLOW, to=UnemploymentStatus.CANCELLED,
                       actor=actor, note=note,
                       changes={"cancelled_on": max(started_on, unemployment.registered_on),
                                "cancel_reason": CancellationReason.FOUND_WORK})
        else:
            transition(instance=unemployment, workflow=UNEMPLOYMENT_WORKFLOW, to=UnemploymentStatus.REJECTED,
                       actor=actor, note=note, changes={"confirmed_by": actor, "confirmed_at": timezone.now()})
    return registration


@transaction.atomic
def employment_end(*, actor: User, registration: EmploymentRegistration,
                   ended_on: datetime.date | None) -> EmploymentRegistration:
    """Record the end of an employment; the person may then register as unemployed again."""
    assert_in_scope(actor, registration.area, roles=REGISTRATION_ROLES)
    row = EmploymentRegistration.objects.select_for_update().get(pk=registration.pk)
    if row.ended_on is not None:
        raise _error("ended_on", _("This employment already ended on %(date)s.") % {"date": row.ended_on.isoformat()},
                     "already_ended")
    if ended_on is None:
        raise _error("ended_on", _("Enter the last day of the employment."), "required")
    if ended_on > timezone.localdate():
        raise _error("ended_on", _("The date cannot be in the future."), "future")
    if ended_on < row.started_on:
        raise _error("ended_on", _("The employment cannot end before it started (%(date)s).")
                     % {"date": row.started_on.isoformat()}, "order")
    row.ended_on = ended_on
    row.save(update_fields=["ended_on"])
    audit_record(event_type=RegistrationEvent.EMPLOYMENT_ENDED, actor=actor, obj=row, old={"ended_on": None},
                 new={"ended_on": ended_on})
    return row
