"""Every navigation entry a demo account is shown opens for that account: no dead ends (403)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from portal.demo import demo_accounts
from portal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(db) -> list[User]:
    call_command("demo_data", verbosity=0)
    names = [spec["username"] for spec in demo_accounts()] + ["seeker", "employer", "admin"]
    users = list(User.objects.filter(username__in=names).order_by("username"))
    assert len(users) == len(names)
    return users


def test_every_navigation_entry_opens_for_every_demo_role(client, demo_users):
    dead_ends = []
    for user in demo_users:
        client.force_login(user)
        entries = client.get("/").context["nav_items"]
        assert entries, user.username
        for entry in entries:
            status = client.get(entry["url"]).status_code
            if status != 200:
                dead_ends.append(f"{user.username}: {entry['url']} ({entry['label']}) answers {status}")
        client.logout()
    assert dead_ends == []


def test_an_entry_is_shown_only_to_those_its_page_lets_in(client, tree, monkeypatch):
    """The navigation asks the page's own check: an entry registered for every staff member, leading
    to a page for clerks only (the referral list), is not shown to an official."""
    from django.urls import reverse

    from portal import registry
    from portal.constants import StaffRole
    from tests.conftest import make_staff

    monkeypatch.setattr(registry._registry, "navigation", [
        *registry._registry.navigation,
        registry.nav("staff-jobs:referral-list", "referrals for any staff", registry.STAFF,
                     section=registry.SECTION_STAFF),
    ])
    url = reverse("staff-jobs:referral-list")
    official, clerk = make_staff(StaffRole.OFFICIAL, tree.d1), make_staff(StaffRole.CLERK, tree.d1)

    client.force_login(official)
    assert client.get(url).status_code == 403
    assert url not in [item["url"] for item in client.get("/").context["nav_items"]]
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert url in [item["url"] for item in client.get("/").context["nav_items"]]
