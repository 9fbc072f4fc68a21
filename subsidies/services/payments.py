"""Payment cycles of the recurring programmes (issue point 5): the monthly payment list, the bank
disbursement file and the bank's result.

Who does what is declared in ``subsidies.constants`` (``CYCLE_WORKFLOW``, ``PAYMENT_WORKFLOW``): a
cycle is one month of one programme in one district, because the district's fund pays it. Its district
clerks generate the list, send the bank file and import the bank's result; on the first of each month
the system generates the previous month's cycles of every district. Officials and the city read them.

Generating a month's list (``cycle_generate``) takes every application of the programme that is
approved or already being paid, and pays each month of its period up to the cycle's month that has
no line yet, or whose line failed (a failed month is paid by a later cycle; a month approved late is
paid as arrears). Each application's eligibility is assessed again at that moment, for its period up
to the month paid (``eligibility.assess`` with the facts of all applications loaded at once); someone
no longer eligible gets no line, and the reasons are kept on the cycle (``left_out``). Each month's
amount is the approved monthly amount capped at the version's monthly maximum, and never more than
the application still has reserved on the fund. A rerun adds only what is new: the database's unique
constraints decide (one line per application, month and cycle; a month paid or pending once only).

The bank's result file is checked whole before anything is applied (``cycle_import_check``, which the
preview shows); any bad line refuses the file, naming every bad line and field. A good file settles
each payment through ``PAYMENT_WORKFLOW``: paid moves the money out of the reservation
(``funds.fund_pay``) and, for an application's first paid month, records its disbursement through the
review's ``disburse`` step; failed keeps the money reserved for a later cycle. A line that repeats
what is already recorded changes nothing, so importing the same file twice changes nothing the second
time. The cycle is closed by the system when no line awaits the bank any more.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel, AuditKind
from portal.models import Area, User
from portal.scoping import ALL_AREAS, OutOfScope, scope_paths
from portal.workflow import authorize, transition
from subsidies import bankfiles
from subsidies.constants import (
    BANK_REFERENCE_MAX,
    CYCLE_CLERKS,
    CYCLE_WORKFLOW,
    FAILURE_REASON_MAX,
    PAYMENT_WORKFLOW,
    RECURRING_KINDS,
    ApplicationStatus,
    CycleStatus,
    FundEntryKind,
    PaymentStatus,
    SubsidiesEvent,
)
from subsidies.eligibility import Claim, EligibilityFacts, assess, filter_ids, month_end
from subsidies.models import Application, FundEntry, Payment, PaymentCycle, Programme, ProgrammeVersion
from subsidies.money import fen_from_yuan, yuan
from subsidies.services.funds import fund_pay

PAID_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)
REFERENCE_PREFIX = "PAY-"
_REFERENCE = re.compile(r"^PAY-?(\d{1,12})$", re.IGNORECASE)


def payment_reference(payment: Payment) -> str:
    """The reference a payment goes to the bank with, and comes back with: ``PAY-000001234``."""
    return f"{REFERENCE_PREFIX}{payment.pk:09d}"


def payment_id_of(reference: str) -> int | None:
    match = _REFERENCE.match(reference.strip())
    return int(match.group(1)) if match else None


def monthly_maximum(version: ProgrammeVersion) -> int | None:
    """The most a month of this version pays (its cap, or its fixed monthly amount)."""
    params = version.parameters
    return params.get("monthly_cap_fen", params.get("monthly_amount_fen"))


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    months, year, month = [], first.year, first.month
    last_year, last_month = last.year, last.month
    while year < last_year or (year == last_year and month <= last_month):
        months.append(datetime.date(year, month, 1))
        if month == 12:
            year, month = year + 1, 1
        else:
            month += 1
    return months


def cycle_districts(user: User | None) -> list[Area]:
    """The districts whose cycles ``user`` may generate and send (``CYCLE_CLERKS``), by code."""
    paths = scope_paths(user, CYCLE_CLERKS.roles, CYCLE_CLERKS.levels)
    districts = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code")
    if ALL_AREAS in paths:
        return list(districts)
    return list(districts.filter(path__in=paths)) if paths else []


# --- Generating a month's list ------------------------------------------------------------------


@dataclass
class CycleGeneration:
    """What one generation did in one district."""

    district: Area
    cycle: PaymentCycle | None
    added: int = 0
    added_fen: int = 0
    left_out: list[dict] = field(default_factory=list)
    sent_already: bool = False


def _check_request(programme: Programme, month: datetime.date, today: datetime.date) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if programme.kind not in RECURRING_KINDS:
        errors["programme"] = [ValidationError(_("%(programme)s is paid once, not month by month.")
                                               % {"programme": programme.name}, code="not_recurring")]
    if month.day != 1:
        errors["month"] = [ValidationError(_("Give a month (its first day)."), code="invalid")]
    elif month > today.replace(day=1):
        errors["month"] = [ValidationError(_("%(month)s has not started yet; a month is paid from its first day.")
                                           % {"month": f"{month:%Y-%m}"}, code="future_month")]
    if errors:
        raise ValidationError(errors)


def _lock_programme_district(programme: Programme, district: Area) -> None:
    """Generations of one programme in one district, whatever their month, run one at a time, so two
    months generated at once never both spend one reservation (PostgreSQL; SQLite runs one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"subsidies.cycle:{programme.pk}:{district.code}"])


def _cycle_for_update(*, programme: Programme, month: datetime.date, district: Area, actor: User | None,
                      create: bool) -> PaymentCycle | None:
    """The district's cycle of the month, locked; made when ``create`` and missing (a concurrent
    generation that made it first is found instead)."""
    found = (PaymentCycle.objects.select_for_update()
             .filter(programme=programme, month=month, area=district).first())
    if found is not None or not create:
        return found
    try:
        with transaction.atomic():
            return PaymentCycle.objects.create(programme=programme, month=month, area=district, generated_by=actor)
    except IntegrityError:
        return PaymentCycle.objects.select_for_update().get(programme=programme, month=month, area=district)


class _Person(NamedTuple):
    """What the rules of the recurring programmes read of a person (``eligibility._Rules``)."""

    pk: int
    birth_date: datetime.date
    sex: str
    original_retirement_age: int | None
    education: str


class _Employer(NamedTuple):
    pk: int
    status: str


class _Agency(NamedTuple):
    pk: int
    status: str
    valid_from: datetime.date
    valid_to: datetime.date


class _Candidate(NamedTuple):
    """An application that may be owed a month: what the cycle and the rules read of it, from one
    row (a model instance per application, person, employer and agency was a large share of a
    city-wide cycle's time). The person, employer and agency stand in for the models in the claim:
    the rules of the recurring programmes read these attributes only, and run no query with them."""

    pk: int
    version_id: int
    person_id: int
    area_id: str
    area_path: str
    applied_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    basis_fen: int
    loan_term_months: int | None
    details: dict
    monthly_amount_fen: int | None
    amount_fen: int
    payee_name: str
    payee_account: str
    person: _Person
    employer: _Employer | None
    agency: _Agency | None


_CANDIDATE_COLUMNS = (
    "pk", "version_id", "person_id", "area_id", "area_path", "applied_on", "period_start", "period_end",
    "basis_fen", "loan_term_months", "details", "monthly_amount_fen", "granted", "payee_name", "payee_account",
    "person__birth_date", "person__sex", "person__original_retirement_age", "person__education",
    "employer_id", "employer__status", "agency_id", "agency__status", "agency__valid_from", "agency__valid_to",
)


def _candidates(programme: Programme, month: datetime.date, districts: list[Area]) -> list[_Candidate]:
    """Applications of the districts that may be owed a month up to ``month``: approved or being paid,
    their period begun by then (whether each is owed, and eligible, is decided next)."""
    where = Q()
    for district in districts:
        where |= Q(area_path__startswith=district.path)
    # Applications whose lines (pending or paid) already reach the approved amount are done for good.
    committed = (Payment.objects.filter(application=OuterRef("pk")).exclude(status=PaymentStatus.FAILED)
                 .order_by().values("application").annotate(total=Sum("amount_fen")).values("total"))
    # One row each, with the person, employer and agency the rules read (one query, not one per line).
    rows = (Application.objects.filter(where, programme=programme, status__in=PAID_STATUSES,
                                       period_start__lte=month_end(month))
            .annotate(committed=Coalesce(Subquery(committed), 0),
                      granted=Coalesce("amount_approved_fen", "amount_requested_fen"))
            .filter(committed__lt=F("granted"))
            .order_by("area_path", "id")
            .values_list(*_CANDIDATE_COLUMNS))
    return [_Candidate(*row[:15], _Person(row[2], *row[15:19]),
                       None if row[19] is None else _Employer(row[19], row[20]),
                       None if row[21] is None else _Agency(*row[21:25]))
            for row in rows]


def _claim_of(candidate: _Candidate, until: datetime.date) -> Claim:
    """What the application states (as ``eligibility.claim_of``), for its period up to ``until``."""
    return Claim(person=candidate.person, period_start=candidate.period_start, period_end=until,
                 applied_on=candidate.applied_on, basis_fen=candidate.basis_fen,
                 loan_term_months=candidate.loan_term_months, employer=candidate.employer,
                 agency=candidate.agency, details=dict(candidate.details), exclude_application=candidate.pk)


@dataclass
class _Ledger:
    """What each application has in lines and in its reservation (two queries for all of them)."""

    committed_months: dict[int, set[datetime.date]]
    committed_fen: dict[int, int]
    pending_fen: dict[int, int]
    reserved_fen: dict[int, int]

    @classmethod
    def load(cls, applications: list[_Candidate]) -> _Ledger:
        ids = [application.pk for application in applications]
        months: dict[int, set[datetime.date]] = defaultdict(set)
        committed: dict[int, int] = defaultdict(int)
        pending: dict[int, int] = defaultdict(int)
        lines = filter_ids(Payment.objects.exclude(status=PaymentStatus.FAILED), "application_id", ids).order_by()
        if connection.vendor == "postgresql":  # one row per application, not one per line
            for application_id, paid_months, total, pending_total in (
                    lines.values("application_id")
                    .annotate(months=ArrayAgg("month"), total=Sum("amount_fen"),
                              pending=Sum("amount_fen", filter=Q(status=PaymentStatus.PENDING)))
                    .values_list("application_id", "months", "total", "pending")):
                months[application_id].update(paid_months)
                committed[application_id] += total
                pending[application_id] += pending_total or 0
        else:
            for application_id, month, status, amount in lines.values_list("application_id", "month", "status",
                                                                            "amount_fen"):
                months[application_id].add(month)
                committed[application_id] += amount
                if status == PaymentStatus.PENDING:
                    pending[application_id] += amount
        reserved: dict[int, int] = defaultdict(int)
        sign = {FundEntryKind.RESERVED: 1, FundEntryKind.PAID: -1, FundEntryKind.RELEASED: -1}
        entries = (filter_ids(FundEntry.objects.filter(kind__in=list(sign)), "application_id", ids)
                   .values_list("application_id", "kind").annotate(total=Sum("amount_fen")).order_by())
        for application_id, kind, total in entries:
            reserved[application_id] += sign[kind] * total
        return cls(months, committed, pending, reserved)


class _Line(NamedTuple):
    """A new line of a cycle, before it is written (``_insert_lines``)."""

    application_id: int
    month: datetime.date
    amount_fen: int
    payee_name: str
    payee_account: str
    area_id: str
    area_path: str


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _insert_lines(cycle: PaymentCycle, lines: list[_Line]) -> None:
    """Write the lines the unique constraints let in: one line per application, month and cycle, and a
    month pending or paid only once (what is there already is skipped, never doubled).

    On PostgreSQL the lines go by ``COPY`` into a temporary table, then one ``INSERT … SELECT … ON
    CONFLICT DO NOTHING``: ``bulk_create`` builds and prepares a model instance per line, and arrays
    passed as parameters are quoted element by element; both were the largest single share of a
    city-wide cycle's time (bench/subsidies_cycle.py). Elsewhere ``bulk_create`` with ``ignore_conflicts``."""
    if not lines:
        return
    if connection.vendor != "postgresql":
        Payment.objects.bulk_create([Payment(cycle=cycle, **line._asdict()) for line in lines], batch_size=2000,
                                    ignore_conflicts=True)
        return
    column = {field.name: field.column for field in Payment._meta.concrete_fields}
    data = io.StringIO("".join(  # numbered, so the lines keep their order (the bank file's)
        f"{n}\t{line.application_id}\t{line.month.isoformat()}\t{line.amount_fen}\t"
        f"{line.payee_name.translate(_COPY_ESCAPES)}\t{line.payee_account.translate(_COPY_ESCAPES)}\t"
        f"{line.area_id}\t{line.area_path}\n" for n, line in enumerate(lines)))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS subsidies_new_lines (n int, application_id bigint, month date, "
                       "amount_fen bigint, payee_name text, payee_account text, area_id text, area_path text)")
        cursor.execute("TRUNCATE subsidies_new_lines")
        cursor.copy_expert("COPY subsidies_new_lines FROM STDIN", data)
        cursor.execute(
            f"INSERT INTO {Payment._meta.db_table} ({column['cycle']}, {column['application']}, {column['month']}, "
            f"{column['amount_fen']}, {column['payee_name']}, {column['payee_account']}, {column['area']}, "
            f"{column['area_path']}, {column['status']}, {column['failure_reason']}, {column['bank_reference']}) "
            "SELECT %s, application_id, month, amount_fen, payee_name, payee_account, area_id, area_path, %s, '', '' "
            "FROM subsidies_new_lines ORDER BY n ON CONFLICT DO NOTHING",
            [cycle.pk, PaymentStatus.PENDING])
        cursor.execute("TRUNCATE subsidies_new_lines")


def _reasons_left_out(application: _Candidate, reasons: list[str], codes: list[str]) -> dict:
    return {"application": application.pk, "reasons": reasons, "codes": codes}


def _lines_of(*, applications: list[_Candidate], month: datetime.date, ledger: _Ledger,
              facts: EligibilityFacts, versions: dict[int, ProgrammeVersion], today: datetime.date
              ) -> tuple[list[_Line], list[dict]]:
    """The new lines of the month's cycle (not yet written), and who is left out and why."""
    lines: list[_Line] = []
    left_out: list[dict] = []
    last_day = month_end(month)
    for application in applications:
        until = min(application.period_end, last_day)
        owed = [m for m in _months(application.period_start, until)
                if m not in ledger.committed_months.get(application.pk, ())]
        if not owed:
            continue
        version = versions[application.version_id]
        claim = _claim_of(application, until)
        assessment = assess(version=version, claim=claim, today=today, facts=facts, explain=False)
        if not assessment.eligible:  # worded for the record: the same rules, explained
            assessment = assess(version=version, claim=claim, today=today, facts=facts)
            failing = [finding for finding in assessment.findings if not finding.ok]
            left_out.append(_reasons_left_out(application, [f.text for f in failing], [f.code for f in failing]))
            continue
        monthly = application.monthly_amount_fen or assessment.monthly_amount_fen
        cap = monthly_maximum(version)
        if cap is not None:
            monthly = min(monthly, cap)
        approved = application.amount_fen
        room = min(approved - ledger.committed_fen.get(application.pk, 0),
                   ledger.reserved_fen.get(application.pk, 0) - ledger.pending_fen.get(application.pk, 0))
        added = 0
        for owed_month in owed:
            amount = min(monthly, room)
            if amount <= 0:
                break
            room -= amount
            added += 1
            lines.append(_Line(application.pk, owed_month, amount, application.payee_name,
                               application.payee_account, application.area_id, application.area_path))
        if not added:
            with translation.override("zh-hans"):  # kept in the record's language, as the findings are
                reason = _("No money is left reserved on the fund for this application.")
            left_out.append(_reasons_left_out(application, [reason], ["not_reserved"]))
    return lines, left_out


def _may_add(cycle: PaymentCycle, actor: User | None, strict: bool) -> bool:
    """Lines go into a cycle only until it is sent (``generate``): a clerk asking for more is told why
    (``strict``); the nightly run just reports it."""
    try:
        authorize(instance=cycle, workflow=CYCLE_WORKFLOW, action="generate", actor=actor)
    except ValidationError:
        if strict:
            raise ValidationError(
                _("The %(month)s list of %(district)s was already sent to the bank; months still owed are paid by "
                  "the next month's cycle.") % {"month": f"{cycle.month:%Y-%m}", "district": cycle.area.name},
                code="already_sent") from None
        return False
    return True


def _generate(*, programme: Programme, month: datetime.date, districts: list[Area], actor: User | None,
              today: datetime.date, strict: bool) -> list[CycleGeneration]:
    """Generate the month's cycle of each district. ``strict``: a district whose list was already sent
    is an error (a clerk asked for it); otherwise it is reported (the nightly run)."""
    candidates = _candidates(programme, month, districts)
    versions = {version.pk: version for version in
                ProgrammeVersion.objects.filter(pk__in={a.version_id for a in candidates}).select_related("programme")}
    facts = EligibilityFacts.load(person_ids={a.person_id for a in candidates},
                                  programme_person_pairs={(programme.pk, a.person_id) for a in candidates})
    by_district: dict[str, list[_Candidate]] = defaultdict(list)
    for application in candidates:
        by_district[application.area_path[:len(districts[0].path)]].append(application)
    results = []
    for district in districts:
        applications = by_district.get(district.path, [])
        with transaction.atomic():
            _lock_programme_district(programme, district)
            cycle = _cycle_for_update(programme=programme, month=month, district=district, actor=actor, create=False)
            if cycle is not None and not _may_add(cycle, actor, strict):
                results.append(CycleGeneration(district=district, cycle=cycle, sent_already=True))
                continue
            ledger = _Ledger.load(applications)
            lines, left_out = _lines_of(applications=applications, month=month, ledger=ledger, facts=facts,
                                        versions=versions, today=today)
            if cycle is None:
                if not lines and not left_out:  # nobody is owed anything: no cycle
                    results.append(CycleGeneration(district=district, cycle=None))
                    continue
                cycle = _cycle_for_update(programme=programme, month=month, district=district, actor=actor,
                                          create=True)
            before = cycle.payments.aggregate(lines=Count("id"), fen=Sum("amount_fen"))
            _insert_lines(cycle, lines)
            after = cycle.payments.aggregate(lines=Count("id"), fen=Sum("amount_fen"))
            added = after["lines"] - before["lines"]
            added_fen = (after["fen"] or 0) - (before["fen"] or 0)
            cycle.left_out = left_out
            cycle.save(update_fields=["left_out"])
            audit_record(event_type=SubsidiesEvent.CYCLE_GENERATED, actor=actor, obj=cycle,
                         new={"month": f"{month:%Y-%m}", "added": added, "added_fen": added_fen,
                              "lines": after["lines"], "total_fen": after["fen"] or 0, "left_out": len(left_out),
                              "by": "system" if actor is None else "clerk"})
            results.append(CycleGeneration(district=district, cycle=cycle, added=added,
                                           added_fen=added_fen, left_out=left_out))
    return results


def cycle_generate(*, actor: User | None, programme: Programme, month: datetime.date, district: Area | None = None,
                   today: datetime.date | None = None) -> CycleGeneration:
    """Generate (or complete) ``programme``'s payment list of ``month`` in ``district`` (by default the
    district of the clerk, who must be one of its ``CYCLE_CLERKS``; the system names it). Rerunnable:
    only new lines are added, and who is left out is found again."""
    today = today or timezone.localdate()
    _check_request(programme, month, today)
    if district is None:
        mine = cycle_districts(actor)
        if len(mine) != 1:
            if not mine:
                raise OutOfScope(_("Not found."))
            raise ValidationError({"district": [ValidationError(_("Choose the district."), code="required")]})
        district = mine[0]
    if district.level != AreaLevel.DISTRICT:
        raise ValidationError({"district": [ValidationError(_("A payment cycle belongs to a district."),
                                                            code="not_district")]})
    # Who may generate it is the workflow's answer, asked of the district's cycle (made or not yet).
    authorize(instance=PaymentCycle(programme=programme, month=month, area=district), workflow=CYCLE_WORKFLOW,
              action="generate", actor=actor)
    return _generate(programme=programme, month=month, districts=[district], actor=actor, today=today,
                     strict=True)[0]


def cycles_generate_month(*, programme: Programme, month: datetime.date, today: datetime.date | None = None
                          ) -> list[CycleGeneration]:
    """The system's run: ``programme``'s cycle of ``month`` in every district that has applications to
    pay (a district whose list was already sent is reported and left alone). Rerunnable."""
    today = today or timezone.localdate()
    _check_request(programme, month, today)
    districts = list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code"))
    return _generate(programme=programme, month=month, districts=districts, actor=None, today=today, strict=False)


def cycles_generate_previous_month(*, today: datetime.date | None = None) -> dict[str, int]:
    """The monthly task: last month's cycles of every active recurring programme in every district."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    summary = {"cycles": 0, "added": 0, "left_out": 0, "sent_already": 0}
    for programme in Programme.objects.filter(kind__in=RECURRING_KINDS, active=True).order_by("code"):
        for result in cycles_generate_month(programme=programme, month=month, today=today):
            if result.cycle is None:
                continue
            summary["cycles"] += 1
            summary["added"] += result.added
            summary["left_out"] += len(result.left_out)
            summary["sent_already"] += int(result.sent_already)
    return summary


# --- The bank disbursement file -------------------------------------------------------------------


@dataclass(frozen=True)
class BankFile:
    name: str
    content_type: str
    content: bytes
    lines: int
    total_fen: int


def _cycle_lines(cycle: PaymentCycle, actor: User):
    return Payment.objects.visible_to(actor).filter(cycle=cycle).order_by("id")


def cycle_export(*, actor: User, cycle: PaymentCycle, file_format: str = "csv",
                 ip_address: str | None = None) -> BankFile:
    """The cycle's bank disbursement file (CSV or XLSX): one line per payment, then the totals. The
    first export sends the list (``export`` step: no line can be added afterwards); later ones download
    the same file again. Every export is audited."""
    if file_format not in bankfiles.FORMATS:
        raise ValidationError({"file_format": [ValidationError(_("Choose CSV or XLSX."), code="invalid_choice")]})
    with transaction.atomic():
        row = PaymentCycle.objects.select_for_update().select_related("programme", "area").get(pk=cycle.pk)
        lines = list(_cycle_lines(row, actor).values_list("pk", "payee_name", "payee_account", "amount_fen"))
        if row.status == CycleStatus.GENERATED:
            if not lines:
                authorize(instance=row, workflow=CYCLE_WORKFLOW, action="generate", actor=actor)
                raise ValidationError(_("The list has no lines; there is nothing to send to the bank."),
                                      code="empty_cycle")
            row = transition(instance=row, workflow=CYCLE_WORKFLOW, to=CycleStatus.EXPORTED, actor=actor,
                             note=_("Bank file %(format)s, %(lines)s lines")
                             % {"format": file_format.upper(), "lines": len(lines)})
        else:
            authorize(instance=row, workflow=CYCLE_WORKFLOW, action="download", actor=actor)
        total = sum(amount for *_rest, amount in lines)
        audit_record(event_type=SubsidiesEvent.CYCLE_EXPORTED, actor=actor, obj=row, kind=AuditKind.EXPORT,
                     ip_address=ip_address,
                     new={"format": file_format, "lines": len(lines), "total_fen": total})
    rows = bankfiles.disbursement_rows(
        ((f"{REFERENCE_PREFIX}{pk:09d}", payee, account, yuan(amount).replace(",", ""))
         for pk, payee, account, amount in lines), count=len(lines), total=yuan(total).replace(",", ""))
    name = f"bank-{row.programme.code}-{row.area.code}-{row.month:%Y%m}"
    if file_format == "xlsx":
        content = bankfiles.write_xlsx(rows, title=f"{row.month:%Y-%m}")
        return BankFile(f"{name}.xlsx", bankfiles.XLSX_CONTENT_TYPE, content, len(lines), total)
    return BankFile(f"{name}.csv", bankfiles.CSV_CONTENT_TYPE, bankfiles.write_csv(rows), len(lines), total)


# --- One payment's result -------------------------------------------------------------------------


def _clean_text(value: str, *, name: str, limit: int) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({name: [ValidationError(_("This contains a character that cannot be stored."),
                                                      code="null_characters")]})
    if len(value) > limit:
        raise ValidationError({name: [ValidationError(
            _("This can be at most %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)},
            code="max_length")]})
    return value


def payment_record_result(*, actor: User, payment: Payment, paid: bool, reason: str = "",
                          bank_reference: str = "") -> Payment:
    """Record the bank's result of one payment of a cycle sent to the bank. Paid: the amount leaves the
    application's reservation on the fund (``fund_pay``), in the same transaction. Failed (with the
    bank's reason): the money stays reserved, and the month is paid again by a later cycle."""
    reason = _clean_text(reason, name="reason", limit=FAILURE_REASON_MAX)
    bank_reference = _clean_text(bank_reference, name="bank_reference", limit=BANK_REFERENCE_MAX)
    if not paid and not reason:
        raise ValidationError({"reason": [ValidationError(_("Give the bank's reason for the failure."),
                                                          code="required")]})

    def check(row: Payment) -> dict:
        if row.cycle.status == CycleStatus.GENERATED:
            raise ValidationError(_("The bank file of this cycle has not been sent yet."), code="not_sent")
        if paid:
            fund_pay(application=row.application, amount_fen=row.amount_fen, actor=actor, payment=row,
                     note=_("Payment %(reference)s, %(month)s") % {"reference": payment_reference(row),
                                                                    "month": f"{row.month:%Y-%m}"})
        return {"settled_at": timezone.now(), "bank_reference": bank_reference,
                "failure_reason": "" if paid else reason}

    return transition(instance=payment, workflow=PAYMENT_WORKFLOW,
                      to=PaymentStatus.PAID if paid else PaymentStatus.FAILED, actor=actor,
                      note=reason, check=check)


# --- The bank's result file -----------------------------------------------------------------------

PAID, FAILED, UNCHANGED = "paid", "failed", "unchanged"


def _field_label(name: str) -> str:
    return {
        "reference": _("payment reference"), "payee": _("payee"), "account": _("bank account"),
        "amount": _("amount"), "result": _("result"), "reason": _("reason"), "bank_reference": _("bank reference"),
    }[name]


@dataclass(frozen=True)
class LineError:
    number: int
    field: str
    code: str
    message: str

    @property
    def text(self) -> str:
        return _("Line %(line)s, %(field)s: %(message)s") % {"line": self.number, "field": _field_label(self.field),
                                                               "message": self.message}


@dataclass(frozen=True)
class LineOutcome:
    """What one good line will do (or did): pay, fail, or nothing (it repeats what is recorded)."""

    number: int
    payment_id: int
    reference: str
    payee: str
    amount_fen: int
    action: str
    reason: str = ""
    bank_reference: str = ""


@dataclass
class ImportCheck:
    """The whole file checked: what each good line does, and every bad line's problems."""

    cycle: PaymentCycle
    sha256: str
    outcomes: list[LineOutcome] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    def total_fen(self, action: str) -> int:
        return sum(outcome.amount_fen for outcome in self.outcomes if outcome.action == action)

    @property
    def paid(self) -> int:
        return self.count(PAID)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def paid_fen(self) -> int:
        return self.total_fen(PAID)

    @property
    def changes_anything(self) -> bool:
        return not self.errors and (self.paid + self.failed) > 0

    def error(self) -> ValidationError:
        return ValidationError({"file": [ValidationError(e.text, code=e.code) for e in self.errors]})


def _plain(text: str) -> str:
    return "".join(bankfiles.unsafe_cell(text).split())


def _account(text: str) -> str:
    return _plain(text).replace("-", "")


def _result_of(text: str) -> str | None:
    word = text.strip().lower()
    if word in {w.lower() for w in bankfiles.PAID_WORDS}:
        return PAID
    if word in {w.lower() for w in bankfiles.FAILED_WORDS}:
        return FAILED
    return None


def _check_rows(*, actor: User, cycle: PaymentCycle, rows: list[bankfiles.ResultRow], sha256: str) -> ImportCheck:
    check = ImportCheck(cycle=cycle, sha256=sha256)
    ids = {payment_id_of(row.reference) for row in rows} - {None}
    # Out of scope reads as unknown: only the clerk's own payments are looked up.
    payments = {p.pk: p for p in Payment.objects.visible_to(actor).filter(pk__in=ids).select_related("cycle")}
    seen: dict[int, int] = {}
    for row in rows:
        problems: list[LineError] = []

        def bad(name: str, code: str, message: str, row=row, problems=problems) -> None:
            problems.append(LineError(row.number, name, code, message))

        pk = payment_id_of(row.reference)
        payment = payments.get(pk) if pk is not None else None
        if payment is None:
            bad("reference", "unknown_payment", _("no payment of yours has this reference."))
        elif payment.cycle_id != cycle.pk:
            bad("reference", "other_cycle", _("this payment belongs to the cycle of %(month)s, not to this one.")
                % {"month": f"{payment.cycle.month:%Y-%m}"})
            payment = None
        elif pk in seen:
            bad("reference", "duplicate_line", _("the same payment is on line %(line)s already.")
                % {"line": seen[pk]})
            payment = None
        if pk is not None and pk not in seen:
            seen[pk] = row.number
        try:
            amount = fen_from_yuan(row.amount)
        except ValueError:
            amount = None
            bad("amount", "unreadable_number", _("“%(value)s” is not an amount in yuan with at most two decimals.")
                % {"value": row.amount[:30]})
        else:
            if amount <= 0:
                bad("amount", "not_positive", _("an amount must be more than zero."))
        result = _result_of(row.result)
        if result is None:
            bad("result", "unknown_result", _("write 成功 (paid) or 失败 (failed), not “%(value)s”.")
                % {"value": row.result[:30]})
        reason, bank_reference = row.reason.strip(), row.bank_reference.strip()
        if result == FAILED and not reason:
            bad("reason", "required", _("give the bank's reason for the failure."))
        for name, value, limit in (("reason", reason, FAILURE_REASON_MAX),
                                   ("bank_reference", bank_reference, BANK_REFERENCE_MAX)):
            if "\x00" in value or len(value) > limit:
                bad(name, "invalid", _("at most %(max)s characters of plain text.") % {"max": limit})
        if payment is not None:
            if _plain(row.payee) != _plain(payment.payee_name):
                bad("payee", "payee_changed", _("the payee differs from the payment's (%(payee)s).")
                    % {"payee": payment.payee_name})
            if _account(row.account) != _account(payment.payee_account):
                bad("account", "account_changed", _("the bank account differs from the payment's."))
            if amount is not None and amount > 0 and amount != payment.amount_fen:
                bad("amount", "amount_changed", _("%(given)s yuan differs from the payment's %(amount)s yuan.")
                    % {"given": yuan(amount), "amount": yuan(payment.amount_fen)})
            if result is not None and payment.status != PaymentStatus.PENDING:
                recorded = PAID if payment.status == PaymentStatus.PAID else FAILED
                if recorded != result:
                    bad("result", "already_settled", _("the payment was already recorded as %(status)s on %(day)s.")
                        % {"status": payment.get_status_display(),
                           "day": f"{timezone.localtime(payment.settled_at):%Y-%m-%d}" if payment.settled_at else "—"})
        if problems:
            check.errors.extend(problems)
            continue
        action = result if payment.status == PaymentStatus.PENDING else UNCHANGED
        check.outcomes.append(LineOutcome(
            number=row.number, payment_id=payment.pk, reference=payment_reference(payment), payee=payment.payee_name,
            amount_fen=payment.amount_fen, action=action, reason=reason if result == FAILED else "",
            bank_reference=bank_reference))
    return check


def cycle_import_check(*, actor: User, cycle: PaymentCycle, data: bytes) -> ImportCheck:
    """Read and check a bank result file without changing anything (the preview): what each line will
    do, and every bad line. Only the cycle's clerks may (``import_result``)."""
    authorize(instance=cycle, workflow=CYCLE_WORKFLOW, action="import_result", actor=actor, field="file")
    rows = bankfiles.read_result_file(data)
    return _check_rows(actor=actor, cycle=cycle, rows=rows, sha256=hashlib.sha256(data).hexdigest())


def cycle_import(*, actor: User, cycle: PaymentCycle, data: bytes, file_name: str = "",
                 ip_address: str | None = None) -> ImportCheck:
    """Apply a bank result file: all of it, or nothing when any line is bad (every bad line named as
    an error of ``file``). Lines repeating what is recorded change nothing."""
    from subsidies.services.review import application_disburse  # the review's disburse step

    with transaction.atomic():
        row = PaymentCycle.objects.select_for_update().get(pk=cycle.pk)
        check = cycle_import_check(actor=actor, cycle=row, data=data)
        if check.errors:
            raise check.error()
        payments = {p.pk: p for p in Payment.objects.filter(pk__in=[o.payment_id for o in check.outcomes])
                    .select_related("application", "cycle")}
        first_paid: dict[int, Application] = {}
        for outcome in check.outcomes:
            if outcome.action == UNCHANGED:
                continue
            payment = payments[outcome.payment_id]
            try:
                payment_record_result(actor=actor, payment=payment, paid=outcome.action == PAID,
                                      reason=outcome.reason, bank_reference=outcome.bank_reference)
            except ValidationError as exc:
                raise ValidationError({"file": [ValidationError(
                    LineError(outcome.number, "reference", "refused", " ".join(exc.messages)).text,
                    code="refused")]}) from None
            if outcome.action == PAID and payment.application.status == ApplicationStatus.APPROVED:
                first_paid[payment.application_id] = payment.application
        for application in first_paid.values():
            application_disburse(actor=actor, application=application,
                                 remark=_("First month paid by the payment cycle %(month)s.")
                                 % {"month": f"{row.month:%Y-%m}"})
        if row.status == CycleStatus.EXPORTED and not row.payments.filter(status=PaymentStatus.PENDING).exists():
            transition(instance=row, workflow=CYCLE_WORKFLOW, to=CycleStatus.SETTLED, actor=None,
                       note=_("The bank's result of every line is recorded."))
        audit_record(event_type=SubsidiesEvent.BANK_RESULT_IMPORTED, actor=actor, obj=row, ip_address=ip_address,
                     new={"file": file_name[:100], "sha256": check.sha256, "paid": check.paid,
                          "failed": check.failed, "unchanged": check.unchanged, "paid_fen": check.paid_fen})
    return check

