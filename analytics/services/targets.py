"""Target responsibility (seed 四): the districts' types, the year's targets the city sets for each
district, and each district's decomposition of its targets to its streets.

Rules, checked here and only here (pages and the API call these functions):

- The city's officials and administrators (grants at city or province level) set a district's type
  (central or outer, which decides its indicators) and its targets. A target is a whole number of
  people for one year and one indicator of the district's type; new employment applies to every
  district, the others only once the city has set the district's type.
- The officials and administrators of the target's own tier decompose it to the children of its area
  (a district to all its streets): every child gets a part (0 allowed), and the parts add up exactly to
  the whole, or nothing is saved and the error names the sum and the difference.
- The city may change a target after its district decomposed it: the parts stay as the district saved
  them and the target shows that they no longer add up, until the district decomposes again. (Deleting
  the district's work, or refusing the city's change, would both be worse.)
- Every change is audited with the old and new values, in the transaction of the change, under a row
  lock on the target so a decomposition and a change of the whole never interleave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.constants import (
    TARGET_AREA_LEVELS,
    TARGET_ROLES,
    TARGET_SETTER_LEVELS,
    TARGET_VALUE_MAX,
    TARGET_YEAR_RANGE,
    AnalyticsEvent,
    DistrictType,
    Indicator,
)
from analytics.models import DistrictProfile, Target
from analytics.selectors.targets import indicators_for
from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import assert_in_scope


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _year_error(year) -> ValidationError | None:
    first, last = TARGET_YEAR_RANGE
    if not _is_whole(year) or not first <= year <= last:
        return ValidationError(_("Enter a year from %(first)s to %(last)s.") % {"first": first, "last": last},
                               code="year_range")
    return None


def _value_error(value, *, allow_zero: bool) -> ValidationError | None:
    low = 0 if allow_zero else 1
    if not _is_whole(value) or not low <= value <= TARGET_VALUE_MAX:
        return ValidationError(_("Enter a whole number of people from %(low)s to %(max)s.")
                               % {"low": low, "max": f"{TARGET_VALUE_MAX:,}"}, code="value_range")
    return None


# --- District types -----------------------------------------------------------------------------------


@transaction.atomic
def district_type_set(*, actor: User, district: Area, district_type: str) -> DistrictProfile:
    """Set a district's type (central or outer): the city's officials and administrators."""
    assert_in_scope(actor, district, roles=TARGET_ROLES, levels=TARGET_SETTER_LEVELS)
    if district.level != AreaLevel.DISTRICT:
        raise ValidationError({"district": [ValidationError(_("Choose a district."), code="area_level")]})
    if district_type not in DistrictType.values:
        raise ValidationError({"district_type": [ValidationError(_("Choose central or outer."),
                                                                 code="invalid_choice")]})
    profile = DistrictProfile.objects.select_for_update().filter(area=district).first()
    old = {"district_type": profile.district_type} if profile else {}
    if profile is not None and profile.district_type == district_type:
        return profile
    if profile is None:
        profile = DistrictProfile(area=district)
    profile.district_type = district_type
    profile.save()
    audit_record(event_type=AnalyticsEvent.DISTRICT_TYPE_SAVED, actor=actor, obj=profile, old=old,
                 new={"district_type": district_type})
    return profile


@transaction.atomic
def district_types_set(*, actor: User, types: Iterable[tuple[Area, str]]) -> list[DistrictProfile]:
    """Set several districts' types at once (the page's form): all of them, or none when one is refused."""
    return [district_type_set(actor=actor, district=district, district_type=district_type)
            for district, district_type in types]


# --- The city's targets -------------------------------------------------------------------------------


def _check_target(*, area: Area, year, indicator, value, district_type: str | None) -> dict[str, list]:
    errors: dict[str, list[ValidationError]] = {}
    if area.level not in TARGET_AREA_LEVELS:
        errors["area"] = [ValidationError(_("The city sets targets for districts."), code="area_level")]
    if (error := _year_error(year)) is not None:
        errors["year"] = [error]
    if indicator not in Indicator.values:
        errors["indicator"] = [ValidationError(_("Choose an indicator."), code="invalid_choice")]
    elif indicator not in indicators_for(district_type):
        errors["indicator"] = [ValidationError(
            _("%(indicator)s is not an indicator of %(district)s (set the district's type first).")
            % {"indicator": Indicator(indicator).label, "district": area.name}, code="not_for_district_type")]
    if (error := _value_error(value, allow_zero=False)) is not None:
        errors["value"] = [error]
    return errors


def _save_target(*, actor: User, area: Area, year: int, indicator: str, value: int) -> Target:
    target = Target.objects.select_for_update().filter(area=area, year=year, indicator=indicator).first()
    if target is not None and target.value == value:
        return target
    old = {"value": target.value} if target else {}
    if target is None:
        target = Target(area=area, year=year, indicator=indicator)
    target.value, target.set_by, target.set_at = value, actor, timezone.now()
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:  # the same target made at the same moment by another request
        raise ValidationError(_("This target was just saved by someone else; reload and try again."),
                              code="conflict") from None
    audit_record(event_type=AnalyticsEvent.TARGET_SAVED, actor=actor, obj=target, old=old,
                 new={"year": year, "indicator": indicator, "value": value})
    return target


@transaction.atomic
def target_set(*, actor: User, area: Area, year: int, indicator: str, value: int) -> Target:
    """Set (or change) the city's target of ``indicator`` for district ``area`` in ``year``."""
    assert_in_scope(actor, area, roles=TARGET_ROLES, levels=TARGET_SETTER_LEVELS)
    district_type = DistrictProfile.objects.filter(area=area).values_list("district_type", flat=True).first()
    errors = _check_target(area=area, year=year, indicator=indicator, value=value, district_type=district_type)
    if errors:
        raise ValidationError(errors)
    return _save_target(actor=actor, area=area, year=year, indicator=indicator, value=value)


def target_field_name(area: Area | str, indicator: str) -> str:
    """The error key of one cell of a year's targets (``targets_set_year``): ``<district code>_<indicator>``."""
    return f"{area.code if isinstance(area, Area) else area}_{indicator}"


@transaction.atomic
def targets_set_year(*, actor: User, year: int,
                     values: Iterable[tuple[Area, str, int]]) -> list[Target]:
    """Set several districts' targets of one year at once: all of them, or none when any is refused
    (errors keyed ``<district code>_<indicator>``, see ``target_field_name``)."""
    values = list(values)
    for area, _indicator, _value in values:
        assert_in_scope(actor, area, roles=TARGET_ROLES, levels=TARGET_SETTER_LEVELS)
    if (error := _year_error(year)) is not None:
        raise ValidationError({"year": [error]})
    types = dict(DistrictProfile.objects.filter(area__in=[area for area, _, _ in values])
                 .values_list("area_id", "district_type"))
    errors: dict[str, list[ValidationError]] = {}
    for area, indicator, value in values:
        found = _check_target(area=area, year=year, indicator=indicator, value=value,
                              district_type=types.get(area.code))
        if found:
            errors[target_field_name(area, indicator)] = [e for field_errors in found.values() for e in field_errors]
    if errors:
        raise ValidationError(errors)
    return [_save_target(actor=actor, area=area, year=year, indicator=indicator, value=value)
            for area, indicator, value in values]


# --- Decomposition -----------------------------------------------------------------------------------


@transaction.atomic
def targets_decompose(*, actor: User, target: Target, parts: Mapping[Area | str, int]) -> list[Target]:
    """Decompose ``target`` to every child of its area (a district's streets): ``parts`` maps each child
    (an Area or its code) to its part. Refused unless every child has a whole part of 0 or more and
    the parts add up exactly to the target; the error then gives the sum and the difference."""
    target = Target.objects.select_for_update().select_related("area").get(pk=target.pk)
    assert_in_scope(actor, target.area, roles=TARGET_ROLES, levels=(target.area.level,))
    children = {child.code: child for child in Area.objects.filter(parent=target.area).order_by("code")}
    if not children:
        raise ValidationError(_("%(area)s has no areas below it to decompose to.") % {"area": target.area.name},
                              code="no_children")
    given = {(key.code if isinstance(key, Area) else str(key)): value for key, value in parts.items()}
    errors: dict[str, list[ValidationError]] = {}
    for code in sorted(set(given) - set(children)):
        errors.setdefault("parts", []).append(ValidationError(
            _("%(code)s is not an area of %(area)s.") % {"code": code[:12], "area": target.area.name},
            code="not_a_child"))
    for code, child in children.items():
        if code not in given or given[code] is None:
            errors[code] = [ValidationError(_("Enter a part for %(area)s (0 if none).") % {"area": child.name},
                                            code="required")]
        elif (error := _value_error(given[code], allow_zero=True)) is not None:
            errors[code] = [error]
    if not errors:
        total = sum(given[code] for code in children)
        if total != target.value:
            difference = total - target.value
            message = (_("The parts add up to %(sum)s, %(difference)s more than the target of %(target)s.")
                       if difference > 0 else
                       _("The parts add up to %(sum)s, %(difference)s less than the target of %(target)s."))
            errors["parts"] = [ValidationError(
                message % {"sum": f"{total:,}", "difference": f"{abs(difference):,}", "target": f"{target.value:,}"},
                code="sum_mismatch")]
    if errors:
        raise ValidationError(errors)

    existing = {t.area_id: t for t in Target.objects.select_for_update().filter(
        area_id__in=list(children), year=target.year, indicator=target.indicator)}
    old = {code: t.value for code, t in existing.items() if t.parent_id == target.pk}
    now = timezone.now()
    saved = []
    for code, child in children.items():
        part = existing.get(code) or Target(area=child, year=target.year, indicator=target.indicator)
        part.value, part.parent, part.set_by, part.set_at = given[code], target, actor, now
        part.save()
        saved.append(part)
    audit_record(event_type=AnalyticsEvent.TARGETS_DECOMPOSED, actor=actor, obj=target, old=old,
                 new={code: given[code] for code in children})
    return saved
