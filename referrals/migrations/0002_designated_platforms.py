from django.db import migrations

# The large platforms designated under 情報流通プラットフォーム対処法 (in force 2025-04-01);
# admins add the ones designated later.
DESIGNATED_PLATFORMS = [
    ("x", "X（旧Twitter）"),
    ("instagram", "Instagram"),
    ("facebook", "Facebook"),
    ("youtube", "YouTube"),
    ("tiktok", "TikTok"),
    ("line", "LINE"),
]


def add_designated_platforms(apps, schema_editor):
    DesignatedPlatform = apps.get_model("referrals", "DesignatedPlatform")
    for code, name in DESIGNATED_PLATFORMS:
        DesignatedPlatform.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(add_designated_platforms, migrations.RunPython.noop)]
