"""The nightly facts run end to end through real Celery workers on the real Redis broker: the chord
of district tasks and the roll-up, a rerun replacing the day exactly, and a worker killed in the middle
of a district's build (its pool process, or the whole worker), whose task is delivered again while
readers keep seeing the old day whole. Also the settings that make that so (late acknowledgement, the
visibility timeout, the 02:00 beat entry)."""

from __future__ import annotations

import copy
import datetime
import os
import re
import signal
import time

import psycopg2
import pytest
from celery.beat import ScheduleEntry
from django.db import connection, transaction

from analytics.constants import NIGHTLY_HOUR, NIGHTLY_MINUTE, RunStatus
from analytics.models import DailyFact, FactRun, FactTaskRun, StagedFact
from analytics.services import run as facts_run
from analytics.tasks import facts_district, facts_nightly, facts_roll_up
from portal.celery import app as celery_app
from portal.constants import AreaLevel
from registration.constants import EmploymentKind
from tests.analytics.factories import DailyFactFactory, at
from tests.celery_worker import Workers, wait_for
from tests.jobs.factories import EmployerFactory, VacancyFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory, UnemploymentRegistrationFactory

D = datetime.date(2026, 3, 10)
ONE = datetime.timedelta(days=1)
RUN_TIMEOUT = 30  # seconds; a run of these few records takes about one


@pytest.fixture
def workers(committed_tree):
    running = Workers()
    try:
        yield running
    finally:
        running.stop()  # its output is shown by pytest only when the test fails


def _records(tree) -> None:
    """A few records in two districts (江岸区's c1, c2 and a community of another street; 武昌区's c3)."""
    other_street_community = tree.s2.children.order_by("code").first()
    for place, kind in [(tree.c1, EmploymentKind.ENTERPRISE_HIRE), (tree.c2, EmploymentKind.FLEXIBLE),
                        (other_street_community, EmploymentKind.SELF_EMPLOYED), (tree.c3, EmploymentKind.FLEXIBLE)]:
        EmploymentRegistrationFactory(person=PersonFactory(area=place), kind=kind, started_on=D)
        UnemploymentRegistrationFactory(person=PersonFactory(area=place), registered_on=D - 3 * ONE)
        VacancyFactory(employer=EmployerFactory(area=place), area=place, headcount=2,
                       published_at=at(D - ONE, 9), closing_date=D + 30 * ONE)


def _rows(day=D) -> list[tuple[str, str, str, int]]:
    """The day's live rows, every one (a duplicate would show twice)."""
    return sorted(DailyFact.objects.filter(day=day).values_list("fact", "area_id", "level", "value"))


def _nightly(workers: Workers, day=D) -> FactRun:
    """Send the nightly task for ``day`` as beat would, to the test's queue; wait for its run to end."""
    sent = workers.client.send_task("analytics.tasks.facts_nightly", kwargs={"day": day.isoformat()},
                                    queue=workers.queue)
    result = sent.get(timeout=RUN_TIMEOUT)
    assert result["refused"] == [] and len(result["runs"]) == 1
    run_id = result["runs"][0]
    wait_for(lambda: FactRun.objects.filter(pk=run_id).exclude(status=RunStatus.RUNNING).exists(),
             timeout=RUN_TIMEOUT, what=f"run {run_id} of {day}")
    return FactRun.objects.get(pk=run_id)


def _node(task: FactTaskRun) -> str:
    return task.worker.split("@")[0]


def _pid(task: FactTaskRun) -> int:
    return int(re.fullmatch(r".* pid (\d+)", task.worker).group(1))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_nightly_run_on_two_workers_rebuilds_a_day_and_a_rerun_replaces_it_exactly(workers, tree):
    for name in ("a", "b"):
        workers.start(name)  # they start while the test writes its records
    _records(tree)
    DailyFactFactory(day=D - ONE, fact="new_employment", area=tree.d1, value=99)  # another day: untouched
    for worker in workers.started:
        worker.ready()

    first = _nightly(workers)
    first_rows, first_ids = _rows(), set(DailyFact.objects.filter(day=D).values_list("pk", flat=True))
    second = _nightly(workers)

    assert first.status == second.status == RunStatus.DONE, (first.error, second.error)
    assert _rows() == first_rows and len(first_rows) == len(set(first_rows)) == first.rows == second.rows > 0
    assert not first_ids & set(DailyFact.objects.filter(day=D).values_list("pk", flat=True))  # rewritten, not kept
    assert {row[2] for row in first_rows} == {AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT,
                                             AreaLevel.CITY}
    assert ("new_employment", tree.city.code, AreaLevel.CITY, 4) in first_rows
    assert DailyFact.objects.get(day=D - ONE).value == 99
    assert not StagedFact.objects.exists()
    tasks = FactTaskRun.objects.filter(run__in=[first, second])
    assert tasks.count() == 2 * (len(facts_run.district_codes()) + 1)
    assert set(tasks.values_list("status", flat=True)) == {RunStatus.DONE}
    # Any worker takes any district: both did some of the work.
    assert {_node(task) for task in tasks.filter(district__isnull=False)} == {
        f"{name}-{workers.queue}" for name in ("a", "b")}
    # The same rows as the run in-process (no broker) gives.
    assert facts_run.run_day_in_process(day=D).status == RunStatus.DONE and _rows() == first_rows


def _snapshot(run_id: int) -> tuple[str, list]:
    """The run's status and the day's live rows, read in one snapshot (no commit falls in between)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return FactRun.objects.get(pk=run_id).status, _rows()


def _waiting_for_staging(cursor) -> set[int]:
    """The database sessions (backend process ids) waiting for the staging table's lock."""
    cursor.execute("SELECT pid FROM pg_locks WHERE relation = %s::regclass AND NOT granted",
                   [StagedFact._meta.db_table])
    return {pid for (pid,) in cursor.fetchall()}


def _connect():
    settings = connection.settings_dict
    return psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                            port=settings["PORT"], password=settings["PASSWORD"])


def _day_built_then_changed(tree) -> list:
    """The day built in-process from a few records, then one record more: returns the day's rows,
    which a run on a worker must replace."""
    _records(tree)
    assert facts_run.run_day_in_process(day=D).status == RunStatus.DONE
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c3), kind=EmploymentKind.FLEXIBLE, started_on=D)
    return _rows()


def _nightly_blocked(workers: Workers, holder, watcher) -> tuple[int, FactTaskRun, set[int]]:
    """Hold the staging table from another session, send the nightly run of the day and wait until a
    district task blocks inside its build; returns the run, that task and its database session."""
    with holder.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {StagedFact._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    sent = workers.client.send_task("analytics.tasks.facts_nightly", kwargs={"day": D.isoformat()},
                                    queue=workers.queue)
    run_id = sent.get(timeout=RUN_TIMEOUT)["runs"][0]
    with watcher.cursor() as cursor:
        session = wait_for(lambda: _waiting_for_staging(cursor), timeout=RUN_TIMEOUT, what="a district build blocked")
    assert len(session) == 1
    return run_id, FactTaskRun.objects.exclude(worker="").get(run_id=run_id, status=RunStatus.RUNNING), session


def _finished_whole(run_id: int, before: list) -> FactRun:
    """Watch the run to its end: until it is done readers see the old day whole, then the new day
    whole, the same rows as a run of the day in-process gives."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while (snapshot := _snapshot(run_id))[0] == RunStatus.RUNNING and time.monotonic() < deadline:
        assert snapshot[1] == before
        time.sleep(0.05)
    run = FactRun.objects.get(pk=run_id)
    assert run.status == RunStatus.DONE, run.error
    rows = snapshot[1]
    assert rows == _rows() != before and run.rows == len(rows)
    assert set(FactTaskRun.objects.filter(run=run).values_list("status", flat=True)) == {RunStatus.DONE}
    assert not StagedFact.objects.exists()
    assert facts_run.run_day_in_process(day=D).status == RunStatus.DONE and _rows() == rows
    return run


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_inside_a_district_build_is_replaced_and_the_day_is_rebuilt_whole(workers, tree):
    worker = workers.start("pool", pool="prefork", concurrency=1)  # it starts while the test writes its records
    before = _day_built_then_changed(tree)
    holder, watcher = _connect(), _connect()
    watcher.autocommit = True
    try:
        run_id, stuck, first_session = _nightly_blocked(workers, holder, watcher)
        assert _snapshot(run_id) == (RunStatus.RUNNING, before)
        # SIGKILL the pool process running the task (a child of the worker this test started).
        killed = _pid(stuck)
        with open(f"/proc/{killed}/stat") as stat:
            assert int(stat.read().rsplit(")", 1)[1].split()[1]) == worker.process.pid
        os.kill(killed, signal.SIGKILL)

        # The worker starts a new pool process; the killed task is rejected back to the queue (behind
        # the districts still waiting there) and the next district blocks on the same lock. The
        # killed process's session may still wait too, until the lock goes.
        with watcher.cursor() as cursor:
            wait_for(lambda: _waiting_for_staging(cursor) - first_session, timeout=RUN_TIMEOUT,
                     what="the new pool process blocked")
        wait_for(lambda: "WorkerLostError" in worker.output(), timeout=5, what="the worker's report of its loss")
        assert _snapshot(run_id) == (RunStatus.RUNNING, before)
    finally:
        holder.close()  # the lock goes; the run goes on
        watcher.close()

    _finished_whole(run_id, before)
    task = FactTaskRun.objects.get(pk=stuck.pk)
    assert _pid(task) != killed and _node(task) == _node(stuck)  # run again, by the same worker's new process


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_whole_inside_a_district_build_has_its_task_delivered_to_another_worker(workers, tree):
    dying = workers.start("dying")  # the production settings: a two-hour visibility timeout
    before = _day_built_then_changed(tree)
    holder, watcher = _connect(), _connect()
    watcher.autocommit = True
    try:
        run_id, stuck, _session = _nightly_blocked(workers, holder, watcher)
        assert _pid(stuck) == dying.process.pid  # a solo worker runs its tasks in its own process
        dying.process.send_signal(signal.SIGKILL)
        dying.process.wait(timeout=10)
    finally:
        holder.close()
        watcher.close()
    assert _snapshot(run_id) == (RunStatus.RUNNING, before)  # no worker is left to go on

    # Another worker takes the districts left in the queue, and the dead worker's task once it has
    # been unacknowledged for the visibility timeout (shortened here from two hours to five seconds).
    rescuer = workers.start("rescuer", env={"CELERY_VISIBILITY_TIMEOUT": "5"})
    _finished_whole(run_id, before)
    task = FactTaskRun.objects.get(pk=stuck.pk)
    assert _pid(task) == rescuer.process.pid and _node(task) == f"rescuer-{workers.queue}"


def test_the_run_tasks_are_acknowledged_late_and_redelivered_when_their_worker_is_lost():
    for name in (facts_district.name, facts_roll_up.name, facts_nightly.name):
        task = celery_app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost, name
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1  # a worker holds no more tasks than it runs
    # Redis hands an unacknowledged task to another worker only after the visibility timeout: it must
    # outlast the longest a task may run (the hard time limit), or a slow task would run twice at once.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit > conf.task_soft_time_limit


def test_the_nightly_run_is_on_the_beat_schedule_at_two_in_the_morning_shanghai_time():
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["analytics-facts-nightly"]
    assert entry["task"] == facts_nightly.name and (NIGHTLY_HOUR, NIGHTLY_MINUTE) == (2, 0)
    assert celery_app.conf.timezone == "Asia/Shanghai"
    schedule = copy.copy(entry["schedule"])  # bound to the app as beat binds it, on the app's clock
    ScheduleEntry(name="analytics-facts-nightly", task=entry["task"], schedule=schedule, app=celery_app)
    last = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=datetime.UTC)  # 02:00 on 11 March in Shanghai
    schedule.nowfun = lambda: last
    assert last + schedule.remaining_estimate(last) == datetime.datetime(2026, 3, 11, 18, 0, tzinfo=datetime.UTC)
