"""factory_boy factories for hard-to-employ cases, commitments, follow-up visits and handovers."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from portal.constants import AccountType
from portal.models import Area
from registration.constants import CommitmentStatus, HandoverStatus, HardshipStatus
from registration.models import (
    CaseHandover,
    FollowUpVisit,
    HardshipCase,
    HardshipCategory,
    ReferralCommitment,
)
from tests.factories import UserFactory
from tests.registration.factories import PersonFactory, community

# A district no test position acts on: where factory-made handovers are addressed.
FAR_DISTRICT = "420117000000"  # 新洲区


class HardshipCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HardshipCase
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory, area=factory.SelfAttribute("..area"))
    area = factory.LazyFunction(community)
    status = HardshipStatus.INTAKE
    circumstances = "长期失业，家庭困难。"
    submitted_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            self.categories.set(extracted or [HardshipCategory.objects.get(code="long_term_unemployed")])


class ApprovedCaseFactory(HardshipCaseFactory):
    status = HardshipStatus.APPROVED
    approved_on = factory.LazyFunction(timezone.localdate)


class ReferralCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralCommitment

    case = factory.SubFactory(ApprovedCaseFactory, area=factory.SelfAttribute("..area"))
    area = factory.LazyFunction(community)
    starts_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    status = CommitmentStatus.OPEN


class FollowUpVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpVisit

    case = factory.SubFactory(ApprovedCaseFactory, area=factory.SelfAttribute("..area"))
    person = factory.LazyAttribute(lambda o: o.case.person)
    area = factory.LazyFunction(community)
    placed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    months_after = 1
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))


class CaseHandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseHandover

    case = factory.SubFactory(ApprovedCaseFactory, area=factory.SelfAttribute("..area"))
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    to_district = factory.LazyFunction(lambda: Area.objects.get(code=FAR_DISTRICT))
    status = HandoverStatus.PROPOSED
    reason = "本人已迁居新洲区。"
    proposed_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


# --- Helpers shared by the case tests ----------------------------------------------------------------


def categories(*codes: str) -> list[HardshipCategory]:
    return list(HardshipCategory.objects.filter(code__in=codes or ["long_term_unemployed"]))


def submitted_case(staff, person, **kwargs) -> HardshipCase:
    from registration.services.hardship import hardship_case_submit

    return hardship_case_submit(actor=staff["clerk@community"], person=person,
                                categories=kwargs.pop("categories", None) or categories(), **kwargs)


def approved_case(staff, person, approved_on: datetime.date | None = None) -> HardshipCase:
    """A case taken through intake, street review and district approval by the three clerk tiers."""
    from registration.services.hardship import (
        hardship_case_approve,
        hardship_case_review,
    )

    case = submitted_case(staff, person)
    case = hardship_case_review(actor=staff["clerk@street"], case=case)
    return hardship_case_approve(actor=staff["clerk@district"], case=case, approved_on=approved_on)


def error_codes(exc) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [codes]}; errors of no field under "__all__"."""
    if hasattr(exc, "error_dict"):
        return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}
    return {"__all__": [e.code for e in exc.error_list]}


# For tests/scoped_records.py: one record of each model served by the case pages, in a given area.
# The calendar page's scope model is the area itself.
CASE_RECORD_FACTORIES = {
    HardshipCase: lambda area: HardshipCaseFactory(area=area),
    ReferralCommitment: lambda area: ReferralCommitmentFactory(area=area),
    FollowUpVisit: lambda area: FollowUpVisitFactory(area=area),
    CaseHandover: lambda area: CaseHandoverFactory(area=area),
    Area: lambda area: area,
}
