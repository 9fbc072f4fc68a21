"""Reads of targets (seed 四): the districts' types, the year's targets of an area and its children,
their decomposition, and monthly progress against target from the facts.

Progress is read from ``DailyFact`` only (never the source tables): an indicator is measured by the
fact of the same key (``new_employment`` is declared by registration/facts.py); an indicator no app
declares a fact for yet shows its target without progress. Facts are stored only where they are not
zero, so a month without rows counted nothing.

Every read goes through ``visible_to(fetched_by, roles=TARGET_ROLES)``: a district official sees
their district and its streets, never a sibling district or the city's own figure. An area outside
the reader's subtree is not found (``OutOfScope``), the same as an unknown one.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from analytics.constants import (
    INDICATORS_BY_DISTRICT_TYPE,
    TARGET_AREA_LEVELS,
    TARGET_ROLES,
    TARGET_SETTER_LEVELS,
    TARGET_YEAR_RANGE,
    Indicator,
)
from analytics.facts import all_facts
from analytics.forecasting import largest_remainder
from analytics.models import DailyFact, DistrictProfile, Target
from portal.constants import LEVEL_ORDER, AreaLevel
from portal.models import Area, User
from portal.scoping import ALL_AREAS, OutOfScope, area_in_scope, has_staff_role, scope_paths
from portal.selectors import area_by_code


def reader_home_area(*, fetched_by: User) -> Area | None:
    """The widest area the reader reads targets of (the city for the system administrator)."""
    paths = scope_paths(fetched_by, roles=TARGET_ROLES)
    if not paths:
        return None
    if ALL_AREAS in paths:
        return Area.objects.filter(level=AreaLevel.CITY).order_by("code").first()
    return Area.objects.filter(path__in=paths).order_by("path").first()


def reader_area(*, fetched_by: User, code: str | None) -> Area:
    """The area a page is asked for: a code in the reader's subtree, or their home area."""
    area = area_by_code(code=code) if code else reader_home_area(fetched_by=fetched_by)
    if area is None or not area_in_scope(fetched_by, area, roles=TARGET_ROLES):
        raise OutOfScope()
    return area


def may_set_targets(*, user: User) -> bool:
    """May the user set districts' types and targets (the city's officials and administrators)?"""
    return has_staff_role(user, TARGET_ROLES, TARGET_SETTER_LEVELS)


def may_decompose(*, user: User, target: Target) -> bool:
    """May the user decompose this target to the children of its area (staff of the area's own tier)?"""
    return area_in_scope(user, target.area, roles=TARGET_ROLES, levels=(target.area.level,))


def measured_indicators() -> dict[str, str]:
    """Indicator → the fact that measures it: a fact with the indicator's key, when an app declares one."""
    keys = {fact.key for fact in all_facts()}
    return {indicator: indicator for indicator in Indicator.values if indicator in keys}


def indicators_for(district_type: str | None) -> tuple[str, ...]:
    """The indicators of a district of this type; new employment only while the city has not said."""
    if district_type in INDICATORS_BY_DISTRICT_TYPE:
        return tuple(str(i) for i in INDICATORS_BY_DISTRICT_TYPE[district_type])
    return (Indicator.NEW_EMPLOYMENT.value,)


def year_choices(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    first, last = TARGET_YEAR_RANGE
    return [year for year in range(today.year + 1, today.year - 6, -1) if first <= year <= last]


# --- District types -----------------------------------------------------------------------------------


@dataclass
class DistrictTypeRow:
    district: Area
    district_type: str | None

    @property
    def indicators(self) -> list[tuple[str, str]]:
        return [(value, Indicator(value).label) for value in indicators_for(self.district_type)]


def district_types(*, fetched_by: User, within: Area | None = None) -> list[DistrictTypeRow]:
    """The districts in the reader's subtree (under ``within`` when given) with their types. Two queries."""
    districts = Area.objects.visible_to(fetched_by, roles=TARGET_ROLES).filter(level=AreaLevel.DISTRICT)
    if within is not None:
        districts = districts.filter(path__startswith=within.path)
    districts = list(districts.order_by("code"))
    types = dict(DistrictProfile.objects.visible_to(fetched_by, roles=TARGET_ROLES)
                 .filter(area__in=districts).values_list("area_id", "district_type"))
    return [DistrictTypeRow(district=d, district_type=types.get(d.code)) for d in districts]


# --- Targets ------------------------------------------------------------------------------------------


def targets_visible(*, fetched_by: User):
    return Target.objects.visible_to(fetched_by, roles=TARGET_ROLES)


def target_detail(*, fetched_by: User, pk) -> Target:
    target = (targets_visible(fetched_by=fetched_by).select_related("area", "parent", "set_by")
              .annotate(parts_sum=Sum("parts__value"), parts_count=Count("parts")).filter(pk=pk).first())
    if target is None:
        raise OutOfScope()
    return target


def year_targets(*, fetched_by: User, year: int, within: Area | None = None) -> dict[tuple[str, str], int]:
    """(district code, indicator) → value of the city's targets for a year (the set page's initial values)."""
    rows = targets_visible(fetched_by=fetched_by).filter(year=year, area__level__in=TARGET_AREA_LEVELS)
    if within is not None:
        rows = rows.within(within)
    return {(area, indicator): value for area, indicator, value in rows.values_list("area_id", "indicator", "value")}


# --- Progress -----------------------------------------------------------------------------------------


@dataclass
class MonthCount:
    month: datetime.date
    count: int
    cumulative: int


@dataclass
class IndicatorProgress:
    indicator: str
    label: str
    target: Target | None
    measured: bool
    achieved: int | None = None
    months: list[MonthCount] = field(default_factory=list)
    expected: int | None = None  # the target times the share of the year gone by
    parts_sum: int | None = None  # what the children's parts add up to, when decomposed
    parts_count: int = 0

    @property
    def value(self) -> int | None:
        return self.target.value if self.target else None

    @property
    def percent(self) -> float | None:
        if self.target is None or self.achieved is None or not self.target.value:
            return None
        return 100 * self.achieved / self.target.value

    @property
    def gap(self) -> int | None:
        """Achieved minus the time-elapsed share of the target (negative: behind)."""
        if self.achieved is None or self.expected is None:
            return None
        return self.achieved - self.expected

    @property
    def on_track(self) -> bool | None:
        gap = self.gap
        return None if gap is None else gap >= 0

    @property
    def decomposed(self) -> bool:
        return self.parts_count > 0

    @property
    def parts_difference(self) -> int | None:
        """Parts minus the whole: 0 when the decomposition adds up (the city may change the whole after)."""
        if not self.parts_count or self.target is None:
            return None
        return (self.parts_sum or 0) - self.target.value


@dataclass
class AreaProgress:
    area: Area
    district_type: str | None
    indicators: list[IndicatorProgress]

    def indicator(self, key: str) -> IndicatorProgress | None:
        for item in self.indicators:
            if item.indicator == key:
                return item
        return None

    @property
    def new_employment(self) -> IndicatorProgress | None:
        return self.indicator(Indicator.NEW_EMPLOYMENT)


@dataclass
class TargetProgress:
    year: int
    on_date: datetime.date
    year_elapsed: float  # 0..1
    area: Area
    own: AreaProgress  # the area itself
    rows: list[AreaProgress]  # its children (the districts of the city, the streets of a district …)
    measured: dict[str, str]

    @property
    def months(self) -> list[datetime.date]:
        last = self.on_date.month if self.on_date.year == self.year else 12
        return [datetime.date(self.year, m, 1) for m in range(1, last + 1)] if self.on_date.year >= self.year else []


def progress_day(year: int, on_date: datetime.date | None) -> tuple[datetime.date, float]:
    """The day progress is counted to (``on_date`` within the year) and the share of the year gone by then."""
    on_date = on_date or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = 366 if calendar.isleap(year) else 365
    if on_date < start:
        return on_date, 0.0
    day = min(on_date, end)
    return day, day.timetuple().tm_yday / days


def _children(area: Area) -> list[Area]:
    if area.level == AreaLevel.COMMUNITY:
        return []
    return list(Area.objects.filter(parent=area).order_by("code"))


def target_progress(*, fetched_by: User, year: int, area: Area | None = None,
                    on_date: datetime.date | None = None) -> TargetProgress:
    """Targets and progress of ``area`` (the reader's home area by default) and of each child area, for
    ``year`` up to ``on_date`` (today): month by month, the year so far, the share of the year gone by.
    Five queries whatever the number of children."""
    area = area or reader_home_area(fetched_by=fetched_by)
    if area is None or not area_in_scope(fetched_by, area, roles=TARGET_ROLES):
        raise OutOfScope()
    day, elapsed = progress_day(year, on_date)
    children = _children(area)
    areas = [area, *children]
    codes = [a.code for a in areas]
    measured = measured_indicators()

    targets = {(t.area_id, t.indicator): t for t in (
        targets_visible(fetched_by=fetched_by).filter(year=year, area_id__in=codes)
        .annotate(parts_sum=Sum("parts__value"), parts_count=Count("parts")).select_related("area"))}
    types = dict(DistrictProfile.objects.visible_to(fetched_by, roles=TARGET_ROLES)
                 .filter(area_id__in=[a.code for a in areas if a.level == AreaLevel.DISTRICT])
                 .values_list("area_id", "district_type"))
    counts: dict[tuple[str, str], dict[datetime.date, int]] = {}
    if measured and day.year == year:
        rows = (DailyFact.objects.visible_to(fetched_by, roles=TARGET_ROLES)
                .filter(area_id__in=codes, fact__in=set(measured.values()), day__gte=datetime.date(year, 1, 1),
                        day__lte=day)
                .annotate(month=TruncMonth("day")).values("area_id", "fact", "month")
                .annotate(n=Sum("value")).order_by())
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
            counts.setdefault((row["area_id"], row["fact"]), {})[month] = int(row["n"])
    month_list = [datetime.date(year, m, 1) for m in range(1, day.month + 1)] if day.year == year else []

    def area_progress(one: Area) -> AreaProgress:
        district_type = types.get(one.code)
        keys = list(indicators_for(district_type) if one.level == AreaLevel.DISTRICT else
                    (Indicator.NEW_EMPLOYMENT.value,))
        # A target the city set for an indicator the district's type no longer has is still shown.
        keys += [ind for (code, ind) in targets if code == one.code and ind not in keys]
        items = []
        for key in keys:
            target = targets.get((one.code, key))
            fact = measured.get(key)
            item = IndicatorProgress(indicator=key, label=str(Indicator(key).label), target=target,
                                     measured=fact is not None)
            if fact is not None:
                by_month = counts.get((one.code, fact), {})
                running = 0
                for month in month_list:
                    running += by_month.get(month, 0)
                    item.months.append(MonthCount(month=month, count=by_month.get(month, 0), cumulative=running))
                item.achieved = running
            if target is not None:
                item.expected = round(target.value * elapsed)
                item.parts_sum = target.parts_sum
                item.parts_count = target.parts_count
            items.append(item)
        return AreaProgress(area=one, district_type=district_type, indicators=items)

    return TargetProgress(year=year, on_date=day, year_elapsed=elapsed, area=area, own=area_progress(area),
                          rows=[area_progress(child) for child in children], measured=measured)


# --- Decomposition ------------------------------------------------------------------------------------


@dataclass
class DecompositionRow:
    area: Area
    value: int | None  # the part now (None: not decomposed yet)
    suggested: int  # by last year's new employment, largest remainder
    last_year: int


def decomposition_rows(*, fetched_by: User, target: Target) -> list[DecompositionRow]:
    """The children of the target's area with their current parts and a suggested split of the whole in
    proportion to each child's new employment last year (equal shares when there is none), by largest
    remainder so the suggestion adds up exactly. Three queries."""
    if not area_in_scope(fetched_by, target.area, roles=TARGET_ROLES):
        raise OutOfScope()
    children = _children(target.area)
    codes = [c.code for c in children]
    parts = dict(targets_visible(fetched_by=fetched_by).filter(parent=target).values_list("area_id", "value"))
    fact = measured_indicators().get(target.indicator)
    last_year: dict[str, int] = {}
    if fact is not None and codes:
        last_year = {code: int(n) for code, n in (
            DailyFact.objects.visible_to(fetched_by, roles=TARGET_ROLES)
            .filter(area_id__in=codes, fact=fact, day__year=target.year - 1)
            .values("area_id").annotate(n=Sum("value")).values_list("area_id", "n").order_by())}
    suggested = largest_remainder(target.value, {code: last_year.get(code, 0) for code in codes}) if codes else {}
    return [DecompositionRow(area=child, value=parts.get(child.code), suggested=suggested[child.code],
                             last_year=last_year.get(child.code, 0)) for child in children]


def child_level(area: Area) -> str | None:
    index = LEVEL_ORDER.index(area.level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None
