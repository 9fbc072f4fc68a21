from django.db import migrations


def load(apps, schema_editor):
    from portal.reference.occupations import reference_load

    reference_load(apps, app_label="jobs")


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
