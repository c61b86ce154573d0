from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("監査記録")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created

        from audit import services

        request_started.connect(services.request_started, dispatch_uid="audit-origin")
        request_finished.connect(services.request_finished, dispatch_uid="audit-origin-end")
        connection_created.connect(
            services.register_sqlite_functions, dispatch_uid="audit-sqlite-functions"
        )
