"""Factories of the fund allocation and evaluation records, a small city for hand-computed allocations,
and the records the jurisdiction guard makes (``FUND_RECORD_FACTORIES``, merged into
``tests/subsidies/factories.py::SUBSIDY_RECORD_FACTORIES``)."""

from __future__ import annotations

import factory
from django.utils import timezone

from portal.constants import AccountType, AreaLevel
from portal.models import Area
from subsidies.constants import AllocationKind
from subsidies.models import AllocationInput, AllocationRun, AllocationShare, AllocationWeights, EvaluationTarget
from tests.factories import UserFactory

TRANSFER_WEIGHTS = {"funds_raised": "0.3", "target_task": "0.25", "last_year_results": "0.2",
                    "fiscal_difficulty": "0.15", "fund_performance": "0.1"}
TRANSFER_VALUES = {"funds_raised": 100_000_000, "target_task": 1000, "last_year_results": 900,
                   "fiscal_difficulty": "1.0", "fund_performance": "80"}


class AllocationWeightsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationWeights

    kind = AllocationKind.TRANSFER
    number = factory.Sequence(lambda n: n + 1)
    effective_from = factory.LazyFunction(timezone.localdate)
    weights = factory.LazyFunction(lambda: dict(TRANSFER_WEIGHTS))
    created_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


class AllocationInputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationInput

    kind = AllocationKind.TRANSFER
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    number = factory.Sequence(lambda n: n + 1)
    values = factory.LazyFunction(lambda: dict(TRANSFER_VALUES))
    created_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


class AllocationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationRun

    kind = AllocationKind.TRANSFER
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    area = factory.LazyFunction(lambda: Area.objects.get(code="420100000000"))
    total_fen = 100_000_000
    weights = factory.SubFactory(AllocationWeightsFactory)
    label = "测试分配"
    created_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


class AllocationShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationShare

    run = factory.SubFactory(AllocationRunFactory)
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    score = "0.5"
    contributions = factory.LazyFunction(dict)
    share_fen = 50_000_000


class EvaluationTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationTarget
        django_get_or_create = ["area", "year"]

    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    people_served = 100
    placements = 40
    created_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


def small_city(names=("甲区", "乙区", "丙区"), code: str = "429900000000") -> tuple[Area, list[Area]]:
    """A city of its own with a few districts (codes 429901…, 429902…), for hand-computed allocations."""
    city = Area.objects.create(code=code, name="测试市", level=AreaLevel.CITY)
    districts = [Area.objects.create(code=f"{code[:4]}{index:02d}000000", name=name, level=AreaLevel.DISTRICT,
                                     parent=city) for index, name in enumerate(names, start=1)]
    return city, districts


# For the jurisdiction guard: one record of each scoped model of the fund pages, in an area.
FUND_RECORD_FACTORIES = {
    AllocationRun: lambda area: AllocationRunFactory(area=area),
    AllocationShare: lambda area: AllocationShareFactory(area=area),
    AllocationInput: lambda area: AllocationInputFactory(area=area),
}
