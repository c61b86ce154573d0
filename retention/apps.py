from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("保存期間")

    def ready(self):
        from retention import history

        history.connect()
