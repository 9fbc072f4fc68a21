import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse

from portal import registry
from portal.constants import AccountType, AuditEventType, StaffRole
from portal.models import AuditEvent, RoleGrant, User
from portal.registry import CLERK, Counter
from portal.views import HomeView
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Yellow-Crane-Tower-88"


def test_home_page_has_doors_for_each_kind_of_user(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert html.count('class="door"') == 3
    assert reverse("signup") in html and reverse("login") in html


def test_sign_up_form_keeps_typed_values_on_error_and_logs_in_on_success(client):
    data = {"account_type": "job_seeker", "username": "xiaoming", "full_name": "小明", "phone": "13900000000",
            "email": "", "password1": "123", "password2": "123"}
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "password1" in form.errors
    html = response.content.decode()
    assert 'value="xiaoming"' in html and 'value="小明"' in html
    assert re.search(r'<a href="#id_password[12]">[^<]*密码[^<]*：', html)  # the summary links to the field
    assert not User.objects.filter(username="xiaoming").exists()

    response = client.post(reverse("signup"), {**data, "password1": STRONG, "password2": STRONG})
    # Signing up logs in, so the new job seeker lands on their own page like after any login.
    assert response.status_code == 302 and response["Location"] == reverse("me")
    user = User.objects.get(username="xiaoming")
    assert user.account_type == AccountType.JOB_SEEKER and user.full_name == "小明"
    assert client.get("/").context["user"] == user


def test_sign_up_mismatched_passwords(client):
    response = client.post(reverse("signup"), {"account_type": "employer", "username": "corp", "full_name": "某公司",
                                               "password1": STRONG, "password2": STRONG + "x"})
    assert "password2" in response.context["form"].errors


def test_login_and_failed_login_are_audited(client, job_seeker):
    client.post(reverse("login"), {"username": job_seeker.username, "password": "wrong"})
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGIN_FAILED).count() == 1
    response = client.post(reverse("login"), {"username": job_seeker.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGGED_IN, actor=job_seeker).count() == 1
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGGED_OUT, actor=job_seeker).count() == 1


def test_password_change_page(client, job_seeker):
    client.force_login(job_seeker)
    response = client.post(reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": STRONG,
                                                        "new_password2": STRONG})
    assert response.status_code == 302
    job_seeker.refresh_from_db()
    assert job_seeker.check_password(STRONG)


def test_staff_pages_need_login_then_a_staff_role(client, job_seeker):
    response = client.get(reverse("staff:workbench"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(job_seeker)
    assert client.get(reverse("staff:workbench")).status_code == 403


def test_workbench_lists_my_roles(client, tree):
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    client.force_login(clerk)
    response = client.get(reverse("staff:workbench"))
    assert response.status_code == 200 and tree.c1.name in response.content.decode()


def test_navigation_follows_the_role(client, tree):
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    client.force_login(clerk)
    urls = [item["url"] for item in client.get("/").context["nav_items"]]
    assert reverse("staff:workbench") in urls and reverse("staff:grant-list") not in urls
    client.force_login(admin)
    urls = [item["url"] for item in client.get("/").context["nav_items"]]
    assert reverse("staff:grant-list") in urls and reverse("staff:audit-list") in urls


def test_create_staff_account_page_keeps_input_on_error_and_creates_on_success(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    client.force_login(admin)
    data = {"username": "newclerk", "full_name": "新经办员", "role": "clerk", "password1": STRONG, "password2": STRONG,
            "area_district": tree.d2.code}  # a sibling district: refused
    response = client.post(reverse("staff:grant-create"), data)
    assert response.status_code == 200 and "area" in response.context["form"].errors
    html = response.content.decode()
    assert 'value="newclerk"' in html and f'value="{tree.d2.code}" selected' in html
    assert not User.objects.filter(username="newclerk").exists()

    data.update({"area_district": tree.d1.code, "area_street": tree.s1.code, "area_community": tree.c1.code})
    response = client.post(reverse("staff:grant-create"), data)
    grant = RoleGrant.objects.get(user__username="newclerk")
    assert response.status_code == 302 and response["Location"] == reverse("staff:grant-detail", args=[grant.pk])
    assert grant.area == tree.c1 and grant.granted_by == admin


def test_area_picker_renders_the_chosen_chain(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    client.force_login(admin)
    response = client.post(reverse("staff:grant-create"), {"area_district": tree.d1.code,
                                                           "area_street": tree.s1.code})
    html = response.content.decode()
    assert f'value="{tree.d1.code}" selected' in html and f'value="{tree.s1.code}" selected' in html
    assert tree.c1.name in html  # the street's communities are offered


def test_grant_list_query_count_is_constant(client, tree, django_assert_num_queries):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    client.force_login(admin)
    make_staff(StaffRole.CLERK, tree.c1)
    client.get(reverse("staff:grant-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("staff:grant-list"))
    assert len(response.context["grants"]) == 2
    for _ in range(15):
        make_staff(StaffRole.CLERK, tree.c2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("staff:grant-list"))
    assert len(response.context["grants"]) == 17


def test_grant_list_filters_and_shows_an_empty_state(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    client.force_login(admin)
    make_staff(StaffRole.CLERK, tree.c1)
    response = client.get(reverse("staff:grant-list"), {"role": "official"})
    assert list(response.context["grants"]) == []
    assert 'class="empty"' in response.content.decode()
    response = client.get(reverse("staff:grant-list"), {"area": tree.d1.code})
    assert [g.area for g in response.context["grants"]] == [tree.c1]


def test_the_active_only_filter_offers_any_yes_no_and_refuses_junk(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.city)
    client.force_login(admin)
    page = client.get(reverse("staff:grant-list")).content.decode()
    select = re.search(r'<select name="active"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select) == [
        ("", " selected", "不限"), ("true", "", "是"), ("false", "", "否")]
    assert "未知" not in page
    chosen = client.get(reverse("staff:grant-list"), {"active": "true"}).content.decode()
    assert '<option value="true" selected>是</option>' in chosen
    assert client.get(reverse("staff:grant-list"), {"active": "maybe"}).status_code in (200, 400)
    assert client.get("/api/staff/grants/", {"active": "maybe"}).status_code == 400


def test_revoke_page_revokes_and_is_audited(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    grant = clerk.role_grants.get()
    client.force_login(admin)
    response = client.post(reverse("staff:grant-revoke", args=[grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    detail = client.get(reverse("staff:grant-detail", args=[grant.pk]))
    assert detail.status_code == 200 and len(detail.context["history"]) >= 1


def test_audit_page_lists_events_of_my_subtree_only(client, tree):
    admin = make_staff(StaffRole.ADMINISTRATOR, tree.d1)
    client.force_login(admin)
    from portal.audit import audit_record
    mine = audit_record(event_type=AuditEventType.AREA_UPDATED, actor=None, area=tree.c1)
    other = audit_record(event_type=AuditEventType.AREA_UPDATED, actor=None, area=tree.c3)
    events = list(client.get(reverse("staff:audit-list")).context["events"])
    assert mine in events and other not in events


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert not settings.DEBUG and "Traceback" not in html and "URLconf" not in html  # not Django's page
    assert '<html lang="zh-hans">' in html and 'class="site-header"' in html
    assert "<h1 id=\"error-title\">页面不存在</h1>" in html
    assert f'href="{reverse("home")}"' in html  # a way home
    search = re.search(r'<form class="search-again" method="get" action="([^"]+)"', html)
    assert search and search.group(1) == reverse("jobs:search") and 'name="q"' in html
    assert f'formaction="{reverse("policy:document-search")}"' in html
    assert 'data-menu-button' in html  # the whole shell, navigation included


def test_a_record_out_of_scope_gets_the_same_404_page(client, tree):
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    other = make_staff(StaffRole.CLERK, tree.c3).role_grants.get()
    response = client.get(reverse("staff:grant-detail", args=[other.pk]))
    assert response.status_code == 404 and "<h1 id=\"error-title\">页面不存在</h1>" in response.content.decode()


def test_a_forbidden_page_is_the_portals_403_with_the_reason_and_a_way_home(client, job_seeker):
    client.force_login(job_seeker)
    response = client.get(reverse("staff:workbench"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and 'class="site-header"' in html and "Traceback" not in html
    assert "<h1 id=\"error-title\">无权访问</h1>" in html
    assert "此页面仅供服务窗口工作人员使用。" in html  # the reason the view gave, in Chinese
    assert f'<a href="{reverse("me")}">前往我的主页</a>' in html  # the seeker's own home
    assert job_seeker.display_name in html


def test_a_server_error_is_the_portals_chinese_500_page(client, monkeypatch):
    def broken(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "boom" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert '<html lang="zh-hans">' in html and 'class="site-header"' in html
    assert "<h1 id=\"error-title\">服务暂时不可用</h1>" in html
    assert f'href="{reverse("home")}"' in html and 'name="q"' in html
    # Rendered without the request: no navigation, account links or forms that would need it.
    assert "data-menu-button" not in html and "csrfmiddlewaretoken" not in html


def test_the_500_page_renders_without_any_context():
    """Django renders 500.html with an empty context (no request, user or navigation)."""
    html = loader.get_template("500.html").render()
    assert "服务暂时不可用" in html and f'href="{reverse("home")}"' in html
    assert 'action="/i18n/setlang/"' not in html


def test_an_expired_form_is_the_portals_csrf_page(job_seeker):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": job_seeker.username, "password": TEST_PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1 id=\"error-title\">表单已过期</h1>" in html and '<html lang="zh-hans">' in html
    assert "CSRF" not in html and f'href="{reverse("home")}"' in html


def test_a_bad_request_is_the_portals_400_page(client):
    response = client.get("/", HTTP_HOST="not-allowed.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1 id=\"error-title\">请求有误</h1>" in html and '<html lang="zh-hans">' in html


# --- The shell per role -------------------------------------------------------------------------


def _landing(client, user) -> str:
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def test_each_role_lands_on_its_own_home_after_login(tree):
    seeker = UserFactory(account_type=AccountType.JOB_SEEKER)
    employer = UserFactory(account_type=AccountType.EMPLOYER)
    superuser = UserFactory(account_type=AccountType.STAFF, is_superuser=True, is_staff=True)
    assert _landing(Client(), seeker) == reverse("me")
    assert _landing(Client(), employer) == reverse("jobs:employer-home")
    assert _landing(Client(), superuser) == reverse("staff:workbench")
    for role, area in ((StaffRole.CLERK, tree.c1), (StaffRole.CLERK, tree.s1), (StaffRole.CLERK, tree.d1),
                       (StaffRole.OFFICIAL, tree.city), (StaffRole.ADMINISTRATOR, tree.d1)):
        assert _landing(Client(), make_staff(role, area)) == reverse("staff:workbench"), (role, area)


def test_a_login_asked_for_by_a_page_goes_back_to_that_page(client, job_seeker):
    response = client.post(f"{reverse('login')}?next={reverse('password_change')}",
                           {"username": job_seeker.username, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("password_change")


@pytest.mark.parametrize("kind", ["job_seeker", "employer", "staff", "superuser"])
def test_nobody_logged_in_sees_a_staff_login_link(client, tree, kind):
    users = {
        "job_seeker": lambda: UserFactory(account_type=AccountType.JOB_SEEKER),
        "employer": lambda: UserFactory(account_type=AccountType.EMPLOYER),
        "staff": lambda: make_staff(StaffRole.CLERK, tree.c1),
        "superuser": lambda: UserFactory(account_type=AccountType.STAFF, is_superuser=True, is_staff=True),
    }
    client.force_login(users[kind]())
    html = client.get("/").content.decode()
    assert f"?next={reverse('staff:workbench')}" not in html and "工作人员登录" not in html
    own_home = {"job_seeker": reverse("me"), "employer": reverse("jobs:employer-home")}.get(kind,
                                                                                         reverse("staff:workbench"))
    assert f'class="button" href="{own_home}"' in html


def test_the_menu_button_controls_the_grouped_navigation(client, tree):
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    response = client.get("/")
    html = response.content.decode()
    assert re.search(r'<button type="button" class="menu-button" aria-expanded="false" aria-controls="site-menu"',
                     html)
    assert '<div class="site-menu" id="site-menu">' in html
    sections = response.context["nav_sections"]
    assert [section["key"] for section in sections] == ["public", "staff", "admin"]
    assert [item for section in sections for item in section["items"]] == response.context["nav_items"]
    for section in sections:
        assert f'<span class="nav-heading" id="nav-heading-{section["key"]}">{section["label"]}</span>' in html
    assert '<script src="/static/portal/js/site.js"></script>' in html


def test_a_job_seekers_menu_has_their_own_pages_in_a_group(client, job_seeker):
    client.force_login(job_seeker)
    sections = client.get("/").context["nav_sections"]
    assert [section["key"] for section in sections] == ["public", "own", "admin"]
    assert reverse("me") in [item["url"] for item in sections[1]["items"]]


def test_the_own_page_lists_the_accounts_services(client, job_seeker):
    client.force_login(job_seeker)
    response = client.get(reverse("me"))
    assert response.status_code == 200
    html = response.content.decode()
    own = next(section for section in response.context["nav_sections"] if section["key"] == "own")
    for item in own["items"]:
        if item["url"] != reverse("me"):
            assert f'<li><a href="{item["url"]}">{item["label"]}</a></li>' in html


def test_staff_are_sent_from_the_own_page_to_the_workbench(client, tree):
    client.force_login(make_staff(StaffRole.CLERK, tree.c1))
    assert client.get(reverse("me"))["Location"] == reverse("staff:workbench")


# --- The workbench's counters --------------------------------------------------------------------


def test_workbench_shows_counters_with_work_as_cards_overdue_first_and_flagged(client, tree, monkeypatch):
    monkeypatch.setitem(registry._registry.counters, "test.waiting", Counter(
        key="test.waiting", label="测试待办", url_name="staff:grant-list", count=lambda user: 2, audiences=(CLERK,)))
    monkeypatch.setitem(registry._registry.counters, "test.clear", Counter(
        key="test.clear", label="测试已清", url_name="staff:audit-list", count=lambda user: 0, audiences=(CLERK,)))
    client.force_login(make_staff(StaffRole.CLERK, tree.d1, username="plugin_clerk"))  # the plugin app's 7 overdue
    response = client.get(reverse("staff:workbench"))
    assert [c.key for c in response.context["counters_waiting"]][:2] == ["plugin.sample", "test.waiting"]
    assert "test.clear" in [c.key for c in response.context["counters_clear"]]
    html = response.content.decode()
    cards = html[html.index('<ul class="counters">'):html.index("</ul>", html.index('<ul class="counters">'))]
    assert cards.index('data-counter="plugin.sample"') < cards.index('data-counter="test.waiting"')
    overdue = re.search(r'<li class="counter counter-overdue" data-counter="plugin.sample">\s*<a href="/plugin/">'
                        r'<span class="counter-number">7</span>\s*<span class="counter-label">'
                        r'<span class="counter-flag">已逾期</span>插件示例待办</span></a>', html)
    assert overdue, cards
    assert re.search(r'<li class="counter" data-counter="test.waiting">\s*<a href="/staff/accounts/">'
                     r'<span class="counter-number">2</span>', html)
    quiet = html[html.index('<ul class="counters quiet"'):]
    assert 'data-counter="test.clear"' in quiet and 'href="/staff/audit/"' in quiet
    assert "您负责的区域暂无待办事项。" not in html


def test_workbench_says_so_when_nothing_waits(client, tree, monkeypatch):
    monkeypatch.setattr(registry._registry, "counters", {"test.clear": Counter(
        key="test.clear", label="测试已清", url_name="staff:audit-list", count=lambda user: 0, audiences=(CLERK,))})
    client.force_login(make_staff(StaffRole.CLERK, tree.d1))
    html = client.get(reverse("staff:workbench")).content.decode()
    assert '<p class="empty all-clear">您负责的区域暂无待办事项。</p>' in html
    assert '<ul class="counters">' not in html and 'data-counter="test.clear"' in html


def test_workbench_tools_are_the_staff_and_administration_groups_of_the_menu(client, tree):
    client.force_login(make_staff(StaffRole.ADMINISTRATOR, tree.d1))
    response = client.get(reverse("staff:workbench"))
    html = response.content.decode()
    main = html[html.index("<main"):]
    for section in response.context["nav_sections"]:
        for item in section["items"]:
            listed = f'<li><a href="{item["url"]}">{item["label"]}</a></li>' in main
            assert listed == (section["key"] in ("staff", "admin") and not item["current"]), item


# --- Tables on a phone -----------------------------------------------------------------------------


TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_table_of_the_portal_scrolls_inside_its_own_box():
    """The generic rule in site.css (cells keep room for five characters, the box scrolls) works for
    tables inside a ``table-wrap``; a table outside one would widen the whole page on a phone."""
    unwrapped = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<table class="table[ "]', text):
            before = text[:match.start()]
            opened, closed = len(re.findall(r'<div class="table-wrap[ "]', before)), before.count("</table>")
            if opened <= closed:
                unwrapped.append(f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert unwrapped == []


def test_pages_are_chinese_whatever_the_browser_asks_until_english_is_chosen(client, settings):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode() and response["Content-Language"] == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode() and response["Content-Language"] == "en"
