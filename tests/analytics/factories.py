"""factory_boy factories for decision support, and the record factories of the jurisdiction guard."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from analytics.constants import DistrictType, ForecastModel, Indicator, RunStatus, RunTrigger
from analytics.models import (
    Backtest,
    DailyFact,
    DistrictProfile,
    EmployedPopulation,
    FactRun,
    Forecast,
    Target,
)
from portal.constants import AccountType
from portal.models import Area
from tests.factories import UserFactory


def district(code: str = "420102000000") -> Area:  # 江岸区 (tree.d1)
    return Area.objects.get(code=code)


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


class DailyFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyFact

    day = factory.LazyFunction(yesterday)
    fact = "new_employment"
    area = factory.LazyFunction(district)
    level = factory.LazyAttribute(lambda o: o.area.level)
    value = 7


class FactRunFactory(factory.django.DjangoModelFactory):
    """A finished run of a day (the day counts as built for the dashboards)."""

    class Meta:
        model = FactRun

    day = factory.LazyFunction(yesterday)
    status = RunStatus.DONE
    trigger = RunTrigger.NIGHTLY
    finished_at = factory.LazyFunction(timezone.now)


class EmployedPopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployedPopulation
        django_get_or_create = ["area", "year"]

    area = factory.LazyFunction(district)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    employed = 460_000
    source = "区统计局年报（测试）"


class DistrictProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictProfile
        django_get_or_create = ["area"]

    area = factory.LazyFunction(district)
    district_type = DistrictType.CENTRAL


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    area = factory.LazyFunction(district)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    indicator = Indicator.NEW_EMPLOYMENT
    value = 20_000
    set_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


class ForecastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forecast

    series = "new_employment"
    area = factory.LazyFunction(district)
    made_on = factory.LazyFunction(timezone.localdate)
    model = ForecastModel.SEASONAL_NAIVE
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    point, lo80, hi80, lo95, hi95 = 1800.0, 1600.0, 2000.0, 1500.0, 2100.0


class BacktestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Backtest

    series = "new_employment"
    area = factory.LazyFunction(district)
    made_on = factory.LazyFunction(timezone.localdate)
    model = ForecastModel.SEASONAL_NAIVE
    origins = 12
    mase = 1.0
    coverage80 = 0.8
    coverage95 = 0.95


# For the jurisdiction guard (tests/scoped_records.py): one record of each scoped model in an area.
ANALYTICS_RECORD_FACTORIES: dict = {
    DailyFact: lambda area: DailyFactFactory(area=area),
    EmployedPopulation: lambda area: EmployedPopulationFactory(area=area),
    DistrictProfile: lambda area: DistrictProfileFactory(area=area),
    Target: lambda area: TargetFactory(area=area),
    Forecast: lambda area: ForecastFactory(area=area),
    Backtest: lambda area: BacktestFactory(area=area),
}


# --- Helpers shared by the facts tests ------------------------------------------------------------


def answers(facts: list, day: datetime.date, prefix: str) -> dict[tuple[str, str], int]:
    """What an app's ``FACTS`` answer for a day within a prefix: {(area code, fact key): value}."""
    from analytics.facts import Fact, FactSet

    out: dict[tuple[str, str], int] = {}
    for item in facts:
        if isinstance(item, FactSet):
            triples = item.rows(day, prefix)
        else:
            assert isinstance(item, Fact)
            triples = ((code, item.key, value) for code, value in item.rows(day, prefix))
        for code, key, value in triples:
            assert (code, key) not in out, f"{key} answered twice for {code}"
            out[(code, key)] = value
    return out


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of ``day`` in the portal's time zone (Asia/Shanghai)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())
