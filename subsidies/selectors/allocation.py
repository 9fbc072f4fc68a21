"""Reads of the allocations: weights versions, the districts' inputs, runs with every district's share
explained factor by factor, a district's own share, and the comparison of two runs (what-if).

Runs belong to the city (their ``area``): only the city reads a whole run. Each share belongs to its
district, so a district's staff read their own share, never another district's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from portal.constants import AreaLevel
from portal.models import Area, User
from subsidies.constants import (
    ALLOCATION_FACTOR_UNITS,
    ALLOCATION_FACTORS,
    FACTOR_FEN,
    FACTOR_PEOPLE,
    FACTOR_PERCENT,
    AllocationKind,
)
from subsidies.models import AllocationInput, AllocationRun, AllocationShare, AllocationWeights
from subsidies.money import yuan
from subsidies.services.allocation import factors_of, latest_inputs, startup_costs


def factor_labels(kind: str) -> dict[str, str]:
    return {name: str(label) for name, label in ALLOCATION_FACTORS[AllocationKind(kind)]}


def value_text(factor: str, value: Any) -> str:
    """A factor's value as the pages show it: yuan for amounts, people, percent, or the number."""
    unit = ALLOCATION_FACTOR_UNITS.get(factor)
    if value is None or value == "":
        return "—"
    if unit == FACTOR_FEN:
        return _("%(amount)s yuan") % {"amount": yuan(int(value))}
    if unit == FACTOR_PEOPLE:
        return _("Headcount %(count)s") % {"count": f"{int(value):,}"}
    if unit == FACTOR_PERCENT:
        return f"{value} %"
    return str(value)


def percent_text(part: str | Decimal) -> str:
    """A part (0.123456…) as a percentage with four decimals: "12.3456 %"."""
    return f"{(Decimal(str(part)) * 100).quantize(Decimal('0.0001'))} %"


# --- Weights and inputs -----------------------------------------------------------------------------


def weights_versions(*, fetched_by: User, kind: str) -> QuerySet[AllocationWeights]:
    """The weights versions of an allocation, newest first, with how many runs used each. Weights are
    the city's published formula: every staff member who reads allocations may read them."""
    return (AllocationWeights.objects.filter(kind=kind).select_related("created_by")
            .annotate(runs_count=Count("runs")).order_by("-number"))


def weights_latest(*, kind: str) -> AllocationWeights | None:
    return AllocationWeights.objects.filter(kind=kind).order_by("-number").first()


@dataclass(frozen=True)
class InputRow:
    district: Area
    latest: AllocationInput | None


def input_overview(*, fetched_by: User, kind: str, year: int) -> list[InputRow]:
    """Each district in the reader's area with its latest input for the kind and year (two queries)."""
    districts = list(Area.objects.visible_to(fetched_by).filter(level=AreaLevel.DISTRICT).order_by("code"))
    latest = latest_inputs(kind=kind, year=year, districts=districts)
    return [InputRow(district=district, latest=latest.get(district.code)) for district in districts]


def input_versions(*, fetched_by: User, row: AllocationInput) -> list[AllocationInput]:
    """Every version of the same district, kind and year, newest first."""
    return list(AllocationInput.objects.visible_to(fetched_by)
                .filter(kind=row.kind, year=row.year, area=row.area).select_related("created_by")
                .order_by("-number"))


def input_cells(row: AllocationInput) -> list[dict]:
    labels = factor_labels(row.kind)
    return [{"factor": name, "label": labels[name], "value": value_text(name, row.values.get(name))}
            for name in factors_of(row.kind)]


# --- Runs ----------------------------------------------------------------------------------------------


def runs_base() -> QuerySet[AllocationRun]:
    return AllocationRun.objects.select_related("area", "weights", "created_by").order_by("-created_at", "-id")


def allocation_runs(*, fetched_by: User, kind: str | None = None) -> QuerySet[AllocationRun]:
    queryset = runs_base().visible_to(fetched_by)
    return queryset.filter(kind=kind) if kind else queryset


def my_shares(*, fetched_by: User) -> QuerySet[AllocationShare]:
    """Shares of the reader's districts in every run, newest run first."""
    return (AllocationShare.objects.visible_to(fetched_by).select_related("run", "run__weights", "area")
            .order_by("-run__created_at", "-run_id", "area_path"))


@dataclass
class FactorCell:
    factor: str
    label: str
    value: Any
    value_text: str
    part: str
    part_text: str
    weight: str
    contribution: str
    amount_fen: int


@dataclass
class ShareRow:
    share: AllocationShare
    cells: list[FactorCell]
    costs: list[dict] = field(default_factory=list)

    @property
    def district(self) -> Area:
        return self.share.area

    @property
    def city_costs_fen(self) -> int:
        return sum(item["city_fen"] for item in self.costs)

    @property
    def fund_with_match_fen(self) -> int:
        return self.share.share_fen + self.share.district_match_fen


def share_row(share: AllocationShare, kind: str, input_values: dict | None = None) -> ShareRow:
    labels = factor_labels(kind)
    cells = []
    for name in factors_of(kind):
        part = share.contributions.get(name, {})
        cells.append(FactorCell(
            factor=name, label=labels[name], value=part.get("value"), value_text=value_text(name, part.get("value")),
            part=part.get("part", "0"), part_text=percent_text(part.get("part", "0")),
            weight=part.get("weight", "0"), contribution=part.get("contribution", "0"),
            amount_fen=int(part.get("amount_fen", 0))))
    costs = startup_costs(input_values or {}) if kind == AllocationKind.STARTUP_LOAN else []
    return ShareRow(share=share, cells=cells, costs=costs)


@dataclass
class RunTable:
    run: AllocationRun
    rows: list[ShareRow]
    factors: list[tuple[str, str]]
    weights: dict[str, str]

    @property
    def total_shares_fen(self) -> int:
        return sum(row.share.share_fen for row in self.rows)

    @property
    def total_match_fen(self) -> int:
        return sum(row.share.district_match_fen for row in self.rows)

    @property
    def total_city_costs_fen(self) -> int:
        return sum(row.city_costs_fen for row in self.rows)

    @property
    def factor_totals(self) -> list[dict]:
        """Each factor's sum over the districts (the denominator of every part) and its fen."""
        totals = []
        for index, (name, label) in enumerate(self.factors):
            cells = [row.cells[index] for row in self.rows]
            if ALLOCATION_FACTOR_UNITS[name] in (FACTOR_FEN, FACTOR_PEOPLE):
                value_sum: Any = sum(int(cell.value or 0) for cell in cells)
            else:
                value_sum = sum((Decimal(str(cell.value or 0)) for cell in cells), Decimal(0))
            totals.append({"factor": name, "label": label, "weight": self.weights.get(name, "0"),
                           "value_text": value_text(name, value_sum),
                           "amount_fen": sum(cell.amount_fen for cell in cells)})
        return totals


def run_table(*, fetched_by: User, run: AllocationRun) -> RunTable:
    """A run's shares by district code, each explained factor by factor (two queries: the shares, and
    the input versions the run used, for start-up loan costs)."""
    shares = list(AllocationShare.objects.visible_to(fetched_by).filter(run=run).select_related("area")
                  .order_by("area_path"))
    inputs = {row.area_id: row.values for row in run.inputs.all()} if run.kind == AllocationKind.STARTUP_LOAN else {}
    factors = [(name, str(label)) for name, label in ALLOCATION_FACTORS[AllocationKind(run.kind)]]
    return RunTable(run=run, rows=[share_row(share, run.kind, inputs.get(share.area_id)) for share in shares],
                    factors=factors, weights=dict(run.weights.weights))


def share_detail(*, fetched_by: User, share: AllocationShare) -> ShareRow:
    """A district's own share explained (its input version for start-up loan costs)."""
    values = None
    if share.run.kind == AllocationKind.STARTUP_LOAN:
        used = share.run.inputs.filter(area=share.area).first()
        values = used.values if used else {}
    return share_row(share, share.run.kind, values)


# --- Comparison (what-if) -------------------------------------------------------------------------


@dataclass
class ComparedFactor:
    factor: str
    label: str
    weight_a: str
    weight_b: str
    amount_a: int
    amount_b: int

    @property
    def difference(self) -> int:
        return self.amount_b - self.amount_a


@dataclass
class ComparedDistrict:
    code: str
    name: str
    share_a: int
    share_b: int
    factors: list[ComparedFactor]
    inputs_changed: bool

    @property
    def difference(self) -> int:
        return self.share_b - self.share_a


@dataclass
class Comparison:
    a: AllocationRun
    b: AllocationRun
    rows: list[ComparedDistrict]
    factors: list[tuple[str, str]]

    @property
    def weight_changes(self) -> list[dict]:
        return [{"factor": name, "label": label, "a": self.a.weights.weights.get(name),
                 "b": self.b.weights.weights.get(name),
                 "changed": Decimal(str(self.a.weights.weights.get(name, 0)))
                 != Decimal(str(self.b.weights.weights.get(name, 0)))} for name, label in self.factors]

    @property
    def factor_totals(self) -> list[dict]:
        totals = []
        for index, (name, label) in enumerate(self.factors):
            a = sum(row.factors[index].amount_a for row in self.rows)
            b = sum(row.factors[index].amount_b for row in self.rows)
            totals.append({"factor": name, "label": label, "a": a, "b": b, "difference": b - a})
        return totals

    @property
    def gainers(self) -> list[ComparedDistrict]:
        return sorted((row for row in self.rows if row.difference > 0), key=lambda r: (-r.difference, r.code))

    @property
    def losers(self) -> list[ComparedDistrict]:
        return sorted((row for row in self.rows if row.difference < 0), key=lambda r: (r.difference, r.code))


def allocation_comparison(*, fetched_by: User, a: AllocationRun, b: AllocationRun) -> Comparison:
    """Who gains what between run ``a`` and run ``b`` of the same allocation: per district, its share in
    each and the difference, and per factor what it brought in each. Four queries."""
    if a.kind != b.kind:
        raise ValidationError({"b": [ValidationError(_("Compare two runs of the same allocation."), code="kind")]})
    factors = [(name, str(label)) for name, label in ALLOCATION_FACTORS[AllocationKind(a.kind)]]
    shares = {}
    for run in (a, b):
        shares[run.pk] = {share.area_id: share for share in AllocationShare.objects.visible_to(fetched_by)
                          .filter(run=run).select_related("area")}
    inputs = {run.pk: {row.area_id: row.pk for row in run.inputs.all()} for run in (a, b)}
    codes = sorted(set(shares[a.pk]) | set(shares[b.pk]))
    rows = []
    for code in codes:
        share_a, share_b = shares[a.pk].get(code), shares[b.pk].get(code)
        area = (share_a or share_b).area
        compared = []
        for name, label in factors:
            part_a = share_a.contributions.get(name, {}) if share_a else {}
            part_b = share_b.contributions.get(name, {}) if share_b else {}
            compared.append(ComparedFactor(factor=name, label=label, weight_a=part_a.get("weight", ""),
                                           weight_b=part_b.get("weight", ""),
                                           amount_a=int(part_a.get("amount_fen", 0)),
                                           amount_b=int(part_b.get("amount_fen", 0))))
        rows.append(ComparedDistrict(code=code, name=area.name, share_a=share_a.share_fen if share_a else 0,
                                     share_b=share_b.share_fen if share_b else 0, factors=compared,
                                     inputs_changed=inputs[a.pk].get(code) != inputs[b.pk].get(code)))
    return Comparison(a=a, b=b, rows=rows, factors=factors)


def runs_for_comparison(*, fetched_by: User, run: AllocationRun) -> QuerySet[AllocationRun]:
    """Other runs of the same allocation the reader can compare ``run`` with."""
    return allocation_runs(fetched_by=fetched_by, kind=run.kind).exclude(pk=run.pk)

