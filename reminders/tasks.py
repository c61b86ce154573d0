"""Celery tasks for reminders: thin wrappers that take ids and call ``reminders.services``."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils.dateparse import parse_datetime

from reminders import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_reminders(at: str | None = None) -> int:
    """Create the digests that are due and queue every unsent one; return how many were leased."""
    return services.sweep(now=parse_datetime(at) if at else None, dispatch=queue_batch).leased


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def send_digest_batch(self, digest_ids: list[int], token: str) -> None:
    """Send the leased digests over one SMTP connection; retry with backoff if SMTP is down."""
    try:
        services.send_batch(digest_ids=digest_ids, token=token)
    except services.DeliveryDeferred as deferred:
        countdown = services.retry_countdown(self.request.retries)
        logger.warning("SMTP unavailable (%s); retrying in %ss", deferred, countdown)
        raise self.retry(args=[digest_ids, deferred.token], countdown=countdown) from None


def queue_batch(digest_ids: list[int], token: str) -> None:
    """Hand one leased batch to the worker; if the broker refuses, the lease runs out instead."""
    try:
        send_digest_batch.delay(digest_ids, token)
    except Exception:
        logger.exception(
            "could not queue %d digests; the next sweep leases them again", len(digest_ids)
        )


@worker_ready.connect
def sweep_when_the_worker_starts(sender, **kwargs):
    """Look for unsent digests at once rather than at the first beat, e.g. after a restart."""
    if getattr(settings, "REMINDER_SWEEP_ON_START", True):
        sweep_reminders.delay()
