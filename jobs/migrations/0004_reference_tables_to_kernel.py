"""Occupations and industries are the kernel's now (portal 0005 renamed the tables in place, and the
foreign keys followed); this app's state points at them and no longer has its own."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0003_search"),
        ("portal", "0005_reference_tables_and_open_audit_types"),
        ("policy", "0003_occupation_from_kernel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="jobfair",
                name="industry",
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                        to="portal.industry", verbose_name="industry"),
            ),
            migrations.AlterField(
                model_name="vacancy",
                name="industry",
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="portal.industry",
                                        verbose_name="industry"),
            ),
            migrations.AlterField(
                model_name="employer",
                name="industry",
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="portal.industry",
                                        verbose_name="industry"),
            ),
            migrations.AlterField(
                model_name="vacancy",
                name="occupation",
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="portal.occupation",
                                        verbose_name="occupation"),
            ),
            migrations.AlterField(
                model_name="seekerprofile",
                name="wanted_occupations",
                field=models.ManyToManyField(blank=True, related_name="+", to="portal.occupation",
                                             verbose_name="wanted occupations"),
            ),
            migrations.DeleteModel(name="Occupation"),
            migrations.DeleteModel(name="Industry"),
        ]),
    ]
