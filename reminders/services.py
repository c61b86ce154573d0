"""Weekly reminder digests: due state in the database, leased before sending, sent in batches.

A sweep (Celery beat every ``REMINDER_SWEEP_SECONDS``, the worker when it starts, or
``manage.py sendreminders``) creates one ``Digest`` row per user and week once that user's
digest time has come; the unique (user, period) constraint makes two sweeps agree on one
row. Unsent rows are then leased in batches with a conditional UPDATE and handed to a task
(or sent in-process).

**Why a short lease with a heartbeat, and not a takeover.** A lease is a row's
``lease_until``: nobody else touches the row before then. The task that sends a batch first
moves the rows under a token of its own (a redelivered copy of the task then finds nothing),
and a thread renews that lease every third of its length while the batch sends
(``Heartbeat``). Whatever kills the sender — SIGKILL of the worker, the OOM killer taking a
pool process, a restarted broker losing the queued task — stops the heartbeat with it, so the
rows are free again at most one lease (30 s) later and the next sweep (every 20 s) leases
them: recovery takes at most a lease plus a sweep interval, under a minute, and the two are
not multiples of each other. A takeover by the redelivered task or by the start-up sweep would
have to know that the lease's holder is gone — a process on another machine, a queue that
hides whether a task is still running — which the clock answers without any such knowledge.
A lease also covers a batch's wait in the queue: a batch queued behind others for longer than
a lease is leased again by the next sweep and the stale task finds its rows taken.

**At most the message in flight twice.** Each digest is marked sent by its own UPDATE right
after the SMTP server accepted its mail; a crash between that acceptance and the mark is the
only way a digest goes out twice, and its Message-ID stays the same.

**Nothing given up while the week lasts.** When the relay cannot be reached, the unsent rows
are released with a backoff (``REMINDER_RETRY_BASE_SECONDS`` doubling up to
``REMINDER_RETRY_MAX_SECONDS``) and the sweep leases them again once it has passed, until the
digest's week is over. Only a permanent refusal (5xx) or the end of the week marks a digest
failed. A digest unsent an hour after its time is listed by ``unsent_digests`` (the admin, the
supervisors' follow-ups page and ``/healthz`` show it).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import DeskAccess, desk_access_by_user
from accounts.dates import date_styles_for_users
from accounts.models import Membership, User
from core.dates import format_date
from core.digest import DigestRecipient, digest_sections
from core.emails import build_email
from core.workdays import TOKYO, WEEK
from referrals.dates import moved_from_text
from referrals.models import FollowUp
from reminders.models import Digest
from reminders.schedule import due_period

logger = logging.getLogger(__name__)


class DeliveryDeferred(Exception):
    """The SMTP server could not be reached; the unsent digests wait out their backoff."""

    def __init__(self, token: str, error: str):
        super().__init__(error)
        self.token = token


@dataclass
class SweepResult:
    created: int = 0
    batches: list[tuple[list[int], str]] = field(default_factory=list)
    sent: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def leased(self) -> int:
        return sum(len(ids) for ids, _token in self.batches)


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


class DispatchFailed(Exception):
    """A leased batch could not be handed to the worker; its leases have been released."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def lease_length() -> datetime.timedelta:
    return datetime.timedelta(seconds=_setting("REMINDER_LEASE_SECONDS", 30))


def message_id_for(*, user_id: int, period: datetime.date) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest.{user_id}.{period:%Y%m%d}@{domain}>"


def _candidate_users(today: datetime.date):
    """Return active, unpaused users who may have something in a digest due by today.

    Every supervisor is one: their weekly summary may be the whole digest. Whether a digest
    has anything to say is decided when it is sent; an empty one is skipped, not sent.
    """
    assigned = (
        FollowUp.objects.open()
        .filter(due_on__lte=today + datetime.timedelta(days=6), case__assigned_to__isnull=False)
        .values("case__assigned_to_id")
    )
    supervisors = Membership.objects.filter(role=Membership.Role.SUPERVISOR).values("user_id")
    return (
        User.objects.filter(Q(id__in=assigned) | Q(id__in=supervisors))
        .filter(is_active=True, digest_paused=False)
        .exclude(email="")
        .values_list("id", "digest_weekday", "digest_hour")
    )


def create_due_digests(*, now: datetime.datetime) -> int:
    """Create the rows of every digest whose time has come; existing rows are left alone."""
    today = timezone.localtime(now, TOKYO).date()
    wanted = {}
    for user_id, weekday, hour in _candidate_users(today):
        period, at = due_period(now=now, weekday=weekday, hour=hour)
        wanted[(user_id, period)] = at
    if not wanted:
        return 0
    # A week already sent (or any later one) is never sent again: moving one's digest to a
    # later weekday points ``due_period`` at last week, which that user has had.
    latest = dict(
        Digest.objects.filter(period__gte=min(period for _user, period in wanted))
        .values("user_id")
        .annotate(latest=Max("period"))
        .values_list("user_id", "latest")
        .iterator()
    )
    rows = [
        Digest(
            user_id=user_id,
            period=period,
            scheduled_for=at,
            message_id=message_id_for(user_id=user_id, period=period),
        )
        for (user_id, period), at in wanted.items()
        if user_id not in latest or latest[user_id] < period
    ]
    Digest.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def lease_batch(*, now: datetime.datetime, size: int) -> tuple[list[int], str]:
    """Lease up to ``size`` unsent digests that nobody holds; return their ids and the token."""
    token = uuid.uuid4().hex
    free = Digest.objects.filter(status=Digest.Status.PENDING).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    leased = free.filter(id__in=free.order_by("id").values("id")[:size]).update(
        lease_token=token,
        lease_until=now + lease_length(),
    )
    if not leased:
        return [], token
    ids = list(Digest.objects.filter(lease_token=token).values_list("id", flat=True))
    return ids, token


def sweep(
    *,
    now: datetime.datetime | None = None,
    dispatch: Callable[[list[int], str], None] | None = None,
) -> SweepResult:
    """Create the digests that are due and hand every unsent one to a sender, in batches.

    ``now`` is the time the digests are judged by (time travel for tests and ``--at``);
    leases always run on the real clock. Each leased batch goes to ``dispatch`` (the
    worker's queue, see ``reminders.tasks``) once its lease is committed; without one the
    batches are sent in this process. When ``dispatch`` raises, the batch's leases are
    released at once and ``DispatchFailed`` is raised.
    """
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        result.created = create_due_digests(now=now)
    size = _setting("REMINDER_BATCH_SIZE", 100)
    seen: set[int] = set()
    refused: list[Exception] = []

    def hand_over(ids: list[int], token: str) -> None:
        assert dispatch is not None
        try:
            dispatch(ids, token)
        except Exception as error:
            Digest.objects.filter(lease_token=token, status=Digest.Status.PENDING).update(
                lease_token="", lease_until=None
            )
            logger.exception("could not queue %d digests; their leases are released", len(ids))
            refused.append(error)

    while True:
        # The batch is handed over once its lease is committed: at once, or when the caller's
        # own transaction commits (and never, should it roll back).
        with transaction.atomic():
            ids, token = lease_batch(now=timezone.now(), size=size)
            if ids and dispatch is not None:
                transaction.on_commit(partial(hand_over, ids, token))
        if refused:
            error = refused[0]
            raise DispatchFailed(f"{error.__class__.__name__}: {error}") from error
        if not ids or seen.issuperset(ids):
            break
        seen.update(ids)
        if dispatch is not None:
            result.batches.append((ids, token))
            continue
        result.batches.append((ids, token))
        try:
            sent = send_batch(digest_ids=ids, token=token, now=now)
        except DeliveryDeferred as deferred:
            logger.warning("digests deferred, a later sweep retries them: %s", deferred)
            break
        result.sent += sent.sent
        result.skipped += sent.skipped
        result.failed += sent.failed
    return result


def _due_text(due_on: datetime.date, today: datetime.date, style: str) -> str:
    """Return how a due date reads in a digest; cached, as a batch shares a few hundred dates."""
    key = (due_on, today, style, translation.get_language())
    text = _DUE_TEXTS.get(key)
    if text is None:
        if due_on < today:
            text = _("%(due)s（%(days)d日超過）") % {
                "due": format_date(due_on, style=style),
                "days": (today - due_on).days,
            }
        else:
            text = format_date(due_on, style=style)
        if len(_DUE_TEXTS) > 10_000:
            _DUE_TEXTS.clear()
        _DUE_TEXTS[key] = text
    return text


_DUE_TEXTS: dict[tuple, str] = {}


def _item(
    follow_up: dict, today: datetime.date, kinds: dict[str, str], case_url: str, style: str
) -> dict:
    reference = follow_up["case__reference"]
    return {
        "reference": reference,
        "url": case_url.replace(REFERENCE_SLOT, reference),
        "due_on": follow_up["due_on"],
        "due_text": _due_text(follow_up["due_on"], today, style),
        "moved_text": moved_from_text(follow_up["moved_from"], style=style),
        "days_overdue": (today - follow_up["due_on"]).days,
        "kind": kinds[follow_up["kind"]],
        "window": follow_up["referral__service_name"]
        or follow_up["deletion_request__platform__name"]
        or "",
        "desk": follow_up["case__desk__name"],
        "assignee": follow_up["assignee"] or "",
    }


def case_path(reference: str) -> str:
    return reverse("cases:detail", args=[reference])


# References are letters, digits and hyphens: one reversed URL serves every item of a batch.
REFERENCE_SLOT = "REFERENCE-SLOT"


ITEM_FIELDS = (
    "id",
    "due_on",
    "moved_from",
    "kind",
    "case__reference",
    "case__desk_id",
    "case__desk__name",
    "case__assigned_to_id",
    "referral__service_name",
    "deletion_request__platform__name",
)


def digest_contents(digests: list[Digest]) -> dict[int, dict]:
    """Return each digest's mail context, built for the whole batch in a few queries."""
    with translation.override(settings.LANGUAGE_CODE):
        return _digest_contents(digests)


def _digest_contents(digests: list[Digest]) -> dict[int, dict]:
    escalate_days = _setting("REMINDER_ESCALATE_AFTER_DAYS", 14)
    days = {d.id: timezone.localtime(d.scheduled_for, TOKYO).date() for d in digests}
    user_ids = [d.user_id for d in digests]
    last_day = max(days.values()) + datetime.timedelta(days=6)
    # The access gate decides what each recipient may read, as on every page: a case stays
    # assigned to someone removed from its desk, but it leaves their digest at once.
    access = desk_access_by_user(user_ids)
    nothing = DeskAccess()
    readable = {user_id: access.get(user_id, nothing).readable for user_id in user_ids}
    supervised = {user_id: access.get(user_id, nothing).supervised for user_id in user_ids}
    styles = date_styles_for_users(user_ids)
    own = defaultdict(list)
    for row in (
        FollowUp.objects.open()
        .filter(case__assigned_to_id__in=user_ids, due_on__lte=last_day)
        .annotate(assignee=F("case__assigned_to__username"))
        .order_by("due_on", "id")
        .values(*ITEM_FIELDS, "assignee")
    ):
        if row["case__desk_id"] in readable[row["case__assigned_to_id"]]:
            own[row["case__assigned_to_id"]].append(row)
    late = defaultdict(list)
    all_desks = set().union(*supervised.values())
    if all_desks:
        before = max(days.values()) - datetime.timedelta(days=escalate_days)
        for row in (
            FollowUp.objects.open()
            .filter(case__desk_id__in=all_desks, due_on__lt=before)
            .annotate(assignee=F("case__assigned_to__username"))
            .order_by("due_on", "id")
            .values(*ITEM_FIELDS, "assignee")
        ):
            late[row["case__desk_id"]].append(row)
    site = settings.SITE_URL
    case_url = site + case_path(REFERENCE_SLOT)
    kinds = {code: str(label) for code, label in FollowUp.Kind.choices}
    follow_ups_url = site + reverse("followups:week")
    settings_url = site + reverse("followups:settings")
    contents: dict[int, dict[str, Any]] = {}
    for digest in digests:
        today = days[digest.id]
        style = styles[digest.user_id]
        week_end = today + datetime.timedelta(days=6)
        mine = [
            _item(row, today, kinds, case_url, style)
            for row in own[digest.user_id]
            if row["due_on"] <= week_end
        ]
        escalate_before = today - datetime.timedelta(days=escalate_days)
        escalated = [
            _item(row, today, kinds, case_url, style)
            for desk_id in sorted(supervised[digest.user_id])
            for row in late[desk_id]
            if row["due_on"] < escalate_before
        ]
        escalated.sort(key=lambda item: (item["due_on"], item["reference"]))
        overdue = [item for item in mine if item["due_on"] < today]
        due = [item for item in mine if item["due_on"] >= today]
        contents[digest.id] = {
            "recipient_name": str(digest.user),
            "digest_date": today,
            "date_style": style,
            "overdue": overdue,
            "due": due,
            "escalated": escalated,
            "total": len(mine),
            "escalate_after_days": escalate_days,
            "sections": [],
            "follow_ups_url": follow_ups_url,
            "settings_url": settings_url,
        }
    recipients = [
        DigestRecipient(
            digest_id=digest.id,
            user_id=digest.user_id,
            period=digest.period,
            today=days[digest.id],
            readable_desk_ids=readable[digest.user_id],
            supervised_desk_ids=supervised[digest.user_id],
            date_style=styles[digest.user_id],
        )
        for digest in digests
    ]
    for section in digest_sections():
        collected = section.collect(recipients)
        for digest in digests:
            context = collected.get(digest.id)
            if context is not None:
                contents[digest.id]["sections"].append(
                    {
                        "key": section.key,
                        "text_template": section.text_template,
                        "html_template": section.html_template,
                        "context": context,
                        "has_news": section.has_news(context),
                    }
                )
    return contents


def has_news(context: dict) -> bool:
    """Tell whether a digest has anything to say: due follow-ups, escalations or a section."""
    return bool(
        context["total"]
        or context["escalated"]
        or any(section["has_news"] for section in context["sections"])
    )


# SMTPException is an OSError: catch the connection-level ones first, then the rest.
LOST_CONNECTION = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    code = getattr(error, "smtp_code", 0)
    return isinstance(code, int) and code >= 500


class Heartbeat:
    """Renew a batch's lease every third of its length, from a thread, while the batch sends.

    The thread dies with its process: a SIGKILL of the worker or of its pool process stops
    the renewals, and the lease runs out within one lease length.
    """

    def __init__(self, token: str, lease: datetime.timedelta):
        self.token = token
        self.lease = lease
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="digest-lease", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.lease.total_seconds() / 3):
                try:
                    Digest.objects.filter(
                        lease_token=self.token, status=Digest.Status.PENDING
                    ).update(lease_until=timezone.now() + self.lease)
                except DatabaseError:
                    logger.warning("could not renew the lease of a digest batch", exc_info=True)
        finally:
            connections.close_all()


def week_end(period: datetime.date) -> datetime.datetime:
    """Return the moment a digest's week is over: the next Monday, 00:00 in Tokyo."""
    return datetime.datetime.combine(period + WEEK, datetime.time(0), tzinfo=TOKYO)


def backoff(attempts: int) -> datetime.timedelta:
    """Return how long a digest waits after its ``attempts``-th failed try: doubling, capped."""
    base = _setting("REMINDER_RETRY_BASE_SECONDS", 10)
    ceiling = _setting("REMINDER_RETRY_MAX_SECONDS", 40)
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def send_batch(
    *, digest_ids: list[int], token: str, now: datetime.datetime | None = None
) -> BatchResult:
    """Send the digests still leased under ``token`` over one SMTP connection.

    Each digest is marked sent by its own UPDATE right after the server accepted its mail.
    Raises ``DeliveryDeferred`` when the SMTP server cannot be reached or drops the
    connection; the unsent digests then wait out their backoff and a later sweep tries again.
    ``now`` judges whether a digest's week is over (the sweep's time travel); leases run on
    the real clock.
    """
    lease = lease_length()
    mine = uuid.uuid4().hex
    now = now or timezone.now()
    claimed = Digest.objects.filter(
        id__in=digest_ids, status=Digest.Status.PENDING, lease_token=token
    ).update(lease_token=mine, lease_until=timezone.now() + lease, attempts=F("attempts") + 1)
    result = BatchResult()
    if not claimed:
        return result
    digests = list(
        Digest.objects.filter(lease_token=mine, status=Digest.Status.PENDING)
        .select_related("user")
        .order_by("id")
    )
    over = [d.id for d in digests if week_end(d.period) <= now]
    if over:
        Digest.objects.filter(id__in=over, lease_token=mine).update(
            status=Digest.Status.FAILED,
            lease_until=None,
            last_error=_("週が終わったため送信を取りやめました。"),
        )
        result.failed += len(over)
        digests = [d for d in digests if d.id not in over]
    if not digests:
        return result
    contents = digest_contents(digests)
    empty = {d.id for d in digests if not has_news(contents[d.id])}
    if empty:
        Digest.objects.filter(id__in=empty, lease_token=mine).update(
            status=Digest.Status.SKIPPED, lease_until=None
        )
        result.skipped = len(empty)
    to_send = [d for d in digests if d.id not in empty]
    if not to_send:
        return result
    with Heartbeat(mine, lease):
        _send_leased(to_send, contents, mine, result)
    return result


def _send_leased(
    to_send: list[Digest], contents: dict[int, dict], token: str, result: BatchResult
) -> None:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except OSError as error:
        raise _defer(token, to_send, error) from error
    try:
        for position, digest in enumerate(to_send):
            context = contents[digest.id]
            message = build_email(
                "digest",
                context,
                to=[digest.user.email],
                headers={"Message-ID": digest.message_id},
                connection=connection,
            )
            try:
                message.send()
            except LOST_CONNECTION as error:
                raise _defer(token, to_send[position:], error) from error
            except smtplib.SMTPException as error:
                # A refusal (5xx) is final; a temporary one (4xx) waits out its backoff.
                if _is_permanent(error):
                    Digest.objects.filter(id=digest.id, lease_token=token).update(
                        status=Digest.Status.FAILED,
                        lease_until=None,
                        last_error=str(error)[:500],
                    )
                    result.failed += 1
                else:
                    _defer(token, [digest], error)
                continue
            except OSError as error:
                raise _defer(token, to_send[position:], error) from error
            # Marked at once: a crash after this line sends nothing again, and one before it
            # sends again only this mail, the one in flight.
            Digest.objects.filter(id=digest.id, status=Digest.Status.PENDING).update(
                status=Digest.Status.SENT,
                sent_at=timezone.now(),
                lease_until=None,
                last_error="",
                item_count=context["total"],
                escalated_count=len(context["escalated"]),
            )
            result.sent += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()


def _defer(token: str, digests: list[Digest], error: Exception) -> DeliveryDeferred:
    """Give the unsent digests up to the sweep after their backoff, recording why."""
    message = f"{error.__class__.__name__}: {error}"[:500]
    now = timezone.now()
    for attempts in {d.attempts for d in digests}:
        Digest.objects.filter(
            id__in=[d.id for d in digests],
            attempts=attempts,
            lease_token=token,
            status=Digest.Status.PENDING,
        ).update(lease_token="", lease_until=now + backoff(attempts), last_error=message)
    return DeliveryDeferred(token, message)


def unsent_digests(*, now: datetime.datetime | None = None):
    """Return the digests still unsent an hour or more after their time, the oldest first."""
    now = now or timezone.now()
    return Digest.objects.filter(
        status=Digest.Status.PENDING, scheduled_for__lte=now - UNSENT_AFTER
    ).order_by("scheduled_for", "id")


UNSENT_AFTER = datetime.timedelta(hours=1)
