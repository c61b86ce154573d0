from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_loaders():
    """Yield each app's ``demo.load``, lowest layer first (the order of INSTALLED_APPS).

    A feature adds its demo data by giving its app a ``demo`` module; this command never
    names the apps above it.
    """
    for app in apps.get_app_configs():
        name = f"{app.name}.demo"
        if find_spec(name) is not None:
            yield import_module(name).load


class Command(BaseCommand):
    help = "Load demo desks, staff and data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for load in demo_loaders():
                load(self.stdout)
        self.stdout.write(self.style.SUCCESS("デモデータを読み込みました / demo data loaded"))
