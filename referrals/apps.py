from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("案内とフォローアップ")

    def ready(self):
        from cases.signals import case_closing
        from catalogue.review import register_review_flag
        from referrals import outcomes
        from referrals.services import refuse_closing_with_open_follow_ups
        from triage.engine import register_refiner

        case_closing.connect(refuse_closing_with_open_follow_ups, dispatch_uid="referrals-open")
        register_refiner(outcomes.refine_with_outcomes)
        register_review_flag(
            "unreached",
            _("案内しても断られる・つながらないことが多い"),
            outcomes.windows_often_unreached,
        )
