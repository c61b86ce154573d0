"""Checks that a database (say, one just restored from a backup) is whole and consistent."""

import datetime
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Exists, ForeignKey, Model, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry, StagedEntry
from stats.models import (
    CategoryRollup,
    FirstFollowUpRollup,
    IntakeRollup,
    OpenFollowUpRollup,
    ReferralCategoryRollup,
    ReferralRollup,
)
from stats.rollups import rollups_rebuild

AUDIT_TRIGGERS = {
    "sqlite": {"audit_auditentry_no_update", "audit_auditentry_no_delete"},
    "postgresql": {"audit_auditentry_immutable"},
}
ROLLUPS: tuple[type[Model], ...] = (
    ReferralRollup,
    ReferralCategoryRollup,
    CategoryRollup,
    FirstFollowUpRollup,
    OpenFollowUpRollup,
    IntakeRollup,
)


def project_apps() -> set[str]:
    """The product's own apps (a folder at the top of the project), so a new one is checked too."""
    root = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root
    }


def unapplied_migrations() -> list[str]:
    """Return the migrations this code has that the database has not applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def audit_triggers_missing() -> set[str]:
    """Return the names of the audit trail's refusing triggers that are not in the database."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        present = {row[0] for row in cursor.fetchall()}
    return AUDIT_TRIGGERS.get(connection.vendor, set()) - present


def _rollup_contents() -> dict[str, Counter]:
    contents = {}
    for model in ROLLUPS:
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "count")]
        rows = model._default_manager.exclude(count=0).values_list(*fields, "count")
        contents[model.__name__] = Counter({tuple(row[:-1]): row[-1] for row in rows})
    return contents


def rollups_differing() -> list[str]:
    """Return the rollups that differ from a rebuild from the base tables (history kept)."""
    stored = _rollup_contents()
    with transaction.atomic():
        rollups_rebuild()
        rebuilt = _rollup_contents()
        transaction.set_rollback(True)
    return [name for name in stored if stored[name] != rebuilt[name]]


def orphan_rows() -> dict[str, int]:
    """Return, per model and link, how many rows point at a row that does not exist."""
    found = {}
    ours = project_apps()
    for model in apps.get_models():
        if model._meta.app_label not in ours or model._meta.proxy:
            continue
        for fk in model._meta.concrete_fields:
            if not isinstance(fk, ForeignKey):
                continue
            target = fk.remote_field.model
            missing = (
                model._default_manager.filter(**{f"{fk.attname}__isnull": False})
                .exclude(Exists(target._default_manager.filter(pk=OuterRef(fk.attname))))
                .count()
            )
            if missing:
                found[f"{model._meta.label}.{fk.name}"] = missing
    return found


def unsealed_entries() -> dict[str, int]:
    """Return how many audit entries have waited over an hour to be sealed into the chain.

    A sweep seals what it stages straight after each batch; an entry still staged an hour
    later was left by a sweep that was killed (or by a backup taken mid-sweep), and the next
    sweep seals it.
    """
    cutoff = timezone.now() - datetime.timedelta(hours=1)
    waiting = StagedEntry.objects.filter(at__lt=cutoff).count()
    return {StagedEntry._meta.label: waiting} if waiting else {}


CHECKS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("migrations", unapplied_migrations),
    ("audit_triggers", audit_triggers_missing),
    ("rollups", rollups_differing),
    ("orphans", orphan_rows),
    ("unsealed", unsealed_entries),
)


def integrity_problems() -> dict[str, str]:
    """Run every check; return a Japanese description of each one that failed.

    With migrations missing the other checks would read tables that may not exist, so they
    are not run.
    """
    messages = {
        "migrations": _("適用されていないマイグレーション: %s"),
        "audit_triggers": _("監査記録を守るトリガーがありません: %s"),
        "rollups": _("集計が元の表と一致しません: %s"),
        "orphans": _("参照先のない行があります: %s"),
        "unsealed": _(
            "監査記録の封印が1時間以上止まっています（manage.py retention で封印されます）: %s"
        ),
    }
    problems: dict[str, str] = {}
    for name, check in CHECKS:
        found = check()
        if not found:
            continue
        if isinstance(found, dict):
            shown = ", ".join(f"{key}={value}" for key, value in sorted(found.items()))
        else:
            shown = ", ".join(sorted(str(item) for item in found))  # type: ignore[attr-defined]
        problems[name] = messages[name] % shown
        if name == "migrations":
            break
    return problems
