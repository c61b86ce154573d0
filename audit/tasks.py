"""The unusual-access mail: claimed before it is sent, so it goes out once per episode."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from audit.anomalies import alert_claim, alert_recipients
from audit.models import AccessAlert
from core.emails import build_email


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=10,
)
def send_access_alert(alert_id: int) -> bool:
    """Mail the desk's supervisors about one episode of unusual reading; True if sent now."""
    alert = alert_claim(alert_id)
    if alert is None:
        return False
    recipients = alert_recipients(alert.desk_id)
    if recipients:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "localhost"
        message = build_email(
            "access-alert",
            {"alert": alert, "username": alert.user.get_username()},
            to=recipients,
            # The same id on a resend, so a copy sent after a crash is recognised as one.
            headers={"Message-ID": f"<access-alert-{alert.pk}@{domain}>"},
        )
        try:
            message.send()
        except Exception:
            AccessAlert.objects.filter(pk=alert.pk).update(claimed_at=None)
            raise
    AccessAlert.objects.filter(pk=alert.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True
