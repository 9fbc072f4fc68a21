"""Fund-use performance evaluation (seed 二(五)): the targets the city sets each district for a year, and
the rules that turn a district's results into the figures of the year-end evaluation.

- **People served**: distinct beneficiaries paid from the district's fund of the year (paid ledger
  entries, whatever the programme).
- **Placements**: distinct beneficiaries paid from that fund who were placed in the year: the
  beneficiary of a job referral subsidy (paid per successful placement), or a beneficiary with an
  employment registration that started in the year. A person placed twice counts once.
- **Cost per placement**: the money paid from the fund over the placements, rounded half up to the fen.
- **Attainment**: a result over its target in percent, capped at 100 (a district gains nothing by
  passing a target), and the **score** the mean of the two attainments, two decimals rounded half up.
  The score is what the evaluation offers next year's transfer allocation as "fund_performance".

Who sets targets: ``FUND_MANAGERS`` (city-level officials and administrators).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import OutOfScope
from subsidies.constants import FACTOR_PEOPLE_MAX, SubsidiesEvent
from subsidies.models import EvaluationTarget
from subsidies.services.fundbooks import assert_fund_manager, check_year, is_fund_manager

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def attainment(actual: int, target: int | None) -> Decimal | None:
    """A result over its target in percent, capped at 100, two decimals (None without a target)."""
    if not target:
        return None
    return min(HUNDRED, (Decimal(actual) * HUNDRED / Decimal(target)).quantize(CENT, rounding=ROUND_HALF_UP))


def performance_score(*, people_served: int, placements: int, target_people: int | None,
                      target_placements: int | None) -> Decimal | None:
    """The mean of the two capped attainments, two decimals; None when a target is missing."""
    people, placed = attainment(people_served, target_people), attainment(placements, target_placements)
    if people is None or placed is None:
        return None
    return ((people + placed) / 2).quantize(CENT, rounding=ROUND_HALF_UP)


def cost_per_placement_fen(paid_fen: int, placements: int) -> int | None:
    if not placements:
        return None
    return int((Decimal(paid_fen) / Decimal(placements)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _count(value, field: str, errors: dict) -> int | None:
    if value is None or value == "":
        errors[field] = [ValidationError(_("Enter a number of people."), code="required")]
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = [ValidationError(_("Enter a whole number of people."), code="invalid")]
        return None
    if not 1 <= value <= FACTOR_PEOPLE_MAX:
        errors[field] = [ValidationError(_("From 1 to %(max)d people.") % {"max": FACTOR_PEOPLE_MAX}, code="range")]
        return None
    return value


@transaction.atomic
def evaluation_target_save(*, actor: User, area: Area | None, year: int | None, people_served: int | None,
                           placements: int | None) -> EvaluationTarget:
    """Set (or change) a district's fund-use targets for a year: people to serve and placements."""
    if area is not None:
        assert_fund_manager(actor, area)
    elif not is_fund_manager(actor):
        raise OutOfScope(_("Not found."))
    errors: dict[str, list[ValidationError]] = {}
    if area is None or area.level != AreaLevel.DISTRICT:
        errors["area"] = [ValidationError(_("Choose a district."), code="level")]
    year_errors = check_year(year)
    if year_errors:
        errors["year"] = year_errors
    people_served = _count(people_served, "people_served", errors)
    placements = _count(placements, "placements", errors)
    if errors:
        raise ValidationError(errors)
    row = EvaluationTarget.objects.select_for_update().filter(area=area, year=year).first()
    if row is None:
        row, created = EvaluationTarget.objects.get_or_create(
            area=area, year=year, defaults={"people_served": people_served, "placements": placements,
                                            "created_by": actor})
        if created:
            audit_record(event_type=SubsidiesEvent.EVALUATION_TARGET_SAVED, actor=actor, obj=row,
                         new={"year": year, "people_served": people_served, "placements": placements})
            return row
        row = EvaluationTarget.objects.select_for_update().get(pk=row.pk)
    old = {"people_served": row.people_served, "placements": row.placements}
    new = {"people_served": people_served, "placements": placements}
    if old != new:
        EvaluationTarget.objects.filter(pk=row.pk).update(**new)
        row.people_served, row.placements = people_served, placements
        audit_record(event_type=SubsidiesEvent.EVALUATION_TARGET_SAVED, actor=actor, obj=row, old=old, new=new)
    return row
