"""Fault drills of issue 11: the portal in its production profile while Redis stops, PostgreSQL
restarts under load and a Celery worker dies in the middle of a task.

Run it from the project root, as root (the drill cluster runs as the ``postgres`` OS user)::

    .venv/bin/python bench/fault_drills.py                  # all three drills
    .venv/bin/python bench/fault_drills.py --only postgres  # one drill: redis, postgres or worker
    .venv/bin/python bench/fault_drills.py --keep           # keep the drill cluster's directory at the end

Nothing here touches the shared PostgreSQL (5432) or Redis (6379): the drills start their own

- PostgreSQL cluster (``initdb`` into a temporary directory, port 5439, socket in /tmp), with the
  database ``drill``: migrated, Wuhan's division tree (``load_areas``) and the demo data (``demo_data``);
- Redis (port 6391, no persistence), as a child process;
- gunicorn (``portal.wsgi``, 2 workers, 127.0.0.1:8741) in the production profile (fresh secrets,
  DEBUG off, no HTTPS redirect), serving the static files collectstatic wrote to ``staticfiles/``;
  the search throttle is raised to 100000/min so the load of drill 2 is not throttled (the throttle is
  still counted in Redis, so drill 1 still sees it fail open);
- Celery workers and beat, when a drill needs them;

and stop every one of them at the end, also on Ctrl-C or an error (the last lines list any process
of theirs still alive: there must be none).

The drills (each prints what it did, the statuses it counted, timings and PASS or FAIL):

1. **redis**: pages, a staff page and the search API answer 200 with Redis up; Redis is stopped;
   the same requests still answer 200, each well under a second (p50 and max printed), the throttles
   fail open with a warning in gunicorn's log, ``/healthz`` answers 503, and asking for the forecasts
   (``POST /api/staff/analytics/forecast-runs/`` as ``city_admin``) answers 202 with ``queued`` false
   and keeps the task (``portal_kepttask``). Redis is started again with a worker and beat: within
   90 s beat's ``kept-tasks-send`` has sent the kept task and the worker has made the forecasts.
2. **postgres**: 8 threads request pages and API GETs for 25 s; after 8 s the drill cluster is
   restarted (``pg_ctl restart -m fast``). Only 200 and the portal's 503 (its page with Retry-After,
   or the API's ``unavailable`` error) may come back: no 500, no connection error, and a few seconds
   after the restart every request is 200 again, gunicorn untouched.
3. **worker**: the nightly facts run of yesterday is made once cleanly by a worker (the reference);
   then again with a worker (prefork, concurrency 1) that is killed (SIGKILL to its process group)
   while a district task runs. To catch it mid-task the drill holds a lock on the staging table
   (``analytics_stagedfact``), so the district task waits inside its transaction; the lock is let go
   after the kill. A new worker then gets the task again once the visibility timeout (20 s here)
   has passed, the run finishes once and the day's facts equal the reference's. The workers of this
   drill run in the ``test`` profile: production refuses a visibility timeout below the task time
   limit (an hour).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
PG_PORT, REDIS_PORT, WEB_PORT = 5439, 6391, 8741
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/drill"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
BASE = f"http://127.0.0.1:{WEB_PORT}"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Wuhan@2026demo")
LOCAL = ZoneInfo("Asia/Shanghai")
VISIBILITY_TIMEOUT = 20  # seconds, drill 3 only (production refuses less than an hour)
FAST_S = 1.0  # a request with Redis down must answer well under this
UNAVAILABLE_PAGE = "服务暂时不可用"


def parse_args():
    parser = argparse.ArgumentParser(description="Fault drills: Redis stopped, PostgreSQL restarted, a worker killed.")
    parser.add_argument("--only", choices=["redis", "postgres", "worker"], help="run one drill only")
    parser.add_argument("--keep", action="store_true",
                        help="keep the drill cluster's directory (stopped) for inspection")
    return parser.parse_args()


def say(text: str = "") -> None:
    print(text, flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- The drill's own components ------------------------------------------------------------------


class Stack:
    """The drill's PostgreSQL cluster, Redis, gunicorn and Celery processes; ``close`` stops them all."""

    def __init__(self, *, keep: bool):
        self.keep = keep
        self.dir = Path(tempfile.mkdtemp(prefix="fault-drills-"))
        self.pgdata = self.dir / "pg" / "data"
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_groups: set[int] = set()
        self.pg_running = False
        self.env_base = {
            **os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PERSONAL_DATA_HASH_KEY": secrets.token_hex(32),
            "PERSONAL_DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "DATABASE_URL": DATABASE_URL, "DEBUG": "0", "DEMO_PASSWORD": DEMO_PASSWORD,
        }

    def env(self, profile: str = "production", **extra: str) -> dict[str, str]:
        """The environment of the portal's processes: ``production`` as deployed (with Redis), or
        ``setup`` (development profile, tasks in-process) for migrate and the demo data."""
        env = dict(self.env_base)
        if profile == "setup":
            env.update(PORTAL_ENVIRONMENT="development")
            env.pop("REDIS_URL", None)
        else:
            env.update(PORTAL_ENVIRONMENT=profile, REDIS_URL=REDIS_URL, ALLOWED_HOSTS="127.0.0.1",
                       SECURE_SSL_REDIRECT="0", THROTTLE_RATE_SEARCH="100000/min")
        env.update(extra)
        return env

    def log(self, name: str) -> Path:
        return self.dir / f"{name}.log"

    # PostgreSQL

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), *args],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def pg_start(self) -> None:
        (self.dir / "pg").mkdir()
        shutil.chown(self.dir / "pg", "postgres", "postgres")
        os.chmod(self.dir, 0o755)  # postgres reaches its directory inside
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--locale", "C.UTF-8", "-D", str(self.pgdata)],
                       check=True, stdout=subprocess.DEVNULL)
        self.pg_ctl("-o", f"-p {PG_PORT} -k /tmp", "-l", str(self.dir / "pg" / "postgres.log"), "-w", "start")
        self.pg_running = True
        admin = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("CREATE DATABASE drill ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                           "TEMPLATE template0")
        admin.close()

    def pg_restart(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "restart")

    def pg_stop(self) -> None:
        if self.pg_running:
            self.pg_ctl("-m", "fast", "-w", "stop")
            self.pg_running = False

    # Child processes (each in a process group of its own, so a kill reaches its children)

    def spawn(self, name: str, command: list[str], *, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(self.log(name), "ab") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes[name] = process
        self.started_groups.add(process.pid)
        return process

    def stop(self, name: str, *, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        try:  # children left behind by a killed parent (a prefork pool process)
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def manage(self, *args: str, profile: str = "setup") -> None:
        started = time.perf_counter()
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(profile),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}")
        say(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s")

    def redis_start(self) -> None:
        self.spawn("redis", ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--daemonize", "no"])
        wait_until(lambda: port_open(REDIS_PORT), timeout=10, what="Redis")

    def redis_stop(self) -> None:
        self.stop("redis")
        wait_until(lambda: not port_open(REDIS_PORT), timeout=10, what="Redis to stop")

    def gunicorn_start(self) -> None:
        self.spawn("gunicorn", [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi", "-w", "2", "-b",
                                f"127.0.0.1:{WEB_PORT}", "--access-logfile", "-"])
        wait_until(lambda: http_ok("/healthz"), timeout=60, what="gunicorn")

    def gunicorn_pids(self) -> list[int]:
        master = self.processes["gunicorn"].pid
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
        return [master, *sorted(int(pid) for pid in children.split())]

    def celery(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        return self.spawn(name, [str(ROOT / ".venv" / "bin" / "celery"), "-A", "portal", *args], env=env)

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        try:
            self.pg_stop()
        except subprocess.CalledProcessError as exc:
            say(f"pg_ctl stop failed: {exc}")
        if self.keep:
            say(f"Kept the drill cluster in {self.pgdata} (logs in {self.dir}); start it with "
                f"runuser -u postgres -- {PG_BIN}/pg_ctl -D {self.pgdata} -o \"-p {PG_PORT} -k /tmp\" start")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Processes of the drill still alive: in a process group it started, or the drill cluster's."""
        lines = subprocess.run(["ps", "-eo", "pid=,pgid=,args="], capture_output=True, text=True).stdout.splitlines()
        alive = []
        for line in lines:
            pid, pgid, command = line.split(None, 2)
            if int(pgid) in self.started_groups or str(self.pgdata) in command \
                    or f"--port {REDIS_PORT}" in command or f":{REDIS_PORT}" in command:
                alive.append(line.strip())
        return alive


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_ok(path: str) -> bool:
    try:
        return requests.get(BASE + path, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def db():
    connection = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="drill")
    connection.autocommit = True
    return connection


def scalar(sql: str, params=()) -> object:
    connection = db()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    finally:
        connection.close()


def plain_cookies(session: requests.Session) -> None:
    """Production's cookies are HTTPS-only; the drill speaks HTTP to gunicorn, so send them anyway."""
    for cookie in session.cookies:
        cookie.secure = False


def staff_session(username: str = "city_admin") -> requests.Session:
    """A session signed in through the login form."""
    session = requests.Session()
    page = session.get(BASE + "/accounts/login/", timeout=10)
    plain_cookies(session)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(BASE + "/accounts/login/", timeout=10, allow_redirects=False,
                          data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
                          headers={"Referer": BASE + "/accounts/login/"})
    if answer.status_code != 302:
        raise RuntimeError(f"login as {username} answered {answer.status_code}")
    plain_cookies(session)
    return session


def api_token(username: str = "city_admin") -> str:
    answer = requests.post(BASE + "/api/auth/token/", json={"username": username, "password": DEMO_PASSWORD},
                           timeout=10)
    answer.raise_for_status()
    return answer.json()["token"]


def setup(stack: Stack) -> None:
    started = time.perf_counter()
    say(f"Drill components in {stack.dir}")
    for port in (PG_PORT, REDIS_PORT, WEB_PORT):
        if port_open(port):
            raise RuntimeError(f"port {port} is taken: is another drill running?")
    stack.pg_start()
    say(f"  PostgreSQL cluster on port {PG_PORT}, database drill")
    stack.redis_start()
    say(f"  Redis on port {REDIS_PORT}")
    stack.manage("migrate", "--no-input", "-v0")
    stack.manage("load_areas")
    stack.manage("demo_data")
    stack.manage("collectstatic", "--no-input", "-v0", profile="production")
    stack.gunicorn_start()
    say(f"  gunicorn on {BASE} (production profile), pids {stack.gunicorn_pids()}")
    say(f"Ready in {time.perf_counter() - started:.1f} s")


# --- Drill 1: Redis stopped ----------------------------------------------------------------------

PUBLIC_PATHS = ["/", "/jobs/?q=司机", "/policy/"]
STAFF_PATH = "/staff/"
SEARCH_API = "/api/jobs/vacancies/?q=司机"


def timed_get(session: requests.Session, path: str, **kwargs) -> tuple[int, float]:
    started = time.perf_counter()
    answer = session.get(BASE + path, timeout=15, allow_redirects=False, **kwargs)
    return answer.status_code, time.perf_counter() - started


def drill_redis(stack: Stack) -> bool:
    say("\n== Drill 1: Redis stopped ==")
    public, staff = requests.Session(), staff_session()
    targets = [(path, public) for path in PUBLIC_PATHS] + [(STAFF_PATH, staff), (SEARCH_API, public)]
    before = Counter(timed_get(session, path)[0] for path, session in targets)
    healthz_up = requests.get(BASE + "/healthz", timeout=10).status_code
    say(f"Redis up: {len(targets)} requests {dict(before)}; /healthz {healthz_up}")

    log_start = stack.log("gunicorn").stat().st_size
    stack.redis_stop()
    stopped_at = time.perf_counter()
    say("Redis stopped")
    timings: dict[str, list[float]] = {path: [] for path, _ in targets}
    statuses = Counter()
    for _ in range(5):
        for path, session in targets:
            status, seconds = timed_get(session, path)
            statuses[status] += 1
            timings[path].append(seconds)
    every = [seconds for values in timings.values() for seconds in values]
    for path, values in timings.items():
        say(f"  {path:<28} p50 {ms(statistics.median(values)):>7}  max {ms(max(values)):>7}")
    say(f"  {sum(statuses.values())} requests: {dict(statuses)}; all: p50 {ms(statistics.median(every))}, "
        f"max {ms(max(every))}")
    healthz = requests.get(BASE + "/healthz", timeout=10)
    say(f"  /healthz {healthz.status_code} {healthz.text}")

    started = time.perf_counter()
    token = api_token()
    token_s = time.perf_counter() - started
    started = time.perf_counter()
    asked = requests.post(BASE + "/api/staff/analytics/forecast-runs/", timeout=15,
                          headers={"Authorization": f"Token {token}"})
    forecast_s = time.perf_counter() - started
    body = asked.json() if asked.headers.get("Content-Type", "").startswith("application/json") else {}
    kept = scalar("SELECT count(*) FROM portal_kepttask WHERE name = 'analytics.forecasts_make_monthly'")
    say(f"  POST /api/auth/token/ {ms(token_s)}; POST forecast-runs {asked.status_code} in {ms(forecast_s)}: "
        f"{json.dumps(body, ensure_ascii=False)}")
    say(f"  kept tasks (portal_kepttask): {kept}")
    time.sleep(0.5)
    log = stack.log("gunicorn").read_bytes()[log_start:].decode(errors="replace")
    warnings = log.count("not applied: the cache is unavailable")
    kept_warnings = log.count("The broker did not take")
    say(f"  gunicorn log: {warnings} throttle warnings ('not applied: the cache is unavailable'), "
        f"{kept_warnings} 'broker did not take' warnings")
    down_s = time.perf_counter() - stopped_at

    stack.redis_start()
    say(f"Redis started again after {down_s:.1f} s down; starting a worker and beat")
    restarted = time.perf_counter()
    stack.celery("drill1-worker", "worker", "-l", "info", "-c", "1", "-n", "drill1@%h")
    stack.celery("drill1-beat", "beat", "-l", "info", "-s", str(stack.dir / "beat-schedule"))
    made_on = body.get("made_on") or datetime.datetime.now(LOCAL).date().isoformat()
    sent_s = made_s = None
    forecasts = events = 0
    deadline = restarted + 150
    while time.perf_counter() < deadline:
        if sent_s is None and scalar("SELECT count(*) FROM portal_kepttask") == 0:
            sent_s = time.perf_counter() - restarted
        forecasts = scalar("SELECT count(*) FROM analytics_forecast WHERE made_on = %s", [made_on])
        events = scalar("SELECT count(*) FROM portal_auditevent WHERE event_type = 'analytics.forecast_made' "
                        "AND new_values->>'made_on' = %s", [made_on])
        worker_log = stack.log("drill1-worker").read_text(errors="replace")
        if sent_s is not None and re.search(r"analytics\.forecasts_make_monthly\[[^\]]+\] succeeded", worker_log):
            made_s = time.perf_counter() - restarted
            break
        time.sleep(1)
    say(f"  kept task sent after {sent_s:.1f} s" if sent_s is not None else "  kept task NOT sent within 150 s")
    say(f"  forecasts made after {made_s:.1f} s: {forecasts} forecast rows and {events} forecast audit events "
        f"made on {made_on}" if made_s is not None else
        f"  forecast task NOT done within 150 s ({forecasts} rows, {events} events made on {made_on})")
    stack.stop("drill1-beat")
    stack.stop("drill1-worker")

    checks = {
        "200 before the stop": set(before) == {200} and healthz_up == 200,
        "200 with Redis down": set(statuses) == {200},
        f"every request under {FAST_S:.0f} s": max(every) < FAST_S,
        "throttle warning logged": warnings > 0,
        "/healthz 503": healthz.status_code == 503,
        "forecasts 202, queued false, message": asked.status_code == 202 and body.get("queued") is False
        and bool(body.get("message")),
        "task kept": kept >= 1,
        "kept task sent within 90 s (beat's first tick is a minute after it starts)": sent_s is not None
        and sent_s <= 90,
        "forecast task run, forecasts stored (within 150 s)": made_s is not None and (forecasts > 0 or events > 0),
    }
    return report(checks)


def report(checks: dict[str, bool]) -> bool:
    for name, ok in checks.items():
        say(f"  [{verdict(ok)}] {name}")
    ok = all(checks.values())
    say(f"  => {verdict(ok)}")
    return ok


# --- Drill 2: PostgreSQL restarted under load ----------------------------------------------------

THREADS = 8
LOAD_S = 25.0
RESTART_AT_S = 8.0
RECOVERY_S = 5.0


def drill_postgres(stack: Stack) -> bool:
    say("\n== Drill 2: PostgreSQL restarted under load ==")
    staff = staff_session()
    token = api_token()
    pids_before = stack.gunicorn_pids()
    # (path, API?, signed in as: None, "session" or "token")
    mix = [("/", False, None), ("/jobs/?q=司机", False, None), ("/policy/", False, None),
           (STAFF_PATH, False, "session"), (SEARCH_API, True, None), ("/api/me/", True, "token"),
           ("/api/jobs/vacancies/?district=420102", True, None)]
    results: list[tuple[float, str, object, float, str]] = []  # (at, path, status or error, seconds, problem)
    lock = threading.Lock()
    stop = threading.Event()
    started = time.perf_counter()

    def client(offset: int) -> None:
        session = requests.Session()
        session.cookies.update({cookie.name: cookie.value for cookie in staff.cookies})
        n = offset
        while not stop.is_set():
            path, is_api, auth = mix[n % len(mix)]
            n += 1
            headers = {"Authorization": f"Token {token}"} if auth == "token" else {}
            at = time.perf_counter() - started
            problem = ""
            try:
                sender = session if auth == "session" else requests
                answer = sender.get(BASE + path, timeout=15, allow_redirects=False, headers=headers)
                outcome = answer.status_code
                if outcome == 503:
                    problem = unavailable_problem(answer, is_api)
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            with lock:
                results.append((at, path, outcome, time.perf_counter() - started - at, problem))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(RESTART_AT_S)
        restart_at = time.perf_counter() - started
        stack.pg_restart()
        restarted_at = time.perf_counter() - started
        say(f"pg_ctl restart -m fast at {restart_at:.1f} s, back at {restarted_at:.1f} s "
            f"({restarted_at - restart_at:.1f} s)")
        time.sleep(max(0.0, LOAD_S - (time.perf_counter() - started)))
    finally:  # also on Ctrl-C: the load stops before gunicorn is stopped
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    pids_after = stack.gunicorn_pids()

    by_second: dict[int, Counter] = {}
    for at, _, outcome, _, _ in results:
        by_second.setdefault(int(at), Counter())[outcome] += 1
    say(f"{len(results)} requests from {THREADS} threads over {LOAD_S:.0f} s; statuses per second:")
    for second in sorted(by_second):
        marker = "  <- restart" if second == int(restart_at) else ""
        say(f"  {second:>3} s  {' '.join(f'{k}:{v}' for k, v in sorted(by_second[second].items(), key=str))}{marker}")
    totals = Counter(outcome for _, _, outcome, _, _ in results)
    say(f"  total {dict(sorted(totals.items(), key=str))}")
    problems = Counter(problem for *_, problem in results if problem)
    for problem, count in problems.items():
        say(f"  {count} × 503 not the portal's: {problem}")
    bad = sorted((at, path, outcome) for at, path, outcome, _, _ in results if outcome != 200)
    for at, path, outcome in bad[:5]:
        say(f"    first non-200: {at:6.2f} s {path} {outcome}")
    last_bad = max((at for at, _, _ in bad), default=None)
    latencies = [seconds for at, _, outcome, seconds, _ in results if outcome == 200]
    say(f"  200s: p50 {ms(statistics.median(latencies))}, max {ms(max(latencies))}")
    if last_bad is not None:
        say(f"  last non-200 sent at {last_bad:.2f} s: {last_bad - restarted_at:+.2f} s after the cluster was back")
    after = [outcome for at, _, outcome, _, _ in results if last_bad is not None and at > last_bad]
    say(f"  gunicorn master and workers before {pids_before}, after {pids_after}")
    checks = {
        "only 200 and 503": set(totals) <= {200, 503},
        "no 500": totals[500] == 0,
        "no connection errors": not any(isinstance(outcome, str) for outcome in totals),
        "every 503 is the portal's (page or API error, Retry-After)": not problems,
        f"all 200 within {RECOVERY_S:.0f} s of the restart": last_bad is None or last_bad - restarted_at <= RECOVERY_S,
        "requests after recovery all 200": last_bad is None or (len(after) > 50 and set(after) == {200}),
        "gunicorn not restarted": pids_before[0] == pids_after[0],
    }
    return report(checks)


def unavailable_problem(answer: requests.Response, is_api: bool) -> str:
    """Why a 503 is not the portal's answer ('' when it is)."""
    if not answer.headers.get("Retry-After"):
        return "no Retry-After"
    if is_api:
        try:
            code = answer.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return f"API body not the error shape: {answer.text[:80]!r}"
        return "" if code == "unavailable" else f"API error code {code!r}"
    return "" if UNAVAILABLE_PAGE in answer.text else f"page without {UNAVAILABLE_PAGE}: {answer.text[:80]!r}"


# --- Drill 3: a worker killed in the middle of a task --------------------------------------------


def day_facts(day: datetime.date) -> tuple[int, int]:
    connection = db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(sum(value), 0) FROM analytics_dailyfact WHERE day = %s", [day])
        rows, total = cursor.fetchone()
    connection.close()
    return rows, int(total)


def day_facts_by_fact(day: datetime.date) -> list[tuple]:
    connection = db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT fact, level, count(*), sum(value) FROM analytics_dailyfact WHERE day = %s "
                       "GROUP BY fact, level ORDER BY fact, level", [day])
        rows = cursor.fetchall()
    connection.close()
    return rows


def send_nightly(day: datetime.date) -> None:
    from celery import Celery

    client = Celery("fault-drills", broker=REDIS_URL, set_as_current=False)
    client.send_task("analytics.tasks.facts_nightly", kwargs={"day": day.isoformat()})
    client.close()


def newest_run(day: datetime.date, after_id: int) -> tuple | None:
    connection = db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, status, rows FROM analytics_factrun WHERE day = %s AND id > %s ORDER BY id DESC",
                       [day, after_id])
        row = cursor.fetchone()
    connection.close()
    return row


def wait_run_end(day: datetime.date, after_id: int, timeout: float) -> tuple:
    return wait_until(lambda: (run := newest_run(day, after_id)) and run[1] != "running" and run,
                      timeout=timeout, what=f"the run of {day}", interval=0.25)


def worker_env(stack: Stack) -> dict[str, str]:
    return stack.env("test", CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))


def start_worker(stack: Stack, name: str) -> subprocess.Popen:
    process = stack.celery(name, "worker", "-l", "info", "-P", "prefork", "-c", "1", "-n", f"{name}@%h",
                           "--without-heartbeat", "--without-gossip", "--without-mingle", env=worker_env(stack))
    wait_until(lambda: " ready." in stack.log(name).read_text(errors="replace"), timeout=60, what=f"worker {name}")
    return process


def drill_worker(stack: Stack) -> bool:
    say("\n== Drill 3: a worker killed in the middle of a district task ==")
    day = datetime.datetime.now(LOCAL).date() - datetime.timedelta(days=1)
    say(f"Day {day}; workers in the test profile with CELERY_VISIBILITY_TIMEOUT={VISIBILITY_TIMEOUT} "
        f"(production refuses less than the one-hour task limit)")

    # The reference: a clean run of the day.
    last_id = scalar("SELECT coalesce(max(id), 0) FROM analytics_factrun")
    start_worker(stack, "drill3-clean")
    started = time.perf_counter()
    send_nightly(day)
    clean_run = wait_run_end(day, last_id, timeout=120)
    clean_s = time.perf_counter() - started
    clean = day_facts(day)
    clean_detail = day_facts_by_fact(day)
    stack.stop("drill3-clean")
    say(f"Clean run {clean_run[0]}: {clean_run[1]} in {clean_s:.1f} s; {clean[0]} DailyFact rows, values sum {clean[1]}")

    # The run whose worker is killed.
    last_id = clean_run[0]
    holder = db()
    holder.autocommit = False
    with holder.cursor() as cursor:
        cursor.execute("LOCK TABLE analytics_stagedfact IN EXCLUSIVE MODE")
    say("Holding a lock on analytics_stagedfact so a district task waits inside its transaction")
    worker = start_worker(stack, "drill3-killed")
    started = time.perf_counter()
    send_nightly(day)

    def district_running():
        connection = db()
        with connection.cursor() as cursor:
            cursor.execute("SELECT t.district_id, t.worker FROM analytics_facttaskrun t JOIN analytics_factrun r "
                           "ON r.id = t.run_id WHERE r.day = %s AND r.id > %s AND t.district_id IS NOT NULL "
                           "AND t.status = 'running' AND t.worker <> ''", [day, last_id])
            row = cursor.fetchone()
            if row:  # and its connection is waiting on the lock
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'drill' AND wait_event_type = "
                               "'Lock' AND query ILIKE '%%analytics_stagedfact%%'")
                row = row if cursor.fetchone()[0] else None
        connection.close()
        return row

    district, running_on = wait_until(district_running, timeout=60, what="a district task to start")
    caught_s = time.perf_counter() - started
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    killed_at = time.perf_counter()
    stack.stop("drill3-killed")
    holder.rollback()
    holder.close()
    say(f"District {district} running on {running_on} after {caught_s:.1f} s: SIGKILL to the worker's process "
        f"group; lock let go")
    start_worker(stack, "drill3-new")
    run = wait_run_end(day, last_id, timeout=VISIBILITY_TIMEOUT + 120)
    done_s = time.perf_counter() - killed_at
    stack.stop("drill3-new")
    connection = db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, worker, finished_at - started_at FROM analytics_facttaskrun "
                       "WHERE run_id = %s AND district_id = %s", [run[0], district])
        district_status, district_worker, district_time = cursor.fetchone()
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'done') FROM analytics_facttaskrun "
                       "WHERE run_id = %s", [run[0]])
        tasks, tasks_done = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM analytics_factrun WHERE day = %s AND id > %s", [day, last_id])
        runs = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM analytics_stagedfact WHERE run_id = %s", [run[0]])
        staged_left = cursor.fetchone()[0]
    connection.close()
    after = day_facts(day)
    redelivered = re.findall(r"facts_district\[[^\]]+\] received", stack.log("drill3-new").read_text(errors="replace"))
    say(f"Run {run[0]}: {run[1]}, {done_s:.1f} s after the kill ({run[2]} rows); {runs} run(s) of the day; "
        f"{tasks_done}/{tasks} tasks done; the new worker received {len(redelivered)} district tasks")
    say(f"  district {district}: {district_status} on {district_worker} ({district_time})")
    say(f"  DailyFact of {day}: {after[0]} rows, values sum {after[1]} (clean run: {clean[0]} rows, sum {clean[1]}); "
        f"{staged_left} staged rows left")
    checks = {
        "clean run done": clean_run[1] == "done",
        "killed run finished once": runs == 1 and run[1] == "done" and tasks_done == tasks,
        "the killed district's task delivered again and done": district_status == "done"
        and "drill3-new" in (district_worker or ""),
        "same rows and sums as the clean run": after == clean and day_facts_by_fact(day) == clean_detail,
    }
    return report(checks)


def interrupted(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    if os.geteuid() != 0:
        say("Run as root: the drill cluster runs as the postgres OS user (runuser).")
        return 2
    drills = {"redis": drill_redis, "postgres": drill_postgres, "worker": drill_worker}
    chosen = [args.only] if args.only else list(drills)
    stack = Stack(keep=args.keep)
    outcomes: dict[str, bool] = {}
    # Ctrl-C and a plain kill both stop the drill and its components (SIGINT too when started in the
    # background, where the shell ignores it).
    handlers = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        setup(stack)
        for name in chosen:
            try:
                outcomes[name] = drills[name](stack)
            except (RuntimeError, requests.RequestException, psycopg2.Error, subprocess.CalledProcessError) as exc:
                say(f"  drill {name} broke off: {type(exc).__name__}: {exc}")
                outcomes[name] = False
    except KeyboardInterrupt:
        say("\nInterrupted: stopping the drill components")
    finally:
        stack.close()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        left = stack.leftovers()
        say(f"\nProcesses of the drill still running: {len(left)}")
        for line in left:
            say(f"  {line}")
    say("\nSummary: " + (", ".join(f"{name} {verdict(ok)}" for name, ok in outcomes.items()) or "no drill finished"))
    return 0 if outcomes and all(outcomes.values()) and len(outcomes) == len(chosen) and not left else 1


if __name__ == "__main__":
    sys.exit(main())
