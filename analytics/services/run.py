"""The facts run: the daily rows of every fact, per area, rebuilt for one day at a time.

A run of a day has one task per district and a roll-up (``analytics.tasks`` fans them out as a
Celery chord, so two workers finish sooner than one; ``backfill_facts`` can also call these
functions in-process):

1. ``run_start`` records the run (``FactRun``, one ``FactTaskRun`` per district and one for the
   roll-up) and refuses a day whose previous run is still going.
2. ``district_build`` answers each fact query (``analytics.facts.fact_queries``) within the
   district's prefix and writes the community (and street) rows into the staging table
   ``StagedFact`` in one transaction: beside the live table, never in it. A worker killed halfway
   commits nothing; the redelivered task starts again from nothing.
3. ``run_roll_up``, in one transaction under a PostgreSQL advisory lock of the day, deletes the
   day's live rows and inserts the staged rows with their street, district and city roll-ups in
   one statement (``GROUPING SETS`` over ``AreaStructure``'s columns), deletes the staging rows and
   marks the run done; then ``ANALYZE`` when the day is a new latest day. Readers see the old day
   or the new day, never a mixture.
   A second run of the same day finding the lock held is refused (and marked failed); it never
   waits to overwrite.

Without PostgreSQL (the embedded SQLite a newcomer's demo runs on, tasks in-process) the same steps
run with portable statements: the staged rows are bulk-inserted instead of COPY, the roll-up is a
``UNION ALL`` of the four levels instead of ``GROUPING SETS``, the area structure is refreshed from
Python, and no advisory lock is taken (SQLite lets one writer at a time in; the run-start check
still refuses a second run of a day).

A run for a day replaces that day's rows exactly: rerunning it on unchanged data gives the same
rows. Zeros are not stored. Which days the nightly run rebuilds: yesterday and the
``LATE_DATA_DAYS`` before it, every night (the late-data window alone: records entered late
within the window are picked up without tracking what changed; older corrections need a backfill).
Days holding generated demo history are left alone unless asked (``replace_generated``).
"""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.constants import (
    FACTS_EARLIEST_DAY,
    LATE_DATA_DAYS,
    RUN_STALE_AFTER_SECONDS,
    AnalyticsEvent,
    RunStatus,
    RunTrigger,
)
from analytics.facts import fact_queries
from analytics.models import AreaStructure, DailyFact, FactRun, FactTaskRun, StagedFact
from portal.audit import audit_record
from portal.constants import LEVEL_PREFIX_WIDTH, AreaLevel
from portal.models import Area, User

# The advisory lock of a day is (LOCK_NAMESPACE, the day's ordinal): two int4 keys, so it cannot
# collide with a lock another part of the portal takes with one bigint key.
LOCK_NAMESPACE = 0x0FAC75
# Starting a run of a day takes its own lock, so a start waits only for another start, never for a
# roll-up writing the day's rows.
START_LOCK_NAMESPACE = 0x0FAC76


class RunRefused(Exception):
    """A run that may not start or finish now: another run of the same day is going or writing."""


# --- Days ---------------------------------------------------------------------------------------


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def check_day(day) -> datetime.date:
    """A day a run can build: a date from FACTS_EARLIEST_DAY to yesterday (today is not over)."""
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise ValidationError(_("Enter a date."), code="invalid")
    if not FACTS_EARLIEST_DAY <= day <= yesterday():
        raise ValidationError(_("Facts are built for days from %(first)s to yesterday (%(last)s).")
                              % {"first": FACTS_EARLIEST_DAY, "last": yesterday()}, code="day_range")
    return day


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def generated_days(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    """Days between ``first`` and ``last`` whose latest finished run is generated demo history."""
    runs = (FactRun.objects.filter(day__range=(first, last), status=RunStatus.DONE)
            .order_by("day", "-started_at", "-id"))
    if _postgresql():
        latest = runs.distinct("day").values_list("day", "trigger")
    else:  # no DISTINCT ON: the first row of each day, in Python
        latest = {day: trigger for day, trigger in reversed(list(runs.values_list("day", "trigger")))}.items()
    return {day for day, trigger in latest if trigger == RunTrigger.GENERATED}


def nightly_days(today: datetime.date | None = None) -> list[datetime.date]:
    """Yesterday and the LATE_DATA_DAYS before it, oldest first, without generated demo history."""
    last = (today or timezone.localdate()) - datetime.timedelta(days=1)
    first = last - datetime.timedelta(days=LATE_DATA_DAYS)
    skipped = generated_days(first, last)
    return [day for day in (first + datetime.timedelta(days=n) for n in range(LATE_DATA_DAYS + 1))
            if day not in skipped]


# --- The area structure ---------------------------------------------------------------------------


def area_structure_refresh() -> int:
    """Bring ``AreaStructure`` in line with the tier tree (one row per area, each ancestor's code in
    its level's column), in two statements; returns the rows changed. Run before each night's runs."""
    def column(level: str) -> str:
        width = LEVEL_PREFIX_WIDTH[level]
        return f"CASE WHEN length(a.path) >= {width} THEN rpad(left(a.path, {width}), 12, '0') ELSE '' END"

    if not _postgresql():
        return _area_structure_refresh_python()
    table = AreaStructure._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {table} (area_id, level, city, district, street, community)
            SELECT a.code, a.level, {column(AreaLevel.CITY)}, {column(AreaLevel.DISTRICT)},
                   {column(AreaLevel.STREET)}, {column(AreaLevel.COMMUNITY)}
            FROM {Area._meta.db_table} a
            ON CONFLICT (area_id) DO UPDATE SET level = EXCLUDED.level, city = EXCLUDED.city,
                district = EXCLUDED.district, street = EXCLUDED.street, community = EXCLUDED.community
            WHERE ({table}.level, {table}.city, {table}.district, {table}.street, {table}.community)
                IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.city, EXCLUDED.district, EXCLUDED.street,
                                  EXCLUDED.community)
        """)
        changed = cursor.rowcount
        cursor.execute(f"DELETE FROM {table} s WHERE NOT EXISTS "
                       f"(SELECT 1 FROM {Area._meta.db_table} a WHERE a.code = s.area_id)")
        return changed + cursor.rowcount


def _area_structure_refresh_python() -> int:
    """``area_structure_refresh`` without PostgreSQL: the same rows, compared and written from Python."""
    levels = {"city": AreaLevel.CITY, "district": AreaLevel.DISTRICT, "street": AreaLevel.STREET,
              "community": AreaLevel.COMMUNITY}
    fields = ["level", *levels]

    def columns(path: str) -> dict[str, str]:
        return {name: path[:LEVEL_PREFIX_WIDTH[level]].ljust(12, "0") if len(path) >= LEVEL_PREFIX_WIDTH[level]
                else "" for name, level in levels.items()}

    with transaction.atomic():
        wanted = {code: AreaStructure(area_id=code, level=level, **columns(path))
                  for code, level, path in Area.objects.values_list("code", "level", "path")}
        have = {row.area_id: row for row in AreaStructure.objects.all()}
        changed = [row for code, row in wanted.items()
                   if code in have and any(getattr(row, name) != getattr(have[code], name) for name in fields)]
        added = [row for code, row in wanted.items() if code not in have]
        stale = [code for code in have if code not in wanted]
        AreaStructure.objects.bulk_update(changed, fields, batch_size=500)
        AreaStructure.objects.bulk_create(added, batch_size=500)
        for n in range(0, len(stale), 500):
            AreaStructure.objects.filter(area_id__in=stale[n:n + 500]).delete()
        return len(changed) + len(added) + len(stale)


def district_codes() -> list[str]:
    return list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").values_list("code", flat=True))


# --- Starting a run -----------------------------------------------------------------------------


def _lock_day(cursor, day: datetime.date, *, wait: bool, namespace: int = LOCK_NAMESPACE) -> bool:
    if not _postgresql():  # SQLite lets one writer in at a time: nothing to lock
        return True
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, day.toordinal()])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [namespace, day.toordinal()])
    return cursor.fetchone()[0]


def runs_mark_stale(now: datetime.datetime | None = None) -> int:
    """Runs still marked running long after any task of theirs could have finished died beyond
    redelivery: mark them failed (the dashboard shows it) and drop their staged rows."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=RUN_STALE_AFTER_SECONDS)
    stale = list(FactRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).values_list("pk", flat=True))
    for run_id in stale:
        _fail(run_id, _("The run did not finish (its worker stopped and the work was not delivered again)."))
    return len(stale)


@transaction.atomic
def run_start(*, day: datetime.date, trigger: str = RunTrigger.NIGHTLY, actor: User | None = None) -> FactRun:
    """Record a run of ``day`` with its tasks (one per district and the roll-up). Refused while
    another run of the day is going (``RunRefused``); a run gone stale no longer counts."""
    check_day(day)
    with connection.cursor() as cursor:
        _lock_day(cursor, day, wait=True, namespace=START_LOCK_NAMESPACE)  # two starts of one day queue here, briefly
    cutoff = timezone.now() - datetime.timedelta(seconds=RUN_STALE_AFTER_SECONDS)
    if FactRun.objects.filter(day=day, status=RunStatus.RUNNING, started_at__gte=cutoff).exists():
        raise RunRefused(_("A run of %(day)s is still going.") % {"day": day})
    area_structure_refresh()  # cheap when nothing changed; the roll-up reads it
    run = FactRun.objects.create(day=day, trigger=trigger, status=RunStatus.RUNNING)
    districts = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code")
    FactTaskRun.objects.bulk_create([FactTaskRun(run=run, district=district) for district in districts]
                                    + [FactTaskRun(run=run, district=None)])
    audit_record(event_type=AnalyticsEvent.RUN_STARTED, actor=actor, obj=run,
                 new={"day": day, "trigger": trigger, "districts": len(districts)})
    return run


# --- One district -------------------------------------------------------------------------------


def district_build(*, run_id: int, district_code: str, worker: str = "") -> int:
    """Stage one district's rows of the run's day (community and street rows, zeros left out) in one
    transaction; returns the rows staged. Rerunning it (a redelivered task) replaces what it staged.
    Nothing happens once the run has finished or failed. An error is recorded on the task and raised."""
    run = FactRun.objects.get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return 0
    task = FactTaskRun.objects.get(run=run, district_id=district_code)
    FactTaskRun.objects.filter(pk=task.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(),
                                                  finished_at=None, worker=worker[:100], error="", rows=0)
    prefix = Area.objects.get(code=district_code).path
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            StagedFact.objects.filter(run_id=run_id, district=district_code).delete()
            found = [(area_code, key, int(value)) for query in fact_queries()
                     for area_code, key, value in query.rows(run.day, prefix) if value]
            rows = len(found)
            if _postgresql():  # every query's rows in one COPY
                buffer = io.StringIO()
                for area_code, key, value in found:
                    buffer.write(f"{run_id}\t{district_code}\t{key}\t{area_code}\t{value}\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(f"COPY {StagedFact._meta.db_table} (run_id, district, fact, area_code, "
                                          f"value) FROM STDIN", buffer)
            else:  # no COPY: batched inserts
                StagedFact.objects.bulk_create(
                    (StagedFact(run_id=run_id, district=district_code, fact=key, area_code=area_code, value=value)
                     for area_code, key, value in found), batch_size=2000)
            FactTaskRun.objects.filter(pk=task.pk).update(status=RunStatus.DONE, finished_at=timezone.now(), rows=rows)
    except Exception as exc:
        FactTaskRun.objects.filter(pk=task.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(),
                                                      error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    return rows


# --- The roll-up and the swap -------------------------------------------------------------------

ROLL_UP_SQL = """
WITH rolled AS (
    SELECT s.fact,
           CASE WHEN GROUPING(st.community) = 0 THEN st.community
                WHEN GROUPING(st.street) = 0 THEN st.street
                WHEN GROUPING(st.district) = 0 THEN st.district
                ELSE st.city END AS code,
           SUM(s.value) AS value
    FROM {staged} s
    JOIN {structure} st ON st.area_id = s.area_code
    WHERE s.run_id = %(run)s
    GROUP BY GROUPING SETS ((s.fact, st.community), (s.fact, st.street), (s.fact, st.district), (s.fact, st.city))
)
INSERT INTO {live} (day, fact, area_id, area_path, level, value)
SELECT %(day)s, r.fact, a.code, a.path, a.level, r.value
FROM rolled r
JOIN {area} a ON a.code = r.code
WHERE r.code <> '' AND r.value <> 0
"""

# Without GROUPING SETS (SQLite): the four levels' sums one after another.
ROLL_UP_PORTABLE_SQL = """
INSERT INTO {live} (day, fact, area_id, area_path, level, value)
SELECT %(day)s, r.fact, a.code, a.path, a.level, r.value
FROM (
    SELECT s.fact, st.community AS code, SUM(s.value) AS value
    FROM {staged} s JOIN {structure} st ON st.area_id = s.area_code WHERE s.run_id = %(run)s
    GROUP BY s.fact, st.community
    UNION ALL
    SELECT s.fact, st.street, SUM(s.value)
    FROM {staged} s JOIN {structure} st ON st.area_id = s.area_code WHERE s.run_id = %(run)s
    GROUP BY s.fact, st.street
    UNION ALL
    SELECT s.fact, st.district, SUM(s.value)
    FROM {staged} s JOIN {structure} st ON st.area_id = s.area_code WHERE s.run_id = %(run)s
    GROUP BY s.fact, st.district
    UNION ALL
    SELECT s.fact, st.city, SUM(s.value)
    FROM {staged} s JOIN {structure} st ON st.area_id = s.area_code WHERE s.run_id = %(run)s
    GROUP BY s.fact, st.city
) r
JOIN {area} a ON a.code = r.code
WHERE r.code <> '' AND r.value <> 0
"""


def _fail(run_id: int, error: str) -> None:
    with transaction.atomic():
        updated = FactRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:2000])
        FactTaskRun.objects.filter(run_id=run_id, status=RunStatus.RUNNING, district__isnull=True).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:2000])
        StagedFact.objects.filter(run_id=run_id).delete()
        if updated:
            run = FactRun.objects.get(pk=run_id)
            audit_record(event_type=AnalyticsEvent.RUN_FINISHED, actor=None, obj=run,
                         new={"day": run.day, "status": RunStatus.FAILED, "error": error[:500]})


def run_roll_up(*, run_id: int, worker: str = "") -> FactRun:
    """Swap the day's staged rows, rolled up to every level, into ``DailyFact`` (see the module's
    docstring). A run with a district task that failed or never finished fails here, the live rows
    of its day untouched; so does a run that finds another run of its day writing (the lock)."""
    run = FactRun.objects.get(pk=run_id)
    if run.status != RunStatus.RUNNING:  # a redelivered roll-up after the swap committed
        return run
    FactTaskRun.objects.filter(run=run, district__isnull=True).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), worker=worker[:100], error="")
    unfinished = list(FactTaskRun.objects.filter(run=run, district__isnull=False).exclude(status=RunStatus.DONE)
                      .select_related("district").order_by("district"))
    if unfinished:
        _fail(run_id, _("Districts without their rows: %(list)s.") % {"list": "; ".join(
            f"{task.district.name} ({task.error or task.get_status_display()})" for task in unfinished)})
        return FactRun.objects.get(pk=run_id)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if not _lock_day(cursor, run.day, wait=False):
                raise RunRefused(_("Another run of %(day)s was writing its rows; this run was refused.")
                                 % {"day": run.day})
            # A day past the last one stored moves the day column's range: the planner's statistics
            # need refreshing after the swap. A day rebuilt inside the range (the late-data window,
            # a backfill) changes the distribution little; autovacuum's ANALYZE keeps up with it.
            latest = DailyFact.objects.aggregate(latest=Max("day"))["latest"]
            new_day = latest is None or run.day > latest
            cursor.execute(f"DELETE FROM {DailyFact._meta.db_table} WHERE day = %s", [run.day])
            roll_up = ROLL_UP_SQL if _postgresql() else ROLL_UP_PORTABLE_SQL
            cursor.execute(roll_up.format(staged=StagedFact._meta.db_table, structure=AreaStructure._meta.db_table,
                                          live=DailyFact._meta.db_table, area=Area._meta.db_table),
                           {"run": run_id, "day": run.day})
            rows = cursor.rowcount
            StagedFact.objects.filter(run_id=run_id).delete()
            finished = timezone.now()
            FactRun.objects.filter(pk=run_id).update(status=RunStatus.DONE, finished_at=finished, rows=rows, error="")
            FactTaskRun.objects.filter(run=run, district__isnull=True).update(
                status=RunStatus.DONE, finished_at=finished, rows=rows)
            audit_record(event_type=AnalyticsEvent.RUN_FINISHED, actor=None, obj=run,
                         new={"day": run.day, "status": RunStatus.DONE, "rows": rows})
    except Exception as exc:
        _fail(run_id, str(exc) if isinstance(exc, RunRefused) else f"{type(exc).__name__}: {exc}")
        return FactRun.objects.get(pk=run_id)
    if _postgresql() and new_day:
        with connection.cursor() as cursor:  # fresh statistics for the dashboards' plans
            cursor.execute(f"ANALYZE {DailyFact._meta.db_table}")
    return FactRun.objects.get(pk=run_id)


# --- In-process ---------------------------------------------------------------------------------


def run_day_in_process(*, day: datetime.date, trigger: str = RunTrigger.BACKFILL,
                       actor: User | None = None) -> FactRun:
    """One day's whole run in this process (no broker): start, every district, the roll-up. A
    district that fails is recorded; the roll-up then fails the run and keeps the day's old rows."""
    run = run_start(day=day, trigger=trigger, actor=actor)
    for code in district_codes():
        try:
            district_build(run_id=run.pk, district_code=code, worker="in-process")
        except Exception:  # recorded on the task; the roll-up fails the run and says which
            pass
    return run_roll_up(run_id=run.pk, worker="in-process")

