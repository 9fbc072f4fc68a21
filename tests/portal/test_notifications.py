"""The kernel's notifications: ``notify`` through the configured senders (the site's own list now, a
gateway later), the /notifications/ page with mark-read, and the header's count."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from portal import notifications
from portal.constants import AccountType
from portal.notifications import Message, Notification, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class RecordingGateway:
    """A sender outside the database (an SMS gateway): runs after the commit."""

    in_transaction = False
    sent: list[Message] = []

    def send(self, message: Message) -> None:
        RecordingGateway.sent.append(message)


class BrokenGateway:
    in_transaction = False

    def send(self, message: Message) -> None:
        raise ConnectionError("gateway down")


@pytest.fixture
def senders(settings):
    def use(*dotted):
        settings.NOTIFICATION_SENDERS = list(dotted)
        notifications.senders.cache_clear()
    yield use
    notifications.senders.cache_clear()


def test_notify_stores_a_site_notification_for_the_user():
    user = UserFactory(account_type=AccountType.JOB_SEEKER)
    message = notify(user=user, text="您的申请已受理" + "。" * 400, link="/subsidies/my/applications/1/")
    row = Notification.objects.get(recipient=user)
    assert row.text == message.text and len(row.text) == notifications.TEXT_MAX
    assert row.link == "/subsidies/my/applications/1/" and row.read_at is None


def test_nobody_and_inactive_accounts_are_not_notified():
    assert notify(user=None, text="x") is None
    assert notify(user=UserFactory(is_active=False), text="x") is None
    assert not Notification.objects.exists()


def test_a_gateway_sends_after_the_commit_only_and_its_failure_undoes_nothing(senders,
                                                                             django_capture_on_commit_callbacks):
    senders("portal.notifications.SiteSender", f"{__name__}.RecordingGateway", f"{__name__}.BrokenGateway")
    RecordingGateway.sent.clear()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify(user=user, text="已批准")
            assert RecordingGateway.sent == []  # not before the commit
    assert len(callbacks) == 2
    assert [m.text for m in RecordingGateway.sent] == ["已批准"]
    assert Notification.objects.filter(recipient=user).count() == 1  # the broken gateway changed nothing


def test_a_rolled_back_change_leaves_no_notice(senders, django_capture_on_commit_callbacks):
    senders("portal.notifications.SiteSender", f"{__name__}.RecordingGateway")
    RecordingGateway.sent.clear()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(user=user, text="不会发出")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not Notification.objects.filter(recipient=user).exists() and RecordingGateway.sent == []


def test_a_sender_that_cannot_be_loaded_stops_the_start(senders):
    senders("portal.notifications.NoSuchSender")
    errors = notifications.check_senders()
    assert [e.id for e in errors] == ["portal.E101"] and "NoSuchSender" in errors[0].msg
    senders("portal.notifications.SiteSender")
    assert notifications.check_senders() == []


def test_the_page_lists_my_notifications_and_marks_them_read(client):
    user, other = UserFactory(), UserFactory()
    mine = [notify(user=user, text=f"通知{n}", link="/me/") for n in range(3)]
    theirs = Notification.objects.create(recipient=other, text="别人的通知")
    client.force_login(user)
    body = client.get(reverse("notifications")).content.decode()
    assert all(m.text in body for m in mine) and "别人的通知" not in body
    first = Notification.objects.filter(recipient=user).order_by("id").first()
    opened = client.post(reverse("notifications-read"), {"notification": first.pk, "open": "1"})
    assert opened.status_code == 302 and opened.url == "/me/"
    first.refresh_from_db()
    assert first.read_at is not None
    # Another account's notification is not touched (and says nothing).
    client.post(reverse("notifications-read"), {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notifications-count")).json() == {"unread": 2}
    client.post(reverse("notifications-read"))
    assert client.get(reverse("notifications-count")).json() == {"unread": 0}


def test_bad_input_to_mark_read_is_not_found_never_a_500(client):
    client.force_login(UserFactory())
    assert client.post(reverse("notifications-read"), {"notification": "abc"}).status_code == 404
    assert client.post(reverse("notifications-read"), {"notification": "9" * 40}).status_code == 404


def test_an_outside_link_is_never_followed(client):
    user = UserFactory()
    row = Notification.objects.create(recipient=user, text="x", link="https://evil.example/")
    client.force_login(user)
    response = client.post(reverse("notifications-read"), {"notification": row.pk, "open": "1"})
    assert response.url == reverse("notifications")


def test_the_header_links_the_notifications_without_a_query_for_the_count(client):
    user = UserFactory()
    notify(user=user, text="新通知")
    client.force_login(user)
    body = client.get(reverse("me")).content.decode()
    assert f'href="{reverse("notifications")}"' in body and reverse("notifications-count") in body
    assert "notifications.js" in body
    client.logout()
    assert reverse("notifications-count") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("notifications-count")).json() == {"unread": 0}  # anonymous: nothing


def test_the_notifications_page_needs_a_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and reverse("login") in response.url
