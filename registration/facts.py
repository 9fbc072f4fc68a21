"""The facts registration gives decision support (see ``analytics.facts``).

Each set is one grouped query over one table within a district's prefix, answering one day:

- new employment (新增就业) by source: employment registrations that started on the day, counted at
  the person's registration area, with their total counted on its own (so a record of an unknown
  kind would show as a gap between the sources and the total, not vanish);
- registered unemployed (登记失业): the stock at the end of the day (confirmed registrations made by
  then and not cancelled by then), the day's inflow (registered) and outflow (cancelled), so that
  stock(d) = stock(d − 1) + inflow(d) − outflow(d); online applications count once confirmed;
- hard-to-employ persons (就业困难人员): cases approved by the day and not ended by then;
- referral commitments: met on the day on time (on or before the due date) or late, and overdue at
  the end of the day (past the due date, neither met nor closed by then; the closing time is read
  from the status history).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from analytics.constants import FactKind
from analytics.facts import Fact, FactSet, day_bounds
from portal.models import StatusChange
from registration.constants import CommitmentStatus, EmploymentKind, HardshipStatus, UnemploymentStatus
from registration.models import EmploymentRegistration, HardshipCase, ReferralCommitment, UnemploymentRegistration

NEW_EMPLOYMENT = "new_employment"  # the same name as the target indicator it is measured against
NEW_EMPLOYMENT_BY_KIND = {kind: f"new_employment_{kind}" for kind in EmploymentKind.values}
UNEMPLOYED = "unemployed"
UNEMPLOYMENT_INFLOW = "unemployment_inflow"
UNEMPLOYMENT_OUTFLOW = "unemployment_outflow"
HARD_TO_EMPLOY = "hard_to_employ"
COMMITMENTS_MET_ON_TIME = "commitments_met_on_time"
COMMITMENTS_MET_LATE = "commitments_met_late"
COMMITMENTS_OVERDUE = "commitments_overdue"

PERSONS = _("persons")
COMMITMENTS = _("commitments")


def _tagged(rows, keys: dict[str, str]) -> Iterator[tuple[str, str, int]]:
    """(area, key, value) for each aggregate column named in ``keys`` that is not zero."""
    for row in rows:
        for column, key in keys.items():
            if row[column]:
                yield row["area_id"], key, row[column]


def new_employment_rows(day: datetime.date, prefix: str):
    by_kind = {f"n_{kind}": Count("id", filter=Q(kind=kind)) for kind in EmploymentKind.values}
    rows = (EmploymentRegistration.objects.filter(started_on=day, area_path__startswith=prefix)
            .values("area_id").annotate(n_total=Count("id"), **by_kind).order_by())
    return _tagged(rows, {"n_total": NEW_EMPLOYMENT,
                          **{f"n_{kind}": key for kind, key in NEW_EMPLOYMENT_BY_KIND.items()}})


def unemployment_rows(day: datetime.date, prefix: str):
    cancelled = UnemploymentStatus.CANCELLED
    rows = (UnemploymentRegistration.objects
            .filter(area_path__startswith=prefix, registered_on__lte=day,
                    status__in=[UnemploymentStatus.OPEN, cancelled])
            .values("area_id")
            .annotate(stock=Count("id", filter=Q(status=UnemploymentStatus.OPEN) | Q(cancelled_on__gt=day)),
                      inflow=Count("id", filter=Q(registered_on=day)),
                      outflow=Count("id", filter=Q(status=cancelled, cancelled_on=day)))
            .order_by())
    return _tagged(rows, {"stock": UNEMPLOYED, "inflow": UNEMPLOYMENT_INFLOW, "outflow": UNEMPLOYMENT_OUTFLOW})


def hard_to_employ_rows(day: datetime.date, prefix: str):
    rows = (HardshipCase.objects
            .filter(area_path__startswith=prefix, approved_on__lte=day,
                    status__in=[HardshipStatus.APPROVED, HardshipStatus.ENDED])
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .values("area_id").annotate(n=Count("id")).order_by())
    return _tagged(rows, {"n": HARD_TO_EMPLOY})


def commitment_rows(day: datetime.date, prefix: str):
    start, end = day_bounds(day)
    closed_by_end = Exists(StatusChange.objects.filter(
        object_type=ReferralCommitment._meta.label_lower, object_id=Cast(OuterRef("pk"), CharField()),
        to_status=CommitmentStatus.CLOSED, changed_at__lt=end))
    met_today = Q(met_at__gte=start, met_at__lt=end)
    rows = (ReferralCommitment.objects.filter(area_path__startswith=prefix, starts_on__lte=day)
            .annotate(closed=Q(status=CommitmentStatus.CLOSED) & closed_by_end)
            .values("area_id")
            .annotate(on_time=Count("id", filter=met_today & Q(due_on__gte=day)),
                      late=Count("id", filter=met_today & Q(due_on__lt=day)),
                      overdue=Count("id", filter=Q(due_on__lt=day, closed=False)
                                    & (Q(met_at__isnull=True) | Q(met_at__gte=end))))
            .order_by())
    return _tagged(rows, {"on_time": COMMITMENTS_MET_ON_TIME, "late": COMMITMENTS_MET_LATE,
                          "overdue": COMMITMENTS_OVERDUE})


FACTS = [
    FactSet(facts=(
        Fact(NEW_EMPLOYMENT, _("New employment"), FactKind.FLOW, unit=PERSONS, order=10),
        Fact(NEW_EMPLOYMENT_BY_KIND[EmploymentKind.ENTERPRISE_HIRE], _("New employment: hired by an enterprise"),
             FactKind.FLOW, unit=PERSONS, order=11),
        Fact(NEW_EMPLOYMENT_BY_KIND[EmploymentKind.SELF_EMPLOYED], _("New employment: self-employed"),
             FactKind.FLOW, unit=PERSONS, order=12),
        Fact(NEW_EMPLOYMENT_BY_KIND[EmploymentKind.FLEXIBLE], _("New employment: flexible employment"),
             FactKind.FLOW, unit=PERSONS, order=13),
        Fact(NEW_EMPLOYMENT_BY_KIND[EmploymentKind.PUBLIC_WELFARE], _("New employment: public-welfare posts"),
             FactKind.FLOW, unit=PERSONS, order=14),
    ), rows=new_employment_rows),
    FactSet(facts=(
        Fact(UNEMPLOYED, _("Registered unemployed"), FactKind.STOCK, unit=PERSONS, order=20),
        Fact(UNEMPLOYMENT_INFLOW, _("Unemployment registered"), FactKind.FLOW, unit=PERSONS, order=21),
        Fact(UNEMPLOYMENT_OUTFLOW, _("Unemployment registrations cancelled"), FactKind.FLOW, unit=PERSONS,
             order=22),
    ), rows=unemployment_rows),
    FactSet(facts=(
        Fact(HARD_TO_EMPLOY, _("Hard-to-employ persons"), FactKind.STOCK, unit=PERSONS, order=30),
    ), rows=hard_to_employ_rows),
    FactSet(facts=(
        Fact(COMMITMENTS_MET_ON_TIME, _("Referral commitments met on time"), FactKind.FLOW, unit=COMMITMENTS,
             order=31),
        Fact(COMMITMENTS_MET_LATE, _("Referral commitments met late"), FactKind.FLOW, unit=COMMITMENTS, order=32),
        Fact(COMMITMENTS_OVERDUE, _("Referral commitments overdue"), FactKind.STOCK, unit=COMMITMENTS, order=33),
    ), rows=commitment_rows),
]
