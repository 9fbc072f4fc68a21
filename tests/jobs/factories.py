"""factory_boy factories for the HR market."""

import datetime

import factory
from django.utils import timezone

from jobs.constants import EmployerStatus, LicenceStatus, VacancyStatus
from jobs.models import Agency, Application, Employer, JobFair, Referral, SeekerProfile, SupervisionRecord, Vacancy
from jobs.search import vacancy_search_text
from jobs.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from portal.constants import AccountType
from portal.models import Area
from portal.reference.models import Industry, Occupation
from tests.factories import UserFactory


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    body = "91420100" + "".join(CREDIT_CODE_CHARSET[(n // 31 ** i) % 31] for i in range(9))
    return body + credit_code_check_character(body)


def community(code="420102002003"):  # 保成社区 of 大智街道, 江岸区 (tree.c1)
    return Area.objects.get(code=code)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    account = factory.SubFactory(UserFactory, account_type=AccountType.EMPLOYER)
    name = factory.Sequence(lambda n: f"武汉测试企业{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="C"))
    area = factory.LazyFunction(community)
    contact_name = "王经理"
    contact_phone = "027-82000000"
    status = EmployerStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"电焊工{n}")
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(code="6-18"))
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="C"))
    area = factory.LazyAttribute(lambda o: o.employer.area)
    headcount = 2
    salary_min = 4000
    salary_max = 6000
    description = "负责钢结构焊接，持证上岗。"
    contact_name = "王经理"
    contact_phone = "027-82000000"
    closing_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = VacancyStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    posted_by = factory.LazyAttribute(lambda o: o.employer.account)
    search_text = factory.LazyAttribute(lambda o: vacancy_search_text(
        title=o.title, employer_name=o.employer.name, description=o.description))


class SeekerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeekerProfile

    account = factory.SubFactory(UserFactory, account_type=AccountType.JOB_SEEKER)
    area = factory.LazyFunction(community)
    education = "senior_middle"
    expected_salary = 5000


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    vacancy = factory.SubFactory(VacancyFactory)
    seeker = factory.SubFactory(SeekerProfileFactory)
    area = factory.LazyAttribute(lambda o: o.vacancy.area)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    seeker = factory.SubFactory(SeekerProfileFactory)
    vacancy = factory.SubFactory(VacancyFactory)
    referred_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)
    area = factory.LazyFunction(community)


class JobFairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFair

    title = factory.Sequence(lambda n: f"高校毕业生专场招聘会{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=4))
    venue = "武汉人才市场一楼大厅"
    organised_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"江城人力资源服务有限公司{n}")
    licence_number = factory.Sequence(lambda n: f"鄂人社中介字〔2025〕{n:04d}号")
    holder = "李四"
    scope = "职业介绍、职业指导"
    address = "武汉市江岸区解放大道1号"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=900))
    status = LicenceStatus.VALID
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))


class SupervisionRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionRecord

    agency = factory.SubFactory(AgencyFactory)
    area = factory.LazyAttribute(lambda o: o.agency.area)
    inspected_on = factory.LazyFunction(timezone.localdate)
    inspector = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)
    findings = "台账齐全，收费公示到位。"
    result = "compliant"
