"""Login lockout (django-axes) on the login form and on POST /api/auth/token/: repeated failures
per account and per address lock both, even for the right password, until a stated time; every
failed attempt is in the audit trail."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.constants import AuditEventType
from portal.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
TOKEN = "/api/auth/token/"


def form_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def token_login(client, username, password):
    return client.post(TOKEN, {"username": username, "password": password}, format="json")


def failed_events():
    return AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGIN_FAILED).order_by("pk")


def expected_unlock() -> str:
    """The unlock time as the message shows it: the last counted failure plus the cool-off."""
    last = AccessAttempt.objects.order_by("-attempt_time").first().attempt_time
    return timezone.localtime(last + settings.AXES_COOLOFF_TIME).strftime("%Y-%m-%d %H:%M")


def test_form_locks_the_account_after_repeated_failures_even_for_the_right_password(job_seeker):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert form_login(client, job_seeker.username, "wrong").status_code == 200
    locked = form_login(client, job_seeker.username, "wrong")
    assert locked.status_code == 429

    response = form_login(client, job_seeker.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "登录已锁定" in html and expected_unlock() in html
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGGED_IN).exists()


def test_form_locks_an_address_that_tries_many_accounts():
    victim = UserFactory()
    client = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(settings.AXES_FAILURE_LIMIT):
        form_login(client, f"guess{number}", "wrong")
    assert form_login(client, victim.username, TEST_PASSWORD).status_code == 429
    # The account itself had no failures: from another address it logs in.
    assert form_login(Client(REMOTE_ADDR="198.51.100.2"), victim.username, TEST_PASSWORD).status_code == 302


def test_lock_lifts_after_the_cool_off(job_seeker):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        form_login(client, job_seeker.username, "wrong")
    assert form_login(client, job_seeker.username, TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert form_login(client, job_seeker.username, TEST_PASSWORD).status_code == 302


def test_token_endpoint_locks_and_answers_in_the_api_error_shape(job_seeker):
    client = APIClient()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert token_login(client, job_seeker.username, "wrong").status_code == 400
    assert token_login(client, job_seeker.username, "wrong").status_code == 429

    response = token_login(client, job_seeker.username, TEST_PASSWORD)
    assert response.status_code == 429
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (429, "login_locked")
    assert expected_unlock() in error["message"] and "锁定" in error["message"]
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds()
    assert "token" not in response.json()


def test_form_failures_lock_the_token_endpoint_too(job_seeker):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        form_login(Client(), job_seeker.username, "wrong")
    assert token_login(APIClient(), job_seeker.username, TEST_PASSWORD).status_code == 429


def test_failed_token_attempts_are_audited(job_seeker):
    client = APIClient()
    token_login(client, job_seeker.username, "wrong")
    event = failed_events().get()
    assert event.new_values == {"username": job_seeker.username, "channel": "api", "locked_out": False}
    assert event.ip_address == "127.0.0.1"
    assert token_login(client, job_seeker.username, TEST_PASSWORD).status_code == 200
    assert failed_events().count() == 1


def test_failed_attempts_are_audited_on_both_channels_up_to_and_during_the_lock(job_seeker):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        form_login(Client(), job_seeker.username, "wrong")
    token_login(APIClient(), job_seeker.username, "wrong")  # reaches the limit
    form_login(Client(), job_seeker.username, TEST_PASSWORD)  # refused while locked
    events = list(failed_events().values_list("new_values", flat=True))
    assert [e["channel"] for e in events] == ["form"] * (limit - 1) + ["api", "form"]
    assert [e["locked_out"] for e in events] == [False] * (limit - 1) + [True, True]


def test_a_success_resets_the_count(job_seeker):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        form_login(client, job_seeker.username, "wrong")
    assert form_login(client, job_seeker.username, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert form_login(client, job_seeker.username, "wrong").status_code == 200
    assert form_login(client, job_seeker.username, TEST_PASSWORD).status_code == 302


def test_token_endpoint_documents_the_lockout_and_throttle_answer():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/auth/token/"]["post"]
    answer = operation["responses"]["429"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "login_locked" in answer["description"] and "Retry-After" in answer["headers"]
