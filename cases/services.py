"""Writes for cases and their notes: each guarded against personal data, audited, atomic."""

import datetime
import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import desk_supervisors, supervised_desk_ids
from accounts.models import Desk, Membership, User
from audit.services import audit_record
from cases.guard import guard_free_text
from cases.models import (
    CODE_LISTS,
    Case,
    CaseCounter,
    ClosingRequest,
    CrisisPrompt,
    Note,
    UrgentAlert,
)
from cases.signals import case_closing
from catalogue.vocabulary import Flag
from core.emails import build_email

logger = logging.getLogger(__name__)

URGENT_FLAGS = frozenset({Flag.SUICIDAL.value, Flag.IMMINENT_DANGER.value})
# Long enough for one SMTP exchange; a worker that dies mid-send frees the alert after it.
URGENT_ALERT_LEASE = datetime.timedelta(minutes=2)
# How long an alert's own task has before the beat sweep queues it again.
URGENT_ALERT_GRACE = datetime.timedelta(minutes=1)

CODE_FIELDS = ("situation", "wishes", "categories", "flags", "age_band", "consulter", "channel")
EDITABLE_FIELDS = (*CODE_FIELDS, "platforms", "summary", "serious_bullying")


def _counsellor_ids(desk_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            desk_id=desk_id, role=Membership.Role.COUNSELLOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _refuse_unless_counsellor(*, desk_id: int, user: User, field: str = "desk") -> None:
    """Refuse a write by anyone but a counsellor of the desk (or a site administrator)."""
    if user.is_superuser:
        return
    if user.pk not in _counsellor_ids(desk_id):
        raise ValidationError(
            {field: _("このデスクの相談員ではないため、相談を記録・変更できません。")}
        )


def _refuse_closed(case: Case) -> None:
    if case.is_closed:
        raise ValidationError(_("終了した相談は変更できません。先に相談を再開してください。"))


def _next_reference(*, desk: Desk, year: int) -> str:
    """Allocate the desk's next number for the year; the counter row is locked until commit."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(desk=desk, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{desk.slug.upper()}-{year}-{counter.last_number:04d}"


def _sorted_codes(values, field: str) -> list:
    """Keep a code list in its vocabulary's order; unknown values are left for full_clean."""
    order = {code: index for index, code in enumerate(CODE_LISTS[field].values)}
    if not isinstance(values, list | tuple | set | frozenset):
        return values
    return sorted(values, key=lambda code: order.get(code, len(order)))


def _declined(codes, *, flags, categories, already=()) -> list[str]:
    """Return the declined crisis codes, in code order, without those the case carries."""
    carried = set(flags or ()) | set(categories or ())
    codes = {*already, *(codes or ())} - carried
    return [code for code in CrisisPrompt.values if code in codes] + sorted(
        code for code in codes if code not in CrisisPrompt.values
    )


@transaction.atomic
def case_open(
    *,
    desk: Desk,
    opened_by: User,
    situation: str,
    wishes=(),
    categories=(),
    flags=(),
    age_band: str = "unknown",
    consulter: str = "",
    channel: str = "",
    platforms=(),
    summary: str = "",
    crisis_declined=(),
    serious_bullying: bool = False,
    assigned_to: User | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Record a new anonymised intake at a desk and give it the desk's next reference.

    crisis_declined lists the codes of crisis prompts the counsellor declined; a code the
    intake carries anyway (ticked after all) is not kept as declined.
    """
    guard_free_text(summary=summary)
    _refuse_unless_counsellor(desk_id=desk.pk, user=opened_by)
    assigned_to = assigned_to or opened_by
    if assigned_to.pk not in _counsellor_ids(desk.pk):
        raise ValidationError({"assigned_to": _("担当者は同じデスクの相談員から選んでください。")})
    now = now or timezone.now()
    case = Case(
        desk=desk,
        situation=situation,
        wishes=_sorted_codes(list(wishes), "wishes"),
        categories=_sorted_codes(list(categories), "categories"),
        flags=_sorted_codes(list(flags), "flags"),
        age_band=age_band or "unknown",
        consulter=consulter or "",
        channel=channel or "",
        platforms=_sorted_codes(list(platforms), "platforms"),
        summary=summary or "",
        crisis_declined=_declined(crisis_declined, flags=flags, categories=categories),
        serious_bullying=bool(serious_bullying),
        opened_by=opened_by,
        assigned_to=assigned_to,
        created_at=now,
    )
    case.full_clean(exclude=["reference"])
    case.reference = _next_reference(desk=desk, year=timezone.localtime(now).year)
    case.save()
    audit_record(actor=opened_by, action="create", case=case)
    _raise_urgent_alert(case)
    return case


@transaction.atomic
def case_update(*, case: Case, by: User, **fields) -> Case:
    """Change a case's codes or summary; only the names of changed fields are audited.

    crisis_declined adds the codes of crisis prompts declined while editing.
    """
    declined = fields.pop("crisis_declined", None) or ()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("この項目は変更できません。") for name in sorted(unknown)})
    if "summary" in fields:
        guard_free_text(summary=fields["summary"] or "")
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_unless_counsellor(desk_id=case.desk_id, user=by, field="non_field_errors")
    _refuse_closed(case)
    changed = []
    for name, value in fields.items():
        if name in {"wishes", "categories", "flags", "platforms"}:
            value = _sorted_codes(value if value is not None else [], name)
        elif value is None:
            value = "unknown" if name == "age_band" else ""
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    still_declined = _declined(
        declined, flags=case.flags, categories=case.categories, already=case.crisis_declined
    )
    if still_declined != case.crisis_declined:
        case.crisis_declined = still_declined
        changed.append("crisis_declined")
    if not changed:
        return case
    case.full_clean()
    case.save()
    audit_record(actor=by, action="update", case=case, detail={"fields": changed})
    if "flags" in changed:
        _raise_urgent_alert(case)
    return case


@transaction.atomic
def case_reassign(*, case: Case, by: User, assignee: User) -> Case:
    """Hand the case to another counsellor of the same desk."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_unless_counsellor(desk_id=case.desk_id, user=by, field="non_field_errors")
    _refuse_closed(case)
    if assignee.pk not in _counsellor_ids(case.desk_id):
        raise ValidationError({"assigned_to": _("担当者は同じデスクの相談員から選んでください。")})
    if case.assigned_to_id == assignee.pk:
        return case
    previous = case.assigned_to
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    Note.objects.create(case=case, kind=Note.Kind.REASSIGNED, assignee=assignee, author=by)
    audit_record(
        actor=by,
        action="reassign",
        case=case,
        detail={"from": previous.username if previous else None, "to": assignee.username},
    )
    return case


@transaction.atomic
def note_add(*, case: Case, by: User, body: str, now: datetime.datetime | None = None) -> Note:
    """Add a note to the case's timeline."""
    guard_free_text(body=body)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_unless_counsellor(desk_id=case.desk_id, user=by, field="non_field_errors")
    _refuse_closed(case)
    note = Note(
        case=case,
        kind=Note.Kind.NOTE,
        body=body.strip(),
        author=by,
        created_at=now or timezone.now(),
    )
    if not note.body:
        raise ValidationError({"body": _("メモを入力してください。")})
    note.full_clean()
    note.save()
    audit_record(actor=by, action="note", case=case, detail={"note": note.pk})
    return note


def _move(case: Case, status: str) -> str:
    if not case.can_move_to(status):
        raise ValidationError(
            {
                "status": _("「%(old)s」から「%(new)s」には変更できません。")
                % {"old": case.get_status_display(), "new": Case.Status(status).label}
            }
        )
    previous, case.status = case.status, status
    return previous


def closing_needs_approval(case: Case) -> bool:
    """Tell whether closing the case waits for a supervisor's approval at its desk.

    A case carried an urgent flag if it has one now or an urgent alert was ever raised for it
    (the flag may have been taken off since).
    """
    if not Desk.objects.filter(pk=case.desk_id, closing_needs_approval=True).exists():
        return False
    if case.serious_bullying or URGENT_FLAGS & set(case.flags):
        return True
    return UrgentAlert.objects.filter(case_id=case.pk).exists()


def _refuse_unapproved(case: Case) -> None:
    if closing_needs_approval(case):
        raise ValidationError(
            {
                "status": _(
                    "この相談を終了するにはスーパーバイザーの承認が必要です。"
                    "「終了の承認を依頼する」から依頼してください。"
                )
            }
        )


def _close(
    *,
    case: Case,
    by: User,
    reason: str,
    note: str,
    data: dict,
    now: datetime.datetime | None,
    detail: dict | None = None,
) -> Case:
    if reason not in Case.ClosureReason.values:
        raise ValidationError({"closure_reason": _("終了の理由を選んでください。")})
    previous = _move(case, Case.Status.CLOSED)
    case_closing.send(sender=Case, case=case, by=by, data=data)
    case.closure_reason = reason
    case.closed_at = now or timezone.now()
    case.full_clean()
    case.save()
    Note.objects.create(
        case=case,
        kind=Note.Kind.CLOSED,
        closure_reason=reason,
        body=note.strip(),
        author=by,
        created_at=case.closed_at,
    )
    audit_record(
        actor=by,
        action="close",
        case=case,
        detail={"from": previous, "reason": reason, **(detail or {})},
    )
    return case


@transaction.atomic
def case_close(
    *,
    case: Case,
    by: User,
    reason: str,
    note: str = "",
    data: dict | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Close the case with one of the closure reasons and an optional note.

    Receivers of ``cases.signals.case_closing`` run inside this transaction and may refuse
    by raising ValidationError (e.g. while follow-ups are still open); ``data`` is what the
    form or API request carried, for their own fields. A case whose desk wants a
    supervisor's approval for it is refused: it closes through ``closing_request_approve``.
    """
    guard_free_text(note=note)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_unless_counsellor(desk_id=case.desk_id, user=by, field="non_field_errors")
    if case.can_move_to(Case.Status.CLOSED):
        _refuse_unapproved(case)
    return _close(case=case, by=by, reason=reason, note=note, data=data or {}, now=now)


class _DryRun(Exception):
    pass


def _check_closing(case: Case, by: User, data: dict) -> None:
    """Ask the receivers of ``case_closing`` now whether they would refuse, then undo them.

    The receivers may act as well as refuse (open follow-ups are closed with the case), so
    they run in a savepoint that is always rolled back.
    """
    try:
        with transaction.atomic():
            case_closing.send(sender=Case, case=case, by=by, data=data)
            raise _DryRun
    except _DryRun:
        pass


def pending_closing_request(case: Case) -> ClosingRequest | None:
    return case.closing_requests.filter(status=ClosingRequest.Status.PENDING).first()


@transaction.atomic
def closing_request_submit(
    *, case: Case, by: User, reason: str, note: str = "", follow_up_reason: str = ""
) -> ClosingRequest:
    """Ask a supervisor of the case's desk to approve closing it; the note goes on the timeline."""
    guard_free_text(note=note)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_unless_counsellor(desk_id=case.desk_id, user=by, field="non_field_errors")
    if reason not in Case.ClosureReason.values:
        raise ValidationError({"closure_reason": _("終了の理由を選んでください。")})
    if not case.can_move_to(Case.Status.CLOSED):
        raise ValidationError({"status": _("この相談はすでに終了しています。")})
    if not closing_needs_approval(case):
        raise ValidationError(
            {"status": _("この相談は承認なしで終了できます。そのまま終了してください。")}
        )
    if pending_closing_request(case) is not None:
        raise ValidationError(
            {"non_field_errors": _("この相談の終了はすでに承認を依頼しています。")}
        )
    follow_up_reason = follow_up_reason or ""
    _check_closing(case, by, {"follow_up_reason": follow_up_reason})
    request = ClosingRequest(
        case=case,
        closure_reason=reason,
        follow_up_reason=follow_up_reason,
        requested_by=by,
    )
    request.full_clean()
    request.save()
    Note.objects.create(
        case=case,
        kind=Note.Kind.CLOSING_REQUESTED,
        closure_reason=reason,
        body=note.strip(),
        author=by,
        created_at=request.requested_at,
    )
    audit_record(
        actor=by,
        action="closing",
        case=case,
        detail={"closing": "requested", "reason": reason},
    )
    return request


def _pending_for_supervisor(case: Case, by: User) -> tuple[Case, ClosingRequest]:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.desk_id not in supervised_desk_ids(by):
        raise ValidationError(
            {"non_field_errors": _("終了を承認できるのは、このデスクのスーパーバイザーだけです。")}
        )
    request = pending_closing_request(case)
    if request is None:
        raise ValidationError({"non_field_errors": _("承認を待っている終了の依頼はありません。")})
    return case, request


@transaction.atomic
def closing_request_approve(*, case: Case, by: User, now: datetime.datetime | None = None) -> Case:
    """Approve the pending request: the case closes with the reason the counsellor gave."""
    case, request = _pending_for_supervisor(case, by)
    now = now or timezone.now()
    case = _close(
        case=case,
        by=by,
        reason=request.closure_reason,
        note="",
        data={"follow_up_reason": request.follow_up_reason},
        now=now,
        detail={"closing": "approved", "requested_by": request.requested_by_id},
    )
    request.status = ClosingRequest.Status.APPROVED
    request.decided_by = by
    request.decided_at = now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return case


@transaction.atomic
def closing_request_return(
    *, case: Case, by: User, comment: str, now: datetime.datetime | None = None
) -> ClosingRequest:
    """Send the pending request back to the counsellor with a comment; the case stays open."""
    guard_free_text(comment=comment)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("差し戻す理由を入力してください。")})
    case, request = _pending_for_supervisor(case, by)
    now = now or timezone.now()
    request.status = ClosingRequest.Status.RETURNED
    request.decided_by = by
    request.decided_at = now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    Note.objects.create(
        case=case,
        kind=Note.Kind.CLOSING_RETURNED,
        body=comment.strip(),
        author=by,
        created_at=now,
    )
    audit_record(actor=by, action="closing", case=case, detail={"closing": "returned"})
    return request


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str) -> Case:
    """Reopen a closed case; the reason goes on the timeline."""
    guard_free_text(reason=reason)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("再開する理由を入力してください。")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_unless_counsellor(desk_id=case.desk_id, user=by, field="non_field_errors")
    _move(case, Case.Status.OPEN)
    case.closure_reason = ""
    case.closed_at = None
    case.full_clean()
    case.save()
    Note.objects.create(case=case, kind=Note.Kind.REOPENED, body=reason.strip(), author=by)
    audit_record(actor=by, action="reopen", case=case, detail={"from": "closed"})
    return case


@transaction.atomic
def case_change(
    *,
    case: Case,
    by: User,
    status: str | None = None,
    closure_reason: str = "",
    reason: str = "",
    assigned_to: User | None = None,
    data: dict | None = None,
    **fields,
) -> Case:
    """Apply one request's changes together: reopen, edit, reassign, then close."""
    # Both texts at once, so one refusal names every field that holds personal data.
    guard_free_text(summary=fields.get("summary") or "", reason=reason or "")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if status == case.status:
        status = None
    if status not in (None, Case.Status.OPEN, Case.Status.CLOSED):
        raise ValidationError(
            {
                "status": _(
                    "「案内済み」「フォローアップ中」は、案内やフォローアップを記録すると自動で変わります。"
                )
            }
        )
    if status == Case.Status.OPEN:
        if not case.is_closed:
            _move(case, Case.Status.OPEN)
        case = case_reopen(case=case, by=by, reason=reason)
    if fields:
        case = case_update(case=case, by=by, **fields)
    if assigned_to is not None:
        case = case_reassign(case=case, by=by, assignee=assigned_to)
    if status == Case.Status.CLOSED:
        case = case_close(case=case, by=by, reason=closure_reason, note=reason, data=data)
    return case


def _advance(*, case: Case, by: User | None, status: str, after: set[str]) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status in after or case.status == status:
        return case
    previous = _move(case, status)
    case.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="status", case=case, detail={"from": previous, "to": status})
    return case


@transaction.atomic
def case_mark_referred(*, case: Case, by: User | None = None) -> Case:
    """Mark the case referred when its first referral is recorded (later ones change nothing).

    For the referrals app; a closed case is refused.
    """
    return _advance(case=case, by=by, status=Case.Status.REFERRED, after={Case.Status.FOLLOWING_UP})


@transaction.atomic
def case_mark_following_up(*, case: Case, by: User | None = None) -> Case:
    """Mark the case as following up when its first follow-up is recorded.

    For the referrals app; a closed case is refused.
    """
    return _advance(case=case, by=by, status=Case.Status.FOLLOWING_UP, after=set())


def _raise_urgent_alert(case: Case) -> None:
    """Tell the desk's supervisors once, after the commit, when a case carries an urgent flag."""
    if not URGENT_FLAGS & set(case.flags):
        return
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    alert, created = UrgentAlert.objects.get_or_create(
        case=case, defaults={"message_id": f"<urgent.{case.reference.lower()}@{domain}>"}
    )
    if created:
        transaction.on_commit(lambda: _queue_urgent_alert(alert.pk))


def _queue_urgent_alert(alert_id: int) -> None:
    from cases.tasks import send_urgent_alert

    try:
        send_urgent_alert.delay(alert_id)
    except Exception:
        logger.exception("could not queue urgent alert %s", alert_id)


def urgent_alerts_unsent(*, now: datetime.datetime | None = None) -> list[int]:
    """Alerts that should have gone by now and did not, for the beat sweep to queue again.

    The alert is queued after its case's commit; when the broker was down then, or the task
    gave up, nothing else would send it. An alert younger than ``URGENT_ALERT_GRACE`` is left
    to its own task, and a claimed one to the worker holding it.
    """
    now = now or timezone.now()
    return list(
        UrgentAlert.objects.filter(sent_at__isnull=True, created_at__lt=now - URGENT_ALERT_GRACE)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def urgent_alert_send(*, alert_id: int, now: datetime.datetime | None = None) -> bool:
    """Claim the alert and mail the desk's supervisors; return whether this call sent it.

    The claim is one conditional UPDATE, so two workers never both send; a failed send frees
    the claim and raises, for the task to retry with the same Message-ID.
    """
    now = now or timezone.now()
    claimed = (
        UrgentAlert.objects.filter(pk=alert_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + URGENT_ALERT_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    alert = UrgentAlert.objects.select_related("case__desk").get(pk=alert_id)
    case = alert.case
    recipients = sorted(
        set(desk_supervisors(case.desk_id).exclude(email="").values_list("email", flat=True))
    )
    if recipients:
        message = build_email(
            "urgent-case",
            {
                "reference": case.reference,
                "desk": case.desk.name,
                "flags": [label for code, label in Flag.choices if code in case.flags],
                "path": case.get_absolute_url(),
            },
            to=recipients,
            headers={"Message-ID": alert.message_id},
        )
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as error:
            UrgentAlert.objects.filter(pk=alert_id).update(
                claimed_until=None, last_error=str(error)[:500]
            )
            raise
    UrgentAlert.objects.filter(pk=alert_id).update(sent_at=timezone.now(), claimed_until=None)
    return True
