"""Granted periods of one beneficiary and programme never overlap: an exclusion constraint on PostgreSQL.

It needs the btree_gist extension (equality of the programme and the person in a GiST index). The
embedded SQLite default has no exclusion constraints; there the services' own check is the guard.
"""

from django.db import migrations

# subsidies.constants.GRANTED_STATUSES when this was written (a migration does not follow later edits).
STATUSES = "'district_approved', 'approved', 'disbursed'"
CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE subsidies_application ADD CONSTRAINT subsidy_granted_periods_do_not_overlap
    EXCLUDE USING gist (programme_id WITH =, person_id WITH =,
                        daterange(period_start, period_end, '[]') WITH &&)
    WHERE (status IN ({STATUSES}));
"""
DROP = "ALTER TABLE subsidies_application DROP CONSTRAINT IF EXISTS subsidy_granted_periods_do_not_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
