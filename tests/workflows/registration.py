"""Harnesses of registration's workflows (see tests/workflows/__init__.py)."""

from __future__ import annotations

from django.utils import timezone

from portal.constants import AccountType
from registration.constants import HardshipStatus
from registration.models import HardshipCase
from registration.services import handovers as handover_services
from registration.services import hardship as services
from tests.factories import UserFactory
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import HardshipCaseFactory
from tests.workflows import Context, Harness, harness


def _case(status: str, ctx: Context) -> HardshipCase:
    maker = UserFactory(account_type=AccountType.STAFF)
    case = HardshipCaseFactory(person=PersonFactory(area=ctx.tree.c1), area=ctx.tree.c1, submitted_by=maker)
    HardshipCase.objects.filter(pk=case.pk).update(
        status=status, approved_on=timezone.localdate() if status == HardshipStatus.APPROVED else None)
    return HardshipCase.objects.get(pk=case.pk)


@harness("registration.HardshipCase")
def hardship_cases() -> Harness:
    return Harness(
        make=_case,
        take={
            "review": lambda case, actor, ctx: services.hardship_case_review(actor=actor, case=case, note="属实"),
            "approve": lambda case, actor, ctx: services.hardship_case_approve(actor=actor, case=case),
            "reject": lambda case, actor, ctx: services.hardship_case_reject(actor=actor, case=case, reason="不符合"),
            "end": lambda case, actor, ctx: services.hardship_case_end(actor=actor, case=case, note="已就业"),
            "hand_over": lambda case, actor, ctx: handover_services.handover_propose(
                actor=actor, case=case, to_district=ctx.tree.d2, reason="迁居"),
        },
        refusal_codes=frozenset({"not_approved"}),
    )
