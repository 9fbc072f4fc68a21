"""The district employment funds' ledger: allocate, reserve at approval, pay, release.

Every movement appends a ``FundEntry`` and changes the fund's running balances in the same
transaction, under a lock of the fund's row, so two approvals that would together overdraw a fund
give one approval and one clear refusal; a database check refuses a negative balance whatever the
code does. Amounts are fen. Payments and releases go to the fund the application's reservation was
made on, so a year boundary between approval and payment changes nothing.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import LEVEL_PREFIX_WIDTH, AreaLevel
from portal.models import Area, User
from subsidies.constants import FundEntryKind, SubsidiesEvent
from subsidies.models import Application, Fund, FundEntry, Payment
from subsidies.money import yuan


def district_of(area: Area) -> Area:
    """The district an area belongs to (the area itself for a district)."""
    width = LEVEL_PREFIX_WIDTH[AreaLevel.DISTRICT]
    if area.level == AreaLevel.DISTRICT:
        return area
    return Area.objects.get(code=area.path[:width].ljust(12, "0"))


def _locked_fund(*, area: Area, year: int) -> Fund:
    fund = Fund.objects.select_for_update().filter(area=area, year=year).first()
    if fund is None:
        raise ValidationError(_("%(area)s has no employment fund for %(year)s yet; the city enters it first.")
                              % {"area": area.name, "year": year}, code="no_fund")
    return fund


def _append(*, fund: Fund, kind: str, amount_fen: int, actor: User | None, application: Application | None = None,
            payment: Payment | None = None, note: str = "") -> FundEntry:
    if amount_fen <= 0:
        raise ValidationError(_("An amount must be more than zero."), code="not_positive")
    deltas = {
        FundEntryKind.ALLOCATED: {"allocated_fen": amount_fen},
        FundEntryKind.RESERVED: {"reserved_fen": amount_fen},
        FundEntryKind.PAID: {"reserved_fen": -amount_fen, "paid_fen": amount_fen},
        FundEntryKind.RELEASED: {"reserved_fen": -amount_fen},
    }[kind]
    old = {name: getattr(fund, name) for name in deltas}
    Fund.objects.filter(pk=fund.pk).update(**{name: F(name) + delta for name, delta in deltas.items()})
    for name, delta in deltas.items():
        setattr(fund, name, getattr(fund, name) + delta)
    entry = FundEntry.objects.create(fund=fund, area=fund.area, kind=kind, amount_fen=amount_fen,
                                     application=application, payment=payment, note=note[:200], actor=actor)
    audit_record(event_type=SubsidiesEvent.FUND_ENTRY, actor=actor, obj=fund, old=old,
                 new={"kind": kind, "amount_fen": amount_fen, "entry": entry.pk,
                      "application": application.pk if application else None,
                      **{name: getattr(fund, name) for name in deltas}})
    return entry


@transaction.atomic
def fund_allocate(*, actor: User, fund: Fund, amount_fen: int, note: str = "") -> FundEntry:
    """Money made available to a fund (the year's budget, a transfer payment)."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    return _append(fund=fund, kind=FundEntryKind.ALLOCATED, amount_fen=amount_fen, actor=actor, note=note)


@transaction.atomic
def fund_reserve(*, application: Application, amount_fen: int, actor: User | None,
                 on: datetime.date | None = None) -> FundEntry:
    """Reserve an approved amount on the fund of the application's district for the year of ``on``
    (today). Refused, with the amount still available, when the fund cannot cover it."""
    on = on or timezone.localdate()
    fund = _locked_fund(area=district_of(application.area), year=on.year)
    if fund.available_fen < amount_fen:
        raise ValidationError(
            _("The %(year)s employment fund of %(area)s has %(available)s yuan left, less than the %(amount)s "
              "yuan this approval needs.") % {"year": fund.year, "area": fund.area.name,
                                              "available": yuan(fund.available_fen), "amount": yuan(amount_fen)},
            code="fund_exhausted")
    return _append(fund=fund, kind=FundEntryKind.RESERVED, amount_fen=amount_fen, actor=actor,
                   application=application)


def still_reserved(application: Application) -> int:
    """How much of the application's reservation is neither paid nor released."""
    totals = dict(FundEntry.objects.filter(application=application).values("kind")
                  .annotate(total=Sum("amount_fen")).values_list("kind", "total"))
    return (totals.get(FundEntryKind.RESERVED, 0) - totals.get(FundEntryKind.PAID, 0)
            - totals.get(FundEntryKind.RELEASED, 0))


def _locked_reservation_fund(application: Application) -> Fund | None:
    """The fund the application's money is reserved on, locked (None: nothing was reserved)."""
    first = (FundEntry.objects.filter(application=application, kind=FundEntryKind.RESERVED)
             .order_by("id").values_list("fund_id", flat=True).first())
    return Fund.objects.select_for_update().get(pk=first) if first is not None else None


@transaction.atomic
def fund_pay(*, application: Application, amount_fen: int, actor: User | None, payment: Payment | None = None,
             note: str = "") -> FundEntry:
    """Move paid money from the application's reservation to paid (under the fund's lock, so two
    payments of one application cannot both spend the same reservation)."""
    fund = _locked_reservation_fund(application)
    still = still_reserved(application) if fund is not None else 0
    if fund is None or still < amount_fen:
        raise ValidationError(_("Only %(still)s yuan are reserved for this application; %(amount)s cannot be paid.")
                              % {"still": yuan(still), "amount": yuan(amount_fen)}, code="not_reserved")
    return _append(fund=fund, kind=FundEntryKind.PAID, amount_fen=amount_fen, actor=actor, application=application,
                   payment=payment, note=note)


@transaction.atomic
def fund_release(*, application: Application, actor: User | None, amount_fen: int | None = None,
                 note: str = "") -> FundEntry | None:
    """Give back what is still reserved for an application (all of it unless ``amount_fen`` says);
    nothing to release is not an error (rerunnable)."""
    fund = _locked_reservation_fund(application)
    if fund is None:
        return None
    still = still_reserved(application)
    amount = still if amount_fen is None else min(amount_fen, still)
    if amount <= 0:
        return None
    return _append(fund=fund, kind=FundEntryKind.RELEASED, amount_fen=amount, actor=actor, application=application,
                   note=note)
