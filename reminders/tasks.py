"""Celery tasks for reminders: thin wrappers that take ids and call ``reminders.services``.

No task retries itself: a batch the relay could not take is released with a backoff and the
next sweep after it leases the batch again (see ``reminders.services``).
"""

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


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_digest_batch(digest_ids: list[int], token: str) -> None:
    """Send the leased digests over one SMTP connection; a relay that is down waits a sweep."""
    try:
        services.send_batch(digest_ids=digest_ids, token=token)
    except services.DeliveryDeferred as deferred:
        logger.warning("SMTP unavailable (%s); a later sweep sends these digests", deferred)


def queue_batch(digest_ids: list[int], token: str) -> None:
    """Hand one leased batch to the worker; raise if the broker refuses it."""
    send_digest_batch.apply_async(
        (digest_ids, token),
        retry=True,
        retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
    )


@worker_ready.connect
def sweep_when_the_worker_starts(sender, **kwargs):
    """Look for unsent digests at once rather than at the first beat, e.g. after a restart."""
    if getattr(settings, "REMINDER_SWEEP_ON_START", True):
        sweep_reminders.delay()
