"""Training courses name an occupation of the kernel's reference table (portal 0005 moved it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0002_search"),
        ("portal", "0005_reference_tables_and_open_audit_types"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="trainingcourse",
                name="occupation",
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                        to="portal.occupation", verbose_name="occupation"),
            ),
        ]),
    ]
