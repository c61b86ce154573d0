from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("相談記録")

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created

        from cases import audit

        request_started.connect(audit.request_started, dispatch_uid="cases-audit-origin")
        request_finished.connect(audit.request_finished, dispatch_uid="cases-audit-origin-end")
        connection_created.connect(
            audit.register_sqlite_functions, dispatch_uid="cases-audit-sqlite-functions"
        )
