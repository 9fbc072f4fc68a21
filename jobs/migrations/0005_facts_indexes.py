from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for the facts run (jobs.facts): applications and referrals made in a time range, with
    their seekers (active seekers, index-only), and hires or outcomes of a day."""

    dependencies = [
        ("jobs", "0004_reference_tables_to_kernel"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["applied_at", "seeker"], name="application_applied_seeker"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(condition=models.Q(("hired_on__isnull", False)), fields=["hired_on"],
                               name="application_hired_on"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["referred_at", "seeker"], name="referral_referred_seeker"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(condition=models.Q(("outcome_on__isnull", False)), fields=["outcome_on"],
                               name="referral_outcome_on"),
        ),
    ]
