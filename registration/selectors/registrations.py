"""Reads about employment and unemployment registrations, trainings and agency services for staff
pages and viewsets (the scoped bases narrow them to the reader's jurisdiction)."""

from __future__ import annotations

from django.db.models import QuerySet

from jobs.models import Employer
from portal.models import StatusChange, User
from portal.workflow import awaiting, status_history, takes_part
from registration.constants import UNEMPLOYMENT_WORKFLOW
from registration.models import (
    AgencyService,
    EmploymentRegistration,
    TrainingEnrolment,
    UnemploymentRegistration,
)


def unemployment_staff_base() -> QuerySet[UnemploymentRegistration]:
    return (UnemploymentRegistration.objects.select_related("person", "area", "confirmed_by")
            .order_by("-registered_on", "-id"))


def employment_staff_base() -> QuerySet[EmploymentRegistration]:
    return (EmploymentRegistration.objects.select_related("person", "area", "registered_by")
            .order_by("-started_on", "-id"))


def training_staff_base() -> QuerySet[TrainingEnrolment]:
    return TrainingEnrolment.objects.select_related("person", "area").order_by("-starts_on", "-id")


def agency_service_staff_base() -> QuerySet[AgencyService]:
    return AgencyService.objects.select_related("person", "area").order_by("-started_on", "-id")


def unemployment_status_history(*, registration: UnemploymentRegistration, fetched_by: User) -> list[StatusChange]:
    """Status changes of a registration the reader has already been allowed to open."""
    return status_history(instance=registration)


def unemployment_own(*, fetched_by: User, pk: int) -> UnemploymentRegistration | None:
    """A job seeker's own registration (through the account linked to the person)."""
    if fetched_by is None or not fetched_by.is_authenticated:
        return None
    return UnemploymentRegistration.objects.filter(pk=pk, person__account=fetched_by).first()


def employment_source_queryset(*, model):
    """Employers, applications or referrals an employment registration may name (the service checks
    that an application or referral belongs to the person)."""
    return model._default_manager.select_related(*(["vacancy__employer"] if model is not Employer else []))


def unemployment_to_confirm_count(*, fetched_by: User) -> int | None:
    """Online applications the clerk may confirm now (the workbench's counter); one query. None for
    someone who registers nobody."""
    if not takes_part(fetched_by, UNEMPLOYMENT_WORKFLOW, ["confirm"]):
        return None
    return awaiting(UnemploymentRegistration.objects.all(), user=fetched_by, workflow=UNEMPLOYMENT_WORKFLOW,
                    steps=["confirm"]).count()
