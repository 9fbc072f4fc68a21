"""Harnesses of registration's workflows (see tests/workflows/__init__.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.constants import AccountType
from registration.constants import CancellationReason, HardshipStatus, UnemploymentStatus
from registration.models import (
    CaseHandover,
    HardshipCase,
    ReferralCommitment,
    UnemploymentRegistration,
)
from registration.services import commitments as commitment_services
from registration.services import followups as followup_services
from registration.services import handovers as handover_services
from registration.services import hardship as services
from registration.services import registrations as registration_services
from tests.factories import UserFactory
from tests.jobs.factories import EmployerFactory, VacancyFactory
from tests.registration.factories import PersonFactory, UnemploymentRegistrationFactory
from tests.registration.factories_cases import (
    ApprovedCaseFactory,
    CaseHandoverFactory,
    FollowUpVisitFactory,
    HardshipCaseFactory,
    ReferralCommitmentFactory,
)
from tests.workflows import Context, Harness, harness


def _maker():
    """Someone who made the record and holds no staff position of the test."""
    return UserFactory(account_type=AccountType.STAFF)


def _case(status: str, ctx: Context) -> HardshipCase:
    case = HardshipCaseFactory(person=PersonFactory(area=ctx.tree.c1), area=ctx.tree.c1, submitted_by=_maker())
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


def _unemployment(status: str, ctx: Context) -> UnemploymentRegistration:
    """A registration of a person of c1 who applied online with their own account (pending), or
    was registered at the window ten days ago."""
    applicant = UserFactory(account_type=AccountType.JOB_SEEKER)
    person = PersonFactory(area=ctx.tree.c1, account=applicant)
    return UnemploymentRegistrationFactory(person=person, status=status,
                                           applied_online=status == UnemploymentStatus.PENDING,
                                           registered_on=timezone.localdate() - datetime.timedelta(days=10))


@harness("registration.UnemploymentRegistration")
def unemployment_registrations() -> Harness:
    return Harness(
        make=_unemployment,
        take={
            "confirm": lambda r, actor, ctx: registration_services.unemployment_confirm(
                actor=actor, registration=r, note="材料齐全"),
            "reject": lambda r, actor, ctx: registration_services.unemployment_reject(
                actor=actor, registration=r, note="未提交退工证明"),
            "cancel": lambda r, actor, ctx: registration_services.unemployment_cancel(
                actor=actor, registration=r, reason=CancellationReason.MOVED_AWAY),
        },
        accounts=lambda r, ctx: {"applicant": r.person.account},
    )


def _commitment(status: str, ctx: Context) -> ReferralCommitment:
    case = ApprovedCaseFactory(person=PersonFactory(area=ctx.tree.c1), area=ctx.tree.c1, submitted_by=_maker())
    return ReferralCommitmentFactory(case=case, area=ctx.tree.c1, status=status)


def _refer(commitment: ReferralCommitment, actor, ctx: Context):
    vacancy = VacancyFactory(employer=EmployerFactory(area=ctx.tree.c3), area=ctx.tree.c3, title="仓库保管员")
    return commitment_services.commitment_refer(actor=actor, commitment=commitment, vacancy=vacancy)


@harness("registration.ReferralCommitment")
def referral_commitments() -> Harness:
    return Harness(
        make=_commitment,
        take={
            "refer": _refer,
            # A commitment closes when its case ends: the district's end of the case closes it.
            "close": lambda c, actor, ctx: services.hardship_case_end(actor=actor, case=c.case, note="已迁出本市"),
        },
    )


@harness("registration.FollowUpVisit")
def followup_visits() -> Harness:
    return Harness(
        make=lambda status, ctx: FollowUpVisitFactory(area=ctx.tree.c1, status=status),
        take={
            "record": lambda v, actor, ctx: followup_services.followup_record(
                actor=actor, visit=v, visited_on=timezone.localdate(), still_employed=True, notes="工作稳定"),
            "mark_missed": lambda v, actor, ctx: followup_services.followup_mark_missed(
                actor=actor, visit=v, notes="电话三次未接通"),
        },
    )


def _handover(status: str, ctx: Context) -> CaseHandover:
    """A case of 武昌区 (d2) handed to 江岸区 (d1), where the test's positions are."""
    case = ApprovedCaseFactory(person=PersonFactory(area=ctx.tree.c3), area=ctx.tree.c3, submitted_by=_maker())
    return CaseHandoverFactory(case=case, area=ctx.tree.d2, to_district=ctx.tree.d1, status=status,
                               proposed_by=_maker())


@harness("registration.CaseHandover")
def case_handovers() -> Harness:
    return Harness(
        make=_handover,
        take={
            "accept": lambda h, actor, ctx: handover_services.handover_accept(
                actor=actor, handover=h, handling_area=ctx.tree.c1, note="由大智街道跟进"),
            "decline": lambda h, actor, ctx: handover_services.handover_decline(
                actor=actor, handover=h, reason="本区无对应岗位资源"),
        },
    )
