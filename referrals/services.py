"""Writes for referrals, deletion requests and follow-ups: each in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.calendar import follow_up_due
from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from cases import services as case_services
from cases.models import Case
from catalogue.models import Service
from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def _refuse_closed(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("終了した相談には記録できません。先に相談を再開してください。"))


@transaction.atomic
def referral_record(
    *,
    case: Case,
    service: Service,
    method: str,
    referred_by: User,
    consent: bool = False,
    follow_up_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Referral:
    """Record that the case was sent to a window, snapshot the window and schedule a follow-up."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_closed(case)
    if not service.is_active:
        raise ValidationError({"service": _("この窓口は現在案内していません。")})
    if method in Referral.NEEDS_CONSENT and not consent:
        raise ValidationError(
            {"consent": _("この方法では、相談者本人の同意を確認して記録してください。")}
        )
    today = _today(now)
    moved_from = None
    if follow_up_on is None:
        due = follow_up_due(
            desk_id=case.desk_id, day=today + datetime.timedelta(days=service.follow_up_days)
        )
        follow_up_on, moved_from = due.day, due.computed if due.moved else None
    elif follow_up_on < today:
        raise ValidationError({"follow_up_on": _("フォローアップの日付は今日以降にしてください。")})
    phone = service.phones.first()
    referral = Referral(
        case=case,
        service=service,
        service_name=service.name[:160],
        service_phone=phone.number if phone else "",
        service_url=service.url,
        method=method,
        consent_recorded_at=now if method in Referral.NEEDS_CONSENT else None,
        referred_by=referred_by,
        created_at=now,
    )
    referral.full_clean()
    referral.save()
    referral.follow_up_moved_from = moved_from
    _schedule(
        case=case,
        referral=referral,
        kind=FollowUp.Kind.REFERRAL,
        due_on=follow_up_on,
        moved_from=moved_from,
        now=now,
    )
    case_services.case_mark_referred(case=case, by=referred_by)
    audit_record(
        actor=referred_by,
        action=AuditEntry.Action.REFER,
        case=case,
        detail={"referral": referral.pk, "service": service.slug, "method": method},
    )
    return referral


def _schedule(
    *,
    case,
    kind,
    due_on,
    now,
    referral=None,
    deletion_request=None,
    previous=None,
    moved_from=None,
):
    follow_up = FollowUp(
        case=case,
        referral=referral,
        deletion_request=deletion_request,
        previous=previous,
        kind=kind,
        due_on=due_on,
        moved_from=moved_from,
        created_at=now,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def referral_update(
    *,
    referral: Referral,
    by: User,
    status: str | None = None,
    outcome: str | None = None,
    now: datetime.datetime | None = None,
) -> Referral:
    """Move a referral along its lifecycle; an illegal step is refused."""
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if outcome and referral.status == Referral.Status.CONCLUDED:
        raise ValidationError({"outcome": _("終了した案内の結果は変更できません。")})
    if outcome and status not in (None, Referral.Status.CONCLUDED):
        raise ValidationError({"outcome": _("結果は終了にするときだけ記録できます。")})
    if outcome:
        status = Referral.Status.CONCLUDED
    status = status or referral.status
    if status != referral.status:
        if not referral.can_move_to(status):
            raise ValidationError(
                {
                    "status": _("「%(old)s」から「%(new)s」には変更できません。")
                    % {
                        "old": referral.get_status_display(),
                        "new": Referral.Status(status).label,
                    }
                }
            )
        setattr(referral, Referral.STATUS_STAMPS[status], now)
        referral.status = status
    if outcome:
        referral.outcome = outcome
    referral.full_clean()
    referral.save()
    if referral.status == Referral.Status.CONCLUDED:
        referral.follow_ups.mark_done(
            result=FollowUp.Result.OUTCOME_RECORDED, done_at=now, done_by=by
        )
    audit_record(
        actor=by,
        action=AuditEntry.Action.STATUS,
        case=referral.case,
        detail={"referral": referral.pk, "to": referral.status, "outcome": referral.outcome},
    )
    return referral


@transaction.atomic
def deletion_request_record(
    *,
    case: Case,
    platform: DesignatedPlatform,
    sent_by: str,
    sent_on: datetime.date,
    recorded_by: User,
    referral: Referral | None = None,
    now: datetime.datetime | None = None,
) -> DeletionRequest:
    """Record a deletion request to a designated platform and follow up on its legal deadline."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_closed(case)
    if sent_on > _today(now):
        raise ValidationError({"sent_on": _("申出をした日に未来の日付は指定できません。")})
    if not platform.is_active:
        raise ValidationError({"platform": _("このプラットフォームは指定されていません。")})
    if referral is not None and referral.case_id != case.pk:
        raise ValidationError({"referral": _("この相談の案内を選んでください。")})
    request = DeletionRequest(
        case=case,
        referral=referral,
        platform=platform,
        sent_by=sent_by,
        sent_on=sent_on,
        recorded_by=recorded_by,
        created_at=now,
    )
    request.full_clean()
    request.save()
    # The check comes after the platform's deadline has passed: on a working day, not before.
    due = follow_up_due(desk_id=case.desk_id, day=max(request.decision_due_on, _today(now)))
    request.follow_up_on = due.day
    request.follow_up_moved_from = due.computed if due.moved else None
    _schedule(
        case=case,
        referral=referral,
        deletion_request=request,
        kind=FollowUp.Kind.PLATFORM_DEADLINE,
        due_on=due.day,
        moved_from=request.follow_up_moved_from,
        now=now,
    )
    audit_record(
        actor=recorded_by,
        action=AuditEntry.Action.DELETION_REQUEST,
        case=case,
        detail={"deletion_request": request.pk, "platform": platform.code},
    )
    return request


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    result: str,
    by: User,
    referral_status: str | None = None,
    outcome: str | None = None,
    next_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> FollowUp:
    """Record what the follow-up found, move its referral on, and schedule the next one if asked."""
    now = now or timezone.now()
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("case", "referral")
        .get(pk=follow_up.pk)
    )
    if not follow_up.is_open:
        raise ValidationError(_("このフォローアップは記録済みです。"))
    if result not in FollowUp.Result.values or result in FollowUp.SYSTEM_RESULTS:
        raise ValidationError({"result": _("確認の結果を選んでください。")})
    if next_on is not None and next_on <= _today(now):
        raise ValidationError({"next_on": _("次の確認日は明日以降にしてください。")})
    if next_on is not None and outcome:
        raise ValidationError({"next_on": _("案内を終了するときは次の確認日を指定できません。")})
    follow_up.result = result
    follow_up.done_at = now
    follow_up.done_by = by
    follow_up.full_clean()
    follow_up.save()
    if follow_up.referral is not None and (referral_status or outcome):
        referral_update(
            referral=follow_up.referral, by=by, status=referral_status, outcome=outcome, now=now
        )
    if next_on is not None:
        _schedule(
            case=follow_up.case,
            referral=follow_up.referral,
            deletion_request=follow_up.deletion_request,
            previous=follow_up,
            kind=FollowUp.Kind.AGAIN,
            due_on=next_on,
            now=now,
        )
    case_services.case_mark_following_up(case=follow_up.case, by=by)
    audit_record(
        actor=by,
        action=AuditEntry.Action.FOLLOW_UP,
        case=follow_up.case,
        detail={"follow_up": follow_up.pk, "result": result, "next_on": bool(next_on)},
    )
    return follow_up


def open_follow_ups_before_closing(*, case: Case, by: User, why: str = "") -> int:
    """Close a case's open follow-ups as it is closed; without a reason, refuse if any are open.

    Call inside the transaction that closes the case.
    """
    open_follow_ups = FollowUp.objects.open().filter(case=case)
    count = open_follow_ups.count()
    if not count:
        return 0
    if why not in FollowUp.CloseReason.values:
        raise ValidationError(
            {
                "follow_up_reason": _(
                    "未完了のフォローアップが%(count)d件あります。確認しない理由を選んでください。"
                )
                % {"count": count}
            }
        )
    return open_follow_ups.mark_done(
        result=FollowUp.Result.CASE_CLOSED, closed_because=why, done_at=timezone.now(), done_by=by
    )


def refuse_closing_with_open_follow_ups(sender, *, case: Case, by: User, data: dict, **kwargs):
    """Receive ``cases.signals.case_closing``: open follow-ups need the reason not to check."""
    open_follow_ups_before_closing(case=case, by=by, why=str(data.get("follow_up_reason") or ""))


@transaction.atomic
def digest_preferences_update(*, user: User, weekday: int, hour: int, paused: bool) -> User:
    """Set the day and hour (Asia/Tokyo) of the user's weekly reminder, or pause it."""
    user.digest_weekday = weekday
    user.digest_hour = hour
    user.digest_paused = paused
    user.full_clean(exclude=["password"])
    user.save(update_fields=["digest_weekday", "digest_hour", "digest_paused"])
    return user
