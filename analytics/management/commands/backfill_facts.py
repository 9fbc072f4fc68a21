"""Rebuild the daily facts of a range of days: ``manage.py backfill_facts --from 2026-01-01 --to 2026-03-31``.

Each day is one run, exactly as the nightly one (every district, then the roll-up and the swap). With
a broker (REDIS_URL set) the runs go to the Celery workers as chords, a few days at a time, and the
command waits for them; without one, or with ``--in-process``, it builds them itself. A progress line
shows how far it is. Days holding generated demo history are skipped unless ``--replace-generated``.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from analytics.constants import RunStatus, RunTrigger
from analytics.models import FactRun
from analytics.services import run as facts_run


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise CommandError(f"Not a date: {value!r} (write it as YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Rebuild the daily facts of every day from --from to --to (inclusive), with a progress line."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD (at most yesterday)")
        parser.add_argument("--in-process", action="store_true", help="build here even when a broker is configured")
        parser.add_argument("--replace-generated", action="store_true",
                            help="also rebuild days that hold generated demo history")
        parser.add_argument("--days-in-flight", type=int, default=4,
                            help="days sent to the workers at a time (Celery mode)")
        parser.add_argument("--timeout", type=int, default=3600,
                            help="seconds to wait for the workers before giving up (Celery mode)")

    def handle(self, *args, first, last, in_process, replace_generated, days_in_flight, timeout, **options):
        first, last = _date(first), _date(last)
        try:
            facts_run.check_day(first)
            facts_run.check_day(last)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if first > last:
            raise CommandError("--from is after --to.")
        if days_in_flight < 1 or timeout < 1:
            raise CommandError("--days-in-flight and --timeout must be at least 1.")
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
        if not replace_generated:
            generated = facts_run.generated_days(first, last)
            if generated:
                self.stdout.write(f"Skipping {len(generated)} days of generated demo history "
                                  f"(--replace-generated rebuilds them from the records).")
            days = [day for day in days if day not in generated]
        facts_run.runs_mark_stale()
        facts_run.area_structure_refresh()
        self.started = time.monotonic()
        self.failed: list[str] = []
        use_workers = not in_process and not settings.CELERY_TASK_ALWAYS_EAGER
        self.stdout.write(f"Rebuilding {len(days)} days from {first} to {last} "
                          f"{'on the Celery workers' if use_workers else 'in this process'}.")
        if use_workers:
            self._with_workers(days, days_in_flight, timeout)
        else:
            for done, day in enumerate(days, start=1):
                try:
                    run = facts_run.run_day_in_process(day=day, trigger=RunTrigger.BACKFILL)
                except facts_run.RunRefused as exc:
                    self.failed.append(f"{day}: {exc}")
                else:
                    self._note(run)
                self._progress(done, len(days), day)
        self.stdout.write("")
        elapsed = time.monotonic() - self.started
        if self.failed:
            for line in self.failed:
                self.stderr.write(f"  failed {line}")
            raise CommandError(f"{len(self.failed)} of {len(days)} days failed ({elapsed:.1f} s); the run log says why.")
        self.stdout.write(self.style.SUCCESS(f"{len(days)} days rebuilt in {elapsed:.1f} s."))

    def _note(self, run: FactRun) -> None:
        if run.status != RunStatus.DONE:
            self.failed.append(f"{run.day}: {run.error}")

    def _progress(self, done: int, total: int, day: datetime.date) -> None:
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done) if done else 0
        self.stdout.write(f"\r[{done:>5}/{total}] {day} · {len(self.failed)} failed · {elapsed:6.1f} s elapsed · "
                          f"about {left:5.0f} s left", ending="")
        self.stdout.flush()

    def _with_workers(self, days: list[datetime.date], in_flight: int, timeout: int) -> None:
        from analytics.tasks import facts_dispatch

        pending = list(days)
        waiting: dict[int, datetime.date] = {}
        done = 0
        deadline = time.monotonic() + timeout
        while pending or waiting:
            while pending and len(waiting) < in_flight:
                day = pending.pop(0)
                sent = facts_dispatch(days=[day], trigger=RunTrigger.BACKFILL)
                for refused in sent["refused"]:
                    self.failed.append(f"{refused['day']}: {refused['reason']}")
                    done += 1
                waiting.update({run_id: day for run_id in sent["runs"]})
            for run in FactRun.objects.filter(pk__in=list(waiting)).exclude(status=RunStatus.RUNNING):
                day = waiting.pop(run.pk)
                self._note(run)
                done += 1
                self._progress(done, len(days), day)
            if time.monotonic() > deadline:
                raise CommandError(f"Gave up waiting after {timeout} s: are the Celery workers running? "
                                   f"{len(waiting) + len(pending)} days unfinished.")
            if waiting:
                time.sleep(0.5)
