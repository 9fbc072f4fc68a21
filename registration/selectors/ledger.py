"""The real-name ledgers (台账) and their counts.

One rule decides who is on a ledger of an area on a date, and ``ledger_counts`` counts exactly
the querysets the ledger pages list and export, so the overview panel and the ledger agree:

- registered unemployed: unemployment registrations that had taken effect by the date
  (``registered_on``; an online application counts from its confirmation) and were not
  cancelled by then (open, or cancelled after the date);
- hard-to-employ: cases approved by the date and not ended by then (approved, or ended after
  the date). A case handed to another district is counted where it is handled now;
- new employment: employment registrations whose employment started in the date's month, up to
  the date, by kind (the sources of new-employment counts).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from portal.constants import LEVEL_ORDER, AreaLevel
from portal.models import Area, User
from portal.scoping import ALL_AREAS, OutOfScope, area_in_scope, scope_paths
from portal.selectors import area_by_code, user_active_grants
from registration.constants import EmploymentKind, HardshipStatus, UnemploymentStatus
from registration.models import (
    EmploymentRegistration,
    HardshipCase,
    UnemploymentRegistration,
)


class LedgerKind:
    UNEMPLOYED = "unemployed"
    HARD_TO_EMPLOY = "hard_to_employ"
    ALL = (UNEMPLOYED, HARD_TO_EMPLOY)


def staff_home_area(*, fetched_by: User) -> Area | None:
    """The widest area the reader acts on (their first grant's area; the city for the system administrator)."""
    paths = scope_paths(fetched_by)
    if not paths:
        return None
    if ALL_AREAS in paths:
        return Area.objects.filter(level=AreaLevel.CITY).order_by("code").first()
    grants = sorted((g.area for g in user_active_grants(user=fetched_by) if g.area.path in paths),
                    key=lambda a: (LEVEL_ORDER.index(a.level), a.code))
    return grants[0] if grants else None


def ledger_area(*, fetched_by: User, code: str | None) -> Area:
    """The area a ledger is asked for: a code in the reader's scope, or their home area."""
    area = area_by_code(code=code) if code else staff_home_area(fetched_by=fetched_by)
    if area is None or not area_in_scope(fetched_by, area):
        raise OutOfScope()
    return area


def _in_area(queryset, *, fetched_by: User, area: Area):
    if not area_in_scope(fetched_by, area):
        raise OutOfScope()
    return queryset.visible_to(fetched_by).within(area)


def ledger_unemployed(*, fetched_by: User, area: Area, on_date: datetime.date) -> QuerySet[UnemploymentRegistration]:
    """The registered unemployed of an area on a date, with their persons, by name."""
    return (_in_area(UnemploymentRegistration.objects, fetched_by=fetched_by, area=area)
            .filter(registered_on__lte=on_date)
            .filter(Q(status=UnemploymentStatus.OPEN)
                    | Q(status=UnemploymentStatus.CANCELLED, cancelled_on__gt=on_date))
            .select_related("person", "area")
            .order_by("person__name", "person_id", "id"))


def ledger_hard_to_employ(*, fetched_by: User, area: Area, on_date: datetime.date) -> QuerySet[HardshipCase]:
    """The hard-to-employ persons of an area on a date, with categories and commitment."""
    return (_in_area(HardshipCase.objects, fetched_by=fetched_by, area=area)
            .filter(approved_on__lte=on_date)
            .filter(Q(status=HardshipStatus.APPROVED) | Q(status=HardshipStatus.ENDED, ended_on__gt=on_date))
            .select_related("person", "area", "commitment")
            .prefetch_related("categories")
            .order_by("person__name", "person_id", "id"))


def ledger_rows(*, fetched_by: User, kind: str, area: Area, on_date: datetime.date) -> QuerySet:
    if kind == LedgerKind.HARD_TO_EMPLOY:
        return ledger_hard_to_employ(fetched_by=fetched_by, area=area, on_date=on_date)
    return ledger_unemployed(fetched_by=fetched_by, area=area, on_date=on_date)


def new_employment(*, fetched_by: User, area: Area, on_date: datetime.date) -> QuerySet[EmploymentRegistration]:
    """Employment registrations that started in the date's month, up to the date."""
    return (_in_area(EmploymentRegistration.objects, fetched_by=fetched_by, area=area)
            .filter(started_on__gte=on_date.replace(day=1), started_on__lte=on_date))


@dataclass
class LedgerCounts:
    area: Area
    on_date: datetime.date
    unemployed: int
    hard_to_employ: int
    new_employment_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def new_employment(self) -> int:
        return sum(self.new_employment_by_kind.values())

    @property
    def month_start(self) -> datetime.date:
        return self.on_date.replace(day=1)

    def new_employment_rows(self) -> list[tuple[str, str, int]]:
        return [(kind.value, kind.label, self.new_employment_by_kind.get(kind.value, 0)) for kind in EmploymentKind]


def ledger_counts(*, fetched_by: User, area: Area, on_date: datetime.date) -> LedgerCounts:
    """The counts of the ledgers and of new employment for an area on a date (the overview panel's)."""
    by_kind = dict(new_employment(fetched_by=fetched_by, area=area, on_date=on_date)
                   .values_list("kind").annotate(n=Count("id")).order_by())
    return LedgerCounts(
        area=area, on_date=on_date,
        unemployed=ledger_unemployed(fetched_by=fetched_by, area=area, on_date=on_date).count(),
        hard_to_employ=ledger_hard_to_employ(fetched_by=fetched_by, area=area, on_date=on_date).count(),
        new_employment_by_kind={kind: by_kind.get(kind, 0) for kind in EmploymentKind.values},
    )


def unemployment_pending_count(*, fetched_by: User, area: Area) -> int:
    """Online applications of the area awaiting a clerk's confirmation."""
    return (_in_area(UnemploymentRegistration.objects, fetched_by=fetched_by, area=area)
            .filter(status=UnemploymentStatus.PENDING).count())
