"""Staff use (seed 一(三)3): how each service window and each clerk uses the system, the table the seed
ties to staff performance reviews. Computed in PostgreSQL, for an area and a period:

- workload per window and per clerk: registrations (persons, unemployment and employment registered:
  the audit trail), reviews and decisions (every status change a staff member made on a workflow:
  vacancies, employers, hard-to-employ cases, online registrations, handovers, follow-ups …),
  referrals (made, from the audit trail, and their outcomes recorded) and subsidy applications
  handled (their status changes). A *window* is the area of the grant the clerk acted through: the
  deepest of their grants (a clerk's first) that was in force that day and covers the record;
- processing time per workflow step, in working days on the reference calendar (official holidays and
  调休 from ``chinesecalendar``, the city's own table for later years, Monday to Friday for a year
  nobody has filled yet): from the record's previous status change (or its creation, the first audit
  event of the record) to the step; the day it started is not counted, so a step taken the same day
  or the next working day is 0 or 1. Median and 90th percentile (``percentile_cont``), per step and
  per clerk;
- overdue now: open referral commitments past their due date and subsidy applications past the due
  date of their current step; and commitments met late in the period. Per area below the one asked.

On another database (the embedded SQLite a newcomer's demo runs on) the same rows come from ORM
queries and Python (``_workload_python``, ``_processing_python``), the working days from the
reference calendar; the tests run both ways on the same PostgreSQL data.

Only staff accounts' actions count (an employer's resubmission or the nightly tasks are not staff
work). Every source is read through ``visible_to(fetched_by, roles=DASHBOARD_ROLES)`` (the queryset's
SQL is embedded in the statements), so a district official counts only records of their district.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

import chinese_calendar
from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.constants import DASHBOARD_ROLES, STAFF_USE_MAX_DAYS
from jobs.constants import JobsEvent
from portal.constants import LEVEL_ORDER, LEVEL_PREFIX_WIDTH, AccountType, StaffRole
from portal.models import Area, AuditEvent, RoleGrant, StatusChange, User
from portal.reference.calendar import package_covers, working_days_between
from portal.reference.models import HolidayDay
from portal.scoping import OutOfScope, area_in_scope
from portal.workflow import workflows
from registration.constants import CommitmentStatus, RegistrationEvent
from registration.models import ReferralCommitment

REGISTRATIONS, REVIEWS, REFERRALS, APPLICATIONS = "registrations", "reviews", "referrals", "applications"
WORK_KINDS = {
    REGISTRATIONS: _("Registrations"),
    REVIEWS: _("Reviews and decisions"),
    REFERRALS: _("Referrals"),
    APPLICATIONS: _("Subsidy applications handled"),
}
REGISTRATION_EVENTS = (RegistrationEvent.PERSON_REGISTERED, RegistrationEvent.UNEMPLOYMENT_REGISTERED,
                       RegistrationEvent.EMPLOYMENT_REGISTERED)
REFERRAL_EVENTS = (JobsEvent.REFERRAL_CREATED,)
REFERRAL_TYPE = "jobs.referral"
SUBSIDY_APPLICATION_TYPE = "subsidies.application"


def _subsidy_overdue_queryset(fetched_by: User, area: Area, today: datetime.date):
    """Subsidy applications past the due date of their current step (None while subsidies is absent)."""
    try:
        from subsidies.constants import STEP_OF_STATUS
        from subsidies.models import Application
    except ImportError:  # pragma: no cover - subsidies is an installed app
        return None
    return (Application.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES).within(area)
            .filter(status__in=list(STEP_OF_STATUS), due_on__lt=today))


# --- Working days in SQL -----------------------------------------------------------------------------


def calendar_exceptions() -> tuple[list[datetime.date], list[datetime.date]]:
    """(weekdays that are holidays, weekend days that are working days) on the reference calendar: the
    package's for the years it covers, the city's table for the others. One query (the table)."""
    holidays = [day for day in chinese_calendar.holidays if day.weekday() < 5]
    worked = list(chinese_calendar.workdays)
    for day, working in HolidayDay.objects.values_list("day", "is_working_day"):
        if package_covers(day.year):
            continue
        if working and day.weekday() >= 5:
            worked.append(day)
        elif not working and day.weekday() < 5:
            holidays.append(day)
    return sorted(holidays), sorted(worked)


def working_days_sql(start: str, end: str) -> str:
    """SQL counting the working days in (start, end] (two date expressions); takes two array
    parameters: the weekday holidays and the weekend working days (``calendar_exceptions``)."""
    return (f"(SELECT count(*) FROM generate_series(({start}) + 1, ({end}), interval '1 day') AS g(d) "
            f"WHERE (extract(isodow FROM g.d) < 6 AND g.d::date <> ALL(%s::date[])) OR g.d::date = ANY(%s::date[]))")


# --- Results -----------------------------------------------------------------------------------------


@dataclass
class Workload:
    registrations: int = 0
    reviews: int = 0
    referrals: int = 0
    applications: int = 0

    @property
    def total(self) -> int:
        return self.registrations + self.reviews + self.referrals + self.applications

    def add(self, kind: str, n: int) -> None:
        setattr(self, kind, getattr(self, kind) + n)


@dataclass
class WindowRow:
    area_code: str | None
    area_name: str
    workload: Workload = field(default_factory=Workload)
    clerks: int = 0


@dataclass
class ClerkRow:
    user_id: int
    name: str
    username: str
    window_code: str | None
    window_name: str
    workload: Workload = field(default_factory=Workload)
    steps: int = 0
    median_days: float | None = None
    p90_days: float | None = None


@dataclass
class StepRow:
    object_type: str
    from_status: str
    to_status: str
    label: str
    count: int
    median_days: float | None
    p90_days: float | None


@dataclass
class OverdueRow:
    area_code: str
    area_name: str
    commitments_overdue: int = 0
    commitments_met_late: int = 0
    applications_overdue: int = 0

    @property
    def total(self) -> int:
        return self.commitments_overdue + self.commitments_met_late + self.applications_overdue


@dataclass
class StaffUse:
    area: Area
    date_from: datetime.date
    date_to: datetime.date
    windows: list[WindowRow]
    clerks: list[ClerkRow]
    steps: list[StepRow]
    overdue: list[OverdueRow]
    kinds: dict = field(default_factory=lambda: {key: str(label) for key, label in WORK_KINDS.items()})

    @property
    def total(self) -> Workload:
        total = Workload()
        for row in self.windows:
            for kind in WORK_KINDS:
                total.add(kind, getattr(row.workload, kind))
        return total


def staff_use_period(date_from: datetime.date | None, date_to: datetime.date | None) -> tuple[datetime.date,
                                                                                              datetime.date]:
    """The period asked for, by default this month so far, ending today at the latest; at most
    ``STAFF_USE_MAX_DAYS`` long (the earlier end is moved)."""
    today = timezone.localdate()
    date_to = min(date_to or today, today)  # nothing is done in the future
    date_from = min(date_from or date_to.replace(day=1), today)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    if (date_to - date_from).days >= STAFF_USE_MAX_DAYS:
        date_from = date_to - datetime.timedelta(days=STAFF_USE_MAX_DAYS - 1)
    return date_from, date_to


def _bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


def _step_labels() -> dict[tuple[str, str, str], str]:
    labels = {}
    for flow in workflows():
        model = flow.model.lower()
        try:
            from django.apps import apps

            name = str(apps.get_model(flow.model)._meta.verbose_name)
        except LookupError:  # pragma: no cover - a workflow of an app not installed
            name = model
        for step in flow.steps:
            for source in step.source:
                labels[(model, source, step.target)] = f"{name} · {step.label}"
    return labels


STAFF_ACTOR = Q(actor__account_type=AccountType.STAFF) | Q(actor__is_superuser=True)


def _actions(fetched_by: User, area: Area, start, end):
    """The staff's audited registrations and referrals, and their status changes, in the period."""
    events = (AuditEvent.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES).within(area)
              .filter(STAFF_ACTOR, event_type__in=[*REGISTRATION_EVENTS, *REFERRAL_EVENTS],
                      occurred_at__gte=start, occurred_at__lt=end)
              .values("actor_id", "area_path", "occurred_at", "event_type"))
    changes = (StatusChange.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES).within(area)
               .filter(STAFF_ACTOR, changed_at__gte=start, changed_at__lt=end)
               .values("actor_id", "area_path", "changed_at", "object_type"))
    return events, changes


def _taken(fetched_by: User, area: Area, start, end):
    """The workflow steps staff took in the period (their status changes)."""
    return (StatusChange.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES).within(area)
            .filter(STAFF_ACTOR, changed_at__gte=start, changed_at__lt=end))


def _workload(cursor, fetched_by: User, area: Area, start, end) -> list[tuple]:
    """(window code, window name, actor id, full name, username, kind, count) rows, in one statement."""
    events, changes = _actions(fetched_by, area, start, end)
    events_sql, events_params = events.query.sql_with_params()
    changes_sql, changes_params = changes.query.sql_with_params()
    grant, area_table, user = RoleGrant._meta.db_table, Area._meta.db_table, User._meta.db_table
    cursor.execute(f"""
        WITH actions AS (
            SELECT e.actor_id, e.area_path, e.occurred_at AS at,
                   CASE WHEN e.event_type = ANY(%s) THEN 'registrations' ELSE 'referrals' END AS kind
            FROM ({events_sql}) e
            UNION ALL
            SELECT c.actor_id, c.area_path, c.changed_at,
                   CASE WHEN c.object_type = %s THEN 'applications'
                        WHEN c.object_type = %s THEN 'referrals' ELSE 'reviews' END
            FROM ({changes_sql}) c
        )
        SELECT w.area_id, wa.name, a.actor_id, u.full_name, u.username, a.kind, count(*)
        FROM actions a
        JOIN {user} u ON u.id = a.actor_id
        LEFT JOIN LATERAL (
            SELECT g.area_id FROM {grant} g JOIN {area_table} ga ON ga.code = g.area_id
            WHERE g.user_id = a.actor_id AND a.area_path LIKE ga.path || '%%'
              AND g.valid_from <= (a.at AT TIME ZONE %s)::date
              AND (g.valid_to IS NULL OR g.valid_to >= (a.at AT TIME ZONE %s)::date)
              AND (g.revoked_at IS NULL OR g.revoked_at > a.at)
            ORDER BY (g.role = %s) DESC, length(ga.path) DESC, g.id
            LIMIT 1
        ) w ON true
        LEFT JOIN {area_table} wa ON wa.code = w.area_id
        GROUP BY w.area_id, wa.name, a.actor_id, u.full_name, u.username, a.kind
    """, [[str(e) for e in REGISTRATION_EVENTS], *events_params, SUBSIDY_APPLICATION_TYPE, REFERRAL_TYPE,
          *changes_params, settings.TIME_ZONE, settings.TIME_ZONE, StaffRole.CLERK])
    return cursor.fetchall()


def _processing(cursor, fetched_by: User, area: Area, start, end) -> list[tuple]:
    """(by step, object type, from, to, actor id, count, median, p90) rows: one per step (actor id None)
    and one per clerk (the step's columns None), in one statement."""
    taken = _taken(fetched_by, area, start, end).values("id")
    taken_sql, taken_params = taken.query.sql_with_params()
    holidays, worked = calendar_exceptions()
    changes, events = StatusChange._meta.db_table, AuditEvent._meta.db_table
    days = working_days_sql("(s.started_at AT TIME ZONE %s)::date", "(s.changed_at AT TIME ZONE %s)::date")
    cursor.execute(f"""
        WITH taken AS ({taken_sql}),
        history AS (
            SELECT h.id, h.object_type, h.object_id, h.from_status, h.to_status, h.actor_id, h.changed_at,
                   lag(h.changed_at) OVER (PARTITION BY h.object_type, h.object_id ORDER BY h.changed_at, h.id)
                       AS previous_at
            FROM {changes} h
            WHERE (h.object_type, h.object_id) IN (
                SELECT t.object_type, t.object_id FROM {changes} t WHERE t.id IN (SELECT id FROM taken))
        ),
        steps AS (
            SELECT h.object_type, h.from_status, h.to_status, h.actor_id, h.changed_at,
                   COALESCE(h.previous_at, (SELECT min(e.occurred_at) FROM {events} e
                                             WHERE e.object_type = h.object_type AND e.object_id = h.object_id),
                            h.changed_at) AS started_at
            FROM history h WHERE h.id IN (SELECT id FROM taken)
        ),
        timed AS (SELECT s.object_type, s.from_status, s.to_status, s.actor_id, {days} AS days FROM steps s)
        SELECT GROUPING(t.actor_id) = 1 AS by_step, t.object_type, t.from_status, t.to_status, t.actor_id, count(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY t.days),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY t.days)
        FROM timed t
        GROUP BY GROUPING SETS ((t.object_type, t.from_status, t.to_status), (t.actor_id))
    """, [*taken_params, settings.TIME_ZONE, settings.TIME_ZONE, holidays, worked])
    return cursor.fetchall()


# --- The same rows without PostgreSQL (the embedded SQLite demo) ------------------------------------
# ``_workload`` and ``_processing`` need PostgreSQL (LATERAL, AT TIME ZONE, percentile_cont, GROUPING
# SETS). Elsewhere the same rows come from plain ORM queries and Python: fine for a demo's data, and
# tests run both on the same PostgreSQL data to keep them in agreement.


def sql_available() -> bool:
    """Does the database answer the staff-use statements (PostgreSQL)?"""
    return connection.vendor == "postgresql"


def percentile_cont(ordered: list, fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY …)`` of sorted values: linear
    interpolation between the two values around position fraction × (n − 1)."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    low, high = float(ordered[lower]), float(ordered[upper])
    return low + (high - low) * (position - lower) if upper != lower else low


def _window_of(grants: list[dict], path: str, moment: datetime.datetime) -> dict | None:
    """The grant an action was taken through (``_workload``'s LATERAL join): in force that day (and
    not revoked by then), covering the record; a clerk's grant first, then the deepest, then the first."""
    day = timezone.localtime(moment, timezone.get_default_timezone()).date()
    found = [g for g in grants if path.startswith(g["area__path"]) and g["valid_from"] <= day
             and (g["valid_to"] is None or g["valid_to"] >= day)
             and (g["revoked_at"] is None or g["revoked_at"] > moment)]
    if not found:
        return None
    return min(found, key=lambda g: (g["role"] != StaffRole.CLERK, -len(g["area__path"]), g["id"]))


def _workload_python(fetched_by: User, area: Area, start, end) -> list[tuple]:
    """``_workload``'s rows from ORM queries (four) and Python."""
    events, changes = _actions(fetched_by, area, start, end)
    registration_events = {str(e) for e in REGISTRATION_EVENTS}
    actions = [(e["actor_id"], e["area_path"], e["occurred_at"],
                REGISTRATIONS if e["event_type"] in registration_events else REFERRALS) for e in events]
    for c in changes:
        kind = (APPLICATIONS if c["object_type"] == SUBSIDY_APPLICATION_TYPE
                else REFERRALS if c["object_type"] == REFERRAL_TYPE else REVIEWS)
        actions.append((c["actor_id"], c["area_path"], c["changed_at"], kind))
    actors = {actor_id for actor_id, *_rest in actions}
    grants: dict[int, list[dict]] = defaultdict(list)
    for grant in RoleGrant.objects.filter(user_id__in=actors).order_by().values(
            "id", "user_id", "area_id", "area__path", "area__name", "role", "valid_from", "valid_to", "revoked_at"):
        grants[grant["user_id"]].append(grant)
    users = {pk: (full_name, username) for pk, full_name, username
             in User.objects.filter(pk__in=actors).values_list("pk", "full_name", "username")}
    counts: dict[tuple, int] = defaultdict(int)
    for actor_id, path, moment, kind in actions:
        if actor_id not in users:  # pragma: no cover - the statement's inner join: an actor always exists
            continue
        window = _window_of(grants[actor_id], path or "", moment)
        code, name = (window["area_id"], window["area__name"]) if window else (None, None)
        counts[(code, name, actor_id, *users[actor_id], kind)] += 1
    return [(*key, n) for key, n in counts.items()]


def _processing_python(fetched_by: User, area: Area, start, end) -> list[tuple]:
    """``_processing``'s rows from ORM queries (three, and the calendar's) and Python. Working days
    come from the reference calendar (``working_days_between``), the statement's from the same
    calendar's exceptions (``calendar_exceptions``)."""
    taken = _taken(fetched_by, area, start, end)
    taken_ids = set(taken.values_list("id", flat=True))
    same_object = Exists(taken.filter(object_type=OuterRef("object_type"), object_id=OuterRef("object_id")))
    history = (StatusChange.objects.filter(same_object).order_by("object_type", "object_id", "changed_at", "id")
               .values_list("id", "object_type", "object_id", "from_status", "to_status", "actor_id", "changed_at"))
    first_event = {(object_type, object_id): first for object_type, object_id, first in
                   AuditEvent.objects.filter(same_object).order_by().values("object_type", "object_id")
                   .annotate(first=Min("occurred_at")).values_list("object_type", "object_id", "first")}
    tz = timezone.get_default_timezone()
    spans: dict[tuple[datetime.date, datetime.date], int] = {}
    by_step: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    by_actor: dict[int, list[int]] = defaultdict(list)
    previous: tuple | None = None  # (object type, object id, changed at) of the row before
    for pk, object_type, object_id, from_status, to_status, actor_id, changed_at in history:
        previous_at = previous[2] if previous and previous[:2] == (object_type, object_id) else None
        previous = (object_type, object_id, changed_at)
        if pk not in taken_ids:
            continue
        started_at = previous_at or first_event.get((object_type, object_id)) or changed_at
        span = (timezone.localtime(started_at, tz).date(), timezone.localtime(changed_at, tz).date())
        if span not in spans:
            spans[span] = working_days_between(*span)
        by_step[(object_type, from_status, to_status)].append(spans[span])
        by_actor[actor_id].append(spans[span])
    rows = []
    for (object_type, from_status, to_status), days in by_step.items():
        days.sort()
        rows.append((True, object_type, from_status, to_status, None, len(days),
                     percentile_cont(days, 0.5), percentile_cont(days, 0.9)))
    for actor_id, days in by_actor.items():
        days.sort()
        rows.append((False, None, None, None, actor_id, len(days), percentile_cont(days, 0.5),
                     percentile_cont(days, 0.9)))
    return rows


def _child_width(area: Area) -> int:
    index = LEVEL_ORDER.index(area.level)
    child = LEVEL_ORDER[min(index + 1, len(LEVEL_ORDER) - 1)]
    return LEVEL_PREFIX_WIDTH[child]


def _overdue(fetched_by: User, area: Area, date_from, date_to, start, end) -> list[OverdueRow]:
    today = timezone.localdate()
    width = _child_width(area)
    commitments = (ReferralCommitment.objects.visible_to(fetched_by, roles=DASHBOARD_ROLES).within(area)
                   .annotate(part=Substr("area_path", 1, width)).values("part")
                   .annotate(overdue=Count("id", filter=Q(status=CommitmentStatus.OPEN, due_on__lt=today)),
                             late=Count("id", filter=Q(status=CommitmentStatus.MET, met_at__gte=start,
                                                         met_at__lt=end, met_at__date__gt=F("due_on"))))
                   .filter(Q(overdue__gt=0) | Q(late__gt=0)).order_by())
    rows: dict[str, OverdueRow] = {}

    def row(part: str) -> OverdueRow:
        if part not in rows:
            rows[part] = OverdueRow(area_code=part, area_name="")
        return rows[part]

    for found in commitments:
        row(found["part"]).commitments_overdue += found["overdue"]
        row(found["part"]).commitments_met_late += found["late"]
    applications = _subsidy_overdue_queryset(fetched_by, area, today)
    if applications is not None:
        for part, n in (applications.annotate(part=Substr("area_path", 1, width)).values("part")
                        .annotate(n=Count("id")).values_list("part", "n").order_by()):
            row(part).applications_overdue += n
    names = dict(Area.objects.filter(path__in=list(rows)).values_list("path", "name"))
    for part, found in rows.items():
        found.area_name = names.get(part, "")
        found.area_code = part.ljust(12, "0")
    return sorted(rows.values(), key=lambda r: r.area_code)


def staff_use(*, fetched_by: User, area: Area, date_from: datetime.date | None = None,
              date_to: datetime.date | None = None) -> StaffUse:
    """Workload per window and per clerk, processing time per step and overdue counts in ``area``'s
    subtree over the period (this month so far by default). Five queries on PostgreSQL (about a dozen
    elsewhere: the embedded SQLite demo computes the same rows in Python)."""
    if not area_in_scope(fetched_by, area, roles=DASHBOARD_ROLES):
        raise OutOfScope()
    date_from, date_to = staff_use_period(date_from, date_to)
    start, end = _bounds(date_from, date_to)
    if sql_available():
        with connection.cursor() as cursor:
            workload = _workload(cursor, fetched_by, area, start, end)
            processing = _processing(cursor, fetched_by, area, start, end)
    else:
        workload = _workload_python(fetched_by, area, start, end)
        processing = _processing_python(fetched_by, area, start, end)

    windows: dict[str | None, WindowRow] = {}
    clerks: dict[int, ClerkRow] = {}
    window_clerks: dict[str | None, set[int]] = defaultdict(set)
    for window_code, window_name, actor_id, full_name, username, kind, n in workload:
        window = windows.setdefault(window_code, WindowRow(area_code=window_code, area_name=window_name or ""))
        window.workload.add(kind, n)
        window_clerks[window_code].add(actor_id)
        clerk = clerks.get(actor_id)
        if clerk is None:
            clerk = clerks[actor_id] = ClerkRow(user_id=actor_id, name=full_name or username, username=username,
                                                window_code=window_code, window_name=window_name or "")
        clerk.workload.add(kind, n)
    for code, window in windows.items():
        window.clerks = len(window_clerks[code])

    labels = _step_labels()
    steps = []
    for by_step, object_type, from_status, to_status, actor_id, n, median, p90 in processing:
        if by_step:
            # A step of an app whose workflow is unknown still shows, by its raw names.
            label = labels.get((object_type, from_status, to_status), f"{object_type} · {from_status} → {to_status}")
            steps.append(StepRow(object_type=object_type, from_status=from_status, to_status=to_status, label=label,
                                 count=n, median_days=median, p90_days=p90))
        elif actor_id in clerks:
            clerk = clerks[actor_id]
            clerk.steps, clerk.median_days, clerk.p90_days = n, median, p90
    steps.sort(key=lambda s: (s.label, s.from_status))
    return StaffUse(
        area=area, date_from=date_from, date_to=date_to,
        windows=sorted(windows.values(), key=lambda w: (w.area_code is None, w.area_code or "")),
        clerks=sorted(clerks.values(), key=lambda c: (c.window_code or "~", -c.workload.total, c.username)),
        steps=steps, overdue=_overdue(fetched_by, area, date_from, date_to, start, end))
