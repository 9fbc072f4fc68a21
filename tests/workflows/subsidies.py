"""Harness of the subsidy application workflow (see tests/workflows/__init__.py).

The record is a start-up loan interest subsidy (a one-off programme, so the disbursement pays the
reservation out of the fund) of a registered unemployed person of c1 who applied online with their
own account; someone who holds no position of the test entered it. The district fund has money, and
an application past district approval has its amount reserved on it, as the approval would have
done. One waiting for district approval is within the district's limit (``approve``); one waiting
for the city is above it (``needs_city_approval``).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.constants import AccountType
from subsidies.constants import ApplicationStatus, DocumentKind, ProgrammeKind, ReasonCode
from subsidies.models import Application
from subsidies.services import applications as application_services
from subsidies.services import documents as document_services
from subsidies.services import review as services
from subsidies.services.funds import fund_reserve
from tests.factories import UserFactory
from tests.subsidies.review_support import LOAN_SUBSIDY_FEN, eligible_application, eligible_person, fund_for
from tests.workflows import Context, Harness, harness

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RESERVED = (ApplicationStatus.DISTRICT_APPROVED, ApplicationStatus.APPROVED)


def _application(status: str, ctx: Context) -> Application:
    applicant = UserFactory(account_type=AccountType.JOB_SEEKER)
    person = eligible_person(ctx.tree.c1, kind=ProgrammeKind.STARTUP_LOAN, account=applicant)
    fund_for(ctx.tree.c1)
    application = eligible_application(
        ctx.tree.c1, status=ApplicationStatus.SUBMITTED, kind=ProgrammeKind.STARTUP_LOAN, person=person,
        applicant_account=applicant, needs_city_approval=status == ApplicationStatus.DISTRICT_APPROVED)
    if status in RESERVED:
        fund_reserve(application=application, amount_fen=LOAN_SUBSIDY_FEN, actor=None)
    Application.objects.filter(pk=application.pk).update(
        status=status, amount_approved_fen=LOAN_SUBSIDY_FEN if status in RESERVED else None,
        reason_code=ReasonCode.DOCUMENTS_MISSING if status == ApplicationStatus.RETURNED else "",
        remark="请补充身份证复印件" if status == ApplicationStatus.RETURNED else "")
    return Application.objects.get(pk=application.pk)


def _correct(application: Application, actor, ctx: Context):
    return application_services.application_correct(
        actor=actor, application=application, period_start=application.period_start,
        period_end=application.period_end, payee_name=application.payee_name,
        payee_account=application.payee_account, basis_fen=application.basis_fen,
        loan_term_months=application.loan_term_months, details=application.details)


def _add_document(application: Application, actor, ctx: Context):
    document = document_services.document_add(actor=actor, application=application, kind=DocumentKind.IDENTITY,
                                              upload=SimpleUploadedFile("身份证.pdf", PDF,
                                                                        content_type="application/pdf"))
    document.file.delete(save=False)  # the test rolls the row back; leave no file behind either
    return document


@harness("subsidies.Application")
def subsidy_applications() -> Harness:
    return Harness(
        make=_application,
        take={
            "accept": lambda a, actor, ctx: services.application_accept(actor=actor, application=a, remark="材料齐全"),
            "review": lambda a, actor, ctx: services.application_review(actor=actor, application=a, remark="核实无误"),
            "approve": lambda a, actor, ctx: services.application_approve(actor=actor, application=a, step="approve"),
            "approve_for_city": lambda a, actor, ctx: services.application_approve(
                actor=actor, application=a, step="approve_for_city"),
            "city_approve": lambda a, actor, ctx: services.application_city_approve(actor=actor, application=a),
            "disburse": lambda a, actor, ctx: services.application_disburse(actor=actor, application=a),
            "return": lambda a, actor, ctx: services.application_return(
                actor=actor, application=a, reason_code=ReasonCode.DOCUMENTS_MISSING, remark="请补充贷款合同"),
            "reject": lambda a, actor, ctx: services.application_reject(
                actor=actor, application=a, reason_code=ReasonCode.NOT_ELIGIBLE, remark="不符合申请条件"),
            "resubmit": lambda a, actor, ctx: application_services.application_resubmit(actor=actor, application=a),
            "withdraw": lambda a, actor, ctx: application_services.application_withdraw(actor=actor, application=a),
            "correct": _correct,
            "add_document": _add_document,
        },
        accounts=lambda a, ctx: {"applicant": a.applicant_account},
    )
