"""Celery tasks for reminders: thin wrappers that take ids and call ``referrals.reminders``."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_reminders(at: str | None = None) -> int:
    """Create the digests that are due and queue every unsent one; return how many were leased."""
    from referrals import reminders

    return reminders.sweep(now=parse_datetime(at) if at else None).leased


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def send_digest_batch(self, digest_ids: list[int], token: str) -> None:
    """Send the leased digests over one SMTP connection; retry with backoff if SMTP is down."""
    from referrals import reminders

    try:
        reminders.send_batch(digest_ids=digest_ids, token=token)
    except reminders.DeliveryDeferred as deferred:
        countdown = reminders.retry_countdown(self.request.retries)
        logger.warning("SMTP unavailable (%s); retrying in %ss", deferred, countdown)
        raise self.retry(args=[digest_ids, deferred.token], countdown=countdown) from None


@worker_ready.connect
def sweep_when_the_worker_starts(sender, **kwargs):
    """Look for unsent digests at once rather than at the first beat, e.g. after a restart."""
    if getattr(settings, "REMINDER_SWEEP_ON_START", True):
        sweep_reminders.delay()
