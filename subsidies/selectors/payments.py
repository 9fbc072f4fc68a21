"""Reads of payment cycles and their lines, each scoped to the reader (``visible_to``).

A cycle belongs to its district (the district's fund pays it): its district's staff and the city see
it, nobody else; its lines are the applications of that district, so every count and total of a
cycle the reader sees is made of lines the reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from portal.models import User
from portal.workflow import awaiting, takes_part
from subsidies.constants import CYCLE_WORKFLOW, PaymentStatus
from subsidies.models import Application, Payment, PaymentCycle


def cycles_with_totals(queryset: QuerySet[PaymentCycle] | None = None) -> QuerySet[PaymentCycle]:
    """Cycles with their programme, district and line totals, in one query whatever their number."""
    queryset = queryset if queryset is not None else PaymentCycle.objects.all()
    paid, pending, failed = (Q(payments__status=status) for status in
                             (PaymentStatus.PAID, PaymentStatus.PENDING, PaymentStatus.FAILED))
    return (queryset.select_related("programme", "area")
            .annotate(line_count=Count("payments"), total_fen=Coalesce(Sum("payments__amount_fen"), 0),
                      paid_count=Count("payments", filter=paid),
                      paid_fen=Coalesce(Sum("payments__amount_fen", filter=paid), 0),
                      pending_count=Count("payments", filter=pending),
                      failed_count=Count("payments", filter=failed),
                      failed_fen=Coalesce(Sum("payments__amount_fen", filter=failed), 0))
            .order_by("-month", "programme__code", "area__code"))


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    count: int
    amount_fen: int


@dataclass(frozen=True)
class CycleTotals:
    """A cycle's lines by status (only lines the reader may see), and all of them."""

    by_status: list[StatusTotal]

    @property
    def count(self) -> int:
        return sum(row.count for row in self.by_status)

    @property
    def amount_fen(self) -> int:
        return sum(row.amount_fen for row in self.by_status)

    def of(self, status: str) -> StatusTotal:
        return next(row for row in self.by_status if row.status == status)


def payment_lines(*, cycle_id: int | None = None, status: str | None = None) -> QuerySet[Payment]:
    """Payment lines, newest month first, optionally of one cycle and in one status (the API scopes
    them to the reader's areas)."""
    lines = Payment.objects.order_by("-cycle__month", "id")
    if cycle_id:
        lines = lines.filter(cycle_id=cycle_id)
    if status:
        lines = lines.filter(status=status)
    return lines


def cycle_lines(*, fetched_by: User, cycle: PaymentCycle, status: str | None = None) -> QuerySet[Payment]:
    """The cycle's lines the reader may see, in the order of the bank file."""
    lines = Payment.objects.visible_to(fetched_by).filter(cycle=cycle)
    if status:
        lines = lines.filter(status=status)
    return lines.order_by("id")


def cycle_totals(*, fetched_by: User, cycle: PaymentCycle) -> CycleTotals:
    """Counts and sums of the cycle's lines by status, in one query."""
    rows = {status: (count, total) for status, count, total in
            cycle_lines(fetched_by=fetched_by, cycle=cycle).order_by().values_list("status")
            .annotate(count=Count("id"), total=Sum("amount_fen")).values_list("status", "count", "total")}
    return CycleTotals([StatusTotal(status, label, *rows.get(status, (0, 0))) for status, label in
                        PaymentStatus.choices])


def cycle_left_out(*, fetched_by: User, cycle: PaymentCycle) -> list[dict]:
    """Who the cycle's last generation left out, with the reasons, by name (one query)."""
    reasons = {entry["application"]: entry for entry in cycle.left_out or []}
    applications = (Application.objects.visible_to(fetched_by).filter(pk__in=list(reasons))
                    .select_related("person").order_by("person__name", "id"))
    return [{"application": application, "person": application.person, "reasons": reasons[application.pk]["reasons"]}
            for application in applications]


def cycles_awaiting_export_count(*, fetched_by: User) -> int | None:
    """Payment lists the clerk should send to the bank (the ``export`` step is theirs); None when that
    is nobody's work here (the counter is then not shown)."""
    if not takes_part(fetched_by, CYCLE_WORKFLOW, ["export"]):
        return None
    with_lines = PaymentCycle.objects.filter(Exists(Payment.objects.filter(cycle=OuterRef("pk"))))
    return awaiting(with_lines, user=fetched_by, workflow=CYCLE_WORKFLOW, steps=["export"]).count()
