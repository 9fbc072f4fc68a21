"""The reference tables become the kernel's, and audit event types are no longer fixed here.

Occupations and industries were the HR market's and the holiday calendar was registration's; every
app reads them, so they move to the kernel (``portal.reference``). The tables are renamed in place:
no row is copied, and the foreign keys pointing at them follow the rename. The apps' own migrations
then drop the models from their state (jobs 0004, registration 0004, policy 0003).

``AuditEvent.event_type`` loses its fixed choices: each app registers its own types
(``portal.registry.register_audit_events``), so a new app needs no migration here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def rename(old: str, new: str) -> migrations.RunSQL:
    return migrations.RunSQL(f'ALTER TABLE "{old}" RENAME TO "{new}"', f'ALTER TABLE "{new}" RENAME TO "{old}"')


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0004_audit_event_types"),
        ("jobs", "0003_search"),
        ("registration", "0003_person_original_retirement_age"),
        ("policy", "0002_search"),  # its training courses point at occupations: create that first
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="event_type",
            field=models.CharField(max_length=40, verbose_name="event type"),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                rename("jobs_occupation", "portal_occupation"),
                rename("jobs_industry", "portal_industry"),
                rename("registration_holidayday", "portal_holidayday"),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="Industry",
                    fields=[
                        ("code", models.CharField(max_length=1, primary_key=True, serialize=False, verbose_name="code")),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                    ],
                    options={"verbose_name": "industry", "verbose_name_plural": "industries", "ordering": ["code"]},
                ),
                migrations.CreateModel(
                    name="Occupation",
                    fields=[
                        ("code", models.CharField(max_length=8, primary_key=True, serialize=False, verbose_name="code")),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("parent", models.ForeignKey(blank=True, null=True,
                                                     on_delete=django.db.models.deletion.PROTECT,
                                                     related_name="children", to="portal.occupation",
                                                     verbose_name="major group")),
                    ],
                    options={"verbose_name": "occupation", "verbose_name_plural": "occupations",
                             "ordering": ["code"]},
                ),
                migrations.CreateModel(
                    name="HolidayDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("day", models.DateField(unique=True, verbose_name="date")),
                        ("is_working_day", models.BooleanField(verbose_name="working day")),
                        ("name", models.CharField(max_length=40, verbose_name="name")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now,
                                                            verbose_name="created at")),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                         related_name="+", to=settings.AUTH_USER_MODEL,
                                                         verbose_name="entered by")),
                    ],
                    options={"verbose_name": "holiday calendar day", "verbose_name_plural": "holiday calendar days",
                             "ordering": ["day"]},
                ),
            ],
        ),
    ]
