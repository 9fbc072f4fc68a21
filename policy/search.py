"""Keyword search of policy documents: title, document number and body, cut the way the job search
cuts text (``portal.textsearch``: CJK characters and bigrams, whole Latin words and numbers).

Document numbers are written in many ways: 武政办〔2009〕138号, 武政办[2009]138号, 武政办（2009）138号,
with full-width digits ２００９. Text and queries are first brought to one form (NFKC turns full-width
letters, digits and brackets into half-width ones; every kind of bracket becomes 〔〕), so any of
those spellings, or a part such as 138号, finds the document.
"""

from __future__ import annotations

import re
import unicodedata

from portal.textsearch import QueryRun, query_runs, search_document

# Brackets around the year of a document number, after NFKC (which turns （）［］ into ()[]).
_OPEN = "〔[(【〖［（"
_CLOSE = "〕])】〗］）"
_BRACKETS = str.maketrans({**{c: "〔" for c in _OPEN}, **{c: "〕" for c in _CLOSE}})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Half-width letters and digits, one kind of bracket, no spaces around them."""
    return unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)


def number_key(number: str) -> str:
    """A document number in one spelling, for uniqueness and exact lookups: 武政办[2009]138号 and
    武政办（２００９）138 号 both give 武政办〔2009〕138号."""
    return _SPACES.sub("", normalise(number))


def document_search_text(*, title: str, document_number: str, body: str) -> str:
    """The text stored in ``PolicyDocument.search_text`` (from the published version)."""
    return search_document(normalise(title), normalise(document_number), normalise(body))


def policy_query_runs(query: str) -> list[QueryRun]:
    return query_runs(normalise(query))
