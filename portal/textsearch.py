"""Chinese keyword search shared by every app: text cut into single CJK characters and bigrams.

A two-character word such as 焊工 must be found inside 电焊工, which a trigram index cannot do
(a pattern under three characters yields no trigram). Each run of CJK characters is cut into its
characters and its overlapping bigrams; Latin words and numbers are kept whole, lower-cased.
An app stores the result as text in a ``search_text`` column; on PostgreSQL a trigger turns it
into a 'simple' tsvector with a GIN index (jobs/migrations/0003_search.py is the first example).

A query is cut the same way (``query_runs``): a CJK run of two or more characters becomes a
phrase of its bigrams (电焊工 → 电焊 <-> 焊工), which matches exactly where the run occurs in a
CJK run of the document; a single CJK character its unigram; a Latin word the same whole word.
Every run of every keyword must match (AND).

Latin words may end in ``+`` or ``#`` (C++, C#). PostgreSQL's text parser would drop those
signs, so such words are stored spelled out (``cplusplus``, ``csharp``); every stored term is a
single token for the parser, which is what keeps document and query in step.

Without PostgreSQL (the embedded SQLite default) an app looks every run up with ``icontains``
(a Latin word as a whole word, as the index cuts it): ``fallback_condition`` builds that filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]+|[0-9A-Za-z]+[+#]*")
CJK_RUN = re.compile(rf"[{CJK}]+")
LATIN_SIGNS = {"+": "plus", "#": "sharp"}

# Longest keyword text accepted, in characters; longer input is refused, not cut.
QUERY_MAX = 100


def _runs(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def is_cjk(run: str) -> bool:
    return bool(CJK_RUN.match(run))


def latin_term(word: str) -> str:
    """A Latin word as stored and searched: lower case, trailing + and # spelled out."""
    word = word.lower()
    stem = word.rstrip("+#")
    return stem + "".join(LATIN_SIGNS[c] for c in word[len(stem):])


def search_terms(text: str) -> list[str]:
    """Index terms of a document: CJK unigrams then bigrams of each run, whole Latin words.

    The bigrams of one run are consecutive, so a phrase of bigrams matches only inside a run.
    """
    terms: list[str] = []
    for run in _runs(text):
        if is_cjk(run):
            terms.extend(run)
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            terms.append(latin_term(run))
    return terms


def search_document(*parts: str) -> str:
    """The text stored in ``search_text``: terms separated by spaces."""
    return " ".join(search_terms(" ".join(p for p in parts if p)))


@dataclass(frozen=True)
class QueryRun:
    """One run of a keyword: the text typed and the terms that must follow each other."""

    text: str
    terms: tuple[str, ...]

    @property
    def cjk(self) -> bool:
        return is_cjk(self.text)


def query_runs(query: str) -> list[QueryRun]:
    """The runs of a keyword query, in order, without repeats; every one must match."""
    runs: list[QueryRun] = []
    for run in _runs(query):
        if is_cjk(run):
            terms = tuple(run) if len(run) == 1 else tuple(run[i:i + 2] for i in range(len(run) - 1))
        else:
            terms = (latin_term(run),)
        found = QueryRun(text=run, terms=terms)
        if found not in runs:
            runs.append(found)
    return runs


def tsquery_text(runs: list[QueryRun]) -> str:
    """``to_tsquery`` input: each run a phrase (<->) of its terms, runs joined with &.

    Terms hold only CJK characters, ASCII letters and digits, so quoting them is safe.
    """
    return " & ".join(" <-> ".join(f"'{term}'" for term in run.terms) for run in runs)


# --- Without the index (SQLite): icontains, cut the way the index cuts ---------------------------


def latin_word_pattern(word: str) -> str:
    """A whole Latin word as ``search_terms`` cuts it: no letter or digit before it, and no letter,
    digit, + or # after it (after a word ending in + or #: no further + or #)."""
    after = r"(?![+#])" if word[-1] in "+#" else r"(?![0-9a-z+#])"
    return rf"(?<![0-9a-z]){re.escape(word.lower())}{after}"


def fallback_condition(run: QueryRun, fields: Iterable[str]) -> Q:
    """The filter that finds one run in any of ``fields`` without the index: a CJK run as a
    substring, a Latin word as a whole word."""
    condition = Q()
    if run.cjk:
        for name in fields:
            condition |= Q(**{f"{name}__icontains": run.text})
    else:
        pattern = latin_word_pattern(run.text)
        for name in fields:
            condition |= Q(**{f"{name}__iregex": pattern})
    return condition
