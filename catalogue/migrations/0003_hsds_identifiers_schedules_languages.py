import uuid

import django.db.models.deletion
from django.db import migrations, models

import catalogue.vocabulary


def identify(apps, schema_editor):
    """Give every window and organisation its HSDS identifier; seed entries the shared one."""
    from catalogue.seed import IDENTIFIER_NAMESPACE, ORGANIZATIONS, SEED_SLUGS

    organization_model = apps.get_model("catalogue", "Organization")
    service_model = apps.get_model("catalogue", "Service")
    seed_organizations = {slug for slug, *_rest in ORGANIZATIONS}
    for organization in organization_model.objects.all():
        if organization.slug in seed_organizations:
            organization.uuid = uuid.uuid5(
                IDENTIFIER_NAMESPACE, f"organization:{organization.slug}"
            )
        else:
            organization.uuid = uuid.uuid4()
        organization.save(update_fields=["uuid"])
    for service in service_model.objects.all():
        if service.slug in SEED_SLUGS or service.scope == "national":
            service.uuid = uuid.uuid5(IDENTIFIER_NAMESPACE, f"service:{service.slug}")
        else:
            service.uuid = uuid.uuid4()
        service.languages = ["ja"]
        service.save(update_fields=["uuid", "languages"])


def schedule(apps, schema_editor):
    """Give the seed windows their structured opening hours."""
    from catalogue.seed import load_schedules

    schedule_model = apps.get_model("catalogue", "Schedule")
    for service in apps.get_model("catalogue", "Service").objects.all():
        if not schedule_model.objects.filter(service=service).exists():
            load_schedules(service, schedule_model)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_seed_catalogue")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="HSDS識別子"),
        ),
        migrations.AddField(
            model_name="service",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="HSDS識別子"),
        ),
        migrations.AddField(
            model_name="service",
            name="languages",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="言語コードの一覧（例: ja, en）。",
                verbose_name="対応言語",
            ),
        ),
        migrations.RunPython(identify, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organization",
            name="uuid",
            field=models.UUIDField(editable=False, unique=True, verbose_name="HSDS識別子"),
        ),
        migrations.AlterField(
            model_name="service",
            name="uuid",
            field=models.UUIDField(editable=False, unique=True, verbose_name="HSDS識別子"),
        ),
        migrations.CreateModel(
            name="Schedule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "uuid",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="HSDS識別子"
                    ),
                ),
                (
                    "weekdays",
                    models.JSONField(
                        default=list,
                        help_text="MO, TU, WE, TH, FR, SA, SU の一覧。",
                        validators=[
                            catalogue.vocabulary.CodeListValidator(
                                "catalogue.models.Schedule.Weekday"
                            )
                        ],
                        verbose_name="曜日",
                    ),
                ),
                ("opens_at", models.TimeField(verbose_name="開始")),
                ("closes_at", models.TimeField(verbose_name="終了")),
                (
                    "closed_on_holidays",
                    models.BooleanField(default=False, verbose_name="祝日は休み"),
                ),
                (
                    "closed_year_end",
                    models.BooleanField(
                        default=False, verbose_name="年末年始（12月29日〜1月3日）は休み"
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="メモ")),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="schedules",
                        to="catalogue.service",
                        verbose_name="窓口",
                    ),
                ),
            ],
            options={
                "verbose_name": "受付時間",
                "verbose_name_plural": "受付時間",
                "ordering": ["id"],
            },
        ),
        migrations.RunPython(schedule, migrations.RunPython.noop),
    ]
