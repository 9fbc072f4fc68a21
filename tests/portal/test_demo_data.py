import pytest
from django.core.management import call_command
from django.test import RequestFactory

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
    assert "job seekers: 400/400 written" in out
    assert User.objects.filter(username__startswith="seeker_").count() == 400
    call_command("demo_data", "--scale", "2")
    assert User.objects.filter(username__startswith="seeker_").count() == 400
    assert "400 (0 new)" in capsys.readouterr().out
