"""Celery tasks for the catalogue: thin wrappers around its services."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from catalogue.feeds import subscription_sync
from catalogue.links import link_check_run
from catalogue.models import Subscription
from catalogue.review import review_digest_sweep


@shared_task(ignore_result=True)
def check_links() -> int:
    """Check every window's web site; return the id of the run's record."""
    return link_check_run().pk


@shared_task(ignore_result=True)
def sync_subscriptions() -> None:
    """Queue one sync per active subscription."""
    for subscription_id in Subscription.objects.filter(is_active=True).values_list("id", flat=True):
        sync_subscription.delay(subscription_id)


@shared_task(ignore_result=True)
def sync_subscription(subscription_id: int) -> None:
    """Fetch one subscribed feed and queue its changes for review."""
    subscription = Subscription.objects.filter(pk=subscription_id, is_active=True).first()
    if subscription is not None:
        subscription_sync(subscription=subscription)


@shared_task(ignore_result=True)
def send_review_digests(at: str | None = None) -> int:
    """Send the monthly review mail to the admins who have windows due; return how many."""
    return review_digest_sweep(now=parse_datetime(at) if at else None)
