from django.db import migrations


def load(apps, schema_editor):
    from triage.rules_seed import load_rules

    load_rules(apps.get_model("triage", "SuggestionRule"), apps.get_model("catalogue", "Service"))
    apps.get_model("triage", "RulesetVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial"), ("catalogue", "0002_seed_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
