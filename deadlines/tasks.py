"""Celery tasks for legal clocks: thin wrappers over ``deadlines.services``."""

from celery import shared_task
from django.utils import timezone

from deadlines import services


@shared_task(ignore_result=True)
def send_clock_warnings() -> int:
    """Mail the warnings whose day has come; a second run the same day sends nothing."""
    return services.clock_warnings_send(now=timezone.now())
