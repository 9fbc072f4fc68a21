"""Full-text search of policy documents, on PostgreSQL only.

As for vacancies (jobs/migrations/0003_search.py): a BEFORE INSERT OR UPDATE trigger fills
``search_vector`` from ``search_text`` (unigrams and bigrams of the published version's title,
number and body, made by policy/search.py) with the built-in ``tsvector_update_trigger`` and the
'simple' configuration, and a GIN index answers keyword queries. It fires only when
``search_text`` (or the vector itself) is written, not on a status change.

SQLite (the embedded default) gets nothing here: its search path uses plain ``LIKE``.
"""

from django.db import migrations

FORWARD = [
    (
        "CREATE TRIGGER policy_document_search_vector_update "
        "BEFORE INSERT OR UPDATE OF search_text, search_vector ON policy_policydocument "
        "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.simple', search_text)"
    ),
    # search_text is read only to build the vector: out of line it keeps the rows short.
    "ALTER TABLE policy_policydocument ALTER COLUMN search_text SET STORAGE EXTERNAL",
    "CREATE INDEX policy_document_search_gin ON policy_policydocument USING gin (search_vector)",
    # Prefix filters on the document number key (exact lookups by number).
    "CREATE INDEX policy_document_number_key ON policy_policydocument (number_key varchar_pattern_ops)",
    "UPDATE policy_policydocument SET search_text = search_text",
]

BACKWARD = [
    "DROP INDEX IF EXISTS policy_document_number_key",
    "DROP INDEX IF EXISTS policy_document_search_gin",
    "ALTER TABLE policy_policydocument ALTER COLUMN search_text SET STORAGE EXTENDED",
    "DROP TRIGGER IF EXISTS policy_document_search_vector_update ON policy_policydocument",
    "UPDATE policy_policydocument SET search_vector = NULL",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
