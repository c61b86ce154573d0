"""Subscriptions: a desk receives another catalogue's windows, each change reviewed first."""

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalogue.hsds.importer import FeedError, documents_from_json, hsds_import
from catalogue.models import PendingChange, Subscription

MAX_BYTES = 5 * 1024 * 1024
NESTED = ("attributes", "phones", "schedules", "service_areas")


def _get_json(url: str) -> Any:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "Tsunagu-feed/1.0"}
    )
    with urllib.request.urlopen(request, timeout=settings.LINK_CHECK_TIMEOUT_SECONDS) as response:
        body = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise FeedError(f"{url}: 大きすぎます（5MBまで）。")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"{url}: JSON として読めません（{error}）。") from error


def _first_answer(urls: list[str]) -> tuple[str, Any]:
    last: Exception | None = None
    for url in urls:
        try:
            return url, _get_json(url)
        except urllib.error.HTTPError as error:
            last = error
    raise FeedError(f"{urls[0]}: 読めません（{last}）。")


def fetch_feed(url: str) -> list[dict[str, Any]]:
    """Read every service of a feed in full: an ``hsds export`` folder or an HSDS API."""
    base = url if url.endswith("/") or url.endswith(".json") else url + "/"
    if base.endswith(".json"):
        page_url, page = base, _get_json(base)
    else:
        page_url, page = _first_answer([urljoin(base, "services.json"), urljoin(base, "services")])
    static = page_url.endswith(".json")
    documents = []
    for item in documents_from_json(page):
        if not isinstance(item, dict) or any(key in item for key in NESTED) or "id" not in item:
            documents.append(item)
            continue
        path = f"services/{item['id']}.json" if static else f"services/{item['id']}"
        documents.append(_get_json(urljoin(page_url, path)))
    return documents


@transaction.atomic
def subscription_sync(*, subscription: Subscription) -> Subscription:
    """Fetch a feed and queue each new or changed window for review; record the result."""
    try:
        documents = fetch_feed(subscription.url)
    except (FeedError, OSError, ValueError) as error:
        subscription.last_result = Subscription.Result.FAILED
        subscription.last_message = str(error)[:2000]
    else:
        queued, errors = 0, []
        for document in documents:
            report = hsds_import(documents=[document], desk=subscription.desk, dry_run=True)
            if report.errors:
                errors += report.errors
                continue
            identifier = str(document["id"])
            subscription.changes.filter(
                status=PendingChange.Status.PENDING, service_uuid=identifier
            ).delete()
            changes = report.created or report.updated
            if not changes:
                continue
            PendingChange.objects.create(
                subscription=subscription,
                service_uuid=identifier,
                name=str(document.get("name", ""))[:160],
                kind=PendingChange.Kind.CREATED if report.created else PendingChange.Kind.UPDATED,
                summary=changes[0].split(": ", 1)[-1],
                document=document,
            )
            queued += 1
        subscription.last_result = Subscription.Result.FAILED if errors else Subscription.Result.OK
        subscription.last_message = "\n".join(
            [f"{len(documents)}件を読み、{queued}件が確認待ちです。", *errors]
        )[:2000]
    subscription.last_synced_at = timezone.now()
    subscription.save(update_fields=["last_result", "last_message", "last_synced_at"])
    return subscription


@transaction.atomic
def pending_change_decide(*, change: PendingChange, user: User, approve: bool) -> PendingChange:
    """Apply a reviewed change to the desk's catalogue, or set it aside."""
    claimed = PendingChange.objects.filter(
        pk=change.pk, status=PendingChange.Status.PENDING
    ).update(
        status=PendingChange.Status.APPROVED if approve else PendingChange.Status.REJECTED,
        decided_at=timezone.now(),
        decided_by=user,
    )
    change.refresh_from_db()
    if claimed and approve:
        report = hsds_import(documents=[change.document], desk=change.subscription.desk)
        if report.errors:
            raise FeedError("; ".join(report.errors))
    return change
