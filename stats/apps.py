from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("統計")

    def ready(self):
        from stats import rollups

        rollups.connect()
