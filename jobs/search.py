"""Chinese keyword search: text cut into single CJK characters and bigrams.

A two-character word such as 焊工 must be found inside 电焊工, which a trigram index cannot do
(a pattern under three characters yields no trigram). Each run of CJK characters is cut into its
characters and its overlapping bigrams; Latin words and numbers are kept whole, lower-cased.
The result is stored as text; on PostgreSQL a trigger turns it into a 'simple' tsvector with a
GIN index.
"""

from __future__ import annotations

import re

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]+|[0-9A-Za-z]+(?:[.+#][0-9A-Za-z]+)*[+#]*")


def _runs(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def _is_cjk(run: str) -> bool:
    return bool(re.match(rf"[{CJK}]", run))


def search_terms(text: str) -> list[str]:
    """Index terms of a document: CJK unigrams and bigrams, whole Latin words."""
    terms: list[str] = []
    for run in _runs(text):
        if _is_cjk(run):
            terms.extend(run)
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            terms.append(run.lower())
    return terms


def search_document(*parts: str) -> str:
    """The text stored in ``search_text``: terms separated by spaces."""
    return " ".join(search_terms(" ".join(p for p in parts if p)))


def vacancy_search_text(*, title: str, employer_name: str, description: str) -> str:
    return search_document(title, employer_name, description)
