"""Writes of legal clocks: start one, mark a court step on it, close it, warn before it runs out.

Each write runs in one transaction and is audited against the case; a clock holds dates and
codes only, so nothing here needs the personal-data guard.
"""

import datetime
import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import desk_ids_for, supervisor_emails
from accounts.models import Membership, User
from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case
from core.dates import format_date
from core.emails import build_email
from deadlines.calendar import clock_dates
from deadlines.models import PLATFORM_DELETION, ClockKind, ClockStep, LegalClock

logger = logging.getLogger(__name__)

WARNING_LEASE = datetime.timedelta(minutes=5)


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def _refuse_closed(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("終了した相談には記録できません。先に相談を再開してください。"))


def startable_kinds():
    """Return the kinds a counsellor starts by hand: the platform's clock comes with its request."""
    return ClockKind.objects.filter(is_active=True).exclude(code=PLATFORM_DELETION)


def kind_for_code(code: str) -> ClockKind:
    kind = startable_kinds().filter(code=code).first()
    if kind is not None:
        return kind
    if code == PLATFORM_DELETION:
        raise ValidationError(
            {"kind": _("プラットフォームの回答期限は、削除の申出を記録すると自動で表示されます。")}
        )
    raise ValidationError({"kind": _("期限の種類「%(code)s」はありません。") % {"code": code}})


@transaction.atomic
def clock_start(
    *,
    case: Case,
    kind: ClockKind,
    started_on: datetime.date,
    by: User,
    now: datetime.datetime | None = None,
) -> LegalClock:
    """Start a legal clock on a case from the day that starts it (the post's, the request's)."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_closed(case)
    if kind.code == PLATFORM_DELETION or not kind.is_active:
        kind_for_code(kind.code)
    if started_on > _today(now):
        raise ValidationError({"started_on": _("起算日に未来の日付は指定できません。")})
    if started_on < _today(now) - datetime.timedelta(days=3660):
        raise ValidationError({"started_on": _("起算日は10年以内の日付にしてください。")})
    dates = clock_dates(
        desk_id=case.desk_id,
        started_on=started_on,
        length=kind.length,
        unit=kind.unit,
        warn_working_days=kind.warn_working_days,
    )
    clock = LegalClock(
        case=case,
        kind=kind,
        started_on=started_on,
        due_on=dates.due_on,
        # A clock started late warns at once rather than on a day already past.
        warn_on=max(dates.warning.day, started_on),
        warn_moved_from=dates.warning.computed if dates.warning.moved else None,
        started_by=by,
        created_at=now,
    )
    clock.full_clean()
    clock.save()
    audit_record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        case=case,
        detail={"clock": clock.pk, "kind": kind.code, "op": "start"},
    )
    return clock


@transaction.atomic
def clock_step_record(
    *,
    clock: LegalClock,
    step: str,
    done_on: datetime.date,
    by: User,
    now: datetime.datetime | None = None,
) -> ClockStep:
    """Mark a stage of the court procedure on a clock with its date (again: the date changes)."""
    now = now or timezone.now()
    clock = LegalClock.objects.select_for_update().select_related("case", "kind").get(pk=clock.pk)
    _refuse_closed(clock.case)
    step_kind = clock.kind.steps.filter(code=step).first()
    if step_kind is None:
        raise ValidationError(
            {"step": _("この期限に「%(code)s」の段階はありません。") % {"code": step}}
        )
    if done_on > _today(now):
        raise ValidationError({"done_on": _("未来の日付は記録できません。")})
    if done_on < clock.started_on:
        raise ValidationError({"done_on": _("起算日より前の日付は記録できません。")})
    marked, _created = ClockStep.objects.update_or_create(
        clock=clock,
        kind=step_kind,
        defaults={"done_on": done_on, "recorded_by": by, "created_at": now},
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.STATUS,
        case=clock.case,
        detail={"clock": clock.pk, "step": step_kind.code, "op": "step"},
    )
    return marked


@transaction.atomic
def clock_close(
    *, clock: LegalClock, reason: str, by: User, now: datetime.datetime | None = None
) -> LegalClock:
    """End a clock: acted on in time, no longer needed, or run out."""
    now = now or timezone.now()
    clock = LegalClock.objects.select_for_update().select_related("case", "kind").get(pk=clock.pk)
    if not clock.is_open:
        raise ValidationError({"clock": _("この期限はすでに終えています。")})
    if reason not in LegalClock.CloseReason.values:
        raise ValidationError({"reason": _("終える理由を選んでください。")})
    clock.closed_at = now
    clock.closed_because = reason
    clock.closed_by = by
    clock.save(update_fields=["closed_at", "closed_because", "closed_by"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.STATUS,
        case=clock.case,
        detail={"clock": clock.pk, "kind": clock.kind.code, "op": "close", "reason": reason},
    )
    return clock


def clock_get_for_change(user: User, case: Case, clock_id: int) -> LegalClock:
    """Return a clock of this (access-checked) case the user may change, or refuse by field."""
    clock = (
        LegalClock.objects.filter(case=case, case__desk_id__in=desk_ids_for(user))
        .select_related("case", "kind")
        .filter(pk=clock_id)
        .first()
    )
    if clock is None:
        raise ValidationError({"clock": _("この相談にその期限はありません。")})
    return clock


def message_id_for(clock: LegalClock) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<clock-warning.{clock.pk}.{clock.warn_on:%Y%m%d}@{domain}>"


def due_warning_ids(*, now: datetime.datetime) -> list[int]:
    """Return the open clocks of open cases whose warning day has come and was not mailed."""
    today = _today(now)
    return list(
        LegalClock.objects.filter(
            closed_at__isnull=True,
            warning_sent_at__isnull=True,
            warn_on__lte=today,
            due_on__gte=today,
        )
        .exclude(case__status=Case.Status.CLOSED)
        .order_by("warn_on", "id")
        .values_list("id", flat=True)
    )


def _warning_recipients(clock: LegalClock) -> list[str]:
    """The case's counsellor while they counsel at its desk; otherwise the desk's supervisors."""
    case = clock.case
    owner_id = case.assigned_to_id or case.opened_by_id
    owner = (
        User.objects.filter(
            pk=owner_id,
            is_active=True,
            memberships__desk_id=case.desk_id,
            memberships__role=Membership.Role.COUNSELLOR,
        )
        .exclude(email="")
        .first()
    )
    return [owner.email] if owner is not None else supervisor_emails(case.desk_id)


def clock_warning_send(*, clock_id: int, now: datetime.datetime | None = None) -> bool:
    """Claim one clock's warning and mail it; return whether this call sent it.

    The claim is a conditional UPDATE, so two sweeps never both send; the mail is marked sent
    the moment the relay accepts it, so a rerun sends nothing again.
    """
    now = now or timezone.now()
    claimed = (
        LegalClock.objects.filter(pk=clock_id, warning_sent_at__isnull=True, closed_at__isnull=True)
        .filter(Q(warning_claimed_until__isnull=True) | Q(warning_claimed_until__lt=now))
        .update(warning_claimed_until=now + WARNING_LEASE)
    )
    if not claimed:
        return False
    clock = LegalClock.objects.select_related("case__desk", "kind").get(pk=clock_id)
    recipients = _warning_recipients(clock)
    if recipients:
        message = build_email(
            "clock-warning",
            {
                "reference": clock.case.reference,
                "desk": clock.case.desk.name,
                "kind": clock.kind.name,
                "law": clock.kind.law,
                "action": clock.kind.action,
                "due_on": format_date(clock.due_on),
                "days_left": (clock.due_on - _today(now)).days,
                "path": clock.case.get_absolute_url(),
            },
            to=recipients,
            headers={"Message-ID": message_id_for(clock)},
        )
        try:
            message.send()
        except (OSError, smtplib.SMTPException):
            LegalClock.objects.filter(pk=clock_id).update(warning_claimed_until=None)
            raise
    LegalClock.objects.filter(pk=clock_id).update(
        warning_sent_at=timezone.now(), warning_claimed_until=None
    )
    return True


def clock_warnings_send(*, now: datetime.datetime | None = None) -> int:
    """Mail every warning that is due; return how many this run sent. Safe to run again."""
    now = now or timezone.now()
    sent = 0
    for clock_id in due_warning_ids(now=now):
        try:
            sent += clock_warning_send(clock_id=clock_id, now=now)
        except (OSError, smtplib.SMTPException) as error:
            logger.warning(
                "clock warning %s not sent (%s); the next run tries again", clock_id, error
            )
    return sent
