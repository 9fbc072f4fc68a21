"""Chinese keyword search of vacancies: title, employer and description cut into single CJK
characters and bigrams.

How text and queries are cut is shared with the other apps and lives in ``portal.textsearch``
(see its docstring); the names are re-exported here for the HR market's modules. The result is
stored as text in ``Vacancy.search_text``; on PostgreSQL a trigger (jobs/migrations/0003_search.py)
turns it into a 'simple' tsvector with a GIN index.
"""

from __future__ import annotations

from portal.textsearch import (
    CJK,
    CJK_RUN,
    LATIN_SIGNS,
    QUERY_MAX,
    TOKEN,
    QueryRun,
    _runs,
    is_cjk,
    latin_term,
    query_runs,
    search_document,
    search_terms,
    tsquery_text,
)

__all__ = [
    "CJK", "CJK_RUN", "LATIN_SIGNS", "QUERY_MAX", "TOKEN", "QueryRun", "_runs", "is_cjk", "latin_term",
    "query_runs", "search_document", "search_terms", "tsquery_text", "vacancy_search_text",
]


def vacancy_search_text(*, title: str, employer_name: str, description: str) -> str:
    return search_document(title, employer_name, description)
