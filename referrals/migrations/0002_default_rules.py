from django.db import migrations


def load(apps, schema_editor):
    from referrals.rules_seed import load_rules

    load_rules(
        apps.get_model("referrals", "SuggestionRule"), apps.get_model("catalogue", "Service")
    )
    apps.get_model("referrals", "RulesetVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("catalogue", "0002_seed_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
