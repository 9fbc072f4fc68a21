"""Throttles on public search, sign-up, login, the token endpoint and online unemployment
registration: over the rate a client gets 429 with Retry-After (the API's error shape on the API,
the portal's Chinese 429 page on pages); pages and the API count in the same buckets; when the cache
is down they let requests through and log a warning."""

import logging

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.registration.factories import PersonFactory

pytestmark = pytest.mark.django_db

SCOPES = ["search", "signup", "login", "token", "registration"]


def rates(rate: str):
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK,
                                             "DEFAULT_THROTTLE_RATES": {scope: rate for scope in SCOPES}})


def signup_data(number: int) -> dict:
    return {"account_type": "job_seeker", "username": f"bulk{number}", "full_name": "批量", "phone": "",
            "email": "", "password1": "Strong-Pass-2026!", "password2": "Strong-Pass-2026!"}


# (method, path, data, who) for every throttled route; who: None (anonymous) or "seeker" (a linked job seeker).
PAGES = [
    ("get", "/jobs/", {"q": "焊工"}, None),
    ("get", "/policy/", {"q": "补贴"}, None),
    ("post", "/accounts/signup/", signup_data, None),
    ("post", "/accounts/login/", {"username": "nobody", "password": "wrong"}, None),
    ("post", "/registration/me/apply/", {"note": ""}, "seeker"),
]
APIS = [
    ("get", "/api/jobs/vacancies/", {"q": "焊工"}, None),
    ("get", "/api/policy/documents/", {"q": "补贴"}, None),
    ("post", "/api/auth/token/", {"username": "nobody", "password": "wrong"}, None),
    ("post", "/api/registration/me/apply/", {"note": ""}, "seeker"),
]


def client_for(kind, who, tree):
    client = Client() if kind == "page" else APIClient()
    if who == "seeker":
        seeker = UserFactory(account_type="job_seeker")
        PersonFactory(area=tree.c1, account=seeker)
        client.force_login(seeker)
    return client


def send(client, method, path, data, number):
    body = data(number) if callable(data) else data
    return getattr(client, method)(path, body)


@pytest.mark.parametrize("method, path, data, who", PAGES, ids=[p[1] for p in PAGES])
def test_page_answers_429_with_retry_after_over_the_rate(tree, method, path, data, who):
    client = client_for("page", who, tree)
    with rates("2/min"):
        answers = [send(client, method, path, data, n) for n in range(3)]
    assert all(a.status_code != 429 for a in answers[:2]) and answers[2].status_code == 429
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    html = answers[2].content.decode()
    assert "请求过于频繁" in html and "秒后再试" in html


@pytest.mark.parametrize("method, path, data, who", APIS, ids=[a[1] for a in APIS])
def test_api_answers_429_with_retry_after_in_its_error_shape(tree, method, path, data, who):
    client = client_for("api", who, tree)
    with rates("2/min"):
        answers = [send(client, method, path, data, n) for n in range(3)]
    assert all(a.status_code != 429 for a in answers[:2]) and answers[2].status_code == 429
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    error = answers[2].json()["error"]
    assert (error["status"], error["code"]) == (429, "throttled")


def test_one_client_cannot_create_accounts_in_bulk():
    client = Client()
    with rates("3/hour"):
        codes = [client.post("/accounts/signup/", signup_data(n)).status_code for n in range(6)]
        client.post("/accounts/logout/")
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429, 429]


def test_search_page_and_api_share_one_bucket():
    page, api = Client(), APIClient()
    with rates("2/min"):
        assert page.get("/jobs/").status_code == 200
        assert api.get("/api/jobs/vacancies/").status_code == 200
        assert page.get("/policy/").status_code == 429
        assert api.get("/api/policy/documents/").status_code == 429


def test_other_clients_and_single_records_are_not_throttled():
    with rates("1/min"):
        assert Client().get("/jobs/").status_code == 200
        assert Client().get("/jobs/").status_code == 429
        assert Client(REMOTE_ADDR="198.51.100.9").get("/jobs/").status_code == 200
        # A vacancy or a document by its id is no search: not counted, not refused.
        assert APIClient().get("/api/jobs/vacancies/999999/").status_code == 404
        assert APIClient().get("/api/policy/documents/999999/").status_code == 404
        # Viewing the sign-up and login forms is not counted either, only sending them.
        assert Client().get("/accounts/signup/").status_code == 200
        assert Client().get("/accounts/signup/").status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count():
    with rates("1/min"):
        assert Client(HTTP_X_FORWARDED_FOR="192.0.2.1").get("/jobs/").status_code == 200
        assert Client(HTTP_X_FORWARDED_FOR="192.0.2.2").get("/jobs/").status_code == 429


REDIS_DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


def test_throttles_fail_open_with_a_warning_when_redis_is_down(caplog):
    page, api = Client(), APIClient()
    with rates("1/min"), override_settings(CACHES=REDIS_DOWN), caplog.at_level(logging.WARNING, "portal.throttling"):
        codes = [page.get("/jobs/").status_code for _ in range(3)]
        codes += [api.get("/api/jobs/vacancies/").status_code for _ in range(3)]
        codes.append(page.post("/accounts/signup/", signup_data(1)).status_code)
    assert codes == [200] * 6 + [302]
    warnings = [r for r in caplog.records if r.name == "portal.throttling" and r.levelno == logging.WARNING]
    assert len(warnings) == 7 and "cache is unavailable" in warnings[0].getMessage()


def test_search_api_documents_the_429_answer():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    for path, method in [("/api/jobs/vacancies/", "get"), ("/api/policy/documents/", "get"),
                         ("/api/registration/me/apply/", "post")]:
        answer = schema["paths"][path][method]["responses"]["429"]
        assert "Retry-After" in answer["headers"], path


def test_portal_defaults_refuse_the_reported_bursts():
    """The reported abuse: 60 searches in 1.2 s, 15 accounts in 3.4 s from one client."""
    import portal.settings as portal_settings
    from rest_framework.throttling import SimpleRateThrottle

    defaults = portal_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    searches, _ = SimpleRateThrottle.parse_rate(None, defaults["search"])
    signups, _ = SimpleRateThrottle.parse_rate(None, defaults["signup"])
    assert searches < 60 and signups < 15
    assert set(defaults) == set(SCOPES)


def test_behind_a_trusted_proxy_clients_are_told_apart_by_the_forwarded_address(job_seeker):
    from axes.models import AccessAttempt

    from portal.constants import AuditEventType
    from portal.models import AuditEvent

    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    with rates("1/min"), override_settings(TRUSTED_PROXY_COUNT=1, REST_FRAMEWORK={
            **settings.REST_FRAMEWORK, "NUM_PROXIES": 1,
            "DEFAULT_THROTTLE_RATES": {scope: "1/min" for scope in SCOPES}}):
        assert Client(HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy).get("/jobs/").status_code == 200
        assert Client(HTTP_X_FORWARDED_FOR="192.0.2.2", **proxy).get("/jobs/").status_code == 200
        # A client's own header in front of the proxy's entry changes nothing.
        assert Client(HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1", **proxy).get("/jobs/").status_code == 429
        Client(HTTP_X_FORWARDED_FOR="192.0.2.3", **proxy).post(
            "/accounts/login/", {"username": job_seeker.username, "password": "wrong"})
    assert AccessAttempt.objects.get().ip_address == "192.0.2.3"
    assert AuditEvent.objects.get(event_type=AuditEventType.USER_LOGIN_FAILED).ip_address == "192.0.2.3"
