"""The employed population per area and year: reference data officials enter, the denominator of
the registered unemployment rate (registered unemployed ÷ (employed + registered unemployed)).

City officials (and administrators) enter it for the city and any district; district officials for
their district. A second save for the same area and year replaces the figure, audited with the old
and new values.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.constants import (
    POPULATION_EMPLOYED_MAX,
    POPULATION_LEVELS,
    POPULATION_ROLES,
    POPULATION_SOURCE_MAX,
    POPULATION_YEAR_RANGE,
    AnalyticsEvent,
)
from analytics.models import EmployedPopulation
from portal.audit import audit_record
from portal.models import Area, User
from portal.scoping import assert_in_scope


def _validated(*, area: Area, year, employed, source) -> tuple[int, int, str]:
    errors: dict[str, list[ValidationError]] = {}
    first, last = POPULATION_YEAR_RANGE
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
        errors["year"] = [ValidationError(_("Enter a year from %(first)s to %(last)s.") % {"first": first, "last": last},
                                          code="year_range")]
    if isinstance(employed, bool) or not isinstance(employed, int) or not 0 < employed <= POPULATION_EMPLOYED_MAX:
        errors["employed"] = [ValidationError(
            _("Enter a whole number of people from 1 to %(max)s.") % {"max": f"{POPULATION_EMPLOYED_MAX:,}"},
            code="employed_range")]
    source = (source or "").strip() if isinstance(source, str) else ""
    if not source or "\x00" in source or len(source) > POPULATION_SOURCE_MAX:
        errors["source"] = [ValidationError(
            _("Say where the figure comes from (at most %(max)s characters).") % {"max": POPULATION_SOURCE_MAX},
            code="source")]
    if area.level not in POPULATION_LEVELS:
        errors["area"] = [ValidationError(_("The employed population is entered for the city or a district."),
                                          code="area_level")]
    if errors:
        raise ValidationError(errors)
    return year, employed, source


@transaction.atomic
def employed_population_save(*, actor: User, area: Area, year: int, employed: int, source: str) -> EmployedPopulation:
    """Enter or replace the employed population of ``area`` (the city or a district) in ``year``."""
    assert_in_scope(actor, area, roles=POPULATION_ROLES)
    year, employed, source = _validated(area=area, year=year, employed=employed, source=source)
    row = EmployedPopulation.objects.select_for_update().filter(area=area, year=year).first()
    old = {"employed": row.employed, "source": row.source} if row else {}
    if row is None:
        row = EmployedPopulation(area=area, year=year)
    row.employed, row.source, row.updated_by, row.updated_at = employed, source, actor, timezone.now()
    row.save()
    audit_record(event_type=AnalyticsEvent.POPULATION_SAVED, actor=actor, obj=row, old=old,
                 new={"year": year, "employed": employed, "source": source})
    return row
