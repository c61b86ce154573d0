"""Celery tasks for cases: thin wrappers that take ids and call ``cases.services``."""

import logging
import smtplib

from celery import shared_task

from cases import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=20,
)
def send_urgent_alert(self, alert_id: int) -> None:
    """Mail the supervisors of an urgent case's desk; retry within seconds if SMTP is down."""
    try:
        services.urgent_alert_send(alert_id=alert_id)
    except (OSError, smtplib.SMTPException) as error:
        countdown = min(30, 2**self.request.retries)
        logger.warning("urgent alert %s not sent (%s); retrying in %ss", alert_id, error, countdown)
        raise self.retry(countdown=countdown) from None


@shared_task(ignore_result=True)
def sweep_urgent_alerts() -> int:
    """Queue again every urgent alert that should have gone and did not (beat, every minute).

    Sending claims the alert first, so an alert queued twice is still mailed once.
    """
    unsent = services.urgent_alerts_unsent()
    for alert_id in unsent:
        send_urgent_alert.delay(alert_id)
    if unsent:
        logger.warning("queued %s unsent urgent alert(s) again", len(unsent))
    return len(unsent)
