"""Load test of a district's clerks at work (issue 11): queues, person pages and approvals racing
on the same records, at concurrency 16, served as in production.

Target (issue 11): a mixed clerk workload at concurrency 16 gives no 500 and no lost update.

Run it from the project root::

    .venv/bin/python bench/clerk_load.py                    # 16 clients for 60 s; the database is dropped at the end
    .venv/bin/python bench/clerk_load.py --seconds 20       # a quick run
    .venv/bin/python bench/clerk_load.py --keep             # keep the database to look at afterwards

What it does:

1. Creates its own PostgreSQL database (``bench_clerks`` on 127.0.0.1 as user postgres; set
   ``BENCH_DATABASE_URL`` to use another), anew on every run (the run uses up its pending work),
   migrates it, loads Wuhan's division tree and the demo data (``demo_data``; README lists the
   accounts). Before the demo's subsidies, the city enters 江岸区's fund of this year with a small
   allocation, so the demo's own approvals fit and the fund stays small (the demo would otherwise
   allocate 5 million yuan, which no 60 seconds of approvals exhaust).
2. Generates a district's pending work in 江岸区, through the apps' services (so every record is
   checked and audited as real work; accounts of job seekers are made without a usable password,
   since hashing hundreds of passwords would take minutes and they never sign in):

   - ``--clients`` district window clerks of 江岸区 (``jiangan_clerk01`` …, the demo password), and
     a window clerk for each community of 大智街道 that has none;
   - ``--registrations`` persons in 大智街道's communities who applied online for unemployment
     registration (awaiting the community clerk's confirmation);
   - ``--vacancies`` vacancies of 江岸区's verified employers awaiting the district's review;
   - ``--applications`` hard-to-employ persons in flexible employment with a social-insurance subsidy
     application taken in by their community and reviewed by the street, awaiting the district's
     approval; then the city tops 江岸区's fund up so that it can pay ``--fund-share`` of them only.
3. Collects the static files and serves the portal with gunicorn, as in production
   (``PORTAL_ENVIRONMENT=production``, its own keys, Redis database 8, throttles and the login lockout
   raised out of the way), ``--workers`` sync workers on 127.0.0.1:8751.
4. Runs ``--clients`` clients for ``--seconds``, each a clerk of the district with its own session:
   half sign in through the login form and use the pages, half take a token from
   ``POST /api/auth/token/`` and use the API. Each repeats a weighted mix: open a queue (list pages
   and API lists with filters and pages), open a record (a person's page, an application, a
   registration, a vacancy), or act: confirm (or not confirm) a registration, publish (or return) a
   vacancy, approve a subsidy application. Every client acts on the same few pending records of each
   kind (``--pool``, the head of one shared queue), so many try the same record at once.
5. Checks in the database and prints: no 5xx answer (each printed with its body); no record left a
   status twice (status changes per record and step ≤ 1) and every status change has its audit
   event; each record's status is the one its last change says; no fund overdrawn, each fund's
   balances equal its ledger, and the amounts approved during the run equal what the fund reserved
   (no lost update); every loser of a race got a clean 409 ``conflict`` or 404 from the API, or the
   page with a message in Chinese; every success a client was told of is a change in the database.
   Then requests, requests per second and p50/p95/p99 per kind, status codes, races.

Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime
import hashlib
import http.cookies
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchdb import (  # noqa: E402
    collect_static,
    drop_database,
    ensure_database,
    gunicorn_start,
    gunicorn_stop,
    production_environment,
    progress,
    setup_django,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_clerks"
HOST, PORT = "127.0.0.1", 8751
REDIS_URL = "redis://127.0.0.1:6379/8"
DISTRICT = "420102000000"  # 江岸区
# The server's own keys (production refuses to start without them); the generator uses the same, so
# the identity numbers it stores are the server's.
BENCH_KEYS = {
    "SECRET_KEY": "bench-clerks-" + hashlib.sha256(b"bench_clerks secret").hexdigest(),
    "PERSONAL_DATA_HASH_KEY": hashlib.sha256(b"bench_clerks hash").hexdigest(),
    "PERSONAL_DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(hashlib.sha256(b"bench_clerks fernet").digest()).decode(),
}
# What the demo approves in 江岸区 (three applications, about 36,000 yuan) fits in this.
DEMO_FUND_FEN = 100_000 * 100
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红玉文斌海燕波宁辉俊峰婷雪梅鑫鹏浩宇晨欣怡"
# The Chinese the pages show a loser of a race (the translation of transition()'s invalid_transition
# and of fund_reserve()'s fund_exhausted), and of "Not found." on the 404 page.
STATE_CONFLICT_ZH = "无法进行此操作"
NOT_FOUND_ZH = "未找到"
FUND_SHORT_ZH = "就业资金仅余"


def parse_args():
    parser = argparse.ArgumentParser(description="Load test of a district's clerks, with races on the same records.")
    parser.add_argument("--seconds", type=float, default=60, help="how long the clients work")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (each its own clerk)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--registrations", type=int, default=300, help="online unemployment applications pending")
    parser.add_argument("--vacancies", type=int, default=150, help="vacancies awaiting review")
    parser.add_argument("--applications", type=int, default=200, help="subsidy applications awaiting approval")
    parser.add_argument("--fund-share", type=float, default=0.15,
                        help="share of the pending applications' amounts the district fund can pay")
    parser.add_argument("--pool", type=int, default=3, help="pending records of each kind all clients pick from")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--seed", type=int, default=20261111)
    return parser.parse_args()


def quiet(message, progress=False):
    pass


# --- The data set ------------------------------------------------------------------------------


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def populate(args, rng: random.Random) -> dict:
    """The demo and the district's pending work; the ids of what the clients will work on."""
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from portal import demo as portal_demo
    from portal.constants import StaffRole
    from portal.models import Area, User
    from portal.services import staff_account_create
    from subsidies.services.fundbooks import fund_create, fund_money_allocate

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_areas", stdout=io.StringIO())
    # The demo's accounts first, so the city enters 江岸区's fund before the subsidies' demo would.
    portal_demo.build(scale=0, log=quiet)
    city_admin = User.objects.get(username="city_admin")
    district = Area.objects.get(code=DISTRICT)
    year = timezone.localdate().year
    fund = fund_create(actor=city_admin, area=district, year=year, budget_fen=32_000_000 * 100,
                       prior_year_revenue_fen=2_000_000_000 * 100)
    fund_money_allocate(actor=city_admin, fund=fund, amount_fen=DEMO_FUND_FEN, note="基准测试：年初拨付")
    call_command("demo_data", stdout=io.StringIO())
    print(f"Migrated, division tree and demo data loaded ({time.perf_counter() - started:.1f} s)")

    # A district's staff accounts are the city's to create; a community's, the district's.
    admin = User.objects.get(username="jiangan_admin")
    clerks = []
    for n in range(1, args.clients + 1):
        grant = staff_account_create(actor=city_admin, username=f"jiangan_clerk{n:02d}",
                                     password=settings.DEMO_PASSWORD,
                                     full_name=f"江岸区窗口 经办员{n:02d}", role=StaffRole.CLERK, area=district)
        clerks.append(grant.user.username)
    street = User.objects.get(username="jiangan_street_clerk").role_grants.get().area
    communities = list(Area.objects.filter(parent=street).order_by("code"))
    windows = {}
    for n, community in enumerate(communities, start=1):
        holder = (User.objects.filter(role_grants__area=community, role_grants__role=StaffRole.CLERK)
                  .order_by("pk").first())
        if holder is None:
            holder = staff_account_create(actor=admin, username=f"jiangan_window{n:02d}",
                                          password=settings.DEMO_PASSWORD, full_name=f"{community.name} 经办员",
                                          role=StaffRole.CLERK, area=community).user
        windows[community.pk] = holder
    print(f"{len(clerks)} district clerks and {len(windows)} community windows of {street.name}")

    ids = {"registrations": make_registrations(args, rng, communities, windows),
           "vacancies": make_vacancies(args, rng),
           "applications": make_applications(args, rng, communities, windows, street)}
    top_up_fund(args, ids["applications"])
    return {"clerks": clerks, **ids}


def make_registrations(args, rng, communities, windows) -> list[int]:
    from portal.constants import AccountType
    from portal.models import User
    from registration.identity import identity_make
    from registration.services.persons import person_account_link, person_register
    from registration.services.registrations import unemployment_apply_online

    made, started = [], time.perf_counter()
    for k in range(args.registrations):
        community = communities[k % len(communities)]
        name = random_name(rng)
        birth = datetime.date(1988, 1, 1) + datetime.timedelta(days=k)
        number = identity_make(community.code[:6], birth, 801 + k % 199)
        person_register(actor=windows[community.pk], identity_number=number, name=name, area=community,
                        phone=f"135{k:08d}", education=rng.choice(["junior_middle", "senior_middle", "bachelor"]))
        account = User(username=f"bench_seeker{k:04d}", full_name=name, account_type=AccountType.JOB_SEEKER)
        account.set_unusable_password()
        account.save()
        person_account_link(user=account, identity_number=number, name=name)
        made.append(unemployment_apply_online(user=account, note="本人网上申请失业登记。").pk)
        if (k + 1) % 25 == 0 or k + 1 == args.registrations:
            progress("Online unemployment applications", k + 1, args.registrations, started)
    return made


def make_vacancies(args, rng) -> list[int]:
    from django.utils import timezone

    from jobs.constants import EmployerStatus
    from jobs.demo import JOBS
    from jobs.models import Employer
    from jobs.services.vacancies import vacancy_post
    from portal.models import User
    from portal.reference.models import Industry, Occupation

    occupations = {o.code: o for o in Occupation.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    employers = list(Employer.objects.filter(status=EmployerStatus.VERIFIED, area__path__startswith=DISTRICT[:6])
                     .select_related("area").order_by("pk"))
    poster = User.objects.get(username="jiangan_clerk")  # posts on the employers' behalf; never reviews here
    today = timezone.localdate()
    made, started = [], time.perf_counter()
    for k in range(args.vacancies):
        employer = employers[k % len(employers)]
        title, occupation, industry, (low, high), education = JOBS[k % len(JOBS)]
        vacancy = vacancy_post(
            actor=poster, employer=employer, title=f"{title}（{k + 1:03d}号）", occupation=occupations[occupation],
            industry=industries[industry], area=employer.area, headcount=rng.randint(1, 8), salary_min=low,
            salary_max=high, education=education, description=f"{employer.name}招聘{title}，要求身体健康、吃苦耐劳。",
            contact_name=employer.contact_name, contact_phone=employer.contact_phone,
            closing_date=today + datetime.timedelta(days=rng.randint(20, 60)))
        made.append(vacancy.pk)
        if (k + 1) % 25 == 0 or k + 1 == args.vacancies:
            progress("Vacancies awaiting review", k + 1, args.vacancies, started)
    return made


def make_applications(args, rng, communities, windows, street) -> list[int]:
    from django.utils import timezone

    from portal.models import User
    from registration.constants import EmploymentKind
    from registration.identity import identity_make
    from registration.models import HardshipCategory
    from registration.retirement import add_months
    from registration.services.hardship import hardship_case_approve, hardship_case_review, hardship_case_submit
    from registration.services.persons import person_register
    from registration.services.registrations import employment_register
    from subsidies.constants import ProgrammeKind
    from subsidies.eligibility import month_end
    from subsidies.models import Programme
    from subsidies.services.applications import application_submit
    from subsidies.services.review import application_accept, application_review

    today = timezone.localdate()
    street_clerk = User.objects.get(username="jiangan_street_clerk")
    district_clerk = User.objects.get(username="jiangan_clerk")
    programme = Programme.objects.get(kind=ProgrammeKind.SOCIAL_INSURANCE)
    categories = {"long_term_unemployed": HardshipCategory.objects.get(code="long_term_unemployed")}
    start = add_months(today.replace(day=1), 0)
    made, started = [], time.perf_counter()
    for k in range(args.applications):
        community = communities[k % len(communities)]
        window = windows[community.pk]
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=3 * k)  # far from retirement age
        name = random_name(rng)
        person = person_register(actor=window, identity_number=identity_make(community.code[:6], birth, 801 + k % 199),
                                 name=name, area=community, phone=f"136{k:08d}", education="senior_middle")
        employment_register(actor=window, person=person, kind=EmploymentKind.FLEXIBLE,
                            started_on=today - datetime.timedelta(days=400), employer_name="个体经营（灵活就业）")
        case = hardship_case_submit(actor=window, person=person,
                                    categories=[categories["long_term_unemployed"]],
                                    circumstances="家庭收入较低，长期未能稳定就业。")
        case = hardship_case_review(actor=street_clerk, case=case)
        hardship_case_approve(actor=district_clerk, case=case, approved_on=today - datetime.timedelta(days=300))
        application = application_submit(
            actor=window, programme=programme, person=person, period_start=start,
            period_end=month_end(add_months(start, 2)), basis_fen=rng.randrange(90_000, 150_000, 100),
            payee_name=person.name, payee_account=f"6222020{k:05d}{birth:%Y%m%d}")
        application = application_accept(actor=window, application=application, remark="材料齐全，予以受理。")
        application = application_review(actor=street_clerk, application=application,
                                         remark="已核实就业困难人员认定及灵活就业登记。")
        made.append(application.pk)
        if (k + 1) % 10 == 0 or k + 1 == args.applications:
            progress("Subsidy applications awaiting the district", k + 1, args.applications, started)
    return made


def top_up_fund(args, application_ids) -> None:
    """The city allocates what makes the fund's available money ``--fund-share`` of what waits."""
    from django.db.models import Sum
    from django.utils import timezone

    from portal.models import User
    from subsidies.models import Application, Fund
    from subsidies.money import yuan
    from subsidies.services.fundbooks import fund_money_allocate

    waiting = Application.objects.filter(pk__in=application_ids).aggregate(total=Sum("amount_requested_fen"))["total"]
    fund = Fund.objects.get(area__code=DISTRICT, year=timezone.localdate().year)
    target = int(waiting * args.fund_share)
    if fund.available_fen < target:
        fund_money_allocate(actor=User.objects.get(username="city_admin"), fund=fund,
                            amount_fen=target - fund.available_fen, note="基准测试：追加拨付")
        fund.refresh_from_db()
    print(f"江岸区 fund {fund.year}: {yuan(fund.available_fen)} yuan available for {len(application_ids)} applications "
          f"asking {yuan(waiting)} yuan ({100 * fund.available_fen / waiting:.0f} %)")


# --- The server --------------------------------------------------------------------------------


def redis_db8_clear() -> None:
    """The bench's Redis database (8) is emptied, so no throttle count or queued task of an earlier run is left."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def server_start(args, url: str, log_path: Path) -> subprocess.Popen:
    environment = production_environment(database_url=url, redis_url=REDIS_URL, keys=BENCH_KEYS,
                                         ALLOWED_HOSTS=HOST, SECURE_SSL_REDIRECT="0")
    collect_static(environment)
    with open(log_path, "w") as log:
        server = gunicorn_start(environment, port=PORT, workers=args.workers, log=log, extra=("--timeout", "120"))
    print(f"gunicorn up: {args.workers} sync workers on {HOST}:{PORT} (pid {server.pid}, log {log_path})")
    return server


def server_stop(server: subprocess.Popen) -> None:
    gunicorn_stop(server)
    print(f"gunicorn stopped (pid {server.pid}, exit {server.returncode})")


# --- The clients -------------------------------------------------------------------------------


class Pool:
    """Pending records of one kind, in queue order; every client picks among the first ``width``, so
    many act on the same record at once. A record leaves the pool once someone saw it decided."""

    def __init__(self, ids: list[int], width: int):
        self.pending = list(ids)
        self.width = width
        self.lock = threading.Lock()

    def pick(self, rng: random.Random) -> int | None:
        with self.lock:
            head = self.pending[:self.width]
        return rng.choice(head) if head else None

    def settle(self, pk: int) -> None:
        with self.lock:
            if pk in self.pending:
                self.pending.remove(pk)


class Recorder:
    """Every answer: its kind, status and time; the bodies of 5xx answers; each action's outcome."""

    def __init__(self):
        self.lock = threading.Lock()
        self.timings = collections.defaultdict(list)  # kind -> seconds
        self.statuses = collections.Counter()  # (kind, status)
        self.server_errors = []  # (method, path, status, body)
        self.attempts = []  # (model, pk, action, channel, outcome, status, detail)

    def answer(self, kind: str, method: str, path: str, response, seconds: float) -> None:
        with self.lock:
            self.timings[kind].append(seconds)
            self.statuses[(kind, response.status_code)] += 1
            if response.status_code >= 500:
                self.server_errors.append((method, path, response.status_code, response.text[:3000]))

    def attempt(self, *row) -> None:
        with self.lock:
            self.attempts.append(row)


class Clerk(threading.Thread):
    """One clerk with its own session: pages through the login form, or the API with a token."""

    def __init__(self, number: int, username: str, password: str, api: bool, pools: dict, lookups: dict,
                 recorder: Recorder, stop_at: float, seed: int):
        super().__init__(name=username, daemon=True)
        import requests

        self.username, self.password, self.api = username, password, api
        self.pools, self.lookups, self.recorder, self.stop_at = pools, lookups, recorder, stop_at
        self.rng = random.Random(seed * 1000 + number)
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        self.token = None
        self.failure = None

    # HTTP: cookies are kept by hand, since production marks them Secure and a client keeps Secure
    # cookies away from plain http; redirects are not followed unless asked for.
    def call(self, kind: str, method: str, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        self.http.cookies.clear()
        started = time.perf_counter()
        response = self.http.request(method, f"http://{HOST}:{PORT}{path}", headers=headers, allow_redirects=False,
                                     timeout=120, **kwargs)
        self.recorder.answer(kind, method, path, response, time.perf_counter() - started)
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:  # deleted (the messages, once shown)
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def page_post(self, kind: str, path: str, data: dict):
        return self.call(kind, "POST", path, data={"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data},
                         headers={"Referer": f"http://{HOST}:{PORT}{path}"})

    def sign_in(self) -> None:
        if self.api:
            response = self.call("sign-in", "POST", "/api/auth/token/",
                                 json={"username": self.username, "password": self.password})
            response.raise_for_status()
            self.token = response.json()["token"]
            return
        form = self.call("sign-in", "GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        response = self.call("sign-in", "POST", "/accounts/login/",
                             data={"username": self.username, "password": self.password, "csrfmiddlewaretoken": token},
                             headers={"Referer": f"http://{HOST}:{PORT}/accounts/login/"})
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.username}: login answered {response.status_code}")
        self.call("sign-in", "GET", "/staff/")  # the workbench, where a clerk lands; sets the CSRF cookie

    def run(self) -> None:
        try:
            self.sign_in()
            while time.monotonic() < self.stop_at:
                roll = self.rng.random()
                if roll < 0.3:
                    self.open_queue()
                elif roll < 0.6:
                    self.open_record()
                else:
                    self.act()
        except Exception as exc:  # noqa: BLE001 - reported with the figures, never silently
            self.failure = f"{type(exc).__name__}: {exc}"

    def open_queue(self) -> None:
        page = self.rng.randint(1, 3)
        if self.api:
            path = self.rng.choice([
                f"/api/staff/registration/unemployment-registrations/?status=pending&page={page}",
                f"/api/staff/registration/persons/?page={page}",
                f"/api/staff/jobs/vacancies/review/?page={page}",
                f"/api/staff/subsidies/applications/?status=street_reviewed&page={page}",
            ])
            self.call("api queue", "GET", path)
        else:
            path = self.rng.choice([
                f"/staff/registration/unemployment/to-confirm/?page={page}",
                f"/staff/registration/persons/?page={page}",
                f"/staff/jobs/vacancies/review/?page={page}",
                f"/staff/subsidies/applications/?status=street_reviewed&page={page}",
                "/staff/",
            ])
            self.call("page queue", "GET", path)

    def open_record(self) -> None:
        what = self.rng.choice(["persons", "registrations", "vacancies", "applications"])
        pk = self.rng.choice(self.lookups[what])
        if self.api:
            path = {"persons": f"/api/staff/registration/persons/{pk}/",
                    "registrations": f"/api/staff/registration/unemployment-registrations/{pk}/",
                    "vacancies": f"/api/staff/jobs/vacancies/{pk}/",
                    "applications": f"/api/staff/subsidies/applications/{pk}/"}[what]
            self.call("api record", "GET", path)
        else:
            path = {"persons": f"/staff/registration/persons/{pk}/",
                    "registrations": f"/staff/registration/unemployment/{pk}/",
                    "vacancies": f"/staff/jobs/vacancies/{pk}/",
                    "applications": f"/staff/subsidies/applications/{pk}/"}[what]
            self.call("page record", "GET", path)

    def act(self) -> None:
        what = self.rng.choice(["registrations", "vacancies", "applications"])
        pool = self.pools[what]
        pk = pool.pick(self.rng)
        if pk is None:
            return self.open_queue()
        if what == "registrations":
            action = "confirm" if self.rng.random() < 0.85 else "reject"
        elif what == "vacancies":
            action = "publish" if self.rng.random() < 0.85 else "return"
        else:
            action = "approve"
        outcome, status, detail = (self.act_api if self.api else self.act_page)(what, pk, action)
        self.recorder.attempt(what, pk, action, "api" if self.api else "page", outcome, status, detail)
        if outcome != "other":
            pool.settle(pk)

    def act_api(self, what: str, pk: int, action: str):
        path, body = {
            ("registrations", "confirm"): (f"/api/staff/registration/unemployment-registrations/{pk}/confirm/", {}),
            ("registrations", "reject"): (f"/api/staff/registration/unemployment-registrations/{pk}/reject/",
                                          {"note": "户籍信息与申请不符，请到社区窗口核实。"}),
            ("vacancies", "publish"): (f"/api/staff/jobs/vacancies/{pk}/publish/", {}),
            ("vacancies", "return"): (f"/api/staff/jobs/vacancies/{pk}/return/", {"reason": "请补充岗位职责和工作时间。"}),
            ("applications", "approve"): (f"/api/staff/subsidies/applications/{pk}/approve/", {"remark": "同意。"}),
        }[(what, action)]
        response = self.call("api action", "POST", path, json=body)
        code = ""
        try:
            error = response.json().get("error") or {}
            code = error.get("code", "")
            fields = str(error.get("fields", ""))
        except ValueError:
            fields = ""
        if response.status_code == 200:
            return "won", 200, ""
        if response.status_code == 409 and code == "conflict" and "fund_exhausted" in fields:
            return "fund refused", 409, "fund_exhausted"
        if response.status_code == 409 and code == "conflict":
            return "lost", 409, "conflict"
        if response.status_code == 404:
            return "lost", 404, code
        return "unclean", response.status_code, response.text[:500]

    def act_page(self, what: str, pk: int, action: str):
        if what == "registrations":
            data = {"confirm-note": ""} if action == "confirm" else {"reject-note": "户籍信息与申请不符，请到社区窗口核实。"}
            response = self.page_post("page action", f"/staff/registration/unemployment/{pk}/{action}/", data)
        elif what == "vacancies":
            data = {} if action == "publish" else {"return-reason": "请补充岗位职责和工作时间。"}
            response = self.page_post("page action", f"/staff/jobs/vacancies/{pk}/{action}/", data)
        else:
            response = self.page_post("page action", f"/staff/subsidies/applications/{pk}/",
                                      {"action": "approve", "approve-remark": "同意。"})
        if response.status_code == 404:
            return ("lost" if NOT_FOUND_ZH in response.text else "unclean"), 404, "404 page"
        if response.status_code == 302:
            # Success, or (the vacancy's actions) a refusal shown as a message on the record's page.
            shown = self.call("page record", "GET", response.headers["Location"])
            messages = re.findall(r'<p class="message ([a-z ]+)">(.*?)</p>', shown.text, re.S)
            if any("error" in tags for tags, _text in messages):
                text = " ".join(text for tags, text in messages if "error" in tags)
                return ("lost" if STATE_CONFLICT_ZH in text else "unclean"), 302, text[:200]
            return "won", 302, ""
        if response.status_code == 200:
            if FUND_SHORT_ZH in response.text:
                return "fund refused", 200, "fund message"
            if STATE_CONFLICT_ZH in response.text:
                return "lost", 200, "state message"
            return "unclean", 200, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))[:300]
        return "unclean", response.status_code, response.text[:300]


def run_clients(args, ids: dict) -> tuple[Recorder, list[Clerk], float]:
    from django.conf import settings

    from registration.models import Person, UnemploymentRegistration

    pools = {what: Pool(ids[what], args.pool) for what in ("registrations", "vacancies", "applications")}
    lookups = {
        "persons": list(Person.objects.filter(area__path__startswith=DISTRICT[:6]).values_list("pk", flat=True)),
        "registrations": list(UnemploymentRegistration.objects.filter(area__path__startswith=DISTRICT[:6])
                              .values_list("pk", flat=True)),
        "vacancies": ids["vacancies"], "applications": ids["applications"],
    }
    recorder = Recorder()
    stop_at = time.monotonic() + args.seconds
    clerks = [Clerk(n, username, settings.DEMO_PASSWORD, api=n % 2 == 1, pools=pools, lookups=lookups,
                    recorder=recorder, stop_at=stop_at, seed=args.seed) for n, username in enumerate(ids["clerks"])]
    on_pages = sum(not clerk.api for clerk in clerks)
    print(f"\n{len(clerks)} clerks ({on_pages} on the pages, {len(clerks) - on_pages} on the API) "
          f"for {args.seconds:.0f} s; each picks among the first {args.pool} pending records of each kind")
    started = time.perf_counter()
    for clerk in clerks:
        clerk.start()
    while any(clerk.is_alive() for clerk in clerks):
        time.sleep(1)
        elapsed = time.perf_counter() - started
        done = sum(len(t) for t in recorder.timings.values())
        print(f"\r  {min(elapsed, args.seconds):5.1f} s: {done:,} requests, {len(recorder.attempts):,} actions",
              end="", flush=True)
    print()
    return recorder, clerks, time.perf_counter() - started


# --- The checks --------------------------------------------------------------------------------


def district_fund():
    from django.utils import timezone

    from subsidies.models import Fund

    return Fund.objects.get(area__code=DISTRICT, year=timezone.localdate().year)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def verify(ids: dict, recorder: Recorder, run_started, fund_before, log_path: Path) -> list[tuple[str, bool, str]]:
    from django.db.models import Count, Q, Sum

    from jobs.constants import VACANCY_WORKFLOW
    from jobs.models import Vacancy
    from portal.models import AuditEvent, StatusChange
    from registration.constants import UNEMPLOYMENT_WORKFLOW
    from registration.models import UnemploymentRegistration
    from subsidies.constants import APPLICATION_WORKFLOW, ApplicationStatus, FundEntryKind
    from subsidies.models import Application, Fund, FundEntry

    kinds = {"registrations": (UnemploymentRegistration, UNEMPLOYMENT_WORKFLOW),
             "vacancies": (Vacancy, VACANCY_WORKFLOW), "applications": (Application, APPLICATION_WORKFLOW)}
    checks = []

    errors = recorder.server_errors
    checks.append(("no 5xx answer", not errors, f"{len(errors)} answers ≥ 500"))
    logged = [line for line in log_path.read_text().splitlines()
              if "Internal Server Error" in line or "Traceback" in line or "[ERROR]" in line or "[CRITICAL]" in line]
    checks.append(("the server logged no error or traceback", not logged, f"{len(logged)} lines: {logged[:5]}"))

    twice, missing_audit, inconsistent, told_not_done = [], [], [], []
    for what, (model, workflow) in kinds.items():
        label = model._meta.label_lower
        keys = [str(pk) for pk in ids[what]]
        changes = StatusChange.objects.filter(object_type=label, object_id__in=keys)
        twice += [(label, *row) for row in changes.values("object_id", "from_status").annotate(n=Count("id"))
                  .filter(n__gt=1).values_list("object_id", "from_status", "n")]
        moved = collections.Counter(changes.filter(changed_at__gte=run_started).values_list("object_id", "to_status"))
        in_run = collections.Counter(object_id for object_id, _to in moved.elements())
        audited = collections.Counter(
            AuditEvent.objects.filter(event_type=workflow.event_type, object_type=label, object_id__in=keys,
                                      occurred_at__gte=run_started)
            .values_list("object_id", f"new_values__{workflow.status_field}"))
        missing_audit += [(label, key, to, n, audited[(key, to)]) for (key, to), n in (moved | audited).items()
                          if moved[(key, to)] != audited[(key, to)]]
        last = {}
        for object_id, to_status in changes.order_by("changed_at", "id").values_list("object_id", "to_status"):
            last[object_id] = to_status
        for pk, status in model.objects.filter(pk__in=ids[what]).values_list("pk", workflow.status_field):
            if last.get(str(pk), status) != status:
                inconsistent.append((label, pk, status, last.get(str(pk))))
        won = collections.Counter(str(pk) for w, pk, _a, _c, outcome, *_ in recorder.attempts
                                  if w == what and outcome == "won")
        told_not_done += [(label, key, won[key], in_run[key]) for key in keys if won[key] != in_run[key]]
    checks.append(("each record left each status at most once (status changes per record and step ≤ 1)",
                   not twice, f"{len(twice)} records twice: {twice[:5]}"))
    checks.append(("every status change of the run has its audit event (same record, same new status), and no other",
                   not missing_audit,
                   f"{len(missing_audit)} records differ: {missing_audit[:5]}"))
    checks.append(("each record's status is its last status change's", not inconsistent,
                   f"{len(inconsistent)} records differ: {inconsistent[:5]}"))
    checks.append(("each success a client was told of is one change in the database, and no other",
                   not told_not_done, f"{len(told_not_done)} records differ: {told_not_done[:5]}"))

    overdrawn, ledger_off = [], []
    for fund in Fund.objects.all():
        totals = dict(FundEntry.objects.filter(fund=fund).values("kind").annotate(total=Sum("amount_fen"))
                      .values_list("kind", "total"))
        reserved = (totals.get(FundEntryKind.RESERVED, 0) - totals.get(FundEntryKind.PAID, 0)
                    - totals.get(FundEntryKind.RELEASED, 0))
        if fund.reserved_fen + fund.paid_fen > fund.allocated_fen or fund.reserved_fen < 0:
            overdrawn.append((fund.area_id, fund.year, fund.allocated_fen, fund.reserved_fen, fund.paid_fen))
        if (totals.get(FundEntryKind.ALLOCATED, 0), reserved, totals.get(FundEntryKind.PAID, 0)) != (
                fund.allocated_fen, fund.reserved_fen, fund.paid_fen):
            ledger_off.append((fund.pk, totals, fund.allocated_fen, fund.reserved_fen, fund.paid_fen))
    checks.append(("no fund overdrawn (reserved + paid ≤ allocated)", not overdrawn, f"{overdrawn[:3]}"))
    checks.append(("each fund's balances equal its ledger", not ledger_off, f"{ledger_off[:3]}"))

    approved = Application.objects.filter(pk__in=ids["applications"], status=ApplicationStatus.APPROVED)
    approved_sum = approved.aggregate(total=Sum("amount_approved_fen"))["total"] or 0
    reserved_in_run = (FundEntry.objects.filter(application__in=ids["applications"], kind=FundEntryKind.RESERVED)
                       .aggregate(total=Sum("amount_fen"))["total"] or 0)
    reservations_twice = list(FundEntry.objects.filter(application__in=ids["applications"],
                                                       kind=FundEntryKind.RESERVED)
                              .values("application").annotate(n=Count("id")).filter(n__gt=1)
                              .values_list("application", "n"))
    not_reserved = [(a.pk, a.amount_approved_fen) for a in approved.annotate(
        reserved=Sum("fund_entries__amount_fen", filter=Q(fund_entries__kind=FundEntryKind.RESERVED)))
        if a.reserved != a.amount_approved_fen]
    checks.append(("approved amounts = what the fund reserved for them (no lost update)",
                   approved_sum == reserved_in_run and not reservations_twice and not not_reserved,
                   f"approved {approved_sum / 100:,.2f} yuan, reserved {reserved_in_run / 100:,.2f} yuan; "
                   f"reserved twice {reservations_twice[:5]}; differing {not_reserved[:5]}"))

    fund = district_fund()
    approved_in_run = list(StatusChange.objects.filter(
        object_type=Application._meta.label_lower, object_id__in=[str(pk) for pk in ids["applications"]],
        to_status=ApplicationStatus.APPROVED, changed_at__gte=run_started).values_list("object_id", flat=True))
    approved_in_run_sum = (Application.objects.filter(pk__in=[int(pk) for pk in approved_in_run])
                           .aggregate(total=Sum("amount_approved_fen"))["total"] or 0)
    reserved_delta = fund.reserved_fen - fund_before.reserved_fen
    checks.append(("the district fund's reservations grew by exactly the amounts approved during the run",
                   reserved_delta == approved_in_run_sum and fund.paid_fen == fund_before.paid_fen,
                   f"reserved grew {reserved_delta / 100:,.2f} yuan; {len(approved_in_run)} approved in the run for "
                   f"{approved_in_run_sum / 100:,.2f} yuan"))

    unclean = [row for row in recorder.attempts if row[4] == "unclean"]
    checks.append(("every loser got a clean 409 conflict / 404, or the page with a message in Chinese", not unclean,
                   f"{len(unclean)} unclean: {unclean[:5]}"))
    return checks


def report(args, recorder: Recorder, clerks: list[Clerk], seconds: float, checks) -> bool:
    from django.db import connection

    print(f"\nClerks' load: {len(clerks)} clients, {args.workers} gunicorn sync workers, {seconds:.1f} s "
          f"(PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    failures = [(c.name, c.failure) for c in clerks if c.failure]
    for name, failure in failures:
        print(f"  client {name} stopped: {failure}")
    total = sum(len(t) for t in recorder.timings.values())
    print(f"  requests: {total:,} ({total / seconds:,.1f}/s)")
    print(f"  {'kind':<12} {'requests':>8} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for kind in ("sign-in", "page queue", "page record", "page action", "api queue", "api record", "api action"):
        times = recorder.timings.get(kind, [])
        if not times:
            continue
        codes = ", ".join(f"{status}: {n:,}" for (k, status), n in sorted(recorder.statuses.items()) if k == kind)
        print(f"  {kind:<12} {len(times):>8,} {len(times) / seconds:>7.1f} {1000 * percentile(times, 0.5):>8.0f} "
              f"{1000 * percentile(times, 0.95):>8.0f} {1000 * percentile(times, 0.99):>8.0f}  {codes}")
    every = collections.Counter()
    for (_kind, status), n in recorder.statuses.items():
        every[status] += n
    print(f"  status codes: {dict(sorted(every.items()))}")

    print("\nActions and races")
    by_record = collections.defaultdict(list)
    for row in recorder.attempts:
        by_record[(row[0], row[1])].append(row)
    for what in ("registrations", "vacancies", "applications"):
        rows = [row for row in recorder.attempts if row[0] == what]
        records = {key: r for key, r in by_record.items() if key[0] == what}
        raced = {key: r for key, r in records.items() if len(r) > 1}
        outcomes = collections.Counter((row[3], row[4]) for row in rows)
        won = sum(1 for r in raced.values() for row in r if row[4] == "won")
        lost = sum(1 for r in raced.values() for row in r if row[4] == "lost")
        print(f"  {what:<14} {len(rows):>5,} attempts on {len(records):>4,} records; raced (≥ 2 attempts) "
              f"{len(raced):>4,}: {won:,} won, {lost:,} lost; outcomes "
              + ", ".join(f"{channel} {outcome}: {n:,}" for (channel, outcome), n in sorted(outcomes.items())))
    attempted = sum(1 for r in by_record.values() if len(r) > 1)
    won = sum(1 for r in by_record.values() if len(r) > 1 for row in r if row[4] == "won")
    lost = sum(1 for r in by_record.values() if len(r) > 1 for row in r if row[4] == "lost")
    loser_codes = collections.Counter((row[3], row[5]) for row in recorder.attempts if row[4] == "lost")
    print(f"  races: {attempted:,} records raced, {won:,} attempts won, {lost:,} lost "
          f"(losers' answers: {dict(sorted(loser_codes.items()))})")

    fund = district_fund()
    refused = sum(1 for row in recorder.attempts if row[4] == "fund refused")
    print(f"  the district fund: {fund.available_fen / 100:,.2f} yuan left of {fund.allocated_fen / 100:,.2f} "
          f"allocated; {refused:,} approvals refused because it could not cover them"
          + ("" if refused else " (it did not run out: lower --fund-share to race for its last money)"))

    if recorder.server_errors:
        print("\nAnswers ≥ 500")
        for method, path, status, body in recorder.server_errors[:20]:
            print(f"  {status} {method} {path}\n    {body}")

    print("\nChecks")
    ok = not failures
    if failures:
        print(f"  [FAIL] every client ran to the end ({len(failures)} stopped)")
    else:
        print("  [PASS] every client ran to the end")
    for label, passed, detail in checks:
        print(f"  [{'PASS' if passed else 'FAIL'}] {label}" + ("" if passed else f": {detail}"))
        ok = ok and passed
    return ok


def main() -> int:
    args = parse_args()
    if args.clients < 2:
        raise SystemExit("--clients must be at least 2 (one on the pages, one on the API)")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url, recreate=True)
    os.environ.update({key: value for key, value in BENCH_KEYS.items() if key.startswith("PERSONAL_DATA")})
    setup_django(url)
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(args.seed)
    server = None
    log_path = Path(f"/tmp/bench_clerks_gunicorn_{os.getpid()}.log")
    try:
        started = time.perf_counter()
        ids = populate(args, rng)
        print(f"Data ready in {time.perf_counter() - started:.1f} s")
        connection.close()
        redis_db8_clear()
        server = server_start(args, url, log_path)
        run_started = timezone.now()
        fund_before = district_fund()
        recorder, clerks, seconds = run_clients(args, ids)
        server_stop(server)
        server = None
        checks = verify(ids, recorder, run_started, fund_before, log_path)
        ok = report(args, recorder, clerks, seconds, checks)
        print(f"\n{'PASS' if ok else 'FAIL'}: a mixed clerk workload at concurrency {args.clients}: "
              f"no 500, no lost update")
        return 0 if ok else 1
    finally:
        if server is not None:
            server_stop(server)
        redis_db8_clear()
        if not args.keep:
            drop_database(url, hint=" (--keep keeps it)")


if __name__ == "__main__":
    sys.exit(main())
