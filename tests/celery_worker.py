"""Real Celery workers for the worker tests: ``celery -A portal worker`` processes on the Redis broker
(TEST_REDIS_URL), each test on a queue of its own, reading and writing the test database.

``Workers`` starts them (``start``), waits until one consumes (``ready``), and stops every one it
started at the end; a test that kills a worker on purpose finds its processes here. Their output is
printed at the end, which pytest shows only when the test fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


class Worker:
    """One worker process; its output is collected line by line (``ready`` waits on it)."""

    def __init__(self, process: subprocess.Popen, name: str):
        self.process = process
        self.name = name
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if " ready." in line:
                self._ready.set()

    def ready(self, timeout: float = 30) -> None:
        """Wait until the worker consumes from its queue (its "ready." line)."""
        if not self._ready.wait(timeout):
            raise TimeoutError(f"worker {self.name} not ready after {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)


class Workers:
    """The workers of one test, all on one queue of its own; ``client`` sends tasks to them."""

    def __init__(self):
        self.broker = os.environ["TEST_REDIS_URL"]
        self.queue = f"portal-test-{uuid.uuid4().hex[:8]}"
        # Not the current app: the tasks' proxies (``shared_task``) in later tests must stay on the
        # portal's app, which runs them in-process.
        self.client = Celery("portal-test-client", broker=self.broker, backend=self.broker, set_as_current=False)
        self.started: list[Worker] = []

    def start(self, name: str = "worker", *, pool: str = "solo", concurrency: int = 1,
              env: dict[str, str] | None = None) -> Worker:
        """Start a worker named ``name@<host>`` (the node name the tasks' ``request.hostname`` gives)."""
        db = connection.settings_dict
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_ENVIRONMENT": "test",
                       "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                       "REDIS_URL": self.broker, "PYTHONUNBUFFERED": "1", **(env or {})}
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", pool, "-c", str(concurrency),
                   "-Q", self.queue, "-n", f"{name}-{self.queue}@%h", "-l", "info",
                   "--without-heartbeat", "--without-gossip", "--without-mingle"]
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        worker = Worker(process, name)
        self.started.append(worker)
        return worker

    def stop(self) -> None:
        for worker in self.started:
            worker.stop()
        for worker in self.started:
            print(f"--- worker {worker.name} (exit {worker.process.returncode}) ---\n{worker.output()}")
        self.client.close()


def wait_for(condition, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``condition`` until it returns something true; returns it, or fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
