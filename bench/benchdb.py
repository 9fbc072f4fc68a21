"""What every benchmark here shares: its own PostgreSQL database, Django set up on it as in
production (no query log), progress lines and COPY.

Each benchmark creates the database it names (``BENCH_DATABASE_URL`` overrides it), with the
portal's collation, so a benchmark never touches the development or test databases.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def admin_connection(url: str):
    """An autocommit connection to the server's ``postgres`` database, and the name ``url`` asks for."""
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                             password=parts.password, dbname="postgres")
    admin.autocommit = True
    return admin, parts.path.lstrip("/")


def ensure_database(url: str, *, recreate: bool = False) -> None:
    """Create the database of ``url`` (UTF-8, C.UTF-8) unless it exists; ``recreate`` drops it first."""
    from psycopg2 import sql

    admin, name = admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and recreate:
            print(f"Dropping database {name}")
            cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            print(f"Creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                                   "TEMPLATE template0").format(sql.Identifier(name)))
    admin.close()


def drop_database(url: str, *, hint: str = "") -> None:
    from django.db import connections
    from psycopg2 import sql

    connections.close_all()
    admin, name = admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()
    print(f"Dropped database {name}{hint}")


def setup_django(url: str) -> None:
    """Django on ``url`` with the portal's settings, DEBUG off (no query log in memory) and tasks in-process."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PORTAL_ENVIRONMENT", "development")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def progress(label: str, done: int, total: int, started: float) -> None:
    """One progress line, rewritten in place until ``done`` reaches ``total``."""
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0
    end = "\n" if done >= total else ""
    print(f"\r{label}: {done:,}/{total:,} ({100 * done / total:5.1f} %, {rate:,.0f}/s, {elapsed:5.1f} s)",
          end=end, flush=True)


def copy_value(value) -> str:
    """``value`` in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_into(cursor, table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` into ``table``'s ``columns`` (``cursor``: psycopg2's or Django's); how many."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(copy_value(v) for v in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    raw = getattr(cursor, "cursor", cursor)  # Django's cursor wraps psycopg2's
    raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


# --- The portal served as in production ----------------------------------------------------------
# The load benches serve their database with gunicorn in the production profile (DEBUG off, the
# collected static files, Redis for the cache and the throttles), throttles and lockout raised so
# they count but never refuse: every request comes from one address.

THROTTLE_SCOPES = ("SEARCH", "SIGNUP", "LOGIN", "TOKEN", "REGISTRATION")


def production_environment(*, database_url: str, redis_url: str, keys: dict[str, str], **extra: str) -> dict:
    """The environment of a production-profile portal process on the bench's database and Redis;
    ``keys`` are SECRET_KEY, PERSONAL_DATA_HASH_KEY and PERSONAL_DATA_ENCRYPTION_KEY."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "THROTTLE_"))}
    environment.update({
        "PORTAL_ENVIRONMENT": "production", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "0", "LOG_LEVEL": "WARNING", "LOGIN_FAILURE_LIMIT": "100000",
        **{f"THROTTLE_RATE_{scope}": "100000000/min" for scope in THROTTLE_SCOPES},
        **keys, **extra,
    })
    return environment


def collect_static(environment: dict) -> None:
    """The production storage serves from collectstatic's manifest."""
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                   cwd=ROOT, env=environment, check=True)


def gunicorn_start(environment: dict, *, port: int, workers: int, log=None,
                   extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers on 127.0.0.1:``port`` in a process group of its own,
    returned once /healthz answers 200 (as behind the TLS proxy: X-Forwarded-Proto https)."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "sync", "--worker-tmp-dir", "/dev/shm", "--no-control-socket", "--error-logfile", "-",
         *extra], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT if log else None,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    gunicorn_stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def gunicorn_stop(server: subprocess.Popen) -> None:
    """Stop gunicorn's process group (master and workers), killing it after 30 s."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
