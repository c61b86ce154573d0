from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("案内とフォローアップ")

    def ready(self):
        from referrals import signals

        signals.connect()
