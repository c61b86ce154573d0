from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs) -> None:
    """Create the database cache's table (the live check's rate limit), which no migration makes."""
    call_command("createcachetable", database=using, verbosity=0)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("相談記録")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self)
        from cases import approvals, public
        from core.digest import register_digest_section

        public.connect()
        register_digest_section(approvals.DIGEST_SECTION)
