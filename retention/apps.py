from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("保存期間")

    def ready(self):
        from core.digest import register_digest_section
        from retention import handovers, history

        history.connect()
        register_digest_section(handovers.DIGEST_SECTION)
