"""The public home page: a job seeker's front door (search box, vacancies near them, this week's
job fairs, the newest policies, the service guides), public items only, in a constant number of
queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.constants import FairStatus, VacancyStatus
from jobs.selectors.search import HOME_VACANCIES
from policy.constants import DocumentStatus
from portal.constants import AccountType
from tests.factories import UserFactory
from tests.jobs.factories import EmployerFactory, JobFairFactory, SeekerProfileFactory, VacancyFactory
from tests.policy.factories import PolicyDocumentFactory, ServiceGuideFactory
from tests.registration.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_reference_memo")]




def ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def titles_in_order(html: str, titles: list[str]) -> list[str]:
    """The given titles in the order the page shows them."""
    found = [(html.index(title), title) for title in titles if title in html]
    return [title for _, title in sorted(found)]


def vacancies_section(html: str) -> str:
    return re.search(r'<section class="home-section home-jobsvacancies".*?</section>', html, re.S).group(0)


def test_anonymous_reader_sees_search_box_city_vacancies_fairs_policies_and_guides(client, tree):
    VacancyFactory(title="江岸区电焊工", employer=EmployerFactory(area=tree.c1))
    VacancyFactory(title="武昌区收银员", employer=EmployerFactory(area=tree.c3))
    JobFairFactory(title="本周高校毕业生招聘会", status=FairStatus.PUBLISHED,
                   starts_at=timezone.now() + datetime.timedelta(days=2))
    JobFairFactory(title="十天后的招聘会", status=FairStatus.PUBLISHED,
                   starts_at=timezone.now() + datetime.timedelta(days=10))
    PolicyDocumentFactory(title="关于促进高校毕业生就业的通知", published=True)
    ServiceGuideFactory(service="unemployment_registration", title="失业登记办事指南")

    html = client.get("/").content.decode()

    # One search box sending the search page's own keyword parameter to /jobs/.
    form = re.search(r'<form method="get" action="/jobs/" class="home-search[^>]*>.*?</form>', html, re.S).group(0)
    assert 'name="q"' in form and 'type="submit"' in form
    # The whole city's vacancies, newest first, without a district to put first.
    section = vacancies_section(html)
    assert "江岸区电焊工" in section and "武昌区收银员" in section
    assert "先列" not in section
    assert "本周高校毕业生招聘会" in html and "十天后的招聘会" not in html
    assert "关于促进高校毕业生就业的通知" in html
    assert "失业登记办事指南" in html
    for heading in ("找工作", "最新岗位", "本周招聘会", "最新政策", "业务指南"):
        assert f">{heading}</h2>" in html, heading
    # The doors for employers and staff stay, below the sections.
    assert html.count('class="door"') == 3
    assert html.index('class="doors small"') > html.index("失业登记办事指南")


def test_a_seeker_sees_vacancies_of_their_district_first(client, tree):
    seeker = SeekerProfileFactory(area=tree.c1).account  # lives in 江岸区
    VacancyFactory(title="江岸区旧岗位", employer=EmployerFactory(area=tree.c2), published_at=ago(days=5))
    VacancyFactory(title="武昌区新岗位", employer=EmployerFactory(area=tree.c3), published_at=ago(hours=1))
    client.force_login(seeker)

    section = vacancies_section(client.get("/").content.decode())

    assert titles_in_order(section, ["武昌区新岗位", "江岸区旧岗位"]) == ["江岸区旧岗位", "武昌区新岗位"]
    assert "先列江岸区" in section
    assert f'href="/jobs/?area={tree.d1.code}"' in section


def test_a_seeker_without_profile_is_placed_by_their_registration(client, tree):
    user = UserFactory(account_type=AccountType.JOB_SEEKER)
    PersonFactory(account=user, area=tree.c3)  # registered in 武昌区
    VacancyFactory(title="武昌区旧岗位", employer=EmployerFactory(area=tree.c3), published_at=ago(days=5))
    VacancyFactory(title="江岸区新岗位", employer=EmployerFactory(area=tree.c1), published_at=ago(hours=1))
    client.force_login(user)

    section = vacancies_section(client.get("/").content.decode())

    assert titles_in_order(section, ["江岸区新岗位", "武昌区旧岗位"]) == ["武昌区旧岗位", "江岸区新岗位"]


def test_a_full_district_fills_the_list_and_no_vacancy_shows_twice(client, tree):
    seeker = SeekerProfileFactory(area=tree.c1).account
    employer = EmployerFactory(area=tree.c1)
    for n in range(HOME_VACANCIES + 1):
        VacancyFactory(title=f"江岸区岗位{n}号", employer=employer, published_at=ago(days=n + 1))
    VacancyFactory(title="武昌区最新岗位", employer=EmployerFactory(area=tree.c3), published_at=ago(hours=1))
    client.force_login(seeker)

    section = vacancies_section(client.get("/").content.decode())

    assert section.count("<li") == HOME_VACANCIES
    assert "武昌区最新岗位" not in section
    assert f"江岸区岗位{HOME_VACANCIES}号" not in section  # the oldest of the district


def test_drafts_closed_and_unpublished_items_never_appear(client, tree):
    employer = EmployerFactory(area=tree.c1)
    VacancyFactory(title="待审核岗位", employer=employer, status=VacancyStatus.PENDING, published_at=None)
    VacancyFactory(title="已关闭岗位", employer=employer, status=VacancyStatus.CLOSED)
    VacancyFactory(title="已过截止日岗位", employer=employer,
                   closing_date=timezone.localdate() - datetime.timedelta(days=1))
    JobFairFactory(title="草稿招聘会", status=FairStatus.DRAFT, starts_at=timezone.now() + datetime.timedelta(days=1))
    PolicyDocumentFactory(title="草稿政策文件")
    PolicyDocumentFactory(title="审核中政策文件", status=DocumentStatus.IN_REVIEW)
    PolicyDocumentFactory(title="已废止政策文件", published=True, status=DocumentStatus.REPEALED)
    seeker = SeekerProfileFactory(area=tree.c1).account

    for user in (None, seeker):
        if user is not None:
            client.force_login(user)
        html = client.get("/").content.decode()
        for title in ("待审核岗位", "已关闭岗位", "已过截止日岗位", "草稿招聘会", "草稿政策文件", "审核中政策文件",
                      "已废止政策文件"):
            assert title not in html, (user, title)


def test_each_section_says_when_it_is_empty_in_chinese(client, tree):
    html = client.get("/").content.decode()
    for empty in ("目前没有正在招聘的岗位，请稍后再来看看。", "未来7天内没有招聘会。", "暂无已发布的政策。", "暂无业务指南。"):
        assert empty in html, empty


def _queries_of_home(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_content(client, tree, signed_in,
                                                              django_assert_max_num_queries):
    if signed_in:
        client.force_login(SeekerProfileFactory(area=tree.c1).account)
    VacancyFactory(employer=EmployerFactory(area=tree.c1))
    JobFairFactory(status=FairStatus.PUBLISHED, starts_at=timezone.now() + datetime.timedelta(days=1))
    PolicyDocumentFactory(published=True)
    ServiceGuideFactory()
    _queries_of_home(client)  # the reference memo (district names) filled once
    few = _queries_of_home(client)

    for area in (tree.c1, tree.c3):
        employer = EmployerFactory(area=area)
        for _ in range(HOME_VACANCIES):
            VacancyFactory(employer=employer)
    for days in range(1, 6):
        JobFairFactory(status=FairStatus.PUBLISHED, starts_at=timezone.now() + datetime.timedelta(days=days))
    for _ in range(6):
        PolicyDocumentFactory(published=True)
        ServiceGuideFactory()

    many = _queries_of_home(client)
    # More content costs no more queries (a full district even spares the city's read).
    assert many <= few
    with django_assert_max_num_queries(9 if signed_in else 5):
        client.get("/")
