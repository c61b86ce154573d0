from django.db import migrations
from django.db.models import F


def add(apps, schema_editor):
    from triage.rules_seed import CHILD_SEXUAL_IMAGE_RULES, add_rules

    rules = apps.get_model("triage", "SuggestionRule")
    if add_rules(rules, apps.get_model("catalogue", "Service"), CHILD_SEXUAL_IMAGE_RULES):
        version = apps.get_model("triage", "RulesetVersion")
        version.objects.filter(pk=1).update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_default_rules")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
