"""Login lockout (django-axes): when a lock lifts, and how the locked-out person is told.

Axes counts failed logins per account and per address (settings: ``AXES_FAILURE_LIMIT``,
``AXES_COOLOFF_TIME``) and refuses even the right password while locked. The login form's answer
is ``lockout_response`` (``AXES_LOCKOUT_CALLABLE``, through Axes' middleware); the token endpoint
raises ``LoginLocked`` for the API's error shape.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials, get_failure_limit
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response


def login_unlock_at(request, credentials: dict | None = None) -> datetime:
    """When the lock on this request's account or address lifts.

    For each lockout parameter (the account, the address) whose recent failures reach the limit:
    the moment enough of its oldest failures have cooled off to fall below the limit. The latest of
    those; the cool-off from now if none can be read.
    """
    AxesProxyHandler.update_request(request)
    cool_off = get_cool_off(request)
    now = timezone.now()
    handler = AxesProxyHandler.get_implementation()
    if not hasattr(handler, "get_user_attempts"):  # a handler without rows to read
        return now + cool_off
    limit = get_failure_limit(request, credentials)
    unlock_at = None
    for attempts in handler.get_user_attempts(request, credentials):
        rows = list(attempts.order_by("attempt_time").values_list("attempt_time", "failures_since_start"))
        failures = sum(count for _, count in rows)
        for attempt_time, count in rows:
            if failures < limit:
                break
            failures -= count
            lifts_at = attempt_time + cool_off
            unlock_at = lifts_at if unlock_at is None else max(unlock_at, lifts_at)
    return unlock_at if unlock_at is not None and unlock_at > now else now + cool_off


def lockout_message(unlock_at: datetime) -> str:
    return _("Too many failed logins for this account or from this address. Logging in is locked "
             "until %(time)s; try again then, or ask your service window for help.") % {
        "time": timezone.localtime(unlock_at).strftime("%Y-%m-%d %H:%M")}


def seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


class LoginLocked(exceptions.APIException):
    """The API's answer to a login while locked: 429 with ``Retry-After`` (DRF sets it from ``wait``)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"
    default_detail = gettext_lazy("Logging in is locked for a while after too many failed logins.")

    def __init__(self, unlock_at: datetime):
        super().__init__(lockout_message(unlock_at))
        self.wait = seconds_until(unlock_at)


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """``AXES_LOCKOUT_CALLABLE``: the lockout page (429, with the unlock time and ``Retry-After``).

    The API answers a lockout itself (``LoginLocked``), so its response is passed through."""
    if isinstance(original_response, Response):
        return original_response
    if credentials is None:
        credentials = get_credentials(request.POST.get("username"))
    unlock_at = login_unlock_at(request, credentials)
    response = render(request, "registration/locked_out.html",
                      {"message": lockout_message(unlock_at), "unlock_at": unlock_at}, status=429)
    response["Retry-After"] = str(seconds_until(unlock_at))
    return response
