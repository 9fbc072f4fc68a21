"""Authenticity checks of new-employment counts (seed 四(三)): a flag per district for each check, with
the records behind it.

The seed asks whether the ledger of new employment is complete and its tables, cards and data agree
(台帐是否健全, 表、卡、数据是否统一), and whether the count comes from the year's enterprise hires,
self-employed and flexible employment (新增就业人数统计是否来源于…). Three checks, for one year up to a
day (yesterday by default: the facts of today are counted tonight):

1. ``ledger_complete``: every new-employment record counted (an employment registration that started
   in the period, the real-name ledger behind the count: registration's ``new_employment``) names a
   person with an employment and entrepreneurship card number (the 卡), names the employer when it is
   an enterprise hire, and its person is counted once in the year (a person employed twice in a year
   is one new employment: a second record would inflate the count). The records that fail are listed.
2. ``counts_match``: the ledger's count equals the reported count (the ``new_employment`` facts the
   dashboards and reports show) for the district and for each street, month by month. The rows behind
   the flag are the (street, month) pairs that differ, with both numbers.
3. ``sources_add_up``: the reported total equals the sum of the reported sources (enterprise hire,
   self-employed, flexible, public-welfare post) month by month, and each source equals the ledger's
   count of that kind. The rows behind the flag are the (month, source) pairs that differ.

Everything is read through ``visible_to(fetched_by, roles=TARGET_ROLES)``; a reader sees only the
districts of their subtree. A fixed number of grouped queries whatever the number of districts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.constants import CHECK_RECORDS_SHOWN, TARGET_ROLES, RunTrigger
from analytics.models import DailyFact, FactRun
from portal.constants import LEVEL_PREFIX_WIDTH, AreaLevel
from portal.models import Area, User
from portal.scoping import OutOfScope, area_in_scope
from registration.constants import EmploymentKind
from registration.facts import NEW_EMPLOYMENT, NEW_EMPLOYMENT_BY_KIND
from registration.models import EmploymentRegistration

LEDGER_COMPLETE = "ledger_complete"
COUNTS_MATCH = "counts_match"
SOURCES_ADD_UP = "sources_add_up"
CHECKS = {
    LEDGER_COMPLETE: _("Ledger complete"),
    COUNTS_MATCH: _("Ledger counts equal reported counts"),
    SOURCES_ADD_UP: _("Sources add up to the total"),
}
MISSING_CARD = "missing_card"
MISSING_EMPLOYER = "missing_employer"
COUNTED_TWICE = "counted_twice"
PROBLEMS = {
    MISSING_CARD: _("no employment and entrepreneurship card number"),
    MISSING_EMPLOYER: _("enterprise hire without the employer's name"),
    COUNTED_TWICE: _("person counted more than once this year"),
}
DISTRICT_WIDTH = LEVEL_PREFIX_WIDTH[AreaLevel.DISTRICT]
STREET_WIDTH = LEVEL_PREFIX_WIDTH[AreaLevel.STREET]


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@dataclass
class IncompleteRecord:
    registration: EmploymentRegistration
    problems: list[str]

    @property
    def problem_labels(self) -> list[str]:
        return [str(PROBLEMS[p]) for p in self.problems]


@dataclass
class CountRow:
    """A (street, month) pair, or a (month, source) pair, whose two counts differ."""

    month: datetime.date
    ledger: int | None
    reported: int
    area: Area | None = None
    source: str = ""  # an EmploymentKind value, or "" for the sum of the sources against the total

    @property
    def difference(self) -> int:
        return self.reported - (self.ledger or 0)

    @property
    def source_label(self) -> str:
        return str(EmploymentKind(self.source).label) if self.source else str(_("sum of the sources"))


@dataclass
class CheckResult:
    key: str
    count: int  # records or rows behind the flag (all of them)
    rows: list = field(default_factory=list)  # the first CHECK_RECORDS_SHOWN of them (detail only)

    @property
    def ok(self) -> bool:
        return self.count == 0

    @property
    def label(self) -> str:
        return str(CHECKS[self.key])


@dataclass
class DistrictChecks:
    district: Area
    ledger_total: int
    reported_total: int
    checks: list[CheckResult]

    @property
    def flagged(self) -> bool:
        return any(not check.ok for check in self.checks)

    def check(self, key: str) -> CheckResult:
        return next(check for check in self.checks if check.key == key)


@dataclass
class AuthenticityChecks:
    year: int
    date_from: datetime.date
    date_to: datetime.date
    districts: list[DistrictChecks]
    detail: DistrictChecks | None  # the district whose records are listed
    generated_days: bool  # some reported figures of the period are generated demo history
    labels: dict = field(default_factory=lambda: {key: str(label) for key, label in CHECKS.items()})

    @property
    def flagged(self) -> int:
        return sum(1 for d in self.districts if d.flagged)


def checks_period(year: int, on_date: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """From 1 January of ``year`` to ``on_date`` (yesterday by default), within the year."""
    on_date = on_date or timezone.localdate() - datetime.timedelta(days=1)
    start = datetime.date(year, 1, 1)
    return start, min(max(on_date, start), datetime.date(year, 12, 31))


def authenticity_checks(*, fetched_by: User, year: int, on_date: datetime.date | None = None,
                        area: Area | None = None, detail: Area | None = None) -> AuthenticityChecks:
    """The three checks for each district of the reader's subtree (under ``area`` when given), and the
    records behind each flag for ``detail`` (a district; the only district when the reader has one)."""
    for asked in (area, detail):
        if asked is not None and not area_in_scope(fetched_by, asked, roles=TARGET_ROLES):
            raise OutOfScope()
    date_from, date_to = checks_period(year, on_date)
    districts = Area.objects.visible_to(fetched_by, roles=TARGET_ROLES).filter(level=AreaLevel.DISTRICT)
    if area is not None:
        districts = districts.filter(path__startswith=area.path[:DISTRICT_WIDTH] if area.level in (
            AreaLevel.STREET, AreaLevel.COMMUNITY) else area.path)
    districts = list(districts.order_by("code"))
    if detail is not None and detail.level != AreaLevel.DISTRICT:
        raise OutOfScope()
    if detail is None and len(districts) == 1:
        detail = districts[0]
    paths = [d.path for d in districts]
    if not districts:
        return AuthenticityChecks(year, date_from, date_to, [], None, False)

    period = Q(started_on__gte=date_from, started_on__lte=date_to)
    in_districts = Q()
    for path in paths:
        in_districts |= Q(area_path__startswith=path)
    ledger = (EmploymentRegistration.objects.visible_to(fetched_by, roles=TARGET_ROLES)
              .filter(period).filter(in_districts))

    # 1. Incomplete records: no card, an enterprise hire without its employer, a person counted twice.
    twice = ledger.values("person_id").annotate(n=Count("id")).filter(n__gt=1).values("person_id").order_by()
    no_card = Q(person__employment_card_number__isnull=True) | Q(person__employment_card_number="")
    no_employer = Q(kind=EmploymentKind.ENTERPRISE_HIRE, employer_name="")
    incomplete = no_card | no_employer | Q(person_id__in=twice)
    incomplete_counts = dict(ledger.filter(incomplete).annotate(district=Substr("area_path", 1, DISTRICT_WIDTH))
                             .values("district").annotate(n=Count("id")).values_list("district", "n").order_by())

    # 2. and 3. The ledger by street, kind and month; the reported facts by area, fact and month.
    ledger_rows = (ledger.annotate(street=Substr("area_path", 1, STREET_WIDTH), month=TruncMonth("started_on"))
                   .values("street", "kind", "month").annotate(n=Count("id")).order_by())
    ledger_by_street: dict[tuple[str, datetime.date], int] = defaultdict(int)
    ledger_by_kind: dict[tuple[str, str, datetime.date], int] = defaultdict(int)
    for row in ledger_rows:
        month = _month(row["month"])
        ledger_by_street[(row["street"], month)] += row["n"]
        ledger_by_kind[(row["street"][:DISTRICT_WIDTH], row["kind"], month)] += row["n"]
    fact_keys = [NEW_EMPLOYMENT, *NEW_EMPLOYMENT_BY_KIND.values()]
    reported = (DailyFact.objects.visible_to(fetched_by, roles=TARGET_ROLES)
                .filter(fact__in=fact_keys, level__in=[AreaLevel.DISTRICT, AreaLevel.STREET],
                        day__gte=date_from, day__lte=date_to).filter(in_districts)
                .annotate(month=TruncMonth("day")).values("area_path", "level", "fact", "month")
                .annotate(n=Sum("value")).order_by())
    reported_street: dict[tuple[str, datetime.date], int] = defaultdict(int)
    reported_district: dict[tuple[str, str, datetime.date], int] = defaultdict(int)
    for row in reported:
        month = _month(row["month"])
        if row["level"] == AreaLevel.STREET and row["fact"] == NEW_EMPLOYMENT:
            reported_street[(row["area_path"], month)] += int(row["n"])
        elif row["level"] == AreaLevel.DISTRICT:
            reported_district[(row["area_path"], row["fact"], month)] += int(row["n"])
    kind_of_fact = {key: kind for kind, key in NEW_EMPLOYMENT_BY_KIND.items()}
    months = sorted({m for _s, m in ledger_by_street} | {m for _s, m in reported_street}
                    | {m for _d, _f, m in reported_district})

    results = []
    for district in districts:
        path = district.path
        street_keys = sorted({key for key in (*ledger_by_street, *reported_street) if key[0].startswith(path)},
                             key=lambda key: (key[1], key[0]))
        street_rows = [CountRow(month=m, ledger=ledger_by_street.get((s, m), 0),
                                reported=reported_street.get((s, m), 0), area=s)
                       for s, m in street_keys
                       if ledger_by_street.get((s, m), 0) != reported_street.get((s, m), 0)]
        district_rows = []
        for month in months:
            total = reported_district.get((path, NEW_EMPLOYMENT, month), 0)
            ledger_total = sum(n for (d, _k, m), n in ledger_by_kind.items() if d == path and m == month)
            if total != ledger_total:
                district_rows.append(CountRow(month=month, ledger=ledger_total, reported=total, area=district))
        source_rows = []
        for month in months:
            total = reported_district.get((path, NEW_EMPLOYMENT, month), 0)
            sources = {kind: reported_district.get((path, key, month), 0) for key, kind in kind_of_fact.items()}
            if sum(sources.values()) != total:
                source_rows.append(CountRow(month=month, ledger=total, reported=sum(sources.values())))
            for kind, value in sources.items():
                own = ledger_by_kind.get((path, kind, month), 0)
                if value != own:
                    source_rows.append(CountRow(month=month, ledger=own, reported=value, source=kind))
        ledger_total = sum(n for (s, _m), n in ledger_by_street.items() if s.startswith(path))
        reported_total = sum(n for (d, f, _m), n in reported_district.items() if d == path and f == NEW_EMPLOYMENT)
        counts_rows = district_rows + street_rows
        results.append(DistrictChecks(
            district=district, ledger_total=ledger_total, reported_total=reported_total,
            checks=[CheckResult(LEDGER_COMPLETE, incomplete_counts.get(path, 0)),
                    CheckResult(COUNTS_MATCH, len(counts_rows), counts_rows if district == detail else []),
                    CheckResult(SOURCES_ADD_UP, len(source_rows), source_rows if district == detail else [])]))

    shown = next((r for r in results if r.district == detail), None)
    # The streets behind the listed rows, by path (one query, only when a street's counts differ).
    street_paths = {row.area for row in (shown.check(COUNTS_MATCH).rows if shown else []) if isinstance(row.area, str)}
    streets = {a.path: a for a in Area.objects.filter(path__in=street_paths)} if street_paths else {}
    for row in shown.check(COUNTS_MATCH).rows if shown else []:
        if isinstance(row.area, str):
            row.area = streets.get(row.area)
    if shown is not None and not shown.check(LEDGER_COMPLETE).ok:
        records = (ledger.filter(incomplete, area_path__startswith=shown.district.path)
                   .select_related("person", "area").order_by("started_on", "id")[:CHECK_RECORDS_SHOWN])
        check = shown.check(LEDGER_COMPLETE)
        records = list(records)
        counted_twice = set(twice.filter(person_id__in=[r.person_id for r in records]).values_list("person_id",
                                                                                                    flat=True))
        for record in records:
            problems = []
            if not record.person.employment_card_number:
                problems.append(MISSING_CARD)
            if record.kind == EmploymentKind.ENTERPRISE_HIRE and not record.employer_name:
                problems.append(MISSING_EMPLOYER)
            if record.person_id in counted_twice:
                problems.append(COUNTED_TWICE)
            check.rows.append(IncompleteRecord(registration=record, problems=problems))
    for check in (shown.checks if shown else []):
        if check.key != LEDGER_COMPLETE:
            check.rows = check.rows[:CHECK_RECORDS_SHOWN]
    generated = FactRun.objects.filter(trigger=RunTrigger.GENERATED, day__gte=date_from, day__lte=date_to).exists()
    return AuthenticityChecks(year=year, date_from=date_from, date_to=date_to, districts=results, detail=shown,
                              generated_days=generated)
