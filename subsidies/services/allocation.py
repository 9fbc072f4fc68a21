"""Allocating the city's money among its districts, reproducible and explained (seed 二(二), 二(四)).

Two allocations (``AllocationKind``): transfer payments by five factors (funds raised, this year's
target task, last year's results, fiscal difficulty, fund-use performance) and start-up guaranteed
loan fund support by the seed's five indicators (this year's loan target, last year's completion,
repayment rate, loan balance, guarantee fund balance).

**The formula.** With the weights ``w_f`` of a version (decimals that add up to exactly 1) and each
district's value ``v_d,f`` of each factor, a district's score is

    score_d = Σ_f  w_f × v_d,f / Σ_d' v_d',f

its part of each factor, weighted. Every factor is larger-gets-more (``ALLOCATION_FACTOR_UNITS``:
fiscal difficulty is an index where larger is needier, fund-use performance last year's evaluation
score). A factor that is zero for every district gives no one anything: the total is shared in
proportion to the scores, so that factor's weight is spread over the others in their proportions.

**The money.** A district's share is total × score_d / Σ score, rounded down to the fen; the fen left
over go one each to the largest remainders, equal remainders to the district with the smaller
division code (``subsidies.money.largest_remainder``), so the shares add up to the total exactly.
Each share is split over the factors the same way (by contribution, equal remainders to the factor
listed first), so what each factor brings a district adds up to its share. All arithmetic is on exact
fractions; the stored scores and parts (12 decimals) are for reading, and a run is recomputed from
its weights and input versions to the fen.

**Start-up loans.** Each district adds a match of half its share (``DISTRICT_MATCH_SHARE``, rounded up
to the fen: it is a minimum); the city bears half of each district's interest subsidies, compensation
for bad loans and guarantee fees (``CITY_COST_SHARE``, rounded down; the district bears the rest).

Weights and inputs are versions: saving again makes a new version, and a run names the versions it
used. Who: ``FUND_MANAGERS`` (city-level officials and administrators).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import OutOfScope, scope_paths
from subsidies.constants import (
    ALLOCATION_FACTOR_UNITS,
    ALLOCATION_FACTORS,
    ALLOCATION_LABEL_MAX,
    CITY_COST_SHARE,
    DISTRICT_MATCH_SHARE,
    FACTOR_DECIMALS,
    FACTOR_FEN,
    FACTOR_INDEX_MAX,
    FACTOR_PEOPLE,
    FACTOR_PEOPLE_MAX,
    FACTOR_PERCENT,
    FACTOR_PERCENT_MAX,
    FACTOR_SCORE,
    FACTOR_SCORE_MAX,
    FUND_MANAGERS,
    STARTUP_LOAN_COSTS,
    WEIGHT_DECIMALS,
    AllocationKind,
    SubsidiesEvent,
)
from subsidies.models import AllocationInput, AllocationRun, AllocationShare, AllocationWeights
from subsidies.money import largest_remainder, share_of
from subsidies.services.fundbooks import assert_fund_manager, check_amount, check_year, is_fund_manager

SCORE_PLACES = Decimal(10) ** -12


def factors_of(kind: str) -> list[str]:
    """The factor names of an allocation kind, in their declared order."""
    return [name for name, _label in ALLOCATION_FACTORS[AllocationKind(kind)]]


def cost_items_of(kind: str) -> list[str]:
    """Costs a district enters beside its factors (start-up loans only)."""
    return [name for name, _label in STARTUP_LOAN_COSTS] if kind == AllocationKind.STARTUP_LOAN else []


def as_decimal_text(value: Fraction | Decimal, places: Decimal = SCORE_PLACES) -> str:
    """An exact fraction as a decimal string rounded half up to ``places``, for reading and JSON."""
    fraction = Fraction(value)
    decimal = Decimal(fraction.numerator) / Decimal(fraction.denominator) if fraction.denominator != 1 else Decimal(
        fraction.numerator)
    return str(decimal.quantize(places, rounding=ROUND_HALF_UP))


def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: Decimal("0.3000") → "0.3"."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip()
    if not text or len(text) > 30:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number.adjusted()) <= 18 else None


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _city_of(actor: User) -> Area | None:
    """The city whose funds the actor keeps (the system administrator: the first city)."""
    paths = scope_paths(actor, FUND_MANAGERS.roles, FUND_MANAGERS.levels)
    if not paths:
        return None
    cities = Area.objects.filter(level=AreaLevel.CITY).order_by("code")
    if "" not in paths:
        cities = cities.filter(path__in=paths)
    return cities.first()


def manager_city(actor: User) -> Area:
    """The city the actor allocates for; out of reach when the actor keeps no city's funds."""
    city = _city_of(actor) if is_fund_manager(actor) else None
    if city is None:
        raise OutOfScope(_("Not found."))
    return city


def city_districts(city: Area) -> list[Area]:
    """The districts that take part in an allocation of the city, by division code."""
    return list(Area.objects.filter(parent=city, level=AreaLevel.DISTRICT).order_by("code"))


# --- Weights ----------------------------------------------------------------------------------------


def weights_fractions(weights: AllocationWeights | Mapping[str, Any]) -> dict[str, Fraction]:
    stored = weights.weights if isinstance(weights, AllocationWeights) else weights
    return {name: Fraction(Decimal(str(value))) for name, value in stored.items()}


def clean_weights(kind: str, weights: Mapping[str, Any]) -> dict[str, str]:
    """The weights of ``kind``'s factors as decimal strings, or every problem at once: a missing,
    unreadable, negative, above-1 or too-precise weight names its factor; weights that do not add up to
    exactly 1 are refused showing their sum."""
    names = factors_of(kind)
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Decimal] = {}
    unknown = sorted(set(weights) - set(names))
    if unknown:
        errors["__all__"] = [ValidationError(_("Unknown factors: %(names)s.") % {"names": ", ".join(unknown)},
                                             code="unknown_factor")]
    for name in names:
        raw = weights.get(name)
        value = _decimal(raw)
        if raw is None or raw == "":
            errors[name] = [ValidationError(_("Enter this factor's weight (0 if it does not count)."),
                                            code="required")]
        elif value is None:
            errors[name] = [ValidationError(_("Enter a decimal such as 0.25."), code="invalid")]
        elif not 0 <= value <= 1:
            errors[name] = [ValidationError(_("A weight is from 0 to 1."), code="range")]
        elif _places(value) > WEIGHT_DECIMALS:
            errors[name] = [ValidationError(_("At most %(places)d decimals.") % {"places": WEIGHT_DECIMALS},
                                            code="decimals")]
        else:
            cleaned[name] = value
    if not errors:
        total = sum(cleaned.values(), Decimal(0))
        if total != 1:
            errors["__all__"] = [ValidationError(
                _("The weights add up to %(sum)s, not 1. Change them so that they add up to exactly 1.")
                % {"sum": _plain(total)}, code="weights_sum")]
    if errors:
        raise ValidationError(errors)
    return {name: _plain(cleaned[name]) for name in names}


def _assert_may_allocate(actor: User) -> None:
    if not is_fund_manager(actor):
        raise OutOfScope(_("Not found."))


@transaction.atomic
def allocation_weights_save(*, actor: User, kind: str, weights: Mapping[str, Any],
                            effective_from: datetime.date | None = None) -> AllocationWeights:
    """Save a new version of an allocation's weights (numbered after the last one)."""
    _assert_may_allocate(actor)
    if kind not in AllocationKind.values:
        raise ValidationError({"kind": [ValidationError(_("Choose the allocation."), code="invalid_choice")]})
    cleaned = clean_weights(kind, weights)
    effective_from = effective_from or timezone.localdate()
    for _attempt in range(3):
        number = (AllocationWeights.objects.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                version = AllocationWeights.objects.create(kind=kind, number=number, effective_from=effective_from,
                                                           weights=cleaned, created_by=actor)
            break
        except IntegrityError:  # another desk saved a version at this moment: take the next number
            continue
    else:
        raise ValidationError(_("Weights were being saved at the same moment elsewhere; save again."),
                              code="conflict")
    audit_record(event_type=SubsidiesEvent.ALLOCATION_WEIGHTS_SAVED, actor=actor, obj=version,
                 area=_city_of(actor), new={"kind": kind, "number": number, "weights": cleaned,
                                            "effective_from": effective_from})
    return version


def _weights_version_for(*, actor: User, kind: str, weights: Mapping[str, Any]) -> AllocationWeights:
    """An existing version with exactly these weights, else a new one."""
    cleaned = clean_weights(kind, weights)
    wanted = weights_fractions(cleaned)
    for version in AllocationWeights.objects.filter(kind=kind).order_by("-number"):
        if weights_fractions(version) == wanted:
            return version
    return allocation_weights_save(actor=actor, kind=kind, weights=cleaned)


# --- Inputs ------------------------------------------------------------------------------------------


def _factor_value(unit: str, raw: Any) -> tuple[Any, ValidationError | None]:
    """One factor's value as stored (int for amounts in fen and people, a decimal string otherwise)."""
    if raw is None or raw == "":
        return None, ValidationError(_("Enter this factor's value (0 if none)."), code="required")
    if unit == FACTOR_FEN:
        problems = check_amount(raw)
        return (raw, None) if not problems else (None, problems[0])
    if unit == FACTOR_PEOPLE:
        if isinstance(raw, bool) or not isinstance(raw, int):
            value = _decimal(raw)
            if value is None or value != value.to_integral_value():
                return None, ValidationError(_("Enter a whole number of people."), code="invalid")
            raw = int(value)
        if not 0 <= raw <= FACTOR_PEOPLE_MAX:
            return None, ValidationError(_("From 0 to %(max)d people.") % {"max": FACTOR_PEOPLE_MAX}, code="range")
        return raw, None
    value = _decimal(raw)
    if value is None:
        return None, ValidationError(_("Enter a number such as 1.25."), code="invalid")
    upper = {FACTOR_PERCENT: FACTOR_PERCENT_MAX, FACTOR_SCORE: FACTOR_SCORE_MAX}.get(unit, FACTOR_INDEX_MAX)
    if not 0 <= value <= upper:
        return None, ValidationError(_("From 0 to %(max)d.") % {"max": upper}, code="range")
    if _places(value) > FACTOR_DECIMALS:
        return None, ValidationError(_("At most %(places)d decimals.") % {"places": FACTOR_DECIMALS},
                                     code="decimals")
    return _plain(value), None


def clean_input_values(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A district's values of ``kind``'s factors (and start-up loan costs, 0 when left out), checked
    against each factor's unit; every problem names its factor."""
    names = factors_of(kind)
    costs = cost_items_of(kind)
    errors: dict[str, list[ValidationError]] = {}
    unknown = sorted(set(values) - set(names) - set(costs))
    if unknown:
        errors["__all__"] = [ValidationError(_("Unknown factors: %(names)s.") % {"names": ", ".join(unknown)},
                                             code="unknown_factor")]
    cleaned: dict[str, Any] = {}
    for name in names:
        value, error = _factor_value(ALLOCATION_FACTOR_UNITS[name], values.get(name))
        if error is not None:
            errors[name] = [error]
        else:
            cleaned[name] = value
    for name in costs:
        raw = values.get(name)
        value, error = _factor_value(FACTOR_FEN, 0 if raw in (None, "") else raw)
        if error is not None:
            errors[name] = [error]
        else:
            cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def latest_inputs(*, kind: str, year: int, districts: Iterable[Area]) -> dict[str, AllocationInput]:
    """The latest input version of each district (by code) for a kind and year; one query."""
    codes = [district.code for district in districts]
    latest: dict[str, AllocationInput] = {}
    for row in AllocationInput.objects.filter(kind=kind, year=year, area_id__in=codes).select_related("area"):
        if row.area_id not in latest or row.number > latest[row.area_id].number:
            latest[row.area_id] = row
    return latest


@transaction.atomic
def allocation_input_save(*, actor: User, kind: str, year: int | None, area: Area | None,
                          values: Mapping[str, Any]) -> AllocationInput:
    """Save a district's factor values for a year's allocation as a new version. Values identical to
    the latest version keep that version (an unchanged save adds no version)."""
    if area is not None:
        assert_fund_manager(actor, area)
    else:
        _assert_may_allocate(actor)
    errors: dict[str, list[ValidationError]] = {}
    if kind not in AllocationKind.values:
        raise ValidationError({"kind": [ValidationError(_("Choose the allocation."), code="invalid_choice")]})
    if area is None or area.level != AreaLevel.DISTRICT:
        errors["area"] = [ValidationError(_("Choose a district."), code="level")]
    year_errors = check_year(year)
    if year_errors:
        errors["year"] = year_errors
    try:
        cleaned = clean_input_values(kind, values)
    except ValidationError as exc:
        for name, problems in exc.error_dict.items():
            errors.setdefault(name, []).extend(problems)
    if errors:
        raise ValidationError(errors)
    # Versions of one district, kind and year are numbered under a lock of the district's row.
    Area.objects.select_for_update().filter(pk=area.pk).first()
    previous = (AllocationInput.objects.filter(kind=kind, year=year, area=area).order_by("-number").first())
    if previous is not None and previous.values == cleaned:
        return previous
    row = AllocationInput.objects.create(kind=kind, year=year, area=area, values=cleaned, created_by=actor,
                                         number=(previous.number + 1) if previous else 1)
    audit_record(event_type=SubsidiesEvent.ALLOCATION_INPUT_SAVED, actor=actor, obj=row,
                 old={"number": previous.number, "values": previous.values} if previous else None,
                 new={"kind": kind, "year": year, "number": row.number, "values": cleaned})
    return row


def input_fractions(row: AllocationInput | Mapping[str, Any], kind: str) -> dict[str, Fraction]:
    stored = row.values if isinstance(row, AllocationInput) else row
    return {name: Fraction(Decimal(str(stored[name]))) for name in factors_of(kind)}


# --- The computation (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorPart:
    """What one factor gives one district."""

    factor: str
    value: Fraction  # as entered (fen for amounts)
    part: Fraction  # the district's value over the districts' sum (0 when the sum is 0)
    weight: Fraction
    contribution: Fraction  # weight × part: this factor's share of the district's score
    amount_fen: int  # this factor's fen of the district's share


@dataclass(frozen=True)
class DistrictResult:
    code: str
    score: Fraction
    share_fen: int
    match_fen: int
    factors: list[FactorPart] = field(default_factory=list)


def district_match_fen(share_fen: int) -> int:
    """A district's start-up loan match: half its share, rounded up to the fen (a minimum)."""
    numerator, denominator = DISTRICT_MATCH_SHARE
    return -(-share_fen * numerator // denominator)


def city_cost_fen(cost_fen: int) -> int:
    """The city's half of a start-up loan cost, rounded down; the district bears the rest."""
    numerator, denominator = CITY_COST_SHARE
    return share_of(cost_fen, numerator, denominator)


def allocation_compute(*, kind: str, total_fen: int, weights: Mapping[str, Fraction],
                       values: Mapping[str, Mapping[str, Fraction]]) -> dict[str, DistrictResult]:
    """Share ``total_fen`` among the districts of ``values`` (division code → factor → value) by the
    formula of this module; exact to the fen. Raises ValidationError when no district scores at all."""
    names = factors_of(kind)
    order = sorted(values)
    sums = {name: sum((values[code][name] for code in order), Fraction(0)) for name in names}
    parts = {code: {name: (values[code][name] / sums[name] if sums[name] else Fraction(0)) for name in names}
             for code in order}
    contributions = {code: {name: weights[name] * parts[code][name] for name in names} for code in order}
    scores = {code: sum(contributions[code].values(), Fraction(0)) for code in order}
    if not any(scores.values()):
        raise ValidationError(_("Nothing to allocate by: every weighted factor is zero for every district."),
                              code="no_scores")
    shares = largest_remainder(total_fen, scores, order=order)
    results = {}
    for code in order:
        share = shares[code]
        amounts = (largest_remainder(share, contributions[code], order=names) if scores[code]
                   else dict.fromkeys(names, 0))
        results[code] = DistrictResult(
            code=code, score=scores[code], share_fen=share,
            match_fen=district_match_fen(share) if kind == AllocationKind.STARTUP_LOAN else 0,
            factors=[FactorPart(factor=name, value=values[code][name], part=parts[code][name], weight=weights[name],
                                contribution=contributions[code][name], amount_fen=amounts[name]) for name in names])
    return results


def contributions_json(result: DistrictResult, stored_values: Mapping[str, Any]) -> dict[str, dict]:
    """What a share stores of each factor: the value as entered, its part, weight, contribution, fen."""
    return {part.factor: {"value": stored_values[part.factor], "part": as_decimal_text(part.part),
                          "weight": as_decimal_text(part.weight, Decimal(10) ** -WEIGHT_DECIMALS),
                          "contribution": as_decimal_text(part.contribution), "amount_fen": part.amount_fen}
            for part in result.factors}


# --- Runs ------------------------------------------------------------------------------------------


def _run_errors(*, kind: str, year, total_fen, weights, label: str) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    if kind not in AllocationKind.values:
        errors["kind"] = [ValidationError(_("Choose the allocation."), code="invalid_choice")]
    total = check_amount(total_fen, positive=True)
    if total:
        errors["total_fen"] = total
    year_errors = check_year(year)
    if year_errors:
        errors["year"] = year_errors
    if not isinstance(weights, AllocationWeights):
        errors["weights"] = [ValidationError(_("Choose the weights to use."), code="required")]
    elif weights.kind != kind:
        errors["weights"] = [ValidationError(_("These weights belong to another allocation."), code="kind")]
    if len(label) > ALLOCATION_LABEL_MAX:
        errors["label"] = [ValidationError(_("At most %(max)d characters.") % {"max": ALLOCATION_LABEL_MAX},
                                           code="max_length")]
    return errors


@transaction.atomic
def allocation_run(*, actor: User, kind: str, year: int | None, total_fen: int | None,
                   weights: AllocationWeights | None, city: Area | None = None, label: str = "",
                   inputs: Iterable[AllocationInput] | None = None) -> AllocationRun:
    """Compute and save an allocation of ``total_fen`` among the city's districts with ``weights`` and
    each district's latest input of the year (or the ``inputs`` given, for a what-if). Refused, naming
    them, when a district has no input."""
    city = city or manager_city(actor)
    assert_fund_manager(actor, city)
    label = " ".join((label or "").split())
    errors = _run_errors(kind=kind, year=year, total_fen=total_fen, weights=weights, label=label)
    if errors:
        raise ValidationError(errors)
    districts = city_districts(city)
    if not districts:
        raise ValidationError(_("%(city)s has no districts to allocate to.") % {"city": city.name}, code="no_districts")
    if inputs is None:
        chosen = latest_inputs(kind=kind, year=year, districts=districts)
    else:
        chosen = {row.area_id: row for row in inputs if row.kind == kind and row.year == year}
    missing = [district.name for district in districts if district.code not in chosen]
    if missing:
        raise ValidationError(
            _("No %(year)d input for %(count)d districts: %(names)s. Enter their inputs first.")
            % {"year": year, "count": len(missing), "names": "、".join(missing)}, code="inputs_missing")
    values = {district.code: input_fractions(chosen[district.code], kind) for district in districts}
    results = allocation_compute(kind=kind, total_fen=total_fen, weights=weights_fractions(weights), values=values)
    run = AllocationRun.objects.create(area=city, kind=kind, year=year, total_fen=total_fen, weights=weights,
                                       label=label, created_by=actor)
    by_code = {district.code: district for district in districts}
    AllocationShare.objects.bulk_create([
        AllocationShare(run=run, area=by_code[code], area_path=by_code[code].path,
                        score=Decimal(as_decimal_text(result.score)), share_fen=result.share_fen,
                        district_match_fen=result.match_fen,
                        contributions=contributions_json(result, chosen[code].values))
        for code, result in results.items()])
    run.inputs.set([chosen[code] for code in results])
    audit_record(event_type=SubsidiesEvent.ALLOCATION_RUN, actor=actor, obj=run,
                 new={"kind": kind, "year": year, "total_fen": total_fen, "weights": weights.number,
                      "inputs": sorted(row.pk for row in chosen.values()),
                      "shares": {code: result.share_fen for code, result in results.items()}})
    return run


@transaction.atomic
def allocation_what_if(*, actor: User, run: AllocationRun, weights: Mapping[str, Any],
                       label: str = "") -> AllocationRun:
    """The same allocation as ``run`` (its total, year and very input versions) with other weights:
    an existing version with exactly these weights is reused, otherwise a new version is saved. Compare
    the two runs to see who gains what."""
    assert_fund_manager(actor, run.area)
    version = _weights_version_for(actor=actor, kind=run.kind, weights=weights)
    label = label or _("What-if of run %(number)d") % {"number": run.pk}
    return allocation_run(actor=actor, kind=run.kind, year=run.year, total_fen=run.total_fen, weights=version,
                          city=run.area, label=label, inputs=list(run.inputs.all()))


def startup_costs(values: Mapping[str, Any]) -> list[dict]:
    """A district's start-up loan costs with the city's half and the district's rest, in fen."""
    rows = []
    for name, label in STARTUP_LOAN_COSTS:
        cost = int(values.get(name) or 0)
        city = city_cost_fen(cost)
        rows.append({"name": name, "label": label, "cost_fen": cost, "city_fen": city, "district_fen": cost - city})
    return rows



@dataclass
class PerformanceTaken:
    """What taking last year's evaluation scores into this year's transfer inputs did, by district name."""

    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    without_input: list[str] = field(default_factory=list)
    without_score: list[str] = field(default_factory=list)


@transaction.atomic
def allocation_inputs_take_performance(*, actor: User, year: int | None, scores: Mapping[str, Decimal],
                                       city: Area | None = None) -> PerformanceTaken:
    """Put each district's fund-use performance score of last year's evaluation (``scores``, by division
    code) into its latest transfer input of ``year`` as a new version. Districts without an input for
    the year, or without a score, are named and left as they are."""
    city = city or manager_city(actor)
    assert_fund_manager(actor, city)
    year_errors = check_year(year)
    if year_errors:
        raise ValidationError({"year": year_errors})
    districts = city_districts(city)
    latest = latest_inputs(kind=AllocationKind.TRANSFER, year=year, districts=districts)
    taken = PerformanceTaken()
    for district in districts:
        row, score = latest.get(district.code), scores.get(district.code)
        if row is None:
            taken.without_input.append(district.name)
        elif score is None:
            taken.without_score.append(district.name)
        else:
            saved = allocation_input_save(actor=actor, kind=AllocationKind.TRANSFER, year=year, area=district,
                                          values={**row.values, "fund_performance": str(score)})
            (taken.unchanged if saved.pk == row.pk else taken.updated).append(district.name)
    return taken
