"""Full-text search and the public listing's indexes, on PostgreSQL only.

- A BEFORE INSERT OR UPDATE trigger fills ``search_vector`` from ``search_text`` (unigrams and
  bigrams made by jobs/search.py) with the built-in ``tsvector_update_trigger`` and the
  'simple' configuration: no stemming, no stop words, every term kept as typed. It fires when
  ``search_text`` (or the vector itself) is written, not on a status change.
- A GIN index on ``search_vector`` answers keyword queries.
- Storage: the vector stays in the row, the search text goes out of line (see below).
- Partial indexes over published vacancies (the only ones the public sees) serve the listing's
  orders and filters and the facet counts from the index alone; bench/jobs_search.py measured
  them on 100,000 vacancies (figures in the comments).
- Existing rows are backfilled by touching ``search_text``.

SQLite (the embedded default) gets nothing here: its search path uses plain ``LIKE``.
"""

from django.db import migrations

PUBLISHED = "WHERE status = 'published'"

# Every column the public filters and facets read. With them in the index, a page's ids and the
# facet counts come from an index-only scan; the table is read only for the page's own rows.
COVERED = ["area_path", "closing_date", "published_at", "occupation_id", "industry_id", "education", "working_time",
           "salary_min", "salary_max", "is_public_welfare", "open_to_hard_to_employ", "for_graduates"]


def _include(*keys: str) -> str:
    return f"INCLUDE ({', '.join(c for c in COVERED if c not in keys)})"


FORWARD = [
    (
        "CREATE TRIGGER jobs_vacancy_search_vector_update "
        "BEFORE INSERT OR UPDATE OF search_text, search_vector ON jobs_vacancy "
        "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.simple', search_text)"
    ),
    # Ranking reads the whole vector of every match. Kept compressed in the row (MAIN) it comes
    # with the row instead of from the TOAST table: ranking 2,600 matches took 13.6 ms out of
    # line and 2.2 ms in the row. search_text is read only to build the vector: out of line
    # (EXTERNAL) it keeps the rows short.
    "ALTER TABLE jobs_vacancy ALTER COLUMN search_vector SET STORAGE MAIN",
    "ALTER TABLE jobs_vacancy ALTER COLUMN search_text SET STORAGE EXTERNAL",
    "CREATE INDEX jobs_vacancy_search_gin ON jobs_vacancy USING gin (search_vector)",
    # Newest first, the default order: page 50 of the whole listing in 0.8 ms, of one district
    # in 3.5 ms (the district is checked in the index, not in the table).
    (
        "CREATE INDEX jobs_vacancy_pub_newest ON jobs_vacancy (published_at DESC, id DESC) "
        f"{_include('published_at')} {PUBLISHED}"
    ),
    # Highest salary first: page 50 in 0.6 ms.
    (
        "CREATE INDEX jobs_vacancy_pub_salary ON jobs_vacancy (salary_max DESC, salary_min DESC, id DESC) "
        f"{_include('salary_max', 'salary_min')} {PUBLISHED}"
    ),
    # An area's subtree (a prefix of the path) and its facet counts: a district's 7,700
    # vacancies counted in 1.9 ms instead of about 15 ms through the table.
    (
        "CREATE INDEX jobs_vacancy_pub_area ON jobs_vacancy (area_path varchar_pattern_ops, published_at DESC) "
        f"{_include('area_path', 'published_at')} {PUBLISHED}"
    ),
    "UPDATE jobs_vacancy SET search_text = search_text",
    "ANALYZE jobs_vacancy",
]

BACKWARD = [
    "DROP INDEX IF EXISTS jobs_vacancy_pub_area",
    "DROP INDEX IF EXISTS jobs_vacancy_pub_salary",
    "DROP INDEX IF EXISTS jobs_vacancy_pub_newest",
    "DROP INDEX IF EXISTS jobs_vacancy_search_gin",
    "ALTER TABLE jobs_vacancy ALTER COLUMN search_text SET STORAGE EXTENDED",
    "ALTER TABLE jobs_vacancy ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "DROP TRIGGER IF EXISTS jobs_vacancy_search_vector_update ON jobs_vacancy",
    "UPDATE jobs_vacancy SET search_vector = NULL",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_reference_data")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
