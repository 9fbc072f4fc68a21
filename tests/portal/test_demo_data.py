import re

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from portal.constants import AccountType, StaffRole
from portal.models import RoleGrant, User

pytestmark = pytest.mark.django_db


def test_demo_data_gives_every_role_in_two_districts_and_running_twice_adds_nothing(capsys, client, settings):
    call_command("demo_data")
    users, grants = User.objects.count(), RoleGrant.objects.count()
    call_command("demo_data")
    assert (User.objects.count(), RoleGrant.objects.count()) == (users, grants)

    roles = {(g.role, g.area.level, g.area.code[:6]) for g in RoleGrant.objects.select_related("area")}
    for district in ("420102", "420106"):
        for role, level in [(StaffRole.CLERK, "community"), (StaffRole.CLERK, "street"), (StaffRole.CLERK, "district"),
                            (StaffRole.OFFICIAL, "district"), (StaffRole.ADMINISTRATOR, "district")]:
            assert (role, level, district) in roles
    assert (StaffRole.OFFICIAL, "city", "420100") in roles
    assert (StaffRole.ADMINISTRATOR, "city", "420100") in roles
    assert User.objects.filter(username="seeker", account_type=AccountType.JOB_SEEKER).exists()
    assert User.objects.filter(username="employer", account_type=AccountType.EMPLOYER).exists()
    assert User.objects.get(username="admin").is_superuser

    # The lockout's authentication backend needs the request (the test client's login passes none).
    assert client.login(request=RequestFactory().post("/accounts/login/"), username="jiangan_clerk",
                        password=settings.DEMO_PASSWORD)


def test_scale_grows_job_seekers_with_a_progress_line_and_is_idempotent(capsys):
    call_command("demo_data", "--scale", "2")
    out = capsys.readouterr().out
    assert "求职者：已写入 400/400" in out
    assert User.objects.filter(username__startswith="seeker_").count() == 400
    call_command("demo_data", "--scale", "2")
    assert User.objects.filter(username__startswith="seeker_").count() == 400
    assert "扩充规模的求职者：400 个（新增 0 个）" in capsys.readouterr().out


# What may stay Latin in a Chinese progress line: account names and the scale flag (data, not words).
ACCOUNT_NAME = re.compile(r"\b(?:admin|seeker|employer|[a-z]+_(?:admin|official|clerk|street_clerk|community_clerk))\b")


def test_progress_lines_speak_one_language_chinese_by_default_english_when_asked(capsys):
    call_command("demo_data")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) > 20
    english = [line for line in lines if re.search(r"[A-Za-z]{2,}", ACCOUNT_NAME.sub("", line))]
    assert english == []
    assert any(re.fullmatch(r"\[\s*\d+\.\d秒\]   政策文件武政办〔2009〕138号：已发布", line) for line in lines), lines
    assert lines[-1].startswith("演示数据已就绪")

    with translation.override("en"):
        call_command("demo_data")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    # Data keeps its own language (names of people and places); the words around it are English.
    assert any(re.fullmatch(r"\[\s*\d+\.\ds\]   policy document 武政办〔2009〕138号: Published", line)
               for line in lines), lines
    assert not any(word in line for line in lines for word in ("已发布", "已存在", "新增", "演示数据已就绪"))
