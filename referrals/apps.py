from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("案内とフォローアップ")

    def ready(self):
        from cases.signals import case_closing
        from referrals import signals
        from referrals.referral_services import refuse_closing_with_open_follow_ups
        from referrals.stats import rollups as stats_rollups

        signals.connect()
        stats_rollups.connect()
        case_closing.connect(refuse_closing_with_open_follow_ups, dispatch_uid="referrals-open")
