"""Load test of the public vacancy search (issue 11, "Load and faults"): the search page against
the search API, under gunicorn and wrk, on the 100,000-vacancy data of bench/jobs_search.py.

Targets (issue 11): with a mix of at least 200 distinct searches (keywords, districts, filters,
pages) for 60 s at concurrency 32, without errors, the search page ``/jobs/?…`` answers
≥ 250 requests/s with p95 ≤ 200 ms, and costs at most 1.5× the API ``/api/jobs/vacancies/?…``
for the same searches (API requests/s ÷ page requests/s, both servers saturated).

Run it from the project root::

    .venv/bin/python bench/search_load.py                          # 60 s per target at concurrency 32
    .venv/bin/python bench/search_load.py --duration 10 --skip-api # a quick look at the page alone

What it does:

1. Creates or reuses the ``bench_jobs`` database of bench/jobs_search.py (``BENCH_DATABASE_URL``
   to use another) with its 20,000 employers and 100,000 published vacancies; building it takes
   a few minutes and prints progress.
2. Collects the static files and starts gunicorn on 127.0.0.1:8731 (``--port``): 2 sync workers
   (``--workers``) with the production profile (PORTAL_ENVIRONMENT=production, DEBUG off, the
   bench database, Redis database 9 for the cache and the throttles, throwaway secrets). The
   search throttle's rate is raised so that it counts but never refuses; requests say they came
   through the TLS proxy (X-Forwarded-Proto), as behind the real one.
3. Builds ``--searches`` distinct searches (default 240): two-character and longer keywords from
   the bench data, keyword and district, keyword and a filter, filters only (area, occupation,
   salary, education, working time, posted within, flags, sort), later pages (2–5) and deep pages
   (20–50). The same query strings go to the page and the API.
4. For each target (the page mix, the API mix, ``/healthz`` as a yardstick of the bare stack):
   a short warm-up, then wrk for ``--duration`` seconds at ``--concurrency`` connections, cycling
   through the list (a Lua script, which also counts answers other than 2xx).
5. Prints requests/s, p50/p95/p99 latency, errors and non-2xx answers per target, the CPU time
   the gunicorn workers spent per request (less sensitive than requests/s to whatever else the
   machine runs), the page/API cost ratio, and whether each target is met. gunicorn is stopped at
   the end, also on Ctrl-C.

Options: ``--duration``, ``--concurrency``, ``--threads`` (wrk), ``--warmup`` (seconds),
``--searches``, ``--seed``, ``--skip-api``, ``--skip-healthz``, ``--keep-server`` (leave gunicorn
running and print its pid, for profiling by hand).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import (  # noqa: E402
    collect_static,
    ensure_database,
    gunicorn_start,
    gunicorn_stop,
    production_environment,
    setup_django,
)
from jobs_search import DEFAULT_URL, LONGER_KEYWORDS, TWO_CHAR_KEYWORDS, populate, vacuum  # noqa: E402

TARGET_PAGE_RPS = 250.0
TARGET_PAGE_P95_MS = 200.0
TARGET_PAGE_OVER_API = 1.5
PAGE_PATH = "/jobs/"
API_PATH = "/api/jobs/vacancies/"
HEALTH_PATH = "/healthz"

# wrk: each connection walks the list from its own starting point; every answer's status is
# counted, and done() prints one line per figure for this script to read.
WRK_SCRIPT = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 97)
  table.insert(threads, thread)
end

function init(args)
  index = offset
  non2xx = 0
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
end

function request()
  index = index + 1
  return wrk.format("GET", paths[(index %% #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local errors = summary.errors
  io.write(string.format("RESULT requests %%d\n", summary.requests))
  io.write(string.format("RESULT seconds %%.3f\n", summary.duration / 1e6))
  io.write(string.format("RESULT p50 %%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("RESULT p95 %%.2f\n", latency:percentile(95) / 1000))
  io.write(string.format("RESULT p99 %%.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("RESULT max %%.2f\n", latency.max / 1000))
  io.write(string.format("RESULT non2xx %%d\n", bad))
  io.write(string.format("RESULT errors %%d\n",
    errors.connect + errors.read + errors.write + errors.timeout + errors.status))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description="Load test of the vacancy search page against the API.")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per target (default 60)")
    parser.add_argument("--concurrency", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--searches", type=int, default=240, help="distinct searches in the mix (at least 200)")
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--skip-api", action="store_true", help="measure the page only (no cost ratio)")
    parser.add_argument("--skip-healthz", action="store_true")
    parser.add_argument("--keep-server", action="store_true", help="leave gunicorn running at the end")
    # jobs_search.populate reads these; the data set is that benchmark's.
    parser.add_argument("--vacancies", type=int, default=100_000, help=argparse.SUPPRESS)
    parser.add_argument("--employers", type=int, default=20_000, help=argparse.SUPPRESS)
    parser.add_argument("--data-seed", dest="data_seed", type=int, default=20260101, help=argparse.SUPPRESS)
    return parser.parse_args()


# --- Data --------------------------------------------------------------------------------------


def ensure_data(args, url: str) -> None:
    """The bench_jobs database with its vacancies; analysed once after a build."""
    from django.db import connection

    ensure_database(url)
    setup_django(url)
    populate(argparse.Namespace(vacancies=args.vacancies, employers=args.employers, seed=args.data_seed))
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
                       "WHERE relname = 'jobs_vacancy'")
        analysed = cursor.fetchone()[0]
    if analysed is None:
        vacuum()


def search_queries(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct query strings, in a shuffled order; kinds in roughly equal parts."""
    from jobs.models import Occupation
    from portal.constants import AreaLevel
    from portal.models import Area

    districts = list(Area.objects.filter(level=AreaLevel.DISTRICT).values_list("code", flat=True))
    streets = list(Area.objects.filter(level=AreaLevel.STREET).values_list("code", flat=True))
    majors = list(Occupation.objects.filter(parent__isnull=True).exclude(code__in=["1", "7", "8"])
                  .values_list("code", flat=True))
    middles = ["6-18", "4-02", "3-02", "2-06", "4-03", "4-04", "4-01", "6-29"]
    educations = ["none", "junior_middle", "senior_middle", "junior_college", "bachelor"]
    keywords = TWO_CHAR_KEYWORDS + LONGER_KEYWORDS

    def one_filter() -> dict:
        choice = rng.randrange(9)
        if choice == 0:
            return {"area": rng.choice(districts)}
        if choice == 1:
            return {"area": rng.choice(streets)}
        if choice == 2:
            return {"occupation": rng.choice(majors + middles)}
        if choice == 3:
            return {"salary_min": rng.choice([3000, 4000, 6000, 8000])}
        if choice == 4:
            return {"education": rng.choice(educations)}
        if choice == 5:
            return {"working_time": rng.choice(["full_time", "part_time", "shifts", "flexible"])}
        if choice == 6:
            return {"posted_within": rng.choice([1, 3, 7, 30])}
        if choice == 7:
            return {rng.choice(["public_welfare", "hard_to_employ", "graduates"]): "true"}
        return {"sort": rng.choice(["newest", "salary"])}

    kinds = ["keyword", "keyword + district", "keyword + filter", "filters only", "later page", "deep page"]
    seen: set[str] = set()
    queries: list[str] = []
    attempts = 0
    while len(queries) < count:
        attempts += 1
        if attempts > count * 100:
            raise SystemExit(f"could only make {len(queries)} distinct searches")
        kind = kinds[attempts % len(kinds)]
        if kind == "keyword":
            params = {"q": rng.choice(keywords)}
        elif kind == "keyword + district":
            params = {"q": rng.choice(keywords), "area": rng.choice(districts)}
        elif kind == "keyword + filter":
            params = {"q": rng.choice(keywords), **one_filter()}
        elif kind == "filters only":
            params = {**one_filter(), **one_filter()}
        elif kind == "later page":
            params = {"q": rng.choice(keywords), "page": rng.randrange(2, 6)}
        else:
            params = {"page": rng.choice([20, 30, 40, 50])}
            if rng.random() < 0.5:
                params.update(one_filter())
        query = urlencode(params)
        if query not in seen:
            seen.add(query)
            queries.append(query)
    rng.shuffle(queries)
    return queries


# --- The server --------------------------------------------------------------------------------


BENCH_KEYS = {
    "SECRET_KEY": "bench-search-load-not-a-real-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "PERSONAL_DATA_HASH_KEY": "bench-search-load-hash-key",
    "PERSONAL_DATA_ENCRYPTION_KEY": "YmVuY2gtc2VhcmNoLWxvYWQtZmVybmV0LWtleS0wMDA=",
}


def check_answers(port: int, paths: list[str]) -> None:
    """Every search answers 200 once before the load (a broken one would only show as a count)."""
    for number, path in enumerate(paths, 1):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        if number % 40 == 0 or number == len(paths):
            print(f"\rChecking every search answers 200: {number}/{len(paths)}", end="", flush=True)
    print()


# --- Load --------------------------------------------------------------------------------------


def run_wrk(args, label: str, paths: list[str], seconds: int, workdir: Path) -> dict:
    list_file = workdir / f"{label}.txt"
    list_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = workdir / f"{label}.lua"
    script.write_text(WRK_SCRIPT % {"paths": list_file}, encoding="utf-8")
    command = ["wrk", "--threads", str(args.threads), "--connections", str(args.concurrency), "--duration",
               f"{seconds}s", "--timeout", "10s", "--latency", "--script", str(script),
               f"http://127.0.0.1:{args.port}"]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    figures = {name: float(value) for name, value in re.findall(r"^RESULT (\w+) ([\d.]+)$", completed.stdout, re.M)}
    figures["rps"] = figures["requests"] / figures["seconds"] if figures.get("seconds") else 0.0
    return figures


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) the gunicorn workers have used so far: what a request costs the
    server, whatever else the machine runs at the time."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def measure(args, label: str, paths: list[str], workdir: Path, server: subprocess.Popen) -> dict:
    if args.warmup:
        print(f"{label}: warming up for {args.warmup} s")
        run_wrk(args, f"{label}-warmup", paths, args.warmup, workdir)
    print(f"{label}: {args.duration} s at concurrency {args.concurrency} over {len(paths)} distinct URLs")
    cpu_before = server_cpu_seconds(server)
    figures = run_wrk(args, label, paths, args.duration, workdir)
    figures["cpu_ms"] = (server_cpu_seconds(server) - cpu_before) * 1000 / max(figures["requests"], 1)
    print(f"{label}: {figures['rps']:.1f} requests/s, p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
          f"{figures['cpu_ms']:.2f} ms of worker CPU per request")
    return figures


def report(results: dict[str, dict], args) -> int:
    print(f"\n{args.duration} s per target at concurrency {args.concurrency}, gunicorn with {args.workers} sync "
          f"workers, {os.cpu_count()} CPUs")
    print(f"{'':>8} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'requests':>9} "
          f"{'non-2xx':>8} {'errors':>7} {'CPU ms/req':>11}")
    for label, f in results.items():
        print(f"{label:>8} {f['rps']:9.1f} {f['p50']:8.1f} {f['p95']:8.1f} {f['p99']:8.1f} {f['max']:8.1f} "
              f"{int(f['requests']):9d} {int(f['non2xx']):8d} {int(f['errors']):7d} {f['cpu_ms']:11.2f}")
    page = results["page"]
    checks = [
        (f"page {page['rps']:.1f} requests/s ≥ {TARGET_PAGE_RPS:.0f}", page["rps"] >= TARGET_PAGE_RPS),
        (f"page p95 {page['p95']:.1f} ms ≤ {TARGET_PAGE_P95_MS:.0f} ms", page["p95"] <= TARGET_PAGE_P95_MS),
    ]
    for label, f in results.items():
        failures = int(f["non2xx"] + f["errors"])
        checks.append((f"{label}: {failures} errors or non-2xx answers", failures == 0))
    if "api" in results:
        api = results["api"]
        ratio = api["rps"] / page["rps"] if page["rps"] else float("inf")
        print(f"\nA page costs {ratio:.2f}× an API request for the same searches (API requests/s ÷ page requests/s;"
              f" p50 {page['p50'] / api['p50']:.2f}×; gunicorn worker CPU per request "
              f"{page['cpu_ms'] / api['cpu_ms']:.2f}×)")
        checks.append((f"page cost / API cost = {ratio:.2f} ≤ {TARGET_PAGE_OVER_API}", ratio <= TARGET_PAGE_OVER_API))
    print("\nTargets")
    for label, ok in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {label}")
    return 0 if all(ok for _, ok in checks) else 1


def main() -> int:
    args = parse_args()
    if args.searches < 200:
        raise SystemExit("--searches must be at least 200")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_data(args, url)
    queries = search_queries(args.searches, random.Random(args.seed))
    from django.db import connections

    connections.close_all()
    environment = production_environment(database_url=url, redis_url="redis://127.0.0.1:6379/9", keys=BENCH_KEYS)
    print("Collecting static files (the production storage needs its manifest)")
    collect_static(environment)
    print(f"Starting gunicorn on 127.0.0.1:{args.port} ({args.workers} sync workers, production profile)")
    server = gunicorn_start(environment, port=args.port, workers=args.workers, extra=("--log-level", "warning"))
    print(f"gunicorn is up (pid {server.pid})")
    results: dict[str, dict] = {}
    try:
        page_paths = [f"{PAGE_PATH}?{q}" for q in queries]
        api_paths = [f"{API_PATH}?{q}" for q in queries]
        check_answers(args.port, page_paths + ([] if args.skip_api else api_paths))
        with tempfile.TemporaryDirectory(prefix="search-load-") as workdir:
            results["page"] = measure(args, "page", page_paths, Path(workdir), server)
            if not args.skip_api:
                results["api"] = measure(args, "api", api_paths, Path(workdir), server)
            if not args.skip_healthz:
                results["healthz"] = measure(args, "healthz", [HEALTH_PATH], Path(workdir), server)
    finally:
        if args.keep_server:
            print(f"gunicorn left running: kill -- -{server.pid}")
        else:
            gunicorn_stop(server)
            print("gunicorn stopped")
    return report(results, args)


if __name__ == "__main__":
    sys.exit(main())
