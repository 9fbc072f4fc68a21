"""Background tasks of decision support: the nightly facts run, fanned out per district.

Each day's run is one Celery chord: a ``facts_district`` task per district (any worker takes any of
them, so two workers finish sooner than one) and then ``facts_roll_up``. The tasks acknowledge late
and are rejected back to the queue when their worker process dies (``acks_late``,
``reject_on_worker_lost``), so a killed worker's task is delivered again; both tasks can run twice
safely (``analytics.services.run``). A district task's time is seconds and a night's run minutes,
far below the broker's visibility timeout (two hours, settings) after which Redis hands an
unacknowledged task to another worker, and below the hard time limit (one hour).
"""

from __future__ import annotations

import datetime
import os

from celery import chord, shared_task

from analytics.constants import RunTrigger
from analytics.services import run as facts_run
from portal.models import User


def _worker(request) -> str:
    """Who runs a task, for the run log (the process id lets an operator find a stuck worker)."""
    return f"{request.hostname or 'in-process'} pid {os.getpid()}"


@shared_task(name="analytics.tasks.facts_district", bind=True, acks_late=True, reject_on_worker_lost=True)
def facts_district(self, run_id: int, district_code: str) -> dict:
    """Stage one district's rows of a run. A failure is recorded on the task (the roll-up then fails
    the run and keeps the day's old rows); it does not break the chord."""
    try:
        rows = facts_run.district_build(run_id=run_id, district_code=district_code, worker=_worker(self.request))
    except Exception as exc:
        return {"district": district_code, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"district": district_code, "ok": True, "rows": rows}


@shared_task(name="analytics.tasks.facts_roll_up", bind=True, acks_late=True, reject_on_worker_lost=True)
def facts_roll_up(self, run_id: int) -> dict:
    """Swap a run's staged rows, rolled up to every level, into the live table."""
    run = facts_run.run_roll_up(run_id=run_id, worker=_worker(self.request))
    return {"run": run.pk, "day": run.day.isoformat(), "status": run.status, "rows": run.rows, "error": run.error}


def facts_dispatch(*, days: list[datetime.date], trigger: str, actor: User | None = None,
                   queue: str | None = None) -> dict:
    """Start a run per day and send its chord (to ``queue``, else the default queue); days with a run
    still going are refused and listed."""
    started, refused = [], []
    codes = facts_run.district_codes()
    options = {"queue": queue} if queue else {}
    for day in days:
        try:
            run = facts_run.run_start(day=day, trigger=trigger, actor=actor)
        except facts_run.RunRefused as exc:
            refused.append({"day": day.isoformat(), "reason": str(exc)})
            continue
        started.append(run.pk)
        chord([facts_district.si(run.pk, code).set(**options) for code in codes],
              facts_roll_up.si(run.pk).set(**options)).apply_async()
    return {"runs": started, "refused": refused}


@shared_task(name="analytics.tasks.facts_nightly", bind=True)
def facts_nightly(self, day: str | None = None) -> dict:
    """Nightly at 02:00: rebuild yesterday and the LATE_DATA_DAYS before it (or only ``day``, an ISO
    date, when given). Stale runs are marked failed and the area structure is refreshed first. The
    runs' tasks go to the queue this task came from, so routing the nightly task routes its work."""
    facts_run.runs_mark_stale()
    facts_run.area_structure_refresh()
    days = [facts_run.check_day(datetime.date.fromisoformat(day))] if day else facts_run.nightly_days()
    queue = (self.request.delivery_info or {}).get("routing_key")
    return facts_dispatch(days=days, trigger=RunTrigger.NIGHTLY, queue=queue)
