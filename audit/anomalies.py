"""Unusual reading: many distinct cases in an hour, or cases read outside working hours.

Each read of a case's content (an audit entry ``view``) is checked as it is written, under the
chain's lock, so two reads at once cannot open the same episode twice. An episode is one user,
one kind and one desk; while an alert of that kind for that user and desk is younger than
``AUDIT_ALERT_EPISODE_HOURS`` further reads belong to it and send nothing more. The mail to
the desk's supervisors is sent by a Celery task (audit/tasks.py) after the transaction commits.
"""

import datetime
import functools
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AccessAlert, AuditEntry
from core.workdays import TOKYO, is_working_day

# Answers the e-mail addresses of a desk's supervisors; the accounts app registers it.
_recipients: Callable[[int], list[str]] | None = None


def register_alert_recipients(resolver: Callable[[int], list[str]]) -> None:
    """Tell the alerts where to find a desk's supervisors (the access gate lives above audit)."""
    global _recipients
    _recipients = resolver


def alert_recipients(desk_id: int) -> list[str]:
    return _recipients(desk_id) if _recipients is not None else []


def outside_working_hours(at: datetime.datetime) -> bool:
    """Tell whether the moment falls on a day off or outside ``AUDIT_WORKING_HOURS`` (Tokyo)."""
    local = at.astimezone(TOKYO)
    start, end = settings.AUDIT_WORKING_HOURS
    return not is_working_day(local.date()) or not start <= local.hour < end


def note_read(entry: AuditEntry) -> list[AccessAlert]:
    """Open an episode, and queue its mail, when this read is unusual; return what was opened."""
    user_id, desk_id = entry.actor_id, entry.desk_id
    if user_id is None or desk_id is None:
        return []
    hour_ago = entry.at - datetime.timedelta(hours=1)
    kinds: dict[str, list[str]] = {}
    if outside_working_hours(entry.at):
        kinds[AccessAlert.Kind.OFF_HOURS] = [entry.case_reference]
    read = (
        AuditEntry.objects.filter(
            actor_id=entry.actor_id,
            action=AuditEntry.Action.VIEW,
            at__gte=hour_ago,
            at__lte=entry.at,
        )
        .exclude(case_reference="")
        .order_by()
        .values_list("case_reference", flat=True)
        .distinct()
    )
    limit = settings.AUDIT_ALERT_CASES_PER_HOUR
    references = list(read[: limit + 1])
    if len(references) > limit:
        kinds[AccessAlert.Kind.VOLUME] = references
    if not kinds:
        return []
    episode_start = entry.at - datetime.timedelta(hours=settings.AUDIT_ALERT_EPISODE_HOURS)
    ongoing = set(
        AccessAlert.objects.filter(
            user_id=user_id,
            desk_id=desk_id,
            kind__in=list(kinds),
            started_at__gt=episode_start,
        ).values_list("kind", flat=True)
    )
    opened = [
        AccessAlert.objects.create(
            user_id=user_id,
            kind=kind,
            desk_id=desk_id,
            started_at=entry.at,
            case_count=len(references),
            references=sorted(references),
        )
        for kind, references in kinds.items()
        if kind not in ongoing
    ]
    for alert in opened:
        transaction.on_commit(functools.partial(_queue, alert.pk))
    return opened


def _queue(alert_id: int) -> None:
    from audit.tasks import send_access_alert

    send_access_alert.delay(alert_id)


def alert_claim(alert_id: int, *, now: datetime.datetime | None = None) -> AccessAlert | None:
    """Claim an unsent alert for sending (conditional UPDATE); None if another sender has it."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    claimed = (
        AccessAlert.objects.filter(pk=alert_id, sent_at__isnull=True)
        .exclude(claimed_at__gt=now - lease)
        .update(claimed_at=now)
    )
    return AccessAlert.objects.select_related("user").get(pk=alert_id) if claimed else None
