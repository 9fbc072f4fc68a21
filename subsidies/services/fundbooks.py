"""The employment funds of the city and its districts (seed 二(一)): entering a year's fund, the money
the city allocates into it, and the check that a fund is at least 1.5 % of last year's general budget
revenue.

Who may write is declared once, as ``subsidies.constants.FUND_MANAGERS`` (city-level officials and
administrators, over the funds of their city and its districts). The ledger itself (allocate, reserve
at approval, pay, release, under a lock of the fund's row) is ``subsidies.services.funds``; this module
checks the actor and the input and then calls it.

The 1.5 % rule is computed exactly in fen: the minimum is last year's revenue × 15 / 1000 rounded up to
the fen (the smallest whole-fen budget that meets the rule), and a fund is short when its budget is
below it; the shortfall is the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel, AuditKind
from portal.models import Area, User
from portal.scoping import OutOfScope, has_staff_role
from subsidies.constants import (
    FUND_AMOUNT_MAX_FEN,
    FUND_FIRST_YEAR,
    FUND_MANAGERS,
    FUND_MIN_SHARE_OF_REVENUE,
    FUND_NOTE_MAX,
    SubsidiesEvent,
)
from subsidies.models import Fund, FundEntry
from subsidies.money import yuan
from subsidies.services.funds import fund_allocate

FUND_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT)


# --- The 1.5 % rule --------------------------------------------------------------------------------


def minimum_fund_fen(prior_year_revenue_fen: int) -> int:
    """The smallest budget in whole fen that is at least 1.5 % of last year's revenue (rounded up)."""
    numerator, denominator = FUND_MIN_SHARE_OF_REVENUE
    return -(-prior_year_revenue_fen * numerator // denominator)


@dataclass(frozen=True)
class FundCheck:
    """A fund against the 1.5 % rule: the minimum budget and how much is missing (0 when met)."""

    minimum_fen: int
    shortfall_fen: int

    @property
    def short(self) -> bool:
        return self.shortfall_fen > 0


def fund_check(fund: Fund) -> FundCheck:
    minimum = minimum_fund_fen(fund.prior_year_revenue_fen)
    return FundCheck(minimum_fen=minimum, shortfall_fen=max(0, minimum - fund.budget_fen))


def short_of_minimum() -> LessThan:
    """The same rule as a database condition, for counters and filters: budget × 1000 < revenue × 15
    (exact in integers, so it agrees with ``fund_check`` on every fund)."""
    numerator, denominator = FUND_MIN_SHARE_OF_REVENUE
    return LessThan(F("budget_fen") * denominator, F("prior_year_revenue_fen") * numerator)


# --- Who ---------------------------------------------------------------------------------------


def is_fund_manager(actor: User | None) -> bool:
    """Does the user keep funds anywhere (the "add a fund" link, the forms on the fund pages)?"""
    return has_staff_role(actor, FUND_MANAGERS.roles, FUND_MANAGERS.levels)


def keeps_funds_of(actor: User | None, area: Area | None) -> bool:
    """Does the declared rule let the user write the funds (and allocations) of ``area``?"""
    return area is not None and FUND_MANAGERS.allows(actor, Fund(area=area))


def assert_fund_manager(actor: User | None, area: Area | None) -> None:
    """The declared rule applied to a record of ``area``: out of reach reads as not found."""
    if not keeps_funds_of(actor, area):
        raise OutOfScope(_("Not found."))


# --- Input checks --------------------------------------------------------------------------------


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def check_amount(amount_fen, *, positive: bool = False) -> list[ValidationError]:
    """An amount of a fund or an allocation: an integer of fen, not negative (or more than zero), and
    not absurd. Errors in words naming the limit."""
    if amount_fen is None:
        return [ValidationError(_("Enter the amount in yuan."), code="required")]
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        return [ValidationError(_("Enter the amount in yuan, such as 1234.56."), code="invalid")]
    if positive and amount_fen <= 0:
        return [ValidationError(_("The amount must be more than zero."), code="not_positive")]
    if amount_fen < 0:
        return [ValidationError(_("The amount cannot be negative."), code="negative")]
    if amount_fen > FUND_AMOUNT_MAX_FEN:
        return [ValidationError(_("At most %(max)s yuan: check the number of digits.")
                                % {"max": yuan(FUND_AMOUNT_MAX_FEN)}, code="too_large")]
    return []


def check_year(year) -> list[ValidationError]:
    last = timezone.localdate().year + 1
    if year is None:
        return [ValidationError(_("Enter the year."), code="required")]
    if isinstance(year, bool) or not isinstance(year, int) or not FUND_FIRST_YEAR <= year <= last:
        return [ValidationError(_("A year from %(first)d to %(last)d.") % {"first": FUND_FIRST_YEAR, "last": last},
                                code="year_range")]
    return []


def _fund_errors(*, budget_fen, prior_year_revenue_fen) -> dict[str, list[ValidationError]]:
    errors = {}
    budget = check_amount(budget_fen)
    if budget:
        errors["budget_fen"] = budget
    revenue = check_amount(prior_year_revenue_fen, positive=True)
    if revenue:
        errors["prior_year_revenue_fen"] = revenue
    return errors


# --- Writes ----------------------------------------------------------------------------------------


@transaction.atomic
def fund_create(*, actor: User, area: Area | None, year: int | None, budget_fen: int | None,
                prior_year_revenue_fen: int | None) -> Fund:
    """Enter a year's employment fund of the city or one of its districts: its budget and last year's
    general budget revenue (the 1.5 % rule is checked and shown, never refused: a short fund is
    flagged with its shortfall). One fund per area and year."""
    if area is not None:
        assert_fund_manager(actor, area)
    elif not is_fund_manager(actor):
        raise OutOfScope(_("Not found."))
    errors = _fund_errors(budget_fen=budget_fen, prior_year_revenue_fen=prior_year_revenue_fen)
    if area is None:
        errors["area"] = [ValidationError(_("Choose the city or a district."), code="required")]
    elif area.level not in FUND_LEVELS:
        errors["area"] = [ValidationError(_("Employment funds are kept for the city and its districts."),
                                          code="level")]
    year_errors = check_year(year)
    if year_errors:
        errors["year"] = year_errors
    if not errors and Fund.objects.filter(area=area, year=year).exists():
        errors["year"] = [ValidationError(_("%(area)s already has an employment fund for %(year)d; change that one.")
                                          % {"area": area.name, "year": year}, code="duplicate")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            fund = Fund.objects.create(area=area, year=year, budget_fen=budget_fen,
                                       prior_year_revenue_fen=prior_year_revenue_fen)
    except IntegrityError:  # entered at the same moment at another desk: the constraint decides
        raise _error("year", _("%(area)s already has an employment fund for %(year)d; change that one.")
                     % {"area": area.name, "year": year}, "duplicate") from None
    check = fund_check(fund)
    audit_record(event_type=SubsidiesEvent.FUND_SAVED, actor=actor, obj=fund,
                 new={"year": year, "budget_fen": budget_fen, "prior_year_revenue_fen": prior_year_revenue_fen,
                      "minimum_fen": check.minimum_fen, "shortfall_fen": check.shortfall_fen})
    return fund


@transaction.atomic
def fund_update(*, actor: User, fund: Fund, budget_fen: int | None, prior_year_revenue_fen: int | None) -> Fund:
    """Correct a fund's budget or last year's revenue (the balances move only through the ledger)."""
    row = Fund.objects.select_for_update(of=("self",)).select_related("area").get(pk=fund.pk)
    assert_fund_manager(actor, row.area)
    errors = _fund_errors(budget_fen=budget_fen, prior_year_revenue_fen=prior_year_revenue_fen)
    if errors:
        raise ValidationError(errors)
    old = {"budget_fen": row.budget_fen, "prior_year_revenue_fen": row.prior_year_revenue_fen}
    new = {"budget_fen": budget_fen, "prior_year_revenue_fen": prior_year_revenue_fen}
    if old != new:
        Fund.objects.filter(pk=row.pk).update(**new)
        row.budget_fen, row.prior_year_revenue_fen = budget_fen, prior_year_revenue_fen
        check = fund_check(row)
        audit_record(event_type=SubsidiesEvent.FUND_SAVED, actor=actor, obj=row, old=old,
                     new={**new, "minimum_fen": check.minimum_fen, "shortfall_fen": check.shortfall_fen})
    return row


def fund_money_allocate(*, actor: User, fund: Fund, amount_fen: int | None, note: str = "") -> FundEntry:
    """The city allocates money into a fund (the budget arriving, a transfer payment): an ``allocated``
    entry of the ledger, under the fund's lock. Money allocated is not capped by the budget: transfer
    payments from the city come on top of a district's own budget."""
    assert_fund_manager(actor, fund.area)
    errors = check_amount(amount_fen, positive=True)
    note = " ".join((note or "").split())
    if len(note) > FUND_NOTE_MAX:
        raise _error("note", _("At most %(max)d characters.") % {"max": FUND_NOTE_MAX}, "max_length")
    if errors:
        raise ValidationError({"amount_fen": errors})
    if fund.allocated_fen + amount_fen > FUND_AMOUNT_MAX_FEN:
        raise _error("amount_fen", _("The fund would hold more than %(max)s yuan: check the number of digits.")
                     % {"max": yuan(FUND_AMOUNT_MAX_FEN)}, "too_large")
    return fund_allocate(actor=actor, fund=fund, amount_fen=amount_fen, note=note)



def fund_report_export_record(*, actor: User, report: str, area: Area | None, details: dict,
                              ip_address: str | None = None) -> None:
    """Audit an export of a fund report (an allocation run, a comparison, the evaluation)."""
    audit_record(event_type=SubsidiesEvent.FUND_REPORT_EXPORTED, actor=actor, area=area, kind=AuditKind.EXPORT,
                 new={"report": report, **details}, ip_address=ip_address)
