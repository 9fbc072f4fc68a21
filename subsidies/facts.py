"""The facts subsidies give decision support (see ``analytics.facts``).

- applications by state at the end of the day: each application's state then is the last status
  change made by then (the status history every step writes), or "submitted" before any step;
  counted at the application's area (the beneficiary's community, or the applicant's area);
- amounts approved and paid on the day, in fen, from the fund ledger: approved is what the
  district's approval reserved that day, paid what left the fund that day (monthly payments and
  one-off disbursements alike), each counted at the application's area.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from analytics.constants import FactKind
from analytics.facts import Fact, FactSet, day_bounds
from portal.models import StatusChange
from subsidies.constants import ApplicationStatus, FundEntryKind
from subsidies.models import Application, FundEntry

APPLICATIONS_BY_STATUS = {status: f"subsidy_applications_{status}" for status in ApplicationStatus.values}
APPROVED_FEN = "subsidy_amount_approved"
PAID_FEN = "subsidy_amount_paid"


# The same counts without PostgreSQL (the embedded SQLite demo): the last step looked up per application.
APPLICATION_STATE_PORTABLE_SQL = f"""
    SELECT a.area_id, COALESCE((
        SELECT sc.to_status FROM {StatusChange._meta.db_table} sc
        WHERE sc.object_type = %(object_type)s AND sc.object_id = CAST(a.id AS TEXT)
          AND sc.area_path LIKE %(like)s AND sc.changed_at < %(end)s
        ORDER BY sc.changed_at DESC, sc.id DESC LIMIT 1), %(submitted)s) AS status, COUNT(*)
    FROM {Application._meta.db_table} a
    WHERE a.area_path LIKE %(like)s AND a.submitted_at < %(end)s
    GROUP BY 1, 2
"""


def application_state_rows(day: datetime.date, prefix: str, *, portable: bool | None = None):
    """``portable``: the statement any database answers (by default only where PostgreSQL's is not)."""
    _start, end = day_bounds(day)
    sql = f"""
        SELECT a.area_id, COALESCE(s.to_status, %(submitted)s) AS status, COUNT(*)
        FROM {Application._meta.db_table} a
        LEFT JOIN (
            SELECT DISTINCT ON (sc.object_id) sc.object_id, sc.to_status
            FROM {StatusChange._meta.db_table} sc
            WHERE sc.object_type = %(object_type)s AND sc.area_path LIKE %(like)s AND sc.changed_at < %(end)s
            ORDER BY sc.object_id, sc.changed_at DESC, sc.id DESC
        ) s ON s.object_id = a.id::text
        WHERE a.area_path LIKE %(like)s AND a.submitted_at < %(end)s
        GROUP BY 1, 2
    """
    if portable is None:
        portable = connection.vendor != "postgresql"
    if portable:  # no DISTINCT ON or ::text on the embedded SQLite
        sql = APPLICATION_STATE_PORTABLE_SQL
        end = connection.ops.adapt_datetimefield_value(end)  # SQLite compares stored text (UTC)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"submitted": ApplicationStatus.SUBMITTED, "object_type": Application._meta.label_lower,
                             "like": f"{prefix}%", "end": end})
        rows = cursor.fetchall()
    return [(area, APPLICATIONS_BY_STATUS[status], n) for area, status, n in rows if status in APPLICATIONS_BY_STATUS]


def money_rows(day: datetime.date, prefix: str):
    start, end = day_bounds(day)
    approved, paid = Q(kind=FundEntryKind.RESERVED), Q(kind=FundEntryKind.PAID)
    rows = (FundEntry.objects
            .filter(created_at__gte=start, created_at__lt=end, kind__in=[FundEntryKind.RESERVED, FundEntryKind.PAID],
                    application__area_path__startswith=prefix)
            .values("application__area_id")
            .annotate(approved=Sum("amount_fen", filter=approved), paid=Sum("amount_fen", filter=paid)).order_by())
    for row in rows:
        for column, key in (("approved", APPROVED_FEN), ("paid", PAID_FEN)):
            if row[column]:
                yield row["application__area_id"], key, row[column]


APPLICATIONS = _("applications")
FEN = _("fen")

FACTS = [
    FactSet(facts=tuple(
        Fact(APPLICATIONS_BY_STATUS[status], format_lazy(_("Subsidy applications: {state}"), state=label),
             FactKind.STOCK, unit=APPLICATIONS, order=60 + index)
        for index, (status, label) in enumerate(ApplicationStatus.choices)
    ), rows=application_state_rows),
    FactSet(facts=(
        Fact(APPROVED_FEN, _("Subsidies approved (reserved on the fund)"), FactKind.FLOW, unit=FEN, order=70),
        Fact(PAID_FEN, _("Subsidies paid"), FactKind.FLOW, unit=FEN, order=71),
    ), rows=money_rows),
]
