from django.db import migrations


def load(apps, schema_editor):
    from catalogue.seed import load_catalogue

    load_catalogue(
        apps.get_model("catalogue", "Organization"),
        apps.get_model("catalogue", "Service"),
        apps.get_model("catalogue", "Phone"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
