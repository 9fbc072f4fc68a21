"""Who saved a document's working copy: the maker that the reviewer who publishes it must not be.

Existing documents take the saver of their latest version.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_latest_version(apps, schema_editor):
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    latest = PolicyVersion.objects.filter(document=OuterRef("pk")).order_by("-number").values("created_by")[:1]
    PolicyDocument.objects.update(updated_by=Subquery(latest))


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0003_occupation_from_kernel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="policydocument",
            name="updated_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="saved by"),
        ),
        migrations.RunPython(from_latest_version, migrations.RunPython.noop),
    ]
