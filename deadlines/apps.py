from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("法的な期限")

    def ready(self):
        from core.digest import register_digest_section
        from deadlines import escalation

        register_digest_section(escalation.DIGEST_SECTION)
