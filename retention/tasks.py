"""Celery tasks for retention: thin wrappers around ``retention.services``."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from retention import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_retention(at: str | None = None) -> int:
    """Shred and delete what is due; return how many cases were touched."""
    result = services.retention_sweep(now=parse_datetime(at) if at else None)
    return len(result.shredded) + len(result.deleted)
