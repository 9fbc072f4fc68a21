"""Chinese keyword search of vacancies: the title, the employer's name and the description, cut
into single CJK characters and bigrams.

How text and queries are cut is shared by every app and lives in ``portal.textsearch`` (see its
docstring). The result is stored as text in ``Vacancy.search_text``; on PostgreSQL a trigger
(jobs/migrations/0003_search.py) turns it into a 'simple' tsvector with a GIN index.
"""

from __future__ import annotations

from portal.textsearch import search_document


def vacancy_search_text(*, title: str, employer_name: str, description: str) -> str:
    return search_document(title, employer_name, description)
