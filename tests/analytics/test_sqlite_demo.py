"""A newcomer's demo: with no DATABASE_URL and no REDIS_URL the portal runs on an SQLite file with its
tasks in-process. In a fresh process on a temporary SQLite file: migrate, load the areas, load the
demo data (one month of generated history instead of 36, for time), then the decision-support pages
that used PostgreSQL-only statements answer, and a facts run (in-process, through the nightly task's
chord and through ``backfill_facts``) finishes. No PostgreSQL database is used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime, io, json
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from django.db import connection

setup_test_environment()
quiet = io.StringIO()
call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
call_command("load_areas", stdout=quiet)
call_command("demo_data", stdout=quiet)

from analytics.constants import RunTrigger
from analytics.demo import history_range
from analytics.models import DailyFact, FactRun
from analytics.services import run as facts_run
from analytics.tasks import facts_nightly
from django.utils import timezone
from portal.models import User

found = {"vendor": connection.vendor, "pages": {}}
pages = ["/staff/analytics/", "/staff/analytics/staff-use/", "/staff/analytics/report/",
         "/api/staff/analytics/staff-use/", "/api/staff/analytics/charts/staff-use/"]
for name in ("city_official", "jiangan_official"):
    client = Client()
    client.force_login(User.objects.get(username=name))
    for path in pages:
        found["pages"][f"{name} {path}"] = client.get(path).status_code
    use = client.get("/api/staff/analytics/staff-use/").json()
    found[f"{name} clerks"] = len(use["results"])  # one row per clerk

first, _last = history_range(timezone.localdate(), 1)
# yesterday is generated history: a run rebuilds it from the demo's records
run = facts_run.run_day_in_process(day=facts_run.yesterday(), trigger=RunTrigger.BACKFILL)
found["run"] = [run.status, run.rows, run.error, DailyFact.objects.filter(day=run.day, level="city").count()]
nightly = facts_nightly.apply(kwargs={"day": (first - datetime.timedelta(days=1)).isoformat()}).get()
found["nightly"] = [FactRun.objects.get(pk=pk).status for pk in nightly["runs"]]
out = io.StringIO()
call_command("backfill_facts", "--from", (first - datetime.timedelta(days=3)).isoformat(),
             "--to", (first - datetime.timedelta(days=2)).isoformat(), stdout=out, stderr=out)
found["backfill"] = out.getvalue().strip().splitlines()[-1]
print("RESULT " + json.dumps(found))
"""


def test_the_demo_runs_its_dashboards_and_a_facts_run_on_sqlite(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "PORTAL_ENVIRONMENT"}}
    env.update(PORTAL_ENVIRONMENT="development", SQLITE_PATH=str(tmp_path / "demo.sqlite3"),
               ANALYTICS_DEMO_HISTORY_MONTHS="1")
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stdout[-3000:] + result.stderr[-3000:]
    found = json.loads(lines[-1].removeprefix("RESULT "))
    assert found["vendor"] == "sqlite"
    assert {page: status for page, status in found["pages"].items() if status != 200} == {}
    # the demo's clerks registered and reviewed today: the staff-use table has them
    assert found["city_official clerks"] > 0 and found["jiangan_official clerks"] > 0
    status, rows, error, city_rows = found["run"]
    assert (status, error) == ("done", "") and rows > 0 and city_rows > 0
    assert found["nightly"] == ["done"]
    assert found["backfill"].startswith("2 days rebuilt in")
