from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("監査記録")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save, pre_save

        from audit import checks, services, tracking  # noqa: F401 — registers the system check

        request_started.connect(services.request_started, dispatch_uid="audit-origin")
        request_finished.connect(services.request_finished, dispatch_uid="audit-origin-end")
        task_prerun.connect(services.task_started, dispatch_uid="audit-task-start", weak=False)
        task_postrun.connect(services.task_finished, dispatch_uid="audit-task-end", weak=False)
        connection_created.connect(
            services.register_sqlite_functions, dispatch_uid="audit-sqlite-functions"
        )
        pre_save.connect(tracking.remember_before, dispatch_uid="audit-track-before")
        post_save.connect(tracking.record_save, dispatch_uid="audit-track-save")
        post_delete.connect(tracking.record_delete, dispatch_uid="audit-track-delete")
