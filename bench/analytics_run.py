"""Benchmark of the nightly facts run and the officials' dashboards (issue 10).

Run it from the project root::

    .venv/bin/python bench/analytics_run.py                  # 0.5× then 1× (the second half added), all figures
    .venv/bin/python bench/analytics_run.py --scale 1        # one size only
    .venv/bin/python bench/analytics_run.py --keep --scale 1 # reuse the rows and fact history already there
    .venv/bin/python bench/analytics_run.py --drop           # drop the benchmark database at the end

What it does:

1. Creates its own PostgreSQL database (``bench_ana`` on 127.0.0.1 as user postgres; set
   ``BENCH_DATABASE_URL`` to use another), migrates it and loads Wuhan's division tree (13 districts,
   193 streets, 3,495 communities).
2. Generates, at 1×, 1,000,000 registrations (600,000 employment and 400,000 unemployment
   registrations of 800,000 persons), 20,000 employers, 100,000 vacancies, 60,000 job seekers (with
   their accounts) and 200,000 applications, spread uniformly over the 3,495 communities and dated
   over the 36 months up to yesterday, and loads them with COPY (psycopg2 ``copy_expert``) in 20
   slices of 5 % each, so 0.5× is the first 10 slices and growing to 1× adds the other 10 (the same
   distribution, twice the density). Persons carry real identity numbers (valid GB 11643 check
   character, unique), their HMAC lookup key, a Fernet ciphertext made with the portal's own
   ``identity_encrypt`` and the masked form, as the registration service stores them.
3. Builds 36 months of fact history (``DailyFact``, rolled up to street, district and city) from
   those rows with set-based SQL, at each size, so the dashboards read a realistic volume and the
   run at each size writes into a fact table of the same length; every day gets a finished
   ``FactRun``.
4. Measures, at each size:

   - **nightly run**: ``run_day_in_process`` for one day (start, the 13 district tasks, the roll-up
     and swap, ANALYZE), in this process;
   - **hand SQL**: the run's work done the plain way, in one transaction: the day's rows deleted
     from the live fact table and the same facts of the same day inserted, computed city-wide by
     one hand-written statement (per-community counts rolled up with GROUPING SETS); its rows are
     compared with what the run wrote (they must be equal). The bench data has no referral
     commitments and no subsidy applications, so the facts read from them are empty for both. The
     statement's SELECT alone into a temporary table (no live table, no indexes to keep) is timed
     too and printed beside, as the aggregation's own cost;
   - **1 vs 2 workers**: the district tasks of a run done by a pool of 1 and of 2 processes
     (``multiprocessing``, fork, each with its own connection, calling ``district_build``), then
     ``run_roll_up``: the Celery chord's work without a broker;
   - **dashboards**: every dashboard page read through ``django.test.Client`` as an official of the
     city, an official of 江岸区 and an administrator of one of its streets, with the queries counted
     (``CaptureQueriesContext``) and the server time (median of 5 after a first, cold request).

5. Prints the figures and whether each target of the issue is met: a full run ≤ 60 s and ≤ 3× the
   hand SQL; run time linear in the data (1× ÷ 0.5× ≤ 2.2 when both sizes are measured); two workers
   faster than one; every dashboard page ≤ 10 queries and ≤ 100 ms.

Timings are the best of ``--repeat`` (default 2) runs; the machine is shared, so a figure far from
its repeat says the machine was busy.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchdb import copy_into, drop_database, ensure_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_ana"
SLICES = 20  # 1× is 20 slices of 5 %
# Rows per slice (1× = SLICES × these).
PER_SLICE = {
    "unemployment": 20_000,     # persons 0 … 19,999 of a slice each have one unemployment registration
    "employment_only": 20_000,  # persons 20,000 … 39,999 of a slice have employment registrations only
    "employment_again": 10_000,  # employment registrations of persons who were registered unemployed
    "employers": 1_000,
    "vacancies": 5_000,
    "seekers": 3_000,
    "applications": 10_000,
}
PERSONS_PER_SLICE = PER_SLICE["unemployment"] + PER_SLICE["employment_only"]
HISTORY_MONTHS = 36
TARGET_RUN_S = 60.0
TARGET_RUN_OVER_SQL = 3.0
TARGET_LINEAR = 2.2  # time(1×) / time(0.5×): linear is 2.0
TARGET_PAGE_QUERIES = 10
TARGET_PAGE_MS = 100.0
KIND_SHARES = [("enterprise_hire", 0.56), ("self_employed", 0.14), ("flexible", 0.25), ("public_welfare", 0.05)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌辉俊峰鹏浩宇欣怡子涵梓轩一诺思雨晨阳佳琪"
TITLES = ["电焊工", "会计", "货车司机", "保安员", "收银员", "厨师", "软件工程师", "护工", "普工", "仓库管理员", "客服专员",
          "销售代表", "电工", "保洁员", "快递员", "幼儿教师", "质检员", "数控车工", "文员", "导购"]


def parse_args():
    parser = argparse.ArgumentParser(description="Benchmark the nightly facts run and the dashboards.")
    parser.add_argument("--scale", default="0.5,1",
                        help="sizes to measure, as fractions of 1× separated by commas (multiples of 0.05)")
    parser.add_argument("--keep", action="store_true", help="reuse the rows already loaded when the size matches")
    parser.add_argument("--repeat", type=int, default=2, help="timed repetitions of each run (the best counts)")
    parser.add_argument("--seed", type=int, default=20091138)
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    parser.add_argument("--no-migrate", action="store_true",
                        help="leave the schema as it is (to measure before a migration)")
    return parser.parse_args()


# --- Database ----------------------------------------------------------------------------------


# --- The data ----------------------------------------------------------------------------------

STATE_TABLE = "bench_analytics_state"
SOURCE_TABLES = ["jobs_application", "jobs_referral", "jobs_seekerprofile", "jobs_vacancy", "jobs_employer",
                 "registration_employmentregistration", "registration_unemploymentregistration",
                 "registration_person"]


def loaded_slices() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (slices integer NOT NULL)")
        cursor.execute(f"SELECT slices FROM {STATE_TABLE}")
        row = cursor.fetchone()
    return row[0] if row else 0


def set_loaded_slices(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (slices integer NOT NULL)")
        cursor.execute(f"DELETE FROM {STATE_TABLE}")
        cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES (%s)", [n])


def clear_data() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(SOURCE_TABLES + ["analytics_dailyfact", "analytics_stagedfact",
                                                                "analytics_facttaskrun", "analytics_factrun"])
                       + " CASCADE")
        cursor.execute("DELETE FROM portal_user WHERE username LIKE 'bench\\_seeker\\_%%'")
    set_loaded_slices(0)


class Context:
    """What every slice needs: areas, reference codes, dates, a poster account."""

    def __init__(self):
        from django.conf import settings
        from django.utils import timezone

        from portal.constants import AccountType, AreaLevel
        from portal.models import Area, User
        from portal.reference.models import Industry, Occupation

        self.communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code")
                                .values_list("code", "path"))
        assert len(self.communities) == 3495, f"expected Wuhan's 3,495 communities, found {len(self.communities)}"
        self.occupations = list(Occupation.objects.filter(parent__isnull=False).values_list("code", flat=True))
        self.industries = list(Industry.objects.values_list("code", flat=True))
        self.poster, _ = User.objects.get_or_create(username="bench_poster", defaults={
            "account_type": AccountType.STAFF, "full_name": "基准测试"})
        self.zone = timezone.get_default_timezone()
        self.today = timezone.localdate()
        self.last = self.today - datetime.timedelta(days=1)
        first_month = (self.today.year * 12 + self.today.month - 1) - HISTORY_MONTHS
        self.first = datetime.date(first_month // 12, first_month % 12 + 1, 1)
        self.days = (self.last - self.first).days + 1
        self.hash_key = settings.PERSONAL_DATA_HASH_KEY.encode()

    def day(self, rng) -> datetime.date:
        return self.first + datetime.timedelta(days=rng.randrange(self.days))

    def moment(self, day: datetime.date, rng) -> str:
        return f"{day.isoformat()} {rng.randrange(8, 20):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}+08"


def identity_number(n: int, district: str) -> str:
    """A unique valid 18-character identity number for person n (n < 14,000,000)."""
    from registration.identity import identity_check_character

    birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=n % 14_000)
    body = f"{district[:6]}{birth:%Y%m%d}{(n // 14_000) % 1000:03d}"
    return body + identity_check_character(body)


def load_slice(ctx: Context, k: int, seed: int) -> dict[str, int]:
    """Slice k's rows, with explicit ids (k × rows per slice + i + 1) so foreign keys need no read-back."""
    from django.db import connection

    from registration.identity import identity_encrypt, identity_mask

    rng = random.Random(seed * 100 + k)
    counts = {}
    now = f"{ctx.last.isoformat()} 23:00:00+08"
    kinds = [kind for kind, _ in KIND_SHARES]
    weights = [share for _, share in KIND_SHARES]

    # Persons: 0 … 19,999 registered unemployed, 20,000 … 39,999 employment only.
    person_base = k * PERSONS_PER_SLICE
    person_area = []
    rows = []
    for i in range(PERSONS_PER_SLICE):
        n = person_base + i
        code, path = rng.choice(ctx.communities)
        person_area.append((code, path))
        number = identity_number(n, code)
        seq = int(number[14:17])
        rows.append([n + 1, code, path, hmac.new(ctx.hash_key, number.encode(), hashlib.sha256).hexdigest(),
                     identity_encrypt(number), identity_mask(number),
                     rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else ""),
                     "male" if seq % 2 else "female", f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                     f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}", rng.choice(
                         ["junior_middle", "senior_middle", "junior_college", "bachelor"]), "", now])
    with connection.cursor() as cursor:
        counts["persons"] = copy_into(cursor, "registration_person", [
            "id", "area_id", "area_path", "id_hash", "id_encrypted", "id_masked", "name", "sex", "birth_date",
            "phone", "education", "skills", "created_at"], rows)

    # Unemployment registrations: 55 % cancelled (found work) when the cancellation day has come,
    # 2 % pending online applications, 1 % not confirmed, the rest open.
    rows = []
    for i in range(PER_SLICE["unemployment"]):
        n = person_base + i
        code, path = person_area[i]
        registered = ctx.day(rng)
        roll = rng.random()
        status, cancelled, reason = "open", None, ""
        if roll < 0.55:
            cancelled = registered + datetime.timedelta(days=rng.randrange(10, 400))
            if cancelled <= ctx.last:
                status, reason = "cancelled", "found_work"
            else:
                cancelled = None
        elif roll < 0.57:
            status = "pending"
        elif roll < 0.58:
            status = "rejected"
        rows.append([n + 1, code, path, n + 1, status, registered, status == "pending", cancelled, reason, "",
                     ctx.moment(registered, rng)])
    with connection.cursor() as cursor:
        counts["unemployment registrations"] = copy_into(cursor, "registration_unemploymentregistration", [
            "id", "area_id", "area_path", "person_id", "status", "registered_on", "applied_online", "cancelled_on",
            "cancel_reason", "note", "created_at"], rows)

    # Employment registrations: one for each employment-only person, and some persons who were unemployed.
    rows = []
    emp_base = k * (PER_SLICE["employment_only"] + PER_SLICE["employment_again"])
    people = list(range(PER_SLICE["unemployment"], PERSONS_PER_SLICE)) + rng.sample(
        range(PER_SLICE["unemployment"]), PER_SLICE["employment_again"])
    for j, i in enumerate(people):
        code, path = person_area[i]
        started = ctx.day(rng)
        ended = started + datetime.timedelta(days=rng.randrange(30, 900)) if rng.random() < 0.2 else None
        if ended and ended > ctx.last:
            ended = None
        kind = rng.choices(kinds, weights)[0]
        rows.append([emp_base + j + 1, code, path, person_base + i + 1, kind, started, ended,
                     "武汉某某有限公司" if kind == "enterprise_hire" else "", ctx.moment(started, rng)])
    with connection.cursor() as cursor:
        counts["employment registrations"] = copy_into(cursor, "registration_employmentregistration", [
            "id", "area_id", "area_path", "person_id", "kind", "started_on", "ended_on", "employer_name",
            "created_at"], rows)

    # Employers and their vacancies (published over the 36 months, open 15 to 90 days; 30 % closed early).
    employer_base = k * PER_SLICE["employers"]
    rows = []
    for i in range(PER_SLICE["employers"]):
        n = employer_base + i
        code, path = rng.choice(ctx.communities)
        rows.append([n + 1, code, path, f"武汉基准{n}号有限公司", credit_code(n + 1), rng.choice(ctx.industries),
                     "武汉市", "张经理", f"027{n % 10 ** 8:08d}", "", "verified", "", False, now])
    with connection.cursor() as cursor:
        counts["employers"] = copy_into(cursor, "jobs_employer", [
            "id", "area_id", "area_path", "name", "credit_code", "industry_id", "address", "contact_name",
            "contact_phone", "introduction", "status", "status_reason", "is_member_unit", "created_at"], rows)
    vacancy_base = k * PER_SLICE["vacancies"]
    vacancies = []
    rows = []
    for i in range(PER_SLICE["vacancies"]):
        n = vacancy_base + i
        code, path = rng.choice(ctx.communities)
        published = ctx.day(rng)
        closing = published + datetime.timedelta(days=rng.randrange(15, 91))
        status, closed_at, reason = "published", None, ""
        if rng.random() < 0.3:
            closed_day = published + datetime.timedelta(days=rng.randrange(1, (closing - published).days + 1))
            if closed_day <= ctx.last:
                status, closed_at, reason = "closed", ctx.moment(closed_day, rng), "filled"
        title = rng.choice(TITLES)
        low = rng.randrange(3000, 9000, 100)
        vacancies.append((n + 1, code, path, published))
        rows.append([n + 1, code, path, employer_base + rng.randrange(PER_SLICE["employers"]) + 1, title,
                     rng.choice(ctx.occupations), rng.choice(ctx.industries), rng.choice([1, 1, 2, 3, 5, 10]), low,
                     low + 1000, "senior_middle", 0, "full_time", f"招聘{title}，待遇从优。", "五险一金", "张经理",
                     "02787654321", closing, False, False, False, status, "", reason, ctx.poster.pk,
                     ctx.moment(published, rng), ctx.moment(published, rng), closed_at, f"{title} 招聘{title}"])
    with connection.cursor() as cursor:
        counts["vacancies"] = copy_into(cursor, "jobs_vacancy", [
            "id", "area_id", "area_path", "employer_id", "title", "occupation_id", "industry_id", "headcount",
            "salary_min", "salary_max", "education", "experience_years", "working_time", "description", "benefits",
            "contact_name", "contact_phone", "closing_date", "is_public_welfare", "open_to_hard_to_employ",
            "for_graduates", "status", "return_reason", "close_reason", "posted_by_id", "created_at",
            "published_at", "closed_at", "search_text"], rows)

    # Job seekers: an account and a profile each.
    seeker_base = k * PER_SLICE["seekers"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM portal_user")
        user_base = cursor.fetchone()[0]
        copy_into(cursor, "portal_user", [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active",
            "date_joined", "full_name", "phone", "account_type"],
            ([user_base + i + 1, "!", False, f"bench_seeker_{seeker_base + i}", "", "", "", False, True, now,
              rng.choice(SURNAMES) + rng.choice(GIVEN), "", "job_seeker"] for i in range(PER_SLICE["seekers"])))
        cursor.execute("SELECT setval(pg_get_serial_sequence('portal_user', 'id'), (SELECT MAX(id) FROM portal_user))")
        seeker_rows = []
        for i in range(PER_SLICE["seekers"]):
            code, path = rng.choice(ctx.communities)
            seeker_rows.append([seeker_base + i + 1, code, path, user_base + i + 1, "senior_middle", 0, "", "",
                                False, now])
        counts["job seekers"] = copy_into(cursor, "jobs_seekerprofile", [
            "id", "area_id", "area_path", "account_id", "education", "experience_years", "skills", "summary",
            "is_graduate", "updated_at"], seeker_rows)

    # Applications: a seeker of the slice to a vacancy of the slice, within 30 days of publication
    # (not after yesterday); 5 % end in a hire a week or so later. ``area`` is the workplace.
    rows = []
    pairs = set()
    application_base = k * PER_SLICE["applications"]
    while len(rows) < PER_SLICE["applications"]:
        vacancy_id, code, path, published = rng.choice(vacancies)
        seeker_id = seeker_base + rng.randrange(PER_SLICE["seekers"]) + 1
        if (vacancy_id, seeker_id) in pairs:
            continue
        pairs.add((vacancy_id, seeker_id))
        applied = min(published + datetime.timedelta(days=rng.randrange(0, 30)), ctx.last)
        status, hired = rng.choice(["submitted", "viewed", "interview", "rejected", "withdrawn"]), None
        if rng.random() < 0.05:
            hired = applied + datetime.timedelta(days=rng.randrange(3, 15))
            if hired <= ctx.last:
                status = "hired"
            else:
                hired = None
        rows.append([application_base + len(rows) + 1, code, path, vacancy_id, seeker_id, status, "",
                     ctx.moment(applied, rng), hired])
    with connection.cursor() as cursor:
        counts["applications"] = copy_into(cursor, "jobs_application", [
            "id", "area_id", "area_path", "vacancy_id", "seeker_id", "status", "cover_note", "applied_at", "hired_on"],
            rows)
    return counts


def credit_code(n: int) -> str:
    from jobs.validators import CREDIT_CODE_CHARSET, credit_code_check_character

    body = "91420100" + "".join(CREDIT_CODE_CHARSET[(n // 31 ** i) % 31] for i in range(9))
    return body + credit_code_check_character(body)


def fix_sequences() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in SOURCE_TABLES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))")


def load(ctx: Context, slices: int, args) -> float:
    """Load slices up to ``slices`` (adding to what is there); returns the seconds it took."""
    from django.db import connection

    have = loaded_slices()
    if have > slices:
        print(f"The database holds {have} slices; rebuilding")
        clear_data()
        have = 0
    if have == slices:
        print(f"Reusing the {slices} slices already loaded ({slices / SLICES:g}×)")
        return 0.0
    started = time.perf_counter()
    totals: dict[str, int] = {}
    for k in range(have, slices):
        counts = load_slice(ctx, k, args.seed)
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
        set_loaded_slices(k + 1)
        elapsed = time.perf_counter() - started
        print(f"\rLoading slice {k + 1}/{slices} ({elapsed:5.1f} s)", end="", flush=True)
    print()
    fix_sequences()
    with connection.cursor() as cursor:
        for table in SOURCE_TABLES + ["portal_user"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    seconds = time.perf_counter() - started
    print(f"Loaded {', '.join(f'{n:,} {name}' for name, n in totals.items())} in {seconds:.1f} s "
          f"(COPY, then VACUUM ANALYZE)")
    return seconds


def counts_now() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for label, table in [("employment registrations", "registration_employmentregistration"),
                             ("unemployment registrations", "registration_unemploymentregistration"),
                             ("persons", "registration_person"), ("vacancies", "jobs_vacancy"),
                             ("applications", "jobs_application"), ("job seekers", "jobs_seekerprofile")]:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            found[label] = cursor.fetchone()[0]
    return found


# --- Fact history (for the dashboards) ---------------------------------------------------------

HISTORY_SQL = """
CREATE TEMP TABLE bench_cf ON COMMIT DROP AS
WITH emp AS (
    SELECT started_on AS day, area_id AS code, 'new_employment_' || kind AS fact, COUNT(*) AS value
    FROM registration_employmentregistration WHERE started_on BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3
),
unemp_events AS (
    SELECT GREATEST(registered_on, %(first)s::date) AS day, area_id AS code, 1 AS delta
    FROM registration_unemploymentregistration WHERE status IN ('open', 'cancelled') AND registered_on <= %(last)s
    UNION ALL
    SELECT GREATEST(cancelled_on, %(first)s::date), area_id, -1
    FROM registration_unemploymentregistration WHERE status = 'cancelled' AND cancelled_on <= %(last)s
),
vac_spans AS (
    SELECT (published_at AT TIME ZONE 'Asia/Shanghai')::date AS opened, area_id AS code, headcount,
           LEAST(closing_date + 1, COALESCE((closed_at AT TIME ZONE 'Asia/Shanghai')::date, 'infinity'::date)) AS removed
    FROM jobs_vacancy WHERE status IN ('published', 'closed') AND published_at IS NOT NULL
),
vac_events AS (
    SELECT GREATEST(o.opened, %(first)s::date) AS day, o.code, 1 AS delta, o.headcount
    FROM vac_spans o WHERE o.removed > o.opened
    UNION ALL
    SELECT o.removed, o.code, -1, -o.headcount FROM vac_spans o WHERE o.removed > o.opened AND o.removed <= %(last)s
),
stock_deltas AS (
    SELECT day, code, 'unemployed' AS fact, SUM(delta) AS delta FROM unemp_events GROUP BY 1, 2
    UNION ALL SELECT day, code, 'vacancies', SUM(delta) FROM vac_events GROUP BY 1, 2
    UNION ALL SELECT day, code, 'vacancy_positions', SUM(headcount) FROM vac_events GROUP BY 1, 2
),
stocks AS (
    SELECT day, code, fact, SUM(delta) OVER (PARTITION BY code, fact ORDER BY day) AS value FROM stock_deltas
),
stock_grid AS (  -- carry each stock forward over the days without a change
    SELECT d::date AS day, s.code, s.fact, s.value
    FROM (SELECT *, LEAD(day, 1, %(last)s::date + 1) OVER (PARTITION BY code, fact ORDER BY day) AS until FROM stocks) s
    CROSS JOIN LATERAL generate_series(s.day, s.until - 1, '1 day') d
    WHERE s.value <> 0
),
flows AS (
    SELECT registered_on AS day, area_id AS code, 'unemployment_inflow' AS fact, COUNT(*) AS value
    FROM registration_unemploymentregistration
    WHERE status IN ('open', 'cancelled') AND registered_on BETWEEN %(first)s AND %(last)s GROUP BY 1, 2
    UNION ALL
    SELECT cancelled_on, area_id, 'unemployment_outflow', COUNT(*) FROM registration_unemploymentregistration
    WHERE status = 'cancelled' AND cancelled_on BETWEEN %(first)s AND %(last)s GROUP BY 1, 2
    UNION ALL
    SELECT (applied_at AT TIME ZONE 'Asia/Shanghai')::date, area_id, 'applications', COUNT(*) FROM jobs_application
    GROUP BY 1, 2
    UNION ALL
    SELECT hired_on, area_id, 'application_hires', COUNT(*) FROM jobs_application WHERE status = 'hired' GROUP BY 1, 2
),
active AS (  -- each day a seeker applied makes them active on it and the 29 days after
    SELECT a.day + g AS day, sp.area_id AS code, 'active_seekers' AS fact, COUNT(DISTINCT a.seeker_id) AS value
    FROM (SELECT DISTINCT (applied_at AT TIME ZONE 'Asia/Shanghai')::date AS day, seeker_id FROM jobs_application) a
    CROSS JOIN generate_series(0, 29) g
    JOIN jobs_seekerprofile sp ON sp.id = a.seeker_id
    WHERE a.day + g BETWEEN %(first)s AND %(last)s
    GROUP BY 1, 2
)
SELECT day, code, fact, value FROM emp
UNION ALL SELECT day, code, 'new_employment', SUM(value) FROM emp GROUP BY 1, 2
UNION ALL SELECT day, code, fact, value FROM stock_grid
UNION ALL SELECT day, code, fact, value FROM flows WHERE day BETWEEN %(first)s AND %(last)s
UNION ALL SELECT day, code, fact, value FROM active
"""

HISTORY_ROLL_UP_SQL = [  # the community rows as they are, then streets, districts and the city from them
    """
INSERT INTO analytics_dailyfact (day, fact, area_id, area_path, level, value)
SELECT f.day, f.fact, a.code, a.path, a.level, f.value FROM bench_cf f JOIN portal_area a ON a.code = f.code
WHERE f.value <> 0
""", """
WITH up AS (
    SELECT f.day, f.fact, st.street, st.district, st.city, SUM(f.value) AS value
    FROM bench_cf f JOIN analytics_areastructure st ON st.area_id = f.code GROUP BY 1, 2, 3, 4, 5
), rolled AS (
    SELECT day, fact, street AS code, value FROM up
    UNION ALL SELECT day, fact, district, SUM(value) FROM up GROUP BY 1, 2, 3
    UNION ALL SELECT day, fact, city, SUM(value) FROM up GROUP BY 1, 2, 3
)
INSERT INTO analytics_dailyfact (day, fact, area_id, area_path, level, value)
SELECT r.day, r.fact, a.code, a.path, a.level, r.value FROM rolled r JOIN portal_area a ON a.code = r.code
WHERE r.code <> '' AND r.value <> 0
"""]


def history_days() -> int:
    from analytics.models import FactRun

    return FactRun.objects.values("day").distinct().count()


def build_history(ctx: Context) -> tuple[float, int]:
    """36 months of daily facts from the loaded rows, rolled up, each day with a finished run."""
    from django.db import connection, transaction

    from analytics.services.run import area_structure_refresh

    started = time.perf_counter()
    area_structure_refresh()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE analytics_dailyfact, analytics_stagedfact, analytics_facttaskrun, analytics_factrun")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # Millions of rows go in faster without the table's eight indexes and its FK: drop them, load,
        # then build them again exactly as they were.
        cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE conrelid = 'analytics_dailyfact'::regclass AND contype IN ('u', 'f')""")
        constraints = cursor.fetchall()
        cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'analytics_dailyfact'
                          AND indexname <> 'analytics_dailyfact_pkey' AND indexname <> ALL(%s)""",
                       [[name for name, _ in constraints]])
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE analytics_dailyfact DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(HISTORY_SQL, {"first": ctx.first, "last": ctx.last})
        cursor.execute("ANALYZE bench_cf")
        rows = 0
        for statement in HISTORY_ROLL_UP_SQL:
            cursor.execute(statement)
            rows += cursor.rowcount
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE analytics_dailyfact ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("""
            INSERT INTO analytics_factrun (day, status, trigger, started_at, finished_at, rows, error)
            SELECT d::date, 'done', 'backfill', d + interval '1 day 2 hours', d + interval '1 day 2 hours 1 minute',
                   COALESCE(n.rows, 0), ''
            FROM generate_series(%s::date, %s::date, '1 day') d
            LEFT JOIN (SELECT day, COUNT(*) AS rows FROM analytics_dailyfact GROUP BY day) n ON n.day = d::date
            """, [ctx.first, ctx.last])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE analytics_dailyfact")
        cursor.execute("VACUUM ANALYZE analytics_factrun")
    return time.perf_counter() - started, rows


# --- The hand-written aggregation ----------------------------------------------------------------

HAND_SELECT = """
WITH facts AS (
    SELECT area_id AS code, 'new_employment' AS fact, COUNT(*) AS value
    FROM registration_employmentregistration WHERE started_on = %(day)s GROUP BY 1
    UNION ALL
    SELECT area_id, 'new_employment_' || kind, COUNT(*)
    FROM registration_employmentregistration WHERE started_on = %(day)s GROUP BY 1, 2
    UNION ALL
    SELECT u.area_id, x.fact, x.value
    FROM (SELECT area_id,
                 COUNT(*) FILTER (WHERE status = 'open' OR cancelled_on > %(day)s) AS stock,
                 COUNT(*) FILTER (WHERE registered_on = %(day)s) AS inflow,
                 COUNT(*) FILTER (WHERE status = 'cancelled' AND cancelled_on = %(day)s) AS outflow
          FROM registration_unemploymentregistration
          WHERE registered_on <= %(day)s AND status IN ('open', 'cancelled') GROUP BY 1) u,
         LATERAL (VALUES ('unemployed', u.stock), ('unemployment_inflow', u.inflow),
                         ('unemployment_outflow', u.outflow)) x(fact, value)
    UNION ALL
    SELECT area_id, 'hard_to_employ', COUNT(*) FROM registration_hardshipcase
    WHERE approved_on <= %(day)s AND status IN ('approved', 'ended') AND (ended_on IS NULL OR ended_on > %(day)s)
    GROUP BY 1
    UNION ALL
    SELECT v.area_id, x.fact, x.value
    FROM (SELECT area_id, COUNT(*) AS postings, SUM(headcount) AS positions FROM jobs_vacancy
          WHERE status IN ('published', 'closed') AND published_at < %(end)s AND closing_date >= %(day)s
            AND (closed_at IS NULL OR closed_at >= %(end)s) GROUP BY 1) v,
         LATERAL (VALUES ('vacancies', v.postings), ('vacancy_positions', v.positions)) x(fact, value)
    UNION ALL
    SELECT sp.area_id, 'active_seekers', COUNT(*) FROM jobs_seekerprofile sp
    WHERE sp.id IN (SELECT seeker_id FROM jobs_application WHERE applied_at >= %(since)s AND applied_at < %(end)s
                    UNION SELECT seeker_id FROM jobs_referral WHERE referred_at >= %(since)s AND referred_at < %(end)s)
    GROUP BY 1
    UNION ALL
    SELECT r.area_id, x.fact, x.value
    FROM (SELECT area_id, COUNT(*) FILTER (WHERE referred_at >= %(start)s AND referred_at < %(end)s) AS made,
                 COUNT(*) FILTER (WHERE status = 'hired' AND outcome_on = %(day)s) AS hired
          FROM jobs_referral WHERE (referred_at >= %(start)s AND referred_at < %(end)s)
                                OR (status = 'hired' AND outcome_on = %(day)s) GROUP BY 1) r,
         LATERAL (VALUES ('referrals', r.made), ('referral_hires', r.hired)) x(fact, value)
    UNION ALL
    SELECT a.area_id, x.fact, x.value
    FROM (SELECT area_id, COUNT(*) FILTER (WHERE applied_at >= %(start)s AND applied_at < %(end)s) AS made,
                 COUNT(*) FILTER (WHERE status = 'hired' AND hired_on = %(day)s) AS hired
          FROM jobs_application WHERE (applied_at >= %(start)s AND applied_at < %(end)s)
                                   OR (status = 'hired' AND hired_on = %(day)s) GROUP BY 1) a,
         LATERAL (VALUES ('applications', a.made), ('application_hires', a.hired)) x(fact, value)
)
SELECT r.fact, r.code, r.value
FROM (
    SELECT f.fact,
           CASE WHEN GROUPING(s.community) = 0 THEN s.community WHEN GROUPING(s.street) = 0 THEN s.street
                WHEN GROUPING(s.district) = 0 THEN s.district ELSE s.city END AS code,
           SUM(f.value) AS value
    FROM facts f JOIN analytics_areastructure s ON s.area_id = f.code
    GROUP BY GROUPING SETS ((f.fact, s.community), (f.fact, s.street), (f.fact, s.district), (f.fact, s.city))
) r
WHERE r.code <> '' AND r.value <> 0
"""

# The same work as the run, the plain way: in one transaction, the day's rows deleted and the hand
# aggregation inserted into the live table with each area's path and level.
HAND_LIVE_SQL = f"""
INSERT INTO analytics_dailyfact (day, fact, area_id, area_path, level, value)
SELECT %(day)s, h.fact, a.code, a.path, a.level, h.value FROM ({HAND_SELECT}) h JOIN portal_area a ON a.code = h.code
"""
# The aggregation alone, into a temporary table (no live table, no indexes): printed beside, not a target.
HAND_TEMP_SQL = f"CREATE TEMP TABLE bench_hand AS {HAND_SELECT}"


def _hand_params(day: datetime.date) -> dict:
    from analytics.facts import day_bounds
    from jobs.facts import ACTIVE_SEEKER_DAYS

    start, end = day_bounds(day)
    since, _ = day_bounds(day - datetime.timedelta(days=ACTIVE_SEEKER_DAYS - 1))
    return {"day": day, "start": start, "end": end, "since": since}


def hand_sql(day: datetime.date) -> tuple[float, int]:
    """The hand SQL doing the run's work: the day's live rows replaced by the hand aggregation, in
    one transaction. The run's rows of the day are kept first (``bench_run_rows``, untimed) for
    ``hand_differences``."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_run_rows")
        cursor.execute("CREATE TEMP TABLE bench_run_rows AS SELECT fact, area_id AS code, value "
                       "FROM analytics_dailyfact WHERE day = %s", [day])
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_dailyfact WHERE day = %s", [day])
        cursor.execute(HAND_LIVE_SQL, _hand_params(day))
        rows = cursor.rowcount
    return time.perf_counter() - started, rows


def hand_aggregation(day: datetime.date) -> tuple[float, int]:
    """The hand aggregation alone, written to a temporary table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_hand")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(HAND_TEMP_SQL, _hand_params(day))
        rows = cursor.rowcount
    return time.perf_counter() - started, rows


def hand_differences(day: datetime.date) -> int:
    """Rows where the run's rows of the day (kept before the last hand SQL) and the rows the hand SQL
    left in the live table disagree, for the facts both cover; and any fact only the run wrote."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COUNT(*) FROM (
                (SELECT fact, code, value FROM bench_run_rows
                 EXCEPT SELECT fact, area_id, value FROM analytics_dailyfact WHERE day = %s)
                UNION ALL
                (SELECT fact, area_id, value FROM analytics_dailyfact WHERE day = %s
                 EXCEPT SELECT fact, code, value FROM bench_run_rows)
            ) d""", [day, day])
        return cursor.fetchone()[0]


# --- The run, in process and by worker pools -----------------------------------------------------


def timed_run(day: datetime.date) -> tuple[float, int]:
    from analytics.constants import RunStatus
    from analytics.services.run import run_day_in_process

    started = time.perf_counter()
    run = run_day_in_process(day=day)
    seconds = time.perf_counter() - started
    assert run.status == RunStatus.DONE, f"the run failed: {run.error}"
    return seconds, run.rows


def run_phases(day: datetime.date) -> dict[str, float]:
    """The same steps as ``run_day_in_process``, timed one by one (and the ANALYZE the roll-up ends with)."""
    from django.db import connection

    from analytics.services.run import district_build, district_codes, run_roll_up, run_start

    phases = {}
    started = time.perf_counter()
    run = run_start(day=day, trigger="backfill")
    phases["start"] = time.perf_counter() - started
    slowest = ("", 0.0)
    started = time.perf_counter()
    for code in district_codes():
        one = time.perf_counter()
        district_build(run_id=run.pk, district_code=code, worker="bench")
        if time.perf_counter() - one > slowest[1]:
            slowest = (code, time.perf_counter() - one)
    phases["13 districts"] = time.perf_counter() - started
    phases[f"slowest district {slowest[0]}"] = slowest[1]
    started = time.perf_counter()
    run_roll_up(run_id=run.pk, worker="bench")
    phases["roll-up + swap + ANALYZE"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE analytics_dailyfact")
    phases["(ANALYZE alone)"] = time.perf_counter() - started
    return phases


def _pool_init():
    from django.db import connections

    connections.close_all()  # the forked child opens its own connection


def _pool_task(job: tuple[int, str]) -> tuple[str, int, float]:
    from analytics.services.run import district_build

    run_id, code = job
    started = time.perf_counter()
    rows = district_build(run_id=run_id, district_code=code, worker=f"bench-{os.getpid()}")
    return code, rows, time.perf_counter() - started


def pooled_run(day: datetime.date, workers: int) -> float:
    """Start a run, build its districts with ``workers`` processes, roll it up; seconds taken."""
    from django.db import connections

    from analytics.constants import RunStatus
    from analytics.services.run import district_codes, run_roll_up, run_start

    started = time.perf_counter()
    run = run_start(day=day, trigger="backfill")
    codes = district_codes()
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers, initializer=_pool_init) as pool:
        list(pool.imap_unordered(_pool_task, [(run.pk, code) for code in codes], chunksize=1))
    finished = run_roll_up(run_id=run.pk, worker="bench")
    seconds = time.perf_counter() - started
    assert finished.status == RunStatus.DONE, f"the pooled run failed: {finished.error}"
    return seconds


# --- Dashboards ----------------------------------------------------------------------------------


def dashboard_readers():
    from portal.constants import AccountType, AreaLevel, StaffRole
    from portal.models import Area, RoleGrant, User

    city = Area.objects.get(level=AreaLevel.CITY)
    district = Area.objects.get(code="420102000000")  # 江岸区
    street = Area.objects.filter(level=AreaLevel.STREET, path__startswith=district.path).order_by("code").first()
    community = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=street.path).order_by("code").first()
    readers = []
    for username, role, area in [("bench_official_city", StaffRole.OFFICIAL, city),
                                 ("bench_official_district", StaffRole.OFFICIAL, district),
                                 ("bench_admin_street", StaffRole.ADMINISTRATOR, street)]:
        user, created = User.objects.get_or_create(username=username, defaults={
            "account_type": AccountType.STAFF, "full_name": f"基准{area.name}"})
        if created:
            RoleGrant.objects.create(user=user, role=role, area=area)
        readers.append((user, area))
    return readers, city, district, street, community


def dashboard_pages(day: datetime.date) -> list[tuple[str, str, str]]:
    """(reader, tier, URL) of every page to measure."""
    readers, city, district, street, community = dashboard_readers()
    city_reader, district_reader, street_reader = [user.username for user, _area in readers]
    month = f"{day:%Y-%m}"
    pages = []
    for reader, own in [(city_reader, city), (district_reader, district), (street_reader, street)]:
        pages.append((reader, own.level, "/staff/analytics/"))
        for area in [city, district, street, community]:
            if area.path.startswith(own.path) and area != own:
                pages.append((reader, area.level, f"/staff/analytics/areas/{area.code}/"))
        pages.append((reader, own.level, f"/staff/analytics/report/?area={own.code}&month={month}"))
        pages.append((reader, own.level, f"/staff/analytics/forecasts/?area={own.code}"))
        pages.append((reader, own.level, f"/staff/analytics/staff-use/?area={own.code}"))
        pages.append((reader, own.level, "/staff/analytics/runs/"))
    return pages


def measure_dashboards(day: datetime.date) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    results = []
    clients = {}
    for reader, tier, url in dashboard_pages(day):
        if reader not in clients:
            clients[reader] = Client()
            clients[reader].force_login(User.objects.get(username=reader))
        client = clients[reader]
        times = []
        queries = 0
        status = None
        for attempt in range(6):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            status = response.status_code
            queries = max(queries, len(captured.captured_queries))
        results.append({"reader": reader, "tier": tier, "url": url, "status": status, "queries": queries,
                        "cold_ms": times[0] * 1000, "ms": statistics.median(times[1:]) * 1000})
    return results


# --- Main ----------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def measure(ctx: Context, scale: float, args, *, dashboards: bool) -> dict:
    from django.db import connection

    day = ctx.last
    result = {"scale": scale, "counts": counts_now()}
    print(f"\n== {scale:g}× ==  " + ", ".join(f"{n:,} {label}" for label, n in result["counts"].items()))
    # History at every size: the run at each size writes into a fact table of the same length
    # (36 months), so the sizes differ only in the source rows the run reads.
    if args.keep and history_days() >= ctx.days:
        print("Reusing the fact history already built (--keep)")
    else:
        seconds, rows = build_history(ctx)
        result["history_s"], result["history_rows"] = seconds, rows
        print(f"Fact history: {rows:,} daily rows over {ctx.days} days built in {seconds:.1f} s")
    runs, hands, aggregations, differences = [], [], [], 0
    for attempt in range(args.repeat):
        seconds, rows = timed_run(day)
        runs.append(seconds)
        print(f"  nightly run of {day}:                   {seconds:6.2f} s ({rows:,} rows)")
        seconds, hand_rows = hand_sql(day)
        hands.append(seconds)
        differences += hand_differences(day)
        print(f"  hand SQL replacing the day's live rows:  {seconds:6.2f} s ({hand_rows:,} rows)")
        seconds, _ = hand_aggregation(day)
        aggregations.append(seconds)
        print(f"  hand aggregation alone (temp table):     {seconds:6.2f} s")
    result["run_s"], result["hand_s"], result["run_rows"] = min(runs), min(hands), rows
    result["aggregation_s"] = min(aggregations)
    result["differences"] = differences
    print(f"  rows where the hand SQL and the run disagree: {differences}")
    result["phases"] = run_phases(day)
    print("  phases of one more run: " + ", ".join(f"{name} {t:.2f} s" for name, t in result["phases"].items()))
    for workers in (1, 2):
        times = [pooled_run(day, workers) for _ in range(args.repeat)]
        result[f"pool{workers}_s"] = min(times)
        print(f"  run with {workers} worker process(es): " + ", ".join(f"{t:.2f} s" for t in times))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        result["db_size"] = cursor.fetchone()[0]
    result["pages"] = measure_dashboards(day) if dashboards else []
    return result


def report(results: list[dict], load_seconds: list[float]) -> bool:
    print("\n" + "=" * 100)
    print("Nightly facts run (one day, in process; best of the repeats)")
    print("  hand SQL: the same work the plain way (the day's live rows replaced in one transaction);")
    print("  aggregation: the hand SQL's SELECT alone into a temporary table (for comparison, not a target)")
    print(f"{'size':>6} {'registrations':>14} {'vacancies':>10} {'applications':>13} {'run s':>8} {'hand SQL s':>11} "
          f"{'run÷SQL':>8} {'aggr. s':>8} {'run÷aggr.':>10} {'1 worker s':>11} {'2 workers s':>12} {'rows':>7} "
          f"{'diff':>5} {'DB':>8}")
    all_ok = True
    for r in results:
        c = r["counts"]
        registrations = c["employment registrations"] + c["unemployment registrations"]
        print(f"{r['scale']:>5g}× {registrations:>14,} {c['vacancies']:>10,} {c['applications']:>13,} "
              f"{r['run_s']:>8.2f} {r['hand_s']:>11.2f} {r['run_s'] / r['hand_s']:>8.2f} {r['aggregation_s']:>8.2f} "
              f"{r['run_s'] / r['aggregation_s']:>10.2f} {r['pool1_s']:>11.2f} "
              f"{r['pool2_s']:>12.2f} {r['run_rows']:>7,} {r['differences']:>5} {r['db_size']:>8}")
    print("Loading by COPY: " + ", ".join(f"{s:.0f} s" for s in load_seconds if s) + " (each step of growth)")
    print("\nTargets")
    for r in results:
        checks = [
            (f"{r['scale']:g}×: full run ≤ {TARGET_RUN_S:g} s", r["run_s"] <= TARGET_RUN_S, f"{r['run_s']:.2f} s"),
            (f"{r['scale']:g}×: run ≤ {TARGET_RUN_OVER_SQL:g}× hand SQL", r["run_s"] <= TARGET_RUN_OVER_SQL * r["hand_s"],
             f"{r['run_s'] / r['hand_s']:.2f}×"),
            (f"{r['scale']:g}×: hand SQL gives the run's rows", r["differences"] == 0, f"{r['differences']} differ"),
            (f"{r['scale']:g}×: two workers beat one", r["pool2_s"] < r["pool1_s"],
             f"{r['pool1_s']:.2f} s → {r['pool2_s']:.2f} s ({r['pool1_s'] / r['pool2_s']:.2f}× faster)"),
        ]
        pages = r["pages"]
        for label, ok, detail in checks:
            all_ok &= ok
            print(f"  {label:<48} {mark(ok):<7} {detail}")
        if not pages:
            continue
        checks = []
        worst_q = max(p["queries"] for p in pages)
        worst_ms = max(p["ms"] for p in pages)
        checks.append((f"{r['scale']:g}×: dashboard pages ≤ {TARGET_PAGE_QUERIES} queries", worst_q <= TARGET_PAGE_QUERIES,
                       f"at most {worst_q}"))
        checks.append((f"{r['scale']:g}×: dashboard pages ≤ {TARGET_PAGE_MS:g} ms", worst_ms <= TARGET_PAGE_MS,
                       f"slowest {worst_ms:.1f} ms (median of 5 warm)"))
        checks.append((f"{r['scale']:g}×: every dashboard page answers 200", all(p["status"] == 200 for p in pages), ""))
        for label, ok, detail in checks:
            all_ok &= ok
            print(f"  {label:<48} {mark(ok):<7} {detail}")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        ratio = large["run_s"] / small["run_s"]
        data_ratio = large["scale"] / small["scale"]
        ok = ratio <= TARGET_LINEAR * data_ratio / 2
        all_ok &= ok
        print(f"  {'run time linear in the data':<48} {mark(ok):<7} {large['scale']:g}× ÷ {small['scale']:g}× = "
              f"{ratio:.2f} for {data_ratio:g}× the data (hand SQL {large['hand_s'] / small['hand_s']:.2f})")
    print("\nDashboard pages (queries; server time: first request, then the median of 5)")
    for r in results:
        if not r["pages"]:
            continue
        print(f"-- {r['scale']:g}×")
        for p in r["pages"]:
            print(f"  {p['reader']:<24} {p['tier']:<10} {p['queries']:>3} q {p['cold_ms']:>7.1f} ms {p['ms']:>7.1f} ms "
                  f"{p['status']}  {p['url']}")
    return all_ok


def main() -> int:
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    scales = sorted(float(s) for s in args.scale.split(","))
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    from portal.reference.divisions import areas_load_file
    from portal.models import Area

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    if not Area.objects.filter(code="420100000000").exists():
        areas_load_file()
    ctx = Context()
    results, load_seconds = [], []
    if not args.keep:
        clear_data()
    for scale in scales:
        slices = round(scale * SLICES)
        load_seconds.append(load(ctx, slices, args))
        results.append(measure(ctx, scale, args, dashboards=scale == scales[-1]))
    ok = report(results, load_seconds)
    if args.drop:
        drop_database(url)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
