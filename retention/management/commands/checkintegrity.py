from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from retention.integrity import CHECKS, integrity_problems


class Command(BaseCommand):
    help = (
        "Check a database (e.g. after a restore): migrations applied, audit triggers present, "
        "rollups equal to the base tables, no orphan rows."
    )

    def handle(self, *args, **options):
        problems = integrity_problems()
        for name, _check in CHECKS:
            if name in problems:
                self.stderr.write(f"NG {name}: {problems[name]}")
            elif "migrations" not in problems:
                self.stdout.write(f"OK {name}")
        if problems:
            raise CommandError(_("整合性の確認に失敗しました。"))
