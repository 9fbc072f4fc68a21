"""Reads about private employment agencies: the public register with expiry badges, and the staff
lists with their supervision records."""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from jobs.constants import AGENCY_MANAGERS, LICENCE_EXPIRING_DAYS, LicenceBadge, LicenceStatus
from jobs.models import Agency, SupervisionRecord
from jobs.selectors.fairs import SubqueryCount
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import has_staff_role


def licence_badge_expression(today: datetime.date | None = None) -> Case:
    """The badge as a database expression, so lists can show and filter it without extra queries.

    A licence whose last day has passed is expired whatever its status says; a suspension shows
    next; a valid licence ending within ``LICENCE_EXPIRING_DAYS`` is flagged as expiring.
    """
    today = today or timezone.localdate()
    return Case(
        When(status=LicenceStatus.REVOKED, then=Value(LicenceBadge.REVOKED)),
        When(valid_to__lt=today, then=Value(LicenceBadge.EXPIRED)),
        When(status=LicenceStatus.SUSPENDED, then=Value(LicenceBadge.SUSPENDED)),
        When(valid_to__lte=today + datetime.timedelta(days=LICENCE_EXPIRING_DAYS), then=Value(LicenceBadge.EXPIRING)),
        default=Value(LicenceBadge.VALID),
        output_field=CharField(),
    )


def licence_badge(agency: Agency, today: datetime.date | None = None) -> str:
    """The same rule for one agency in memory (the database expression serves lists)."""
    today = today or timezone.localdate()
    if agency.status == LicenceStatus.REVOKED:
        return LicenceBadge.REVOKED
    if agency.valid_to < today:
        return LicenceBadge.EXPIRED
    if agency.status == LicenceStatus.SUSPENDED:
        return LicenceBadge.SUSPENDED
    if agency.valid_to <= today + datetime.timedelta(days=LICENCE_EXPIRING_DAYS):
        return LicenceBadge.EXPIRING
    return LicenceBadge.VALID


def agency_public_list(*, fetched_by: User | None) -> QuerySet[Agency]:
    """Licensed agencies anyone may look up: every licence except revoked ones, with its badge."""
    return (Agency.objects.exclude(status=LicenceStatus.REVOKED).select_related("area")
            .annotate(badge=licence_badge_expression()).order_by("name", "id"))


def agency_district_choices() -> list[Area]:
    """Districts to filter the public register by."""
    return list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code"))


def agency_staff_base() -> QuerySet[Agency]:
    """Agencies with badge, last inspection and inspection count, for staff pages and viewsets;
    the scoped bases narrow it to the user's jurisdiction."""
    records = SupervisionRecord.objects.filter(agency=OuterRef("pk"))
    return (Agency.objects.select_related("area")
            .annotate(badge=licence_badge_expression(),
                      last_inspected_on=Subquery(records.order_by("-inspected_on", "-id").values("inspected_on")[:1]),
                      supervision_count=SubqueryCount(records.values("pk")))
            .order_by("name", "id"))


def agency_supervision_records(*, agency: Agency, fetched_by: User) -> list[SupervisionRecord]:
    """Inspections of an agency, as far as the reader's jurisdiction reaches."""
    return list(SupervisionRecord.objects.visible_to(fetched_by).filter(agency=agency)
                .select_related("inspector").order_by("-inspected_on", "-id"))


def may_license_agencies(*, fetched_by: User) -> bool:
    """Does the user record agency licences somewhere (the "record a licence" page and button)?
    Which agencies they may then change is ``LICENCE_WORKFLOW``'s business."""
    return has_staff_role(fetched_by, AGENCY_MANAGERS.roles, AGENCY_MANAGERS.levels)


def agencies_expiring_count(*, fetched_by: User) -> int | None:
    """The workbench counter: valid licences in the user's jurisdiction ending within
    ``LICENCE_EXPIRING_DAYS`` (the "expiring" badge), for those who manage agencies; None for others."""
    if not may_license_agencies(fetched_by=fetched_by):
        return None
    return (Agency.objects.visible_to(fetched_by, roles=AGENCY_MANAGERS.roles, levels=AGENCY_MANAGERS.levels)
            .alias(badge=licence_badge_expression()).filter(badge=LicenceBadge.EXPIRING).count())
