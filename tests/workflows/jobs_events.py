"""Harnesses of the HR market's job fairs and agency licences (see tests/workflows/__init__.py).

Records are made in street s1 of the fixture tree, so a community position is below them, the
street, district and city positions above, and the harness checks that the rules hold at every tier.
"""

from __future__ import annotations

from django.utils import timezone

from jobs.constants import SupervisionResult
from jobs.forms_agencies import AgencyForm
from jobs.forms_fairs import FairForm
from jobs.models import Agency, JobFair
from jobs.services import agencies as agency_services
from jobs.services import fairs as fair_services
from portal.constants import AccountType
from tests.factories import UserFactory
from tests.jobs.factories import AgencyFactory, JobFairFactory
from tests.workflows import Context, Harness, harness


def _fair(status: str, ctx: Context) -> JobFair:
    organiser = UserFactory(account_type=AccountType.STAFF)  # holds no grant: not one of the positions
    return JobFairFactory(area=ctx.tree.s1, organised_by=organiser, status=status)


def _fair_edit(fair: JobFair, actor, ctx: Context):
    """Save the draft with its own terms and a new title (valid input: the same organising area)."""
    values = {**{name: getattr(fair, name) for name in FairForm.base_fields}, "title": "修改后的专场招聘会"}
    return fair_services.fair_update(actor=actor, fair=fair, **values)


@harness("jobs.JobFair")
def job_fairs() -> Harness:
    return Harness(
        make=_fair,
        take={
            "publish": lambda fair, actor, ctx: fair_services.fair_publish(actor=actor, fair=fair),
            "cancel": lambda fair, actor, ctx: fair_services.fair_cancel(actor=actor, fair=fair, reason="场地检修"),
            "edit": _fair_edit,
        },
        refusal_codes=frozenset({"not_draft"}),
    )


def _agency(status: str, ctx: Context) -> Agency:
    return AgencyFactory(area=ctx.tree.s1, status=status)


def _agency_edit(agency: Agency, actor, ctx: Context):
    values = {**{name: getattr(agency, name) for name in AgencyForm.base_fields}, "holder": "王五"}
    return agency_services.agency_update(actor=actor, agency=agency, **values)


def _status(to: str):
    return lambda agency, actor, ctx: agency_services.agency_status_change(actor=actor, agency=agency, to=to,
                                                                           reason="检查结果")


@harness("jobs.Agency")
def agencies() -> Harness:
    return Harness(
        make=_agency,
        take={
            "suspend": _status("suspended"),
            "reinstate": _status("valid"),
            "revoke": _status("revoked"),
            "edit": _agency_edit,
            "supervise": lambda agency, actor, ctx: agency_services.agency_supervise(
                actor=actor, agency=agency, inspected_on=timezone.localdate(), findings="台账齐全",
                result=SupervisionResult.COMPLIANT),
        },
    )

