from django.db import migrations


def load(apps, schema_editor):
    from jobs.reference import reference_load

    reference_load(apps)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
