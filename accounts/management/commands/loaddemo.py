from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each feature appends its loader; they run in this order, each idempotent.
DEMO_LOADERS = [
    "accounts.demo.load",
    "catalogue.demo.load",
    "cases.demo.load",
    "referrals.demo_followups.load",
    "referrals.stats.rollups.demo_load",
]


class Command(BaseCommand):
    help = "Load demo desks, staff and data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for path in DEMO_LOADERS:
                import_string(path)(self.stdout)
        self.stdout.write(self.style.SUCCESS("デモデータを読み込みました / demo data loaded"))
