"""Harnesses of the HR market's employers, vacancies, applications and referrals (see
tests/workflows/__init__.py). Every record lies in the fixture tree's community c1 of 江岸区 and was
made by someone who holds no staff position: the employer's own account, or a clerk elsewhere."""

from __future__ import annotations

from django.utils import timezone

from jobs.constants import (
    ApplicationStatus,
    CloseReason,
    EmployerStatus,
    ReferralOutcome,
    RefusalBy,
    VacancyStatus,
)
from jobs.models import Application, Employer, Referral, Vacancy
from jobs.services import applications as application_services
from jobs.services import employers as employer_services
from jobs.services import referrals as referral_services
from jobs.services import vacancies as vacancy_services
from portal.constants import AccountType
from tests.factories import UserFactory
from tests.jobs.factories import (
    ApplicationFactory,
    EmployerFactory,
    ReferralFactory,
    SeekerProfileFactory,
    VacancyFactory,
)
from tests.workflows import Context, Harness, harness


def _employer(status: str, ctx: Context) -> Employer:
    return EmployerFactory(area=ctx.tree.c1, status=status,
                           verified_at=timezone.now() if status == EmployerStatus.VERIFIED else None)


@harness("jobs.Employer")
def employers() -> Harness:
    return Harness(
        make=_employer,
        take={
            "verify": lambda employer, actor, ctx: employer_services.employer_verify(actor=actor, employer=employer),
            "reject": lambda employer, actor, ctx: employer_services.employer_reject(
                actor=actor, employer=employer, reason="营业执照不清晰"),
            "resubmit": lambda employer, actor, ctx: employer_services.employer_resubmit(
                actor=actor, employer=employer),
            "edit": lambda employer, actor, ctx: employer_services.employer_update(
                actor=actor, employer=employer, contact_name="新联系人"),
            "membership": lambda employer, actor, ctx: employer_services.employer_set_membership(
                actor=actor, employer=employer, is_member=True, member_since=timezone.localdate()),
        },
        accounts=lambda employer, ctx: {"employer": employer.account},
    )


def _vacancy(status: str, ctx: Context) -> Vacancy:
    employer = EmployerFactory(area=ctx.tree.c1)
    return VacancyFactory(employer=employer, area=ctx.tree.c1, status=status,
                          published_at=timezone.now() if status == VacancyStatus.PUBLISHED else None,
                          return_reason="请写明工作时间" if status == VacancyStatus.RETURNED else "")


@harness("jobs.Vacancy")
def vacancies() -> Harness:
    return Harness(
        make=_vacancy,
        take={
            "publish": lambda vacancy, actor, ctx: vacancy_services.vacancy_publish(actor=actor, vacancy=vacancy),
            "return": lambda vacancy, actor, ctx: vacancy_services.vacancy_return(
                actor=actor, vacancy=vacancy, reason="请写明工作时间"),
            "resubmit": lambda vacancy, actor, ctx: vacancy_services.vacancy_resubmit(actor=actor, vacancy=vacancy),
            "close": lambda vacancy, actor, ctx: vacancy_services.vacancy_close(
                actor=actor, vacancy=vacancy, reason=CloseReason.WITHDRAWN),
            "edit": lambda vacancy, actor, ctx: vacancy_services.vacancy_update(
                actor=actor, vacancy=vacancy, title=f"{vacancy.title}（白班）"),
        },
        accounts=lambda vacancy, ctx: {"employer": vacancy.employer.account},
    )


def _application(status: str, ctx: Context) -> Application:
    vacancy = VacancyFactory(employer=EmployerFactory(area=ctx.tree.c1), area=ctx.tree.c1)
    application = ApplicationFactory(vacancy=vacancy, seeker=SeekerProfileFactory(area=ctx.tree.c2))
    Application.objects.filter(pk=application.pk).update(
        status=status, hired_on=timezone.localdate() if status == ApplicationStatus.HIRED else None)
    return Application.objects.get(pk=application.pk)


def _move(to: str):
    def take(application, actor, ctx):
        hired_on = timezone.localdate() if to == ApplicationStatus.HIRED else None
        return application_services.application_move(actor=actor, application=application, to=to, hired_on=hired_on)
    return take


@harness("jobs.Application")
def applications() -> Harness:
    return Harness(
        make=_application,
        take={
            "view": _move(ApplicationStatus.VIEWED),
            "interview": _move(ApplicationStatus.INTERVIEW),
            "hire": _move(ApplicationStatus.HIRED),
            "reject": _move(ApplicationStatus.REJECTED),
            "withdraw": lambda application, actor, ctx: application_services.application_withdraw(
                actor=actor, application=application),
        },
        accounts=lambda application, ctx: {"applicant": application.seeker.account,
                                           "employer": application.vacancy.employer.account},
    )


def _referral(status: str, ctx: Context) -> Referral:
    seeker = SeekerProfileFactory(area=ctx.tree.c1)
    referral = ReferralFactory(seeker=seeker, area=ctx.tree.c1,
                               vacancy=VacancyFactory(employer=EmployerFactory(area=ctx.tree.c1), area=ctx.tree.c1),
                               referred_by=UserFactory(account_type=AccountType.STAFF))
    Referral.objects.filter(pk=referral.pk).update(
        status=status, outcome_on=None if status == ReferralOutcome.PENDING else timezone.localdate())
    return Referral.objects.get(pk=referral.pk)


def _outcome(outcome: str, **extra):
    def take(referral, actor, ctx):
        return referral_services.referral_outcome_record(actor=actor, referral=referral, outcome=outcome, **extra)
    return take


@harness("jobs.Referral")
def referrals() -> Harness:
    return Harness(
        make=_referral,
        take={
            "interview": _outcome(ReferralOutcome.INTERVIEWED),
            "hire": _outcome(ReferralOutcome.HIRED, outcome_on=timezone.localdate()),
            "refuse": _outcome(ReferralOutcome.REFUSED, refused_by=RefusalBy.EMPLOYER, refusal_reason="岗位已招满"),
        },
    )
