"""The fund-use performance evaluation table (seed 二(五)), per district and year, read in PostgreSQL.

Two tables, one query each, aggregated by the database:

- ``evaluation_table``: for each district in the reader's area, the year's fund (budget, last year's
  revenue, allocated), the money paid from it, people served, placements and the city's targets (one
  statement with a correlated subquery per figure);
- ``evaluation_spending``: the money paid from each district's fund by programme (one grouped query).

What the figures mean (people served, placements, cost per placement, attainment, score) is written
once, in ``subsidies.services.evaluation``. A district's staff read their own district's row only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from portal.constants import LEVEL_ORDER, AreaLevel
from portal.models import Area, User
from portal.selectors import user_active_grants
from registration.models import EmploymentRegistration
from subsidies.constants import FundEntryKind, ProgrammeKind
from subsidies.models import EvaluationTarget, Fund, FundEntry
from subsidies.services.evaluation import attainment, cost_per_placement_fen, performance_score
from subsidies.services.fundbooks import FundCheck, fund_check


@dataclass
class EvaluationRow:
    """One district's line of the year-end evaluation (amounts in fen)."""

    code: str
    name: str
    fund_id: int | None
    budget_fen: int | None
    prior_year_revenue_fen: int | None
    allocated_fen: int
    paid_fen: int
    people_served: int
    placements: int
    target_people: int | None
    target_placements: int | None
    spending: dict[int, int] = field(default_factory=dict)  # programme id → fen paid

    @property
    def check(self) -> FundCheck | None:
        if self.fund_id is None:
            return None
        return fund_check(Fund(budget_fen=self.budget_fen, prior_year_revenue_fen=self.prior_year_revenue_fen))

    @property
    def cost_per_placement_fen(self) -> int | None:
        return cost_per_placement_fen(self.paid_fen, self.placements)

    @property
    def people_attainment(self) -> Decimal | None:
        return attainment(self.people_served, self.target_people)

    @property
    def placement_attainment(self) -> Decimal | None:
        return attainment(self.placements, self.target_placements)

    @property
    def score(self) -> Decimal | None:
        return performance_score(people_served=self.people_served, placements=self.placements,
                                 target_people=self.target_people, target_placements=self.target_placements)


def _sub(queryset, name: str, output=IntegerField()):
    return Coalesce(Subquery(queryset.values(name)[:1], output_field=output), Value(0), output_field=output)


def _districts(fetched_by: User):
    return Area.objects.visible_to(fetched_by).filter(level=AreaLevel.DISTRICT)


def evaluation_table(*, fetched_by: User, year: int) -> list[EvaluationRow]:
    """Every district in the reader's area with its figures for ``year``, by division code: one query."""
    fund = Fund.objects.filter(area=OuterRef("pk"), year=year)
    target = EvaluationTarget.objects.filter(area=OuterRef("pk"), year=year)
    paid = FundEntry.objects.filter(kind=FundEntryKind.PAID, fund__area=OuterRef("pk"), fund__year=year)
    by_district = paid.order_by().values("fund__area")
    placed_in_year = Exists(EmploymentRegistration.objects.filter(person=OuterRef("application__person"),
                                                                  started_on__year=year))
    placements = (paid.filter(Q(application__programme__kind=ProgrammeKind.JOB_REFERRAL) | Q(placed_in_year))
                  .order_by().values("fund__area").annotate(n=Count("application__person", distinct=True)).values("n"))
    rows = (_districts(fetched_by).order_by("code").annotate(
        fund_id=Subquery(fund.values("pk")[:1]),
        budget_fen=Subquery(fund.values("budget_fen")[:1]),
        prior_year_revenue_fen=Subquery(fund.values("prior_year_revenue_fen")[:1]),
        allocated_fen=_sub(fund, "allocated_fen"),
        paid_fen=_sub(by_district.annotate(total=Sum("amount_fen")), "total"),
        people_served=_sub(by_district.annotate(n=Count("application__person", distinct=True)), "n"),
        placements=Coalesce(Subquery(placements[:1], output_field=IntegerField()), Value(0)),
        target_people=Subquery(target.values("people_served")[:1]),
        target_placements=Subquery(target.values("placements")[:1]),
    ).values_list("code", "name", "fund_id", "budget_fen", "prior_year_revenue_fen", "allocated_fen", "paid_fen",
                  "people_served", "placements", "target_people", "target_placements"))
    return [EvaluationRow(*row) for row in rows]


@dataclass(frozen=True)
class ProgrammeColumn:
    id: int
    name: str


def evaluation_spending(*, fetched_by: User, year: int) -> tuple[list[ProgrammeColumn], dict[str, dict[int, int]]]:
    """Money paid from each district's fund of ``year`` by programme: the programmes that paid anything
    (by name) and, per district code, programme id → fen. One grouped query."""
    rows = (FundEntry.objects.visible_to(fetched_by)
            .filter(kind=FundEntryKind.PAID, fund__year=year, fund__area__level=AreaLevel.DISTRICT)
            .order_by().values_list("fund__area_id", "application__programme_id", "application__programme__name")
            .annotate(total=Sum("amount_fen")))
    columns: dict[int, str] = {}
    spending: dict[str, dict[int, int]] = {}
    for code, programme_id, name, total in rows:
        columns[programme_id] = name
        spending.setdefault(code, {})[programme_id] = total
    ordered = sorted((ProgrammeColumn(id=pid, name=name) for pid, name in columns.items()), key=lambda c: c.name)
    return ordered, spending


@dataclass
class Evaluation:
    year: int
    rows: list[EvaluationRow]
    programmes: list[ProgrammeColumn]

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(row, name) or 0 for row in self.rows)
                for name in ("budget_fen", "allocated_fen", "paid_fen", "people_served", "placements")}

    @property
    def spending_rows(self) -> list[tuple[EvaluationRow, list[int | None]]]:
        """Each district with what its fund paid for each programme column (None: nothing)."""
        return [(row, [row.spending.get(column.id) for column in self.programmes]) for row in self.rows]

    @property
    def programme_totals(self) -> dict[int, int]:
        return {column.id: sum(row.spending.get(column.id, 0) for row in self.rows) for column in self.programmes}


def evaluation(*, fetched_by: User, year: int) -> Evaluation:
    """The year-end evaluation of the reader's districts: the table and the spending by programme."""
    rows = evaluation_table(fetched_by=fetched_by, year=year)
    programmes, spending = evaluation_spending(fetched_by=fetched_by, year=year)
    for row in rows:
        row.spending = spending.get(row.code, {})
    return Evaluation(year=year, rows=rows, programmes=programmes)


def performance_scores(*, fetched_by: User, year: int) -> dict[str, Decimal]:
    """The fund-use performance score of each district (by code) for ``year``, as offered to next
    year's transfer allocation; districts without targets have none."""
    return {row.code: row.score for row in evaluation_table(fetched_by=fetched_by, year=year)
            if row.score is not None}


def reader_area(*, fetched_by: User) -> Area | None:
    """The widest area the reader acts on (the city for city staff), where their exports are audited."""
    grants = sorted((grant.area for grant in user_active_grants(user=fetched_by)),
                    key=lambda area: (LEVEL_ORDER.index(area.level), area.code))
    return grants[0] if grants else None
