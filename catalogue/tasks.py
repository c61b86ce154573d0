"""Celery tasks for the catalogue: thin wrappers around its services."""

from celery import shared_task

from catalogue.links import link_check_run


@shared_task(ignore_result=True)
def check_links() -> int:
    """Check every window's web site; return the id of the run's record."""
    return link_check_run().pk
