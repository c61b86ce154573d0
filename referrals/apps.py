from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("案内とフォローアップ")

    def ready(self):
        from cases.signals import case_closing
        from referrals.services import refuse_closing_with_open_follow_ups

        case_closing.connect(refuse_closing_with_open_follow_ups, dispatch_uid="referrals-open")
