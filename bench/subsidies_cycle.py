"""Benchmark of a monthly payment cycle of the recurring subsidies (issue 9), against one SQL statement.

Target (issue 9): with 50,000 persons with open hard-to-employ cases or flexible-employment
registrations across the city, generating one monthly cycle's payment list (eligibility re-checked
for each) takes ≤ 30 s and ≤ 3× the same selection written as one hand-written SQL statement, both
timed in the same run.

Run it from the project root::

    .venv/bin/python bench/subsidies_cycle.py                 # 50,000 persons; the database is dropped at the end
    .venv/bin/python bench/subsidies_cycle.py --scale 5000    # a quick run
    .venv/bin/python bench/subsidies_cycle.py --keep          # keep the database (a rerun at the same scale reuses it)

What it does:

1. Creates its own PostgreSQL database (``bench_subsidies`` on 127.0.0.1 as user postgres; set
   ``BENCH_DATABASE_URL`` to use another), migrates it and loads Wuhan's division tree.
2. Generates ``--scale`` persons (default 50,000) spread over the 3,495 communities, with COPY:
   each an approved hard-to-employ case (one category) and an employment registration, and an
   approved recurring application: 80 % the social-insurance subsidy of flexibly employed
   hard-to-employ persons (flexible employment), 20 % the public-welfare post subsidy (a public-welfare
   post at one of 500 employers). Periods of 6 to 36 months began up to 11 months before the cycle's
   month (last month); the months before it were paid by earlier cycles (settled cycles, paid lines,
   the fund ledger's reservation and payments), 2 % of last month's lines failed at the bank (paid
   again now), 3 % were approved late and are owed arrears, 1 % had part of their reservation
   released, 10 % had an earlier, fully paid grant of the programme. Some no longer qualify: 3 %
   left flexible employment or their post, 2 % had their case ended, 1 % exceed the 36 months, some
   near retirement reach it (the rest of those are within the 5-year window). The programmes' rules
   are the demo's (``subsidies.demo.PROGRAMMES``).

   Each application keeps its eligibility record as the review stores it (the version, six findings
   in words, the inputs, the amounts: about 1.5 kB of JSON). Identity numbers are valid 18-character numbers (``identity_make``), each with its own lookup HMAC,
   mask and Fernet ciphertext, exactly as registration stores them (every number is encrypted).
3. Times, in one process and on one connection:

   - **service**: ``cycles_generate_month`` of each of the two programmes for last month (what the
     monthly task runs): the candidates, the ledger, every application's eligibility re-assessed with
     the same rule code as at the review steps, the lines written, the cycles,
     the audit records. Run inside a transaction that is rolled back afterwards, so the data set stays
     as generated (``--runs`` times; the best and all runs are printed).
   - **SQL**: one hand-written ``SELECT`` returning the same lines (application, month, amount): the
     candidates, what each already has in lines and in its reservation, the eligibility rules
     (hard-to-employ case, employment covering the period, the statutory retirement date under the
     gradual rules, the months limit with its retirement window, contributions), the monthly amount
     and its cap, the months owed and the money still reserved. Run three times; the median counts.

4. Checks the two give exactly the same lines (the same application, month and amount, not just the
   same number), prints both times, the ratio, the SQL statements the service ran, and whether
   the targets are met.

The other half of the issue's sentence (a clerk's queue page and the applicant's timeline use a
constant number of queries) is asserted by tests: ``tests/subsidies/test_review_pages.py`` and
``tests/subsidies/test_apply_pages.py``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchdb import copy_into, drop_database, ensure_database, progress, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_subsidies"
TARGET_SECONDS = 30.0
TARGET_RATIO = 3.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕波宁辉俊峰婷雪梅鑫鹏浩宇晨欣怡"
CATEGORIES = ["older_urban", "disability", "minimum_living_allowance", "zero_employment_household",
              "land_lost_farmer", "long_term_unemployed"]


def parse_args():
    parser = argparse.ArgumentParser(description="Benchmark a monthly payment cycle of the recurring subsidies.")
    parser.add_argument("--scale", type=int, default=50_000, help="persons with an approved recurring application")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end (reused by the next run)")
    parser.add_argument("--runs", type=int, default=1, help="service runs (each rolled back)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the first service run")
    parser.add_argument("--seed", type=int, default=20261001)
    return parser.parse_args()


# --- Database ----------------------------------------------------------------------------------


def copy_rows(cursor, table: str, columns: list[str], rows) -> list[int]:
    """COPY ``rows`` into ``table``; the ids they were given, in order (one COPY numbers its rows in order)."""
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    before = cursor.fetchone()[0]
    copy_into(cursor, table, columns, rows)
    cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])
    ids = [row[0] for row in cursor.fetchall()]
    assert len(ids) == len(rows), (table, len(ids), len(rows))
    return ids


def add_months(day: datetime.date, months: int) -> datetime.date:
    from registration.retirement import add_months as add

    return add(day, months)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- The data set ------------------------------------------------------------------------------


def cycle_month() -> datetime.date:
    from django.utils import timezone

    return add_months(timezone.localdate().replace(day=1), -1)


def programmes():
    """The two recurring programmes of the demo, with their version (made when missing)."""
    from subsidies.constants import ProgrammeKind
    from subsidies.demo import EFFECTIVE_FROM, PROGRAMMES
    from subsidies.models import Programme, ProgrammeVersion

    found = {}
    for code, kind, name, parameters, source in PROGRAMMES:
        if kind not in (ProgrammeKind.SOCIAL_INSURANCE, ProgrammeKind.PUBLIC_WELFARE_POST):
            continue
        programme, made = Programme.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        if made:
            ProgrammeVersion.objects.create(programme=programme, number=1, effective_from=EFFECTIVE_FROM,
                                            parameters=parameters, source=source)
        found[kind] = programme
    return found


def eligibility_record(kind: str, version, *, person_id: int, birth: datetime.date, sex: str, start: datetime.date,
                       end: datetime.date, basis: int, monthly: int, months: int) -> str:
    """What an approved application keeps of its assessment (``Assessment.record()``): the rule
    version, each rule's finding in words, the inputs and the amounts, as the review stores it."""
    import json

    findings = [
        ("whole_months", "申请期间从某月第一天至某月最后一天。", {}),
        ("hard_to_employ", f"自{start - datetime.timedelta(days=200)}起为已认定的就业困难人员。", {"case": person_id}),
        ("flexible_employment" if kind == "social_insurance" else "public_welfare_post",
         f"自{start - datetime.timedelta(days=30)}起登记灵活就业。" if kind == "social_insurance"
         else f"自{start - datetime.timedelta(days=30)}起在申请单位的公益性岗位就业。", {}),
        ("before_retirement", "申请期间在法定退休年龄日期（2031-05-12）之前结束。", {"retirement": "2031-05-12"}),
        ("months_limit", f"此前已享受0个月，本次{months}个月：未超过允许的36个月。",
         {"before": 0, "months": months, "limit": 36}),
    ]
    if kind == "social_insurance":
        findings.append(("contributions_paid", f"实际缴费：每月{basis / 100:.2f}元。", {}))
    record = {
        "version": version.number, "version_id": version.pk, "effective_from": version.effective_from.isoformat(),
        "source": version.source, "assessed_on": start.isoformat(), "eligible": True,
        "findings": [{"code": code, "ok": True, "text": text, "params": params} for code, text, params in findings],
        "inputs": {"person": person_id, "birth_date": birth.isoformat(), "sex": sex,
                   "period_start": start.isoformat(), "period_end": end.isoformat(),
                   "applied_on": start.isoformat(), "basis_fen": basis,
                   "hardship_case": {"id": person_id, "approved_on": start.isoformat(), "categories": ["older_urban"]},
                   "retirement_date": "2031-05-12", "months_before": 0},
        "amounts": {"months": months, "monthly_amount_fen": monthly, "amount_fen": monthly * months},
    }
    return json.dumps(record, ensure_ascii=False)


def populate(args) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from portal.constants import AccountType, AreaLevel
    from portal.models import Area, User
    from registration.identity import identity_encrypt, identity_hash, identity_make, identity_mask
    from registration.retirement import statutory_retirement_date
    from subsidies.constants import ProgrammeKind
    from subsidies.models import Application, Fund, PaymentCycle

    call_command("migrate", verbosity=0)
    if not Area.objects.filter(code="420100000000").exists():
        call_command("load_areas", verbosity=0)
    have = Application.objects.filter(amount_approved_fen__isnull=False).values("person").distinct().count()
    if have == args.scale:
        print(f"Reusing the {args.scale:,} persons already in the database")
        return
    if have:
        raise SystemExit(f"The database holds another data set ({have:,} persons); drop it first.")

    rng = random.Random(args.seed)
    now = timezone.now()
    today = timezone.localdate()
    month = cycle_month()
    kinds = programmes()
    versions = {kind: programme.versions.get() for kind, programme in kinds.items()}
    si, pw = kinds[ProgrammeKind.SOCIAL_INSURANCE], kinds[ProgrammeKind.PUBLIC_WELFARE_POST]
    si_params, pw_params = versions[ProgrammeKind.SOCIAL_INSURANCE].parameters, versions[
        ProgrammeKind.PUBLIC_WELFARE_POST].parameters
    clerk, _ = User.objects.get_or_create(username="bench_clerk", defaults={
        "account_type": AccountType.STAFF, "full_name": "基准测试"})
    communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).values_list("code", "path"))
    districts = dict(Area.objects.filter(level=AreaLevel.DISTRICT).values_list("path", "code"))
    started = time.perf_counter()
    cursor = connection.cursor()

    # 500 employers running public-welfare posts (community service centres), in the communities.
    from jobs.validators import CREDIT_CODE_CHARSET, credit_code_check_character

    def credit_code(n: int) -> str:
        body = "91420100" + "".join(CREDIT_CODE_CHARSET[(n // 31 ** i) % 31] for i in range(9))
        return body + credit_code_check_character(body)

    employer_rows = []
    for n in range(500):
        code, path = rng.choice(communities)
        employer_rows.append([code, path, f"公益性岗位服务中心{n + 1:03d}", credit_code(700_000 + n), "S",
                              "武汉市社区服务中心", "社区主任", "02782000000", "", "verified", "", now, False, now])
    with transaction.atomic():
        employer_ids = copy_rows(cursor, "jobs_employer", [
            "area_id", "area_path", "name", "credit_code", "industry_id", "address", "contact_name", "contact_phone",
            "introduction", "status", "status_reason", "verified_at", "is_member_unit", "created_at"], employer_rows)

    # Persons: identity numbers made, hashed, masked and encrypted one by one.
    seen: set[str] = set()
    people = []  # dicts describing each person and their application
    person_rows = []
    for i in range(args.scale):
        code, path = rng.choice(communities)
        roll = rng.random()
        sex = "male" if rng.random() < 0.5 else "female"
        original = None
        if sex == "female" and rng.random() < 0.2:
            original = 55
        if roll < 0.05:  # near retirement: within the 5-year window
            birth = (datetime.date(1966, 6, 1) if sex == "male" else
                     datetime.date(1976, 6, 1) if original is None else datetime.date(1971, 6, 1)) + \
                datetime.timedelta(days=rng.randrange(0, 3 * 365))
        else:
            birth = (datetime.date(1970, 1, 1) if sex == "male" or original else datetime.date(1980, 1, 1)) + \
                datetime.timedelta(days=rng.randrange(0, 20 * 365))
        while True:
            number = identity_make(path[:6], birth, rng.randrange(500) * 2 + (1 if sex == "male" else 0))
            if number not in seen:
                seen.add(number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        person_rows.append([code, path, identity_hash(number), identity_encrypt(number), identity_mask(number), name,
                            sex, birth, f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}", "senior_middle", "",
                            now, original, clerk.pk])
        people.append({"code": code, "path": path, "name": name, "birth": birth, "sex": sex, "original": original})
        if (i + 1) % 5000 == 0 or i + 1 == args.scale:
            progress("Persons (identity numbers encrypted)", i + 1, args.scale, started)
    with transaction.atomic():
        person_ids = copy_rows(cursor, "registration_person", [
            "area_id", "area_path", "id_hash", "id_encrypted", "id_masked", "name", "sex", "birth_date", "phone",
            "education", "skills", "created_at", "original_retirement_age", "created_by_id"], person_rows)
    del person_rows

    # What each has: a case, an employment, an application, perhaps an earlier grant; the paid months.
    case_rows, employment_rows, application_rows = [], [], []
    for person, pk in zip(people, person_ids, strict=True):
        person["id"] = pk
        kind = ProgrammeKind.SOCIAL_INSURANCE if rng.random() < 0.8 else ProgrammeKind.PUBLIC_WELFARE_POST
        person["kind"] = kind
        start = add_months(month, -rng.randrange(0, 12))
        length = rng.choice((6, 12, 12, 24, 36))
        prior = rng.random() < 0.10
        if prior:
            length = 36 if rng.random() < 0.1 else min(length, 24)  # a tenth of them exceed 36 months in all
        end = month_end(add_months(start, length - 1))
        retirement = statutory_retirement_date(person["birth"], person["sex"], person["original"])
        if end >= retirement and rng.random() < 0.8:  # approved until retirement; the rest reach it now
            while length > 1 and end >= retirement:
                length -= 1
                end = month_end(add_months(start, length - 1))
        approved_on = start - datetime.timedelta(days=rng.randrange(30, 700) + (365 if prior else 0))
        case_status = "ended" if rng.random() < 0.02 else "approved"
        case_rows.append([person["code"], person["path"], case_status, "家庭收入较低，长期未能稳定就业。",
                          datetime.datetime.combine(approved_on - datetime.timedelta(days=20), datetime.time(9),
                                                    tzinfo=datetime.UTC),
                          approved_on, today - datetime.timedelta(days=10) if case_status == "ended" else None,
                          "district_decision" if case_status == "ended" else "", "", clerk.pk, pk])
        employer_id = None
        first = start if not prior else add_months(start, -12)
        started_on = first - datetime.timedelta(days=rng.randrange(1, 400))
        ended_on = None
        if rng.random() < 0.03:  # left the employment during the period
            ended_on = min(end, month_end(month)) - datetime.timedelta(days=rng.randrange(1, 28))
            if ended_on < start:
                ended_on = start
        if kind == ProgrammeKind.SOCIAL_INSURANCE:
            employment_rows.append([person["code"], person["path"], "flexible", started_on, ended_on,
                                    "个体经营（灵活就业）", now, None, clerk.pk, pk])
            basis = rng.randrange(40_000, 160_000, 100)
            monthly = min(basis * 2 // 3, si_params["monthly_cap_fen"])
            programme, version = si, versions[kind]
        else:
            n = rng.randrange(len(employer_ids))
            employer_id = employer_ids[n]
            employment_rows.append([person["code"], person["path"], "public_welfare", started_on, ended_on,
                                    f"公益性岗位服务中心{n + 1:03d}", now, employer_id, clerk.pk, pk])
            basis, monthly = 0, pw_params["monthly_amount_fen"]
            programme, version = pw, versions[kind]
        key = f"person:{pk}" if employer_id is None else f"employer:{employer_id}"
        payee = (person["name"], f"62220202{pk:011d}") if employer_id is None else (
            f"公益性岗位服务中心{n + 1:03d}", f"4201{employer_id:08d}00012345")
        grants = []
        if prior:
            prior_start = add_months(start, -12)
            grants.append((prior_start, month_end(add_months(prior_start, 11)), True))
        grants.append((start, end, False))
        person["applications"] = []
        for period_start, period_end, earlier in grants:
            months = (period_end.year - period_start.year) * 12 + period_end.month - period_start.month + 1
            amount = monthly * months
            late = not earlier and rng.random() < 0.03  # approved late: months owed as arrears
            paid_until = period_end if earlier else (None if late else add_months(month, -1))
            paid_months = [] if paid_until is None else [
                m for m in _month_list(period_start, min(paid_until, period_end))]
            status = "disbursed" if paid_months else "approved"
            applied_on = period_start - datetime.timedelta(days=rng.randrange(5, 40))
            decided = datetime.datetime.combine(applied_on + datetime.timedelta(days=20), datetime.time(10),
                                                tzinfo=datetime.UTC)
            record = eligibility_record(kind, version, person_id=pk, birth=person["birth"], sex=person["sex"],
                                        start=period_start, end=period_end, basis=basis, monthly=monthly,
                                        months=months)
            application_rows.append([
                person["code"], person["path"], "person" if employer_id is None else "employer", key, "window",
                applied_on, period_start, period_end, basis, "{}", monthly, amount, amount, False, payee[0][:60],
                payee[1], status, "", "", record, decided - datetime.timedelta(days=20), decided, employer_id, clerk.pk,
                pk, programme.pk, version.pk])
            person["applications"].append({"amount": amount, "monthly": monthly, "paid": paid_months,
                                           "earlier": earlier, "programme": programme.pk, "payee": payee})
    with transaction.atomic():
        case_ids = copy_rows(cursor, "registration_hardshipcase", [
            "area_id", "area_path", "status", "circumstances", "submitted_at", "approved_on", "ended_on", "end_reason",
            "decision_note", "submitted_by_id", "person_id"], case_rows)
        copy_rows(cursor, "registration_hardshipcase_categories", ["hardshipcase_id", "hardshipcategory_id"],
                  [[case_id, rng.choice(CATEGORIES)] for case_id in case_ids])
        copy_rows(cursor, "registration_employmentregistration", [
            "area_id", "area_path", "kind", "started_on", "ended_on", "employer_name", "created_at", "employer_id",
            "registered_by_id", "person_id"], employment_rows)
        application_ids = copy_rows(cursor, "subsidies_application", [
            "area_id", "area_path", "applicant_type", "applicant_key", "channel", "applied_on", "period_start",
            "period_end", "basis_fen", "details", "monthly_amount_fen", "amount_requested_fen", "amount_approved_fen",
            "needs_city_approval", "payee_name", "payee_account", "status", "reason_code", "remark", "eligibility",
            "submitted_at", "decided_at", "employer_id", "entered_by_id", "person_id", "programme_id", "version_id"],
            application_rows)
    progress("Cases, employments, applications", len(application_ids), len(application_ids), started)

    # Earlier cycles (settled), their lines and the fund ledger.
    year = today.year
    funds = {}
    for path, code in districts.items():
        funds[path] = Fund.objects.get_or_create(area_id=code, year=year, defaults={
            "budget_fen": 10 ** 12, "prior_year_revenue_fen": 10 ** 13, "allocated_fen": 10 ** 12})[0]
    cycles: dict[tuple, int] = {}
    lines = []  # (application id, person, application dict, month, status)
    ids = iter(application_ids)
    for person in people:
        for application in person["applications"]:
            application["id"] = next(ids)
            for paid_month in application["paid"]:
                failed = paid_month == add_months(month, -1) and rng.random() < 0.02
                district = person["path"][:6]
                cycles.setdefault((application["programme"], paid_month, district), 0)
                lines.append((application, person, paid_month, "failed" if failed else "paid"))
    made = PaymentCycle.objects.bulk_create([
        PaymentCycle(programme_id=programme_id, month=paid_month, area_id=districts[district], area_path=district,
                     status="settled", generated_by=clerk, left_out=[])
        for programme_id, paid_month, district in cycles])
    for cycle in made:
        cycles[(cycle.programme_id, cycle.month, cycle.area_path)] = cycle.pk
    payment_rows = []
    for application, person, paid_month, status in lines:
        settled = datetime.datetime.combine(add_months(paid_month, 1) + datetime.timedelta(days=5),
                                            datetime.time(10), tzinfo=datetime.UTC)
        payment_rows.append([person["code"], person["path"], paid_month, application["monthly"],
                             application["payee"][0][:60], application["payee"][1], status,
                             "账户已冻结" if status == "failed" else "", f"B{len(payment_rows):09d}", settled,
                             application["id"], cycles[(application["programme"], paid_month, person["path"][:6])]])
    with transaction.atomic():
        payment_ids = copy_rows(cursor, "subsidies_payment", [
            "area_id", "area_path", "month", "amount_fen", "payee_name", "payee_account", "status", "failure_reason",
            "bank_reference", "settled_at", "application_id", "cycle_id"], payment_rows)
    progress("Earlier lines", len(payment_ids), len(payment_ids), started)
    entries = []
    for person in people:
        district = person["path"][:6]
        for application in person["applications"]:
            entries.append([person["code"], person["path"], "reserved", application["amount"], "审批预留", now, None,
                            application["id"], funds[district].pk, None])
    for (application, person, paid_month, status), payment_id in zip(lines, payment_ids, strict=True):
        if status == "paid":
            entries.append([person["code"], person["path"], "paid", application["monthly"], "支付", now, None,
                            application["id"], funds[person["path"][:6]].pk, payment_id])
    for person in people:  # 1 %: part of the reservation released (a correction), 1.5 months left
        application = person["applications"][-1]
        if rng.random() < 0.01:
            left = application["amount"] - application["monthly"] * len(application["paid"])
            release = left - application["monthly"] * 3 // 2
            if release > 0:
                entries.append([person["code"], person["path"], "released", release, "更正：核减", now, None,
                                application["id"], funds[person["path"][:6]].pk, None])
    with transaction.atomic():
        copy_rows(cursor, "subsidies_fundentry", [
            "area_id", "area_path", "kind", "amount_fen", "note", "created_at", "actor_id", "application_id",
            "fund_id", "payment_id"], entries)
        cursor.execute("""
            UPDATE subsidies_fund f SET
              reserved_fen = t.reserved - t.paid - t.released, paid_fen = t.paid
            FROM (SELECT fund_id, sum(amount_fen) FILTER (WHERE kind = 'reserved') AS reserved,
                         coalesce(sum(amount_fen) FILTER (WHERE kind = 'paid'), 0) AS paid,
                         coalesce(sum(amount_fen) FILTER (WHERE kind = 'released'), 0) AS released
                  FROM subsidies_fundentry GROUP BY fund_id) t
            WHERE f.id = t.fund_id""")
    progress("Fund ledger entries", len(entries), len(entries), started)
    cursor.close()


def _month_list(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = add_months(day, 1)
    return months


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("registration_person", "registration_hardshipcase", "registration_hardshipcase_categories",
                      "registration_employmentregistration", "subsidies_application", "subsidies_payment",
                      "subsidies_fundentry", "subsidies_paymentcycle", "jobs_employer"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- The hand-written statement ----------------------------------------------------------------

# The same selection as ``cycles_generate_month`` of the social-insurance and public-welfare post
# programmes for one month, in every district: the lines (application, month, amount) it would add.
SQL = r"""
WITH candidate AS (
    SELECT a.id, a.person_id, a.programme_id, a.employer_id, a.period_start, a.basis_fen, a.monthly_amount_fen,
           coalesce(a.amount_approved_fen, a.amount_requested_fen) AS granted,
           least(a.period_end, %(last_day)s::date) AS until,
           pr.kind, v.parameters AS params, p.birth_date, p.sex,
           CASE WHEN p.sex = 'male' THEN 60 WHEN p.original_retirement_age IN (50, 55)
                THEN p.original_retirement_age ELSE 50 END AS original_age
    FROM subsidies_application a
    JOIN subsidies_programme pr ON pr.id = a.programme_id
    JOIN subsidies_programmeversion v ON v.id = a.version_id
    JOIN registration_person p ON p.id = a.person_id
    WHERE a.programme_id = ANY(%(programmes)s) AND a.status IN ('approved', 'disbursed')
      AND a.period_start <= %(last_day)s::date  -- every district: the whole city
),
facts AS (
    SELECT c.*, coalesce(l.committed, 0) AS committed, coalesce(l.pending, 0) AS pending,
           coalesce(r.reserved, 0) AS reserved,
           -- the statutory retirement date under the gradual rules
           (c.birth_date + make_interval(months => c.original_age * 12 + CASE
               WHEN rule.months_after < 0 THEN 0 ELSE least(rule.months_after / rule.step + 1, rule.cap) END))::date
               AS retirement,
           (extract(day FROM c.period_start) = 1
            AND c.until = (date_trunc('month', c.until) + interval '1 month - 1 day')::date) AS whole_months,
           ((extract(year FROM c.until) - extract(year FROM c.period_start)) * 12
            + extract(month FROM c.until) - extract(month FROM c.period_start) + 1)::int AS months,
           (SELECT coalesce(sum((extract(year FROM g.period_end) - extract(year FROM g.period_start)) * 12
                                + extract(month FROM g.period_end) - extract(month FROM g.period_start) + 1), 0)
            FROM subsidies_application g
            WHERE g.programme_id = c.programme_id AND g.person_id = c.person_id AND g.id <> c.id
              AND g.status IN ('district_approved', 'approved', 'disbursed')) AS months_before,
           hc.categories AS case_categories,
           EXISTS (SELECT 1 FROM registration_employmentregistration e
                   WHERE e.person_id = c.person_id
                     AND e.kind = CASE c.kind WHEN 'social_insurance' THEN 'flexible' ELSE 'public_welfare' END
                     AND e.started_on <= c.period_start AND (e.ended_on IS NULL OR e.ended_on >= c.until)
                     AND (c.kind = 'social_insurance' OR c.employer_id IS NULL OR e.employer_id = c.employer_id))
               AS employed
    FROM candidate c
    CROSS JOIN LATERAL (  -- what it already has in lines (a failed line does not count)
        SELECT sum(amount_fen) AS committed, sum(amount_fen) FILTER (WHERE status = 'pending') AS pending
        FROM subsidies_payment WHERE application_id = c.id AND status <> 'failed'
    ) l
    CROSS JOIN LATERAL (  -- what is still reserved for it on the fund
        SELECT sum(CASE WHEN kind = 'reserved' THEN amount_fen ELSE -amount_fen END) AS reserved
        FROM subsidies_fundentry WHERE application_id = c.id AND kind IN ('reserved', 'paid', 'released')
    ) r
    CROSS JOIN LATERAL (
        SELECT (extract(year FROM c.birth_date) * 12 + extract(month FROM c.birth_date) - 1)::int
               - CASE WHEN c.sex = 'male' THEN 1965 * 12 WHEN c.original_age = 55 THEN 1970 * 12 ELSE 1975 * 12 END
                 AS months_after,
               CASE WHEN c.sex = 'female' AND c.original_age = 50 THEN 2 ELSE 4 END AS step,
               CASE WHEN c.sex = 'female' AND c.original_age = 50 THEN 60 ELSE 36 END AS cap
    ) rule
    LEFT JOIN LATERAL (  -- the latest case approved by the period's start, if it is still approved
        SELECT array(SELECT hardshipcategory_id::text FROM registration_hardshipcase_categories x
                     WHERE x.hardshipcase_id = h.id) AS categories
        FROM registration_hardshipcase h
        WHERE h.person_id = c.person_id AND h.status = 'approved' AND h.approved_on <= c.period_start
        ORDER BY h.submitted_at DESC, h.id DESC LIMIT 1
    ) hc ON true
    WHERE coalesce(l.committed, 0) < c.granted
),
eligible AS (
    SELECT f.id, f.period_start, f.until, f.committed, f.pending, f.reserved, f.granted,
           least(coalesce(nullif(f.monthly_amount_fen, 0), CASE f.kind
                     WHEN 'social_insurance' THEN least(f.basis_fen * split_part(f.params ->> 'share', '/', 1)::bigint
                                                        / split_part(f.params ->> 'share', '/', 2)::bigint,
                                                        (f.params ->> 'monthly_cap_fen')::bigint)
                     ELSE (f.params ->> 'monthly_amount_fen')::bigint END),
                 coalesce((f.params ->> 'monthly_cap_fen')::bigint, (f.params ->> 'monthly_amount_fen')::bigint))
               AS monthly
    FROM facts f
    WHERE f.whole_months
      AND f.case_categories IS NOT NULL
      AND (jsonb_array_length(coalesce(f.params -> 'categories', '[]')) = 0
           OR f.case_categories && ARRAY(SELECT jsonb_array_elements_text(f.params -> 'categories')))
      AND f.employed
      AND f.until < f.retirement
      AND ((f.params ? 'retirement_window_years'
            AND (f.period_start + make_interval(years => (f.params ->> 'retirement_window_years')::int))::date
                >= f.retirement)
           OR f.months_before + CASE WHEN f.whole_months THEN f.months ELSE 0 END
              <= (f.params ->> 'max_months')::int)
      AND (f.kind <> 'social_insurance' OR f.basis_fen > 0)
),
owed AS (  -- the months up to the cycle's with no pending or paid line, in order
    SELECT e.id, e.monthly, least(e.granted - e.committed, e.reserved - e.pending) AS room, m.month::date AS month,
           row_number() OVER (PARTITION BY e.id ORDER BY m.month) - 1 AS k
    FROM eligible e
    CROSS JOIN LATERAL generate_series(e.period_start, date_trunc('month', e.until), interval '1 month') AS m(month)
    WHERE NOT EXISTS (SELECT 1 FROM subsidies_payment p
                      WHERE p.application_id = e.id AND p.month = m.month::date AND p.status <> 'failed')
)
SELECT id, month, least(monthly, room - k * monthly) AS amount
FROM owed
WHERE room - k * monthly > 0
ORDER BY id, month
"""


def run_sql(programme_ids: list[int], month: datetime.date) -> tuple[float, list[tuple]]:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(SQL, {"programmes": programme_ids, "last_day": month_end(month)})
        rows = cursor.fetchall()
        return time.perf_counter() - started, rows


class _Rollback(Exception):
    pass


WRITE_SQL = """
INSERT INTO subsidies_payment (cycle_id, application_id, month, amount_fen, payee_name, payee_account, area_id,
                               area_path, status, failure_reason, bank_reference)
SELECT cy.id, s.id, s.month, s.amount, a.payee_name, a.payee_account, a.area_id, a.area_path, 'pending', '', ''
FROM ({select}) s
JOIN subsidies_application a ON a.id = s.id
JOIN subsidies_paymentcycle cy ON cy.programme_id = a.programme_id AND cy.month = %(month)s
                              AND cy.area_path = left(a.area_path, %(district_path)s)
"""


def run_sql_written(programme_ids: list[int], month: datetime.date) -> tuple[float, int]:
    """The same statement writing its lines into the payment table, as the service does (the month's
    cycle of every district made first, each programme), in a transaction rolled back afterwards."""
    from django.db import connection, transaction

    from portal.constants import AreaLevel
    from portal.models import Area

    districts = list(Area.objects.filter(level=AreaLevel.DISTRICT).values_list("code", "path"))
    select = SQL.strip().rsplit("ORDER BY", 1)[0]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("""
                INSERT INTO subsidies_paymentcycle (area_id, area_path, programme_id, month, status, generated_at,
                                                    left_out)
                SELECT d.code, d.path, p, %s, 'generated', now(), '[]'::jsonb
                FROM unnest(%s::text[], %s::text[]) d(code, path), unnest(%s::bigint[]) p""",
                           [month, [c for c, _p in districts], [p for _c, p in districts], programme_ids])
            cursor.execute(WRITE_SQL.format(select=select),
                           {"programmes": programme_ids, "last_day": month_end(month), "month": month,
                            "district_path": len(districts[0][1])})
            written = cursor.rowcount
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return seconds, written


# --- The service -------------------------------------------------------------------------------


def run_service(programme_list, month: datetime.date, *, profile: bool):
    """``cycles_generate_month`` of each programme, timed; the lines it added and the queries it ran,
    read inside the transaction, which is then rolled back."""
    from django.db import connection, transaction

    from subsidies.models import Payment
    from subsidies.services.payments import cycles_generate_month

    queries = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    outcome = {}
    try:
        with transaction.atomic():
            with connection.execute_wrapper(count):
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                results = [r for programme in programme_list
                           for r in cycles_generate_month(programme=programme, month=month)]
                outcome["seconds"] = time.perf_counter() - started
                if profiler:
                    profiler.disable()
            outcome["queries"] = len(queries)
            outcome["cycles"] = sum(1 for r in results if r.cycle is not None)
            outcome["left_out"] = sum(len(r.left_out) for r in results)
            outcome["added"] = sum(r.added for r in results)
            cycle_ids = [r.cycle.pk for r in results if r.cycle is not None]
            outcome["lines"] = sorted(Payment.objects.filter(cycle_id__in=cycle_ids)
                                      .values_list("application_id", "month", "amount_fen"))
            outcome["left_out_codes"] = {}
            for r in results:
                for item in r.left_out:
                    for code in item["codes"]:
                        outcome["left_out_codes"][code] = outcome["left_out_codes"].get(code, 0) + 1
            raise _Rollback
    except _Rollback:
        pass
    if profiler:
        import pstats

        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(20)
        slowest: dict[str, list[float]] = {}
        for seconds, sql in queries:
            slowest.setdefault(" ".join(sql.split())[:150], []).append(seconds)
        print("Slowest statements (total seconds, count, statement):")
        for sql, times in sorted(slowest.items(), key=lambda item: -sum(item[1]))[:12]:
            print(f"  {sum(times):6.2f} {len(times):4d}  {sql}")
    return outcome


def run(args) -> int:
    from django.db import connection

    from subsidies.constants import ProgrammeKind
    from subsidies.models import Application, Payment

    month = cycle_month()
    kinds = programmes()
    programme_list = [kinds[ProgrammeKind.SOCIAL_INSURANCE], kinds[ProgrammeKind.PUBLIC_WELFARE_POST]]
    ids = [p.pk for p in programme_list]
    persons = Application.objects.values("person").distinct().count()
    print(f"\n{persons:,} persons, {Application.objects.count():,} applications, "
          f"{Payment.objects.count():,} earlier lines; cycle month {month:%Y-%m} "
          f"(PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")

    # Warm the connection and the caches with one untimed SQL run.
    run_sql(ids, month)
    sql_times, sql_rows = [], None
    for _ in range(3):
        elapsed, rows = run_sql(ids, month)
        sql_times.append(elapsed)
        sql_rows = rows
    sql_seconds = statistics.median(sql_times)
    written_times = [run_sql_written(ids, month) for _ in range(3)]
    written_seconds = statistics.median(seconds for seconds, _n in written_times)

    service_runs = [run_service(programme_list, month, profile=args.profile and n == 0) for n in range(args.runs)]
    service = min(service_runs, key=lambda o: o["seconds"])
    service_lines = service["lines"]
    expected = sorted((row[0], row[1], row[2]) for row in sql_rows)
    same = service_lines == expected
    ratio = service["seconds"] / sql_seconds

    print("\nOne monthly cycle, both programmes, every district")
    runs = ", ".join(f"{o['seconds']:.2f}" for o in service_runs)
    print(f"  service  {service['seconds']:7.2f} s  ({runs} s "
          f"over {len(service_runs)} run(s)); {service['queries']:,} SQL statements; {service['cycles']} cycles, "
          f"{len(service_lines):,} lines, {sum(a for *_x, a in service_lines) / 100:,.2f} yuan; "
          f"{service['left_out']:,} left out {dict(sorted(service['left_out_codes'].items()))}")
    print(f"  SQL      {sql_seconds:7.2f} s  (median of {', '.join(f'{t:.2f}' for t in sql_times)} s); "
          f"{len(sql_rows):,} lines, {sum(r[2] for r in sql_rows) / 100:,.2f} yuan")
    print(f"  SQL that also writes its lines (INSERT … SELECT, the cycles first) "
          f"{written_seconds:.2f} s (median of {', '.join(f'{t:.2f}' for t, _n in written_times)} s; "
          f"{written_times[0][1]:,} lines)")
    print(f"  service / SQL = {ratio:.2f}; service / SQL writing its lines = {service['seconds'] / written_seconds:.2f}")
    if not same:
        only_service = set(service_lines) - set(expected)
        only_sql = set(expected) - set(service_lines)
        print(f"  lines differ: {len(only_service)} only from the service (e.g. {sorted(only_service)[:5]}), "
              f"{len(only_sql)} only from SQL (e.g. {sorted(only_sql)[:5]})")
    assert len(service_lines) == len(sql_rows), "the service and the SQL statement give different numbers of lines"
    assert same, "the service and the SQL statement give different lines"
    print("  the same lines (application, month, amount) both ways")
    print("\nTargets")
    checks = [
        (f"service {service['seconds']:.2f} s ≤ {TARGET_SECONDS:.0f} s", service["seconds"] <= TARGET_SECONDS),
        (f"service / SQL = {ratio:.2f} ≤ {TARGET_RATIO:.0f}", ratio <= TARGET_RATIO),
    ]
    for label, ok in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {label}")
    return 0 if all(ok for _, ok in checks) else 1


def main() -> int:
    args = parse_args()
    if args.scale < 100:
        raise SystemExit("--scale must be at least 100")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    setup_django(url)
    try:
        started = time.perf_counter()
        populate(args)
        vacuum()
        print(f"Data ready in {time.perf_counter() - started:.1f} s")
        return run(args)
    finally:
        if not args.keep:
            drop_database(url, hint=" (--keep keeps it)")


if __name__ == "__main__":
    sys.exit(main())
