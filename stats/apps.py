from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("統計")

    def ready(self):
        from core.digest import register_digest_section
        from stats import rollups, summary

        rollups.connect()
        register_digest_section(summary.DIGEST_SECTION)
