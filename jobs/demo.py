"""Demo data of the HR market: employers, vacancies, a seeker profile, a job fair and agencies.

Idempotent: records are found by natural keys (credit code, employer and title, licence number)
and only missing ones are written. ``--scale N`` adds N × 500 published vacancies.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jobs.constants import (
    EmployerStatus,
    FairStatus,
    FairTargetGroup,
    LicenceStatus,
    VacancyStatus,
    WorkingTime,
)
from jobs.models import Agency, Employer, FairParticipation, JobFair, SeekerProfile, Vacancy
from jobs.search import vacancy_search_text
from jobs.services.fairs import fair_join
from jobs.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.reference.models import Industry, Occupation

SCALE_VACANCIES = 500

# (title, occupation middle group, industry section, salary range, education)
JOBS = [
    ("电焊工", "6-18", "C", (5000, 8000), "junior_middle"),
    ("财务会计", "2-06", "L", (4500, 7000), "junior_college"),
    ("货车司机", "4-02", "G", (6000, 9000), "junior_middle"),
    ("小区保安员", "3-02", "K", (3200, 4000), "none"),
    ("超市收银员", "4-01", "F", (3000, 3800), "senior_middle"),
    ("中餐厨师", "4-03", "H", (5000, 8000), "none"),
    ("软件工程师", "2-02", "I", (10000, 18000), "bachelor"),
    ("护理员", "4-10", "Q", (3800, 5000), "secondary_vocational"),
    ("快递分拣员", "4-02", "G", (4000, 5500), "none"),
    ("数控车工", "6-18", "C", (5500, 8500), "secondary_vocational"),
    ("幼儿园保育员", "4-10", "P", (3200, 4200), "senior_middle"),
    ("物业维修电工", "6-31", "K", (4500, 6000), "secondary_vocational"),
    ("社区公益性岗位协管员", "3-01", "S", (2300, 2600), "none"),
    ("电商客服专员", "4-07", "I", (4000, 6000), "junior_college"),
    ("汽车装配工", "6-22", "C", (5000, 7500), "senior_middle"),
    ("仓库管理员", "4-02", "G", (4000, 5200), "senior_middle"),
]
DEMO_EMPLOYERS = [
    ("武汉江城制造有限公司", "C", "420102002001"),
    ("武汉长江物流有限公司", "G", "420106002001"),
    ("武汉黄鹤楼餐饮管理有限公司", "H", "420103003001"),
    ("武汉光谷软件股份有限公司", "I", "420111001001"),
    ("武汉楚天物业服务有限公司", "K", "420104002001"),
    ("武汉东湖康养护理中心", "Q", "420106003001"),
]


def demo_credit_code(n: int) -> str:
    body = "91420100" + "".join(CREDIT_CODE_CHARSET[(n * 7919 // 31 ** i) % 31] for i in range(9))
    return body + credit_code_check_character(body)


def _nearest_community(code: str) -> Area:
    """The given community, or the first community of its district if the code changed."""
    return (Area.objects.filter(code=code).first()
            or Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=code[:6]).order_by("code").first())


def build(*, scale: int, log) -> None:
    today = timezone.localdate()
    now = timezone.now()
    clerk = User.objects.get(username="jiangan_clerk")
    occupations = {o.code: o for o in Occupation.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    rng = random.Random(20091)

    employers = []
    for n, (name, industry, community_code) in enumerate(DEMO_EMPLOYERS, start=1):
        account = User.objects.get(username="employer") if n == 1 else None
        employer, created = Employer.objects.get_or_create(
            credit_code=demo_credit_code(n),
            defaults=dict(account=account, name=name, industry=industries[industry], area=_nearest_community(community_code),
                          address=f"{name}办公楼", contact_name="人事部 李女士", contact_phone="027-8588" + f"{n:04d}",
                          status=EmployerStatus.VERIFIED, verified_at=now, verified_by=clerk,
                          is_member_unit=n <= 3, member_since=today if n <= 3 else None))
        employers.append(employer)
    log(gettext("employers: %(count)d") % {"count": len(employers)})

    created = 0
    with transaction.atomic():
        for i, employer in enumerate(employers):
            for j, (title, occupation, industry, (low, high), education) in enumerate(JOBS):
                if (i + j) % 3:
                    continue
                status = VacancyStatus.PENDING if (i + j) % 9 == 0 else VacancyStatus.PUBLISHED
                _, made = Vacancy.objects.get_or_create(
                    employer=employer, title=title,
                    defaults=_vacancy_fields(employer, title, occupations[occupation], industries[industry], low, high,
                                             education, status, today, now, rng))
                created += made
    log(gettext("vacancies: %(new)d new") % {"new": created})

    seeker = User.objects.get(username="seeker")
    profile, _ = SeekerProfile.objects.get_or_create(
        account=seeker, defaults=dict(area=_nearest_community("420102002001"), education="senior_middle",
                                      experience_years=3, skills="电焊、氩弧焊、看图纸", expected_salary=6000))
    profile.wanted_occupations.add(occupations["6-18"])
    log(gettext("job seeker profile: %(username)s") % {"username": seeker.username})

    # A morning fair ten days ahead (09:00–12:00 local time), with employers and their vacancies.
    fair_day = today + datetime.timedelta(days=10)
    fair, _ = JobFair.objects.get_or_create(
        title="2026年江岸区高校毕业生专场招聘会",
        defaults=dict(area=Area.objects.get(code="420102000000"),
                      starts_at=timezone.make_aware(datetime.datetime.combine(fair_day, datetime.time(9, 0))),
                      ends_at=timezone.make_aware(datetime.datetime.combine(fair_day, datetime.time(12, 0))),
                      venue="江岸区人力资源市场一楼",
                      target_group=FairTargetGroup.GRADUATES, capacity=300, status=FairStatus.PUBLISHED,
                      description="面向2026届高校毕业生，现场与线上同步面试。", organised_by=clerk))
    for employer in employers[:4]:
        offered = list(Vacancy.objects.filter(employer=employer, status=VacancyStatus.PUBLISHED,
                                              closing_date__gte=fair_day)[:3])
        if not offered or FairParticipation.objects.filter(fair=fair, employer=employer).exists():
            continue
        if employer.account_id:
            fair_join(actor=employer.account, fair=fair, vacancies=offered)  # as the employer does it
        else:  # the demo's other employers have no accounts: joined as the window records it for them
            FairParticipation.objects.create(fair=fair, employer=employer).vacancies.set(offered)
    for n, (name, days_left) in enumerate([("江城人力资源服务有限公司", 700), ("楚才职业介绍所", 30),
                                           ("汉口劳务派遣服务部", -15)], start=1):
        Agency.objects.get_or_create(
            licence_number=f"鄂人社中介字〔2024〕{n:04d}号",
            defaults=dict(name=name, holder="法定代表人" + "甲乙丙"[n - 1], scope="职业介绍、职业指导、人力资源供求信息",
                          address="武汉市江岸区解放大道" + str(100 * n) + "号", valid_from=today - datetime.timedelta(days=700),
                          valid_to=today + datetime.timedelta(days=days_left), status=LicenceStatus.VALID,
                          area=Area.objects.get(code="420102000000")))
    log(gettext("job fair and agencies"))

    if scale > 0:
        _scaled_vacancies(count=scale * SCALE_VACANCIES, employers=employers, occupations=occupations,
                          industries=industries, rng=rng, log=log)


def _vacancy_fields(employer, title, occupation, industry, low, high, education, status, today, now, rng) -> dict:
    description = (f"{employer.name}招聘{title}。工作地点在{employer.area.name}，"
                   "要求身体健康、吃苦耐劳，有相关经验者优先。\n五险一金，节假日福利。")
    return dict(
        occupation=occupation, industry=industry, area=employer.area, headcount=rng.randint(1, 10),
        salary_min=low, salary_max=high, education=education, experience_years=rng.choice([0, 1, 2, 3]),
        working_time=WorkingTime.FULL_TIME, description=description, benefits="五险一金、包工作餐",
        contact_name=employer.contact_name, contact_phone=employer.contact_phone,
        closing_date=today + datetime.timedelta(days=rng.randint(15, 90)),
        is_public_welfare="公益性" in title, open_to_hard_to_employ="公益性" in title or "保安" in title,
        status=status, published_at=now if status == VacancyStatus.PUBLISHED else None,
        posted_by=employer.account or User.objects.get(username="jiangan_clerk"),
        search_text=vacancy_search_text(title=title, employer_name=employer.name, description=description))


def _scaled_vacancies(*, count, employers, occupations, industries, rng, log) -> None:
    marker = "（批量样例）"
    existing = Vacancy.objects.filter(title__endswith=marker).count()
    missing = max(0, count - existing)
    today, now = timezone.localdate(), timezone.now()
    batch = 2000
    communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code"))
    for start in range(0, missing, batch):
        rows = []
        for k in range(start, min(start + batch, missing)):
            title, occupation, industry, (low, high), education = JOBS[k % len(JOBS)]
            employer = employers[k % len(employers)]
            fields = _vacancy_fields(employer, title + marker, occupations[occupation], industries[industry], low,
                                     high, education, VacancyStatus.PUBLISHED, today, now, rng)
            fields["area"] = communities[rng.randrange(len(communities))]
            rows.append(Vacancy(employer=employer, title=title + marker, area_path=fields["area"].path, **fields))
        Vacancy.objects.bulk_create(rows, batch_size=batch)
        log(gettext("vacancies at scale: %(done)d/%(total)d written") % {"done": min(start + batch, missing),
                                                                          "total": missing}, progress=True)
    log(gettext("vacancies at scale: %(count)d (%(new)d new)") % {"count": count, "new": missing})
