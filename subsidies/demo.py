"""Demo data of subsidies: the five programmes with a version each (values citing the policy they
come from, or marked 示例数值 where illustrative), this year's employment funds of the city, 江岸区 and
武昌区 (武昌区 short of the 1.5 % rule, to show the flag), the demo ``seeker`` linked to a demo person
with applications of their own, and applications at each step for the demo clerks of both districts.

Everything is written through the services (so it is audited and checked like real work) and found
again by natural keys (programme code, fund area and year, identity number, programme and person),
so running it twice adds nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jobs.models import Agency, Employer
from policy.models import PolicyDocument
from portal.models import Area, User
from registration.constants import EmploymentKind, HardshipStatus
from registration.identity import identity_lookup_hash, identity_make
from registration.models import EmploymentRegistration, HardshipCategory, Person, UnemploymentRegistration
from registration.retirement import add_months
from subsidies.constants import ApplicationStatus, DocumentKind, ProgrammeKind, ReasonCode
from subsidies.eligibility import month_end
from subsidies.models import Application, Fund, Programme

POLICY_164 = "财社〔2017〕164号《就业补助资金管理办法》"
STEP_DAYS = {"accept": 5, "review": 5, "approve": 10, "approve_for_city": 10, "city_approve": 10, "disburse": 10}
STEPS_NOTE = "审核时限为示例数值"
EFFECTIVE_FROM = datetime.date(2024, 1, 1)

# code, kind, name, parameters (amounts in fen), source of the values
PROGRAMMES = [
    ("social-insurance-flexible", ProgrammeKind.SOCIAL_INSURANCE, "就业困难人员灵活就业社会保险补贴", {
        "share": "2/3", "monthly_cap_fen": 80_000, "max_months": 36, "retirement_window_years": 5, "categories": [],
        "city_approval_above_fen": 2_000_000, "step_days": STEP_DAYS,
        "required_documents": [DocumentKind.IDENTITY, DocumentKind.CONTRIBUTION_PROOF],
    }, f"{POLICY_164}：补贴标准原则上不超过实际缴费的2/3，期限最长3年，距法定退休年龄不足5年的可延长至退休；"
       f"每月上限800元、市级审批线2万元为示例数值；{STEPS_NOTE}"),
    ("graduate-social-insurance", ProgrammeKind.GRADUATE_SOCIAL_INSURANCE, "小微企业吸纳高校毕业生社会保险补贴", {
        "monthly_cap_fen": 120_000, "max_months": 12, "graduated_within_years": 1, "employer_max_staff": 100,
        "city_approval_above_fen": 2_000_000, "step_days": STEP_DAYS,
        "required_documents": [DocumentKind.LABOUR_CONTRACT, DocumentKind.GRADUATION_CERTIFICATE,
                               DocumentKind.CONTRIBUTION_PROOF],
    }, f"{POLICY_164}：招用毕业年度高校毕业生的小微企业，给予最长不超过1年的社会保险补贴；"
       f"毕业1年内、100人以下、每月上限1200元为示例数值；{STEPS_NOTE}"),
    ("public-welfare-post", ProgrammeKind.PUBLIC_WELFARE_POST, "公益性岗位补贴", {
        "monthly_amount_fen": 201_000, "max_months": 36, "retirement_window_years": 5,
        "city_approval_above_fen": 2_000_000, "step_days": STEP_DAYS,
        "required_documents": [DocumentKind.IDENTITY, DocumentKind.LABOUR_CONTRACT],
    }, f"{POLICY_164}：补贴标准参照当地最低工资标准，期限最长3年，距法定退休年龄不足5年的可延长至退休；"
       f"每月2010元为示例数值；{STEPS_NOTE}"),
    ("job-referral", ProgrammeKind.JOB_REFERRAL, "职业介绍补贴", {
        "amount_per_placement_fen": 20_000, "placement_within_days": 180,
        "city_approval_above_fen": 2_000_000, "step_days": STEP_DAYS,
        "required_documents": [DocumentKind.PLACEMENT_PROOF, DocumentKind.LABOUR_CONTRACT],
    }, "财社〔2008〕269号：职业中介机构介绍登记失业人员等就业并签订劳动合同的，给予职业介绍补贴"
       f"（财社〔2017〕164号起并入就业创业服务补助）；每人200元、180日内申请为示例数值；{STEPS_NOTE}"),
    ("startup-loan", ProgrammeKind.STARTUP_LOAN, "创业担保贷款及贴息", {
        "loan_cap_fen": 30_000_000, "max_term_months": 36, "subsidy_rate": "3/100",
        "city_approval_above_fen": 2_000_000, "step_days": STEP_DAYS,
        "required_documents": [DocumentKind.IDENTITY, DocumentKind.BUSINESS_LICENCE, DocumentKind.LOAN_CONTRACT],
    }, "2024年中国人民银行、财政部、人力资源社会保障部创业担保贷款政策：个人贷款额度上限提高至30万元；"
       f"财金〔2020〕21号：贷款期限最长3年；年贴息3%为示例数值；{STEPS_NOTE}"),
]

# Funds of this year (yuan; 示例数值). 武昌区 stays below 1.5 % of last year's revenue: the flag shows.
FUNDS = [
    ("420100000000", 160_000_000, 10_000_000_000, 0),
    ("420102000000", 32_000_000, 2_000_000_000, 5_000_000),
    ("420106000000", 30_000_000, 2_500_000_000, 3_000_000),
]

# Demo persons of the subsidies (identity sequences the registration demo does not use):
# (name, birth date, sequence, what they are, the application's step)
PERSONS = [
    ("周志刚", datetime.date(1975, 4, 12), 711, "flexible", ApplicationStatus.SUBMITTED),
    ("吴桂兰", datetime.date(1978, 9, 3), 722, "flexible", ApplicationStatus.ACCEPTED),
    ("郑海涛", datetime.date(1980, 2, 21), 731, "flexible", ApplicationStatus.STREET_REVIEWED),
    ("孙丽华", datetime.date(1976, 6, 30), 742, "flexible", ApplicationStatus.APPROVED),
    ("马建军", datetime.date(1983, 12, 5), 751, "flexible", ApplicationStatus.REJECTED),
    ("何晓燕", datetime.date(1979, 1, 17), 762, "welfare_post", ApplicationStatus.DISTRICT_APPROVED),
    ("林涛", datetime.date(1992, 10, 8), 771, "placed", ApplicationStatus.SUBMITTED),
    ("高秀梅", datetime.date(1986, 3, 14), 782, "unemployed", ApplicationStatus.DISBURSED),
]
SEEKER_PERSON = ("张三", datetime.date(1978, 5, 20), 791)


def build(*, scale: int, log) -> None:
    city_admin = User.objects.get(username="city_admin")
    programmes = _programmes(city_admin, log)
    _funds(city_admin, log)
    for prefix in ("jiangan", "wuchang"):
        staff = {role: User.objects.get(username=f"{prefix}_{role}")
                 for role in ("community_clerk", "street_clerk", "clerk")}
        community = staff["community_clerk"].role_grants.get().area
        made = 0
        for spec in PERSONS:
            made += _application_at_step(spec, community=community, staff=staff, programmes=programmes,
                                         city_official=User.objects.get(username="city_official"))
        log(gettext("applications in %(area)s: %(new)d new") % {"area": community.name, "new": made})
    _seeker(programmes, log)
    # The applicants' hard-to-employ cases were approved in the past: their overdue referral
    # commitments are escalated as the nightly task would have done.
    from registration.services.commitments import commitments_escalate

    log(gettext("commitment escalations recorded: %(count)d") % {"count": commitments_escalate()})


# --- Programmes and funds ---------------------------------------------------------------------


def _programmes(actor: User, log) -> dict[str, Programme]:
    from subsidies.services.programmes import programme_create

    seed = PolicyDocument.objects.public().filter(number_key__contains="138").order_by("pk").first()
    found = {}
    for code, kind, name, parameters, source in PROGRAMMES:
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            programme = programme_create(
                actor=actor, code=code, name=name, kind=kind, effective_from=EFFECTIVE_FROM, parameters=parameters,
                source=source, policy_document=seed,
                description="武政办〔2009〕138号要求各项就业扶持政策实行网上申报审核；本项目的补贴标准见各版本的数值来源。")
        found[kind] = programme
    log(gettext("programmes: %(count)d") % {"count": len(found)})
    return found


def _funds(actor: User, log) -> None:
    from subsidies.services.fundbooks import fund_create, fund_money_allocate

    year = timezone.localdate().year
    for code, budget, revenue, allocate in FUNDS:
        area = Area.objects.get(code=code)
        fund = Fund.objects.filter(area=area, year=year).first()
        if fund is None:
            fund = fund_create(actor=actor, area=area, year=year, budget_fen=budget * 100,
                               prior_year_revenue_fen=revenue * 100)
        if allocate and fund.allocated_fen == 0:
            fund_money_allocate(actor=actor, fund=fund, amount_fen=allocate * 100, note="演示数据：年初拨付")
    log(gettext("employment funds of %(year)d: %(count)d") % {"year": year, "count": len(FUNDS)})


# --- Persons and their records ----------------------------------------------------------------


def _person(*, community: Area, clerk: User, name: str, birth: datetime.date, sequence: int,
            education: str = "senior_middle") -> tuple[Person, bool]:
    from registration.services.persons import person_register

    number = identity_make(community.code[:6], birth, sequence)
    person = Person.objects.filter(id_hash=identity_lookup_hash(number)).first()
    if person is not None:
        return person, False
    return person_register(actor=clerk, identity_number=number, name=name, area=community, education=education,
                           phone=f"137{sequence:04d}{birth:%m%d}"), True


def _hard_to_employ(person: Person, staff: dict, *, approved_on: datetime.date) -> None:
    from registration.services.hardship import hardship_case_approve, hardship_case_review, hardship_case_submit

    if person.hardship_cases.filter(status=HardshipStatus.APPROVED).exists():
        return
    category = HardshipCategory.objects.get(code="older_urban" if person.birth_date.year < 1980
                                            else "long_term_unemployed")
    case = hardship_case_submit(actor=staff["community_clerk"], person=person, categories=[category],
                                circumstances="家庭收入较低，长期未能稳定就业。")
    case = hardship_case_review(actor=staff["street_clerk"], case=case)
    hardship_case_approve(actor=staff["clerk"], case=case, approved_on=approved_on)


def _employed(person: Person, staff: dict, *, kind: str, started_on: datetime.date, employer=None,
              employer_name: str = "") -> None:
    from registration.services.registrations import employment_register

    if not EmploymentRegistration.objects.filter(person=person, kind=kind).exists():
        employment_register(actor=staff["community_clerk"], person=person, kind=kind, started_on=started_on,
                            employer=employer, employer_name=employer_name)


def _unemployed(person: Person, staff: dict, *, since: datetime.date) -> None:
    from registration.services.registrations import unemployment_register

    if not UnemploymentRegistration.objects.filter(person=person).exists():
        unemployment_register(actor=staff["community_clerk"], person=person, registered_on=since)


def _flexible_hard_to_employ(person: Person, staff: dict) -> None:
    """Flexibly employed since before their identification as hard-to-employ, so the nightly
    reconciliation (which ends a case on employment registered after approval) keeps the case."""
    today = timezone.localdate()
    _employed(person, staff, kind=EmploymentKind.FLEXIBLE, started_on=today - datetime.timedelta(days=400),
              employer_name="个体经营（灵活就业）")
    _hard_to_employ(person, staff, approved_on=today - datetime.timedelta(days=300))


def _payee(person: Person, sequence: int) -> dict:
    return {"payee_name": person.name, "payee_account": f"62220202{sequence:03d}{person.birth_date:%Y%m%d}"}


def _months(first_offset: int, count: int) -> dict:
    start = add_months(timezone.localdate().replace(day=1), first_offset)
    return {"period_start": start, "period_end": month_end(add_months(start, count - 1))}


# --- Applications at each step ----------------------------------------------------------------


@transaction.atomic
def _application_at_step(spec, *, community: Area, staff: dict, programmes: dict, city_official: User) -> int:
    from subsidies.services.applications import application_submit

    name, birth, sequence, what, target = spec
    window = staff["community_clerk"]
    person, _new = _person(community=community, clerk=window, name=name, birth=birth, sequence=sequence,
                           education="bachelor" if what == "graduate" else "senior_middle")
    today = timezone.localdate()
    extra: dict = {}
    if what == "flexible":
        _flexible_hard_to_employ(person, staff)
        programme = programmes[ProgrammeKind.SOCIAL_INSURANCE]
        extra = {**_months(0, 3), "basis_fen": 90_000 + sequence * 10}
    elif what == "welfare_post":
        employer = _community_employer(community)
        _hard_to_employ(person, staff, approved_on=today - datetime.timedelta(days=120))
        _employed(person, staff, kind=EmploymentKind.PUBLIC_WELFARE, employer=employer,
                  started_on=add_months(today.replace(day=1), -1), employer_name=employer.name)
        programme = programmes[ProgrammeKind.PUBLIC_WELFARE_POST]
        extra = {**_months(0, 12), "employer": employer}
    elif what == "placed":
        _unemployed(person, staff, since=today - datetime.timedelta(days=90))
        placed_on = today - datetime.timedelta(days=12)
        _employed(person, staff, kind=EmploymentKind.ENTERPRISE_HIRE, started_on=placed_on,
                  employer_name="武汉长江物流有限公司")
        programme = programmes[ProgrammeKind.JOB_REFERRAL]
        extra = {"period_start": placed_on,
                 "agency": Agency.objects.filter(name="江城人力资源服务有限公司").order_by("pk").first()}
    else:  # registered unemployed, starting a business with a guaranteed loan
        _unemployed(person, staff, since=today - datetime.timedelta(days=60))
        programme = programmes[ProgrammeKind.STARTUP_LOAN]
        extra = {"period_start": today, "basis_fen": 15_000_000, "loan_term_months": 24}
    if Application.objects.filter(programme=programme, person=person).exists():
        return 0
    payee = _payee(person, sequence)
    if what == "welfare_post":
        payee = {"payee_name": extra["employer"].name[:60], "payee_account": f"4201{sequence:04d}0000012345"}
    application = application_submit(actor=window, programme=programme, person=person, **payee, **extra)
    _walk(application, target, staff=staff, city_official=city_official)
    return 1


def _walk(application: Application, target: str, *, staff: dict, city_official: User) -> Application:
    """Take the application through the review steps until it reaches ``target``."""
    from subsidies.services import review

    if target == ApplicationStatus.SUBMITTED:
        return application
    if target == ApplicationStatus.REJECTED:
        return review.application_reject(actor=staff["community_clerk"], application=application,
                                         reason_code=ReasonCode.DATA_MISMATCH,
                                         remark="缴费记录与社保系统不一致，请核实后重新申请。")
    application = review.application_accept(actor=staff["community_clerk"], application=application,
                                            remark="材料齐全，予以受理。")
    if target == ApplicationStatus.ACCEPTED:
        return application
    application = review.application_review(actor=staff["street_clerk"], application=application,
                                            remark="已核实就业困难人员认定及灵活就业登记。")
    if target == ApplicationStatus.STREET_REVIEWED:
        return application
    application = review.application_approve(actor=staff["clerk"], application=application, remark="同意。")
    if target in (ApplicationStatus.APPROVED, ApplicationStatus.DISTRICT_APPROVED):
        return application
    return review.application_disburse(actor=staff["clerk"], application=application, remark="已拨付至申请人账户。")


def _community_employer(community: Area) -> Employer:
    """A verified employer registered in the community (the demo's own when the HR market has none)."""
    from jobs.constants import EmployerStatus
    from jobs.demo import demo_credit_code

    employer = Employer.objects.filter(area=community, status=EmployerStatus.VERIFIED).order_by("pk").first()
    if employer is not None:
        return employer
    industry = __import__("portal.reference.models", fromlist=["Industry"]).Industry.objects.get(code="S")
    employer, _ = Employer.objects.get_or_create(
        credit_code=demo_credit_code(700 + int(community.code[-3:])),
        defaults=dict(name=f"{community.name}社区服务中心", industry=industry, area=community,
                      address=f"{community.name}居委会", contact_name="社区主任", contact_phone="027-82000000",
                      status=EmployerStatus.VERIFIED, verified_at=timezone.now()))
    return employer


# --- The demo seeker --------------------------------------------------------------------------


def _seeker(programmes: dict, log) -> None:
    """``seeker`` (张三) is linked to a demo person of 保成社区, an approved hard-to-employ person in
    flexible employment: one application returned for correction, one awaiting community intake."""
    from registration.services.persons import person_account_link
    from subsidies.services import review
    from subsidies.services.applications import application_submit

    seeker = User.objects.get(username="seeker")
    staff = {role: User.objects.get(username=f"jiangan_{role}") for role in ("community_clerk", "street_clerk", "clerk")}
    community = staff["community_clerk"].role_grants.get().area
    name, birth, sequence = SEEKER_PERSON
    person, _new = _person(community=community, clerk=staff["community_clerk"], name=name, birth=birth,
                           sequence=sequence)
    _flexible_hard_to_employ(person, staff)
    if person.account_id is None and not Person.objects.filter(account=seeker).exists():
        person = person_account_link(user=seeker, identity_number=identity_make(community.code[:6], birth, sequence),
                                     name=name)
    programme = programmes[ProgrammeKind.SOCIAL_INSURANCE]
    made = 0
    if not Application.objects.filter(programme=programme, person=person).exists():
        returned = application_submit(actor=seeker, programme=programme, **_months(-3, 3), basis_fen=75_000,
                                      **_payee(person, sequence))
        review.application_return(actor=staff["community_clerk"], application=returned,
                                  reason_code=ReasonCode.DOCUMENTS_MISSING,
                                  remark="请上传近三个月的社会保险缴费证明。")
        application_submit(actor=seeker, programme=programme, **_months(0, 3), basis_fen=75_000,
                           **_payee(person, sequence))
        made = 2
    log(gettext("seeker %(name)s: %(new)d applications new") % {"name": person.name, "new": made})
