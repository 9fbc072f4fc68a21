import pytest
from django.urls import reverse

from portal.constants import AccountType, AuditEventType, StaffRole
from portal.models import AuditEvent, RoleGrant, User
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD

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
    assert not User.objects.filter(username="xiaoming").exists()

    response = client.post(reverse("signup"), {**data, "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
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


def test_pages_are_chinese_whatever_the_browser_asks_until_english_is_chosen(client, settings):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode() and response["Content-Language"] == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode() and response["Content-Language"] == "en"
