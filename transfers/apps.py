from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("デスク間の引き継ぎ")

    def ready(self):
        from cases.signals import case_closing
        from core.digest import register_digest_section
        from transfers import digest
        from transfers.services import refuse_closing_while_pending

        case_closing.connect(refuse_closing_while_pending, dispatch_uid="transfers-pending")
        register_digest_section(digest.DIGEST_SECTION)
