from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("週間リマインダー")

    def ready(self):
        from reminders import tasks  # noqa: F401  registers the worker start-up sweep
