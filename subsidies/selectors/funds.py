"""Reads of the employment funds: the funds of my area by year with their balances and the 1.5 % check,
a fund's ledger with the money available after each entry, and the counter of funds short of the rule.

Everything is read through ``visible_to``: a district official or clerk reads their district's fund,
the city reads its own and every district's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, F, QuerySet, Sum, Value, When, Window
from django.utils import timezone

from portal.models import User
from subsidies.constants import FundEntryKind
from subsidies.models import Fund, FundEntry
from subsidies.services.fundbooks import FundCheck, fund_check, is_fund_manager, short_of_minimum


@dataclass(frozen=True)
class FundRow:
    """A fund as the list shows it: the record and its check against the 1.5 % rule."""

    fund: Fund
    check: FundCheck


def funds_base() -> QuerySet[Fund]:
    return Fund.objects.select_related("area").order_by("-year", "area_path")


def funds_narrowed(queryset: QuerySet[Fund], *, year: int, short_only: bool = False) -> QuerySet[Fund]:
    """``queryset`` narrowed to a year's funds, or to those short of the 1.5 % rule."""
    queryset = queryset.filter(year=year)
    return queryset.filter(short_of_minimum()) if short_only else queryset


def funds_of_year(*, fetched_by: User, year: int, short_only: bool = False) -> QuerySet[Fund]:
    """The funds of a year in the reader's area (the city's first, then its districts by code)."""
    return funds_narrowed(funds_base().visible_to(fetched_by), year=year, short_only=short_only)


def fund_rows(funds) -> list[FundRow]:
    return [FundRow(fund=fund, check=fund_check(fund)) for fund in funds]


def fund_years(*, fetched_by: User) -> list[int]:
    """The years with a fund the reader can see, newest first, with this year always offered."""
    years = set(Fund.objects.visible_to(fetched_by).values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


# The money available after an entry: allocations add, reservations take, releases give back; paying
# moves reserved money to paid and leaves what is available as it was.
AVAILABLE_DELTA = Case(
    When(kind=FundEntryKind.ALLOCATED, then=F("amount_fen")),
    When(kind=FundEntryKind.RESERVED, then=-F("amount_fen")),
    When(kind=FundEntryKind.RELEASED, then=F("amount_fen")),
    default=Value(0),
)


def fund_ledger(*, fetched_by: User, fund: Fund) -> QuerySet[FundEntry]:
    """A fund's ledger, newest first, each entry with the money available after it (one query per
    page: a running sum in PostgreSQL, ordered as the entries were appended)."""
    return (FundEntry.objects.visible_to(fetched_by).filter(fund=fund)
            .select_related("actor", "application__programme", "application__person")
            .annotate(available_after=Window(Sum(AVAILABLE_DELTA), order_by=[F("created_at").asc(), F("id").asc()]))
            .order_by("-created_at", "-id"))


def funds_short_count(*, fetched_by: User) -> int | None:
    """This year's funds in the reader's area below 1.5 % of last year's revenue: the city's to-do
    (None for staff who do not keep funds: they cannot change a budget)."""
    if not is_fund_manager(fetched_by):
        return None
    return funds_of_year(fetched_by=fetched_by, year=timezone.localdate().year, short_only=True).count()
