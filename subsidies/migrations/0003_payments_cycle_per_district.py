"""A payment cycle is one month of one programme in one district (the district whose fund pays it),
and it keeps who its last generation left out and why.

No cycle existed before this migration (nothing generated them yet); the district becomes required
once added, so a database that somehow holds a cycle refuses the migration instead of guessing.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0005_reference_tables_and_open_audit_types"),
        ("subsidies", "0002_granted_periods_do_not_overlap"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="paymentcycle", name="payment_cycle_one_per_month"),
        migrations.AddField(
            model_name="paymentcycle",
            name="area",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="portal.area", verbose_name="area"),
        ),
        migrations.AlterField(
            model_name="paymentcycle",
            name="area",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="portal.area", verbose_name="area"),
        ),
        migrations.AddField(
            model_name="paymentcycle",
            name="area_path",
            field=models.CharField(db_index=True, default="", editable=False, max_length=12,
                                   verbose_name="area path"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentcycle",
            name="left_out",
            field=models.JSONField(blank=True, default=list, verbose_name="left out at the last generation"),
        ),
        migrations.AlterModelOptions(
            name="paymentcycle",
            options={"ordering": ["-month", "programme", "area_path"], "verbose_name": "payment cycle",
                     "verbose_name_plural": "payment cycles"},
        ),
        migrations.AddConstraint(
            model_name="paymentcycle",
            constraint=models.UniqueConstraint(fields=("programme", "month", "area"),
                                               name="payment_cycle_one_per_district_month"),
        ),
    ]
