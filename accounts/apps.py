from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("職員と相談窓口")

    def ready(self) -> None:
        from accounts import schema, signals  # noqa: F401 (schema registers its extension)
        from accounts.access import supervisor_emails
        from audit.anomalies import register_alert_recipients

        register_alert_recipients(supervisor_emails)
        signals.connect()
