"""Escalation of an overdue referral commitment becomes state: ``escalation_level`` and
``escalated_at``, written by the nightly escalation. Commitments escalated before this migration
have only audit rows; their level and time are read from those rows once, so the next nightly run
does not escalate (and audit) them again."""

from django.db import migrations, models


def escalations_from_audit(apps, schema_editor):
    AuditEvent = apps.get_model("portal", "AuditEvent")
    ReferralCommitment = apps.get_model("registration", "ReferralCommitment")
    reached: dict[str, tuple[int, object]] = {}
    for object_id, values, occurred_at in (AuditEvent.objects
                                           .filter(event_type="commitment.escalated",
                                                   object_type="registration.referralcommitment")
                                           .values_list("object_id", "new_values", "occurred_at")
                                           .order_by("occurred_at", "id")):
        level = int((values or {}).get("level") or 0)
        if level > reached.get(object_id, (0, None))[0]:
            reached[object_id] = (level, occurred_at)
    for object_id, (level, occurred_at) in reached.items():
        ReferralCommitment.objects.filter(pk=int(object_id)).update(escalation_level=min(level, 2),
                                                                    escalated_at=occurred_at)


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0005_reference_tables_and_open_audit_types"),
        ("registration", "0004_holidayday_to_kernel"),
    ]

    operations = [
        migrations.AddField(
            model_name="referralcommitment",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="escalated at"),
        ),
        migrations.AddField(
            model_name="referralcommitment",
            name="escalation_level",
            field=models.PositiveSmallIntegerField(choices=[(0, "Not overdue"), (1, "Escalated to the street"),
                                                            (2, "Escalated to the district")],
                                                   db_index=True, default=0, verbose_name="escalation"),
        ),
        migrations.RunPython(escalations_from_audit, migrations.RunPython.noop),
    ]
