"""Request throttles: DRF's scoped throttle for the API, and the same throttle, buckets and rates
for pages (``ThrottledPageMixin``).

A view names its scope (``throttle_scope = "search"``); the rates are
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` in settings. A page and an API endpoint of one scope
count in the same bucket (``throttle_<scope>_<account or address>`` in the default cache), so a
client cannot double its searches by alternating /jobs/ and /api/jobs/vacancies/. When the cache
cannot be reached the throttles let the request through and log a warning: an outage of Redis
must not take the public pages down with it.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from types import SimpleNamespace

from django.shortcuts import render
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)

# Scopes counted per address even when signed in: signing up logs the new account in, so counting
# per account would give every new account a fresh bucket.
ADDRESS_SCOPES = frozenset({"signup", "login", "token"})


class ScopedThrottle(ScopedRateThrottle):
    """DRF's ``ScopedRateThrottle`` that reads its rates when asked (so ``override_settings`` and
    the environment reach it) and fails open when the cache is down."""

    def get_rate(self):
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()

    def get_cache_key(self, request, view):
        if self.scope in ADDRESS_SCOPES:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return super().get_cache_key(request, view)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # any cache failure: we cannot count, so we do not refuse
            logger.warning("Throttle %r not applied: the cache is unavailable (%s: %s).",
                           getattr(view, self.scope_attr, None), type(exc).__name__, exc)
            return True

    def retry_after(self) -> int:
        """Whole seconds until the next request is allowed (at least 1)."""
        wait = self.wait()
        return max(1, math.ceil(wait if wait is not None else self.duration))


def throttle_page_request(request, *, scope: str) -> int | None:
    """Count a page request in the ``scope`` bucket: None when allowed, else the seconds to wait."""
    throttle = ScopedThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return throttle.retry_after()


def too_many_requests(request, *, retry_after: int):
    """The portal's 429 page, with ``Retry-After``."""
    retry_at = timezone.localtime() + timedelta(seconds=retry_after)
    response = render(request, "429.html", {"retry_after": retry_after, "retry_at": retry_at}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class ThrottledPageMixin:
    """Throttle a page's ``throttle_methods`` in the ``throttle_scope`` bucket (the API's rates)."""

    throttle_scope: str = ""
    throttle_methods: tuple[str, ...] = ("GET",)

    def dispatch(self, request, *args, **kwargs):
        if request.method in self.throttle_methods:
            retry_after = throttle_page_request(request, scope=self.throttle_scope)
            if retry_after is not None:
                return too_many_requests(request, retry_after=retry_after)
        return super().dispatch(request, *args, **kwargs)
