"""The holiday calendar is the kernel's now (portal 0005 renamed the table); drop it from this app's state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("registration", "0003_person_original_retirement_age"),
        ("portal", "0005_reference_tables_and_open_audit_types"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="HolidayDay")]),
    ]
