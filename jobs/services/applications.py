"""Applications: a job seeker applies once to a public vacancy and may withdraw; the employer that
owns the vacancy moves the applicant through viewed, interview, hired or not successful.

Who may take each step is declared once, in ``jobs.constants.APPLICATION_WORKFLOW``;
``portal.workflow.transition`` checks it on the locked row.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import (
    APPLICATION_NOTE_MAX,
    APPLICATION_WORKFLOW,
    COVER_NOTE_MAX,
    EMPLOYER_APPLICATION_MOVES,
    ApplicationStatus,
    JobsEvent,
)
from jobs.models import Application, SeekerProfile, Vacancy
from portal.audit import audit_record
from portal.constants import AccountType
from portal.models import User
from portal.workflow import transition


class ApplicationExists(ValidationError):
    """A second application to the same vacancy; ``application`` is the one already there."""

    def __init__(self, application: Application):
        self.application = application
        super().__init__({"vacancy": [ValidationError(
            _("You have already applied for this vacancy (on %(date)s); see it in My applications.")
            % {"date": timezone.localtime(application.applied_at).strftime("%Y-%m-%d")},
            code="duplicate")]})


def _seeker_profile(account: User) -> SeekerProfile:
    if not account.is_authenticated or account.account_type != AccountType.JOB_SEEKER:
        raise PermissionDenied(_("Only job seekers can apply for vacancies."))
    profile = SeekerProfile.objects.filter(account=account).first()
    if profile is None:
        raise ValidationError(_("Fill in your job seeker profile before you apply."), code="no_profile")
    return profile


@transaction.atomic
def application_submit(*, actor: User, vacancy: Vacancy, cover_note: str = "") -> Application:
    """Apply once. The database constraint decides between two applications sent at the same moment."""
    profile = _seeker_profile(actor)
    cover_note = (cover_note or "").strip()
    if len(cover_note) > COVER_NOTE_MAX:
        raise ValidationError({"cover_note": [ValidationError(
            _("The note can be at most %(max)s characters (now %(length)s).")
            % {"max": COVER_NOTE_MAX, "length": len(cover_note)}, code="max_length")]})
    if not Vacancy.objects.public().filter(pk=vacancy.pk).exists():
        raise ValidationError({"vacancy": [ValidationError(
            _("This vacancy is not open for applications."), code="not_open")]})
    try:
        with transaction.atomic():
            application = Application.objects.create(vacancy=vacancy, seeker=profile, area=vacancy.area,
                                                     cover_note=cover_note)
    except IntegrityError as exc:  # application_once_per_vacancy
        existing = Application.objects.filter(vacancy=vacancy, seeker=profile).first()
        if existing is None:
            raise
        raise ApplicationExists(existing) from exc
    audit_record(event_type=JobsEvent.APPLICATION_SUBMITTED, actor=actor, obj=application,
                 new={"vacancy": vacancy.pk, "status": application.status})
    return application


def application_withdraw(*, actor: User, application: Application, note: str = "") -> Application:
    """The job seeker withdraws their own open application."""
    return transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.WITHDRAWN,
                      actor=actor, note=(note or "").strip()[:APPLICATION_NOTE_MAX])


def _hired_after_applying(hired_on: datetime.date | None):
    def check(application: Application) -> None:
        if hired_on is not None and hired_on < timezone.localtime(application.applied_at).date():
            raise ValidationError({"hired_on": [ValidationError(
                _("The hire date cannot be before the application date."), code="before_application")]})
    return check


def application_move(*, actor: User, application: Application, to: str, hired_on: datetime.date | None = None,
                     note: str = "") -> Application:
    """The employer owning the vacancy moves an applicant. A hire records its date: it later counts
    as new employment by enterprise hire."""
    note = (note or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if to not in EMPLOYER_APPLICATION_MOVES:
        errors["status"] = [ValidationError(_("Choose viewed, interview, hired or not successful."),
                                            code="invalid_choice")]
    if to == ApplicationStatus.HIRED:
        if hired_on is None:
            errors["hired_on"] = [ValidationError(_("Enter the date the person was hired."), code="required")]
        elif hired_on > timezone.localdate():
            errors["hired_on"] = [ValidationError(_("The hire date cannot be in the future."), code="future")]
    elif hired_on is not None:
        errors["hired_on"] = [ValidationError(_("A date is only recorded for a hire."), code="not_hired")]
    if len(note) > APPLICATION_NOTE_MAX:
        errors["note"] = [ValidationError(_("The note can be at most %(max)s characters.")
                                          % {"max": APPLICATION_NOTE_MAX}, code="max_length")]
    if errors:
        raise ValidationError(errors)
    changes = {"hired_on": hired_on} if to == ApplicationStatus.HIRED else None
    return transition(instance=application, workflow=APPLICATION_WORKFLOW, to=to, actor=actor, note=note,
                      changes=changes, check=_hired_after_applying(hired_on))
