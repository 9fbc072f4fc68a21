from django.db import migrations


def load(apps, schema_editor):
    from registration.reference import hardship_categories_load

    hardship_categories_load(apps)


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
