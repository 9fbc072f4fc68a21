"""Searches whose words must stay out of web addresses (a whole identity number).

A page posts what was typed; the text is kept in the session under a random key for a short
while and the page redirects to ``?lookup=<key>``. The result page so keeps its pagination and
the back button, while web server and proxy logs see only the key, which means nothing outside
the session and nothing after logout (the session goes with it). The text is kept encrypted
(with the personal-data key), since a session row is not meant to hold an identity number.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from portal.constants import LOOKUP_TTL_SECONDS, LOOKUPS_KEPT

LOOKUP_PARAM = "lookup"
_SESSION_KEY = "portal.lookups"
NOT_FROM_ADDRESS = _("An identity number is not taken from the web address, where logs would keep it: "
                     "type it into the search box.")
EXPIRED = _("That search has expired; search again.")


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def lookup_keep(request: HttpRequest, text: str) -> str:
    """Keep ``text`` in the session; the key to put in the address instead."""
    now = int(time.time())
    kept = {key: entry for key, entry in request.session.get(_SESSION_KEY, {}).items()
            if now - entry[1] < LOOKUP_TTL_SECONDS}
    key = secrets.token_urlsafe(12)
    kept[key] = [_fernet(settings.PERSONAL_DATA_ENCRYPTION_KEY).encrypt(text.encode()).decode(), now]
    newest = sorted(kept.items(), key=lambda item: item[1][1])[-LOOKUPS_KEPT:]
    request.session[_SESSION_KEY] = dict(newest)
    return key


def lookup_text(request: HttpRequest, key: str) -> str | None:
    """The text kept under ``key``, or None when it is unknown, expired or of another session."""
    entry = request.session.get(_SESSION_KEY, {}).get(key or "")
    if entry is None or time.time() - entry[1] >= LOOKUP_TTL_SECONDS:
        return None
    try:
        return _fernet(settings.PERSONAL_DATA_ENCRYPTION_KEY).decrypt(entry[0].encode()).decode()
    except InvalidToken:  # the encryption key changed since
        return None


def lookup_redirect(request: HttpRequest, text: str, **params) -> HttpResponseRedirect:
    """Redirect to this page with the search ``text`` kept under a key (nothing kept when it is
    empty), and with ``params``, which must hold nothing personal."""
    query = {name: value for name, value in params.items() if value not in (None, "")}
    text = (text or "").strip()
    if text:
        query[LOOKUP_PARAM] = lookup_keep(request, text)
    return HttpResponseRedirect(f"{request.path}?{urlencode(query)}" if query else request.path)


def search_from_address(request: HttpRequest, *, refuse: Callable[[str], bool]) -> str | None:
    """What a page searches for on GET: the kept lookup of ``?lookup=``, else ``?q=`` unless
    ``refuse(q)`` says it must not travel in an address (then an error message and no search).
    None when the kept lookup has expired or belongs to another session: search again."""
    if LOOKUP_PARAM in request.GET:
        return lookup_text(request, request.GET[LOOKUP_PARAM])
    q = request.GET.get("q", "").strip()
    if q and refuse(q):
        messages.error(request, NOT_FROM_ADDRESS)
        return ""
    return q
