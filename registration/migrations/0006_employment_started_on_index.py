from django.db import migrations, models


class Migration(migrations.Migration):
    """An index for the facts run: new employment of a day reads the registrations started on it."""

    dependencies = [
        ("registration", "0005_commitment_escalation_state"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="employmentregistration",
            index=models.Index(fields=["started_on"], name="employment_started_on"),
        ),
    ]
