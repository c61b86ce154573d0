"""Writes for handing a case to another desk: offer, accept, decline, withdraw.

Each is atomic and audited on both desks' trails: an entry under the sending desk and one
under the receiving desk, each naming both.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import desk_ids_for
from accounts.models import Desk, Membership, User
from audit.models import AuditEntry
from audit.services import audit_record, audit_record_many
from cases.models import Case, ClosingRequest, Note
from transfers.models import CaseTransfer, Consent, DeclineReason


def _counsellor_desk_ids(user: User) -> set[int]:
    return desk_ids_for(user, roles=(Membership.Role.COUNSELLOR,))


def _audit_both(*, by: User, transfer: CaseTransfer, step: str, **extra: str) -> None:
    detail = {
        "transfer": step,
        "from": transfer.from_desk.slug,
        "to": transfer.to_desk.slug,
        **extra,
    }
    for desk_id in (transfer.from_desk_id, transfer.to_desk_id):
        audit_record(
            actor=by,
            action=AuditEntry.Action.TRANSFER,
            case=SimpleNamespace(reference=transfer.reference, desk_id=desk_id),
            detail=detail,
        )


def pending_transfer(case: Case) -> CaseTransfer | None:
    return case.transfers.filter(status=CaseTransfer.Status.PENDING).first()


@transaction.atomic
def transfer_offer(
    *,
    case: Case,
    by: User,
    to_desk: Desk,
    consent: str,
    now: datetime.datetime | None = None,
) -> CaseTransfer:
    """Offer the case to another desk; the sending desk stays responsible until it is accepted."""
    case = Case.objects.select_for_update().select_related("desk").get(pk=case.pk)
    if case.desk_id not in _counsellor_desk_ids(by):
        raise ValidationError(
            {"non_field_errors": _("このデスクの相談員ではないため、引き継ぎを依頼できません。")}
        )
    if consent not in Consent.values:
        raise ValidationError({"consent": _("同意の種類を選んでください。")})
    if to_desk.pk == case.desk_id:
        raise ValidationError({"to_desk": _("引き継ぎ先には別のデスクを選んでください。")})
    if case.is_closed:
        raise ValidationError(
            {"non_field_errors": _("終了した相談は引き継げません。先に相談を再開してください。")}
        )
    if case.closing_requests.filter(status=ClosingRequest.Status.PENDING).exists():
        raise ValidationError(
            {"non_field_errors": _("終了の承認を待っている相談は引き継げません。")}
        )
    if pending_transfer(case) is not None:
        raise ValidationError({"non_field_errors": _("この相談はすでに引き継ぎを依頼しています。")})
    transfer = CaseTransfer(
        case=case,
        reference=case.reference,
        from_desk=case.desk,
        to_desk=to_desk,
        consent=consent,
        offered_by=by,
        offered_at=now or timezone.now(),
    )
    transfer.full_clean(validate_constraints=False)
    transfer.save()
    _audit_both(by=by, transfer=transfer, step="offered", consent=consent)
    return transfer


def _pending(transfer_id: int) -> CaseTransfer:
    transfer = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("from_desk", "to_desk")
        .filter(pk=transfer_id, status=CaseTransfer.Status.PENDING)
        .first()
    )
    if transfer is None:
        raise ValidationError(
            {"non_field_errors": _("この引き継ぎはもう受け入れ待ちではありません。")}
        )
    return transfer


def _receiving(transfer_id: int, by: User) -> CaseTransfer:
    transfer = _pending(transfer_id)
    if transfer.to_desk_id not in _counsellor_desk_ids(by):
        raise ValidationError(
            {"non_field_errors": _("引き継ぎ先のデスクの相談員だけが受け入れ・辞退できます。")}
        )
    return transfer


@transaction.atomic
def transfer_accept(
    *, transfer_id: int, by: User, now: datetime.datetime | None = None
) -> CaseTransfer:
    """Take the case over: it moves with its referrals and follow-ups, and ``by`` owns it."""
    transfer = _receiving(transfer_id, by)
    if transfer.case_id is None:
        raise ValidationError({"non_field_errors": _("この相談記録はもうありません。")})
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    now = now or timezone.now()
    case.desk = transfer.to_desk
    case.assigned_to = by
    case.full_clean()
    case.save()
    Note.objects.create(
        case=case, kind=Note.Kind.REASSIGNED, assignee=by, author=by, created_at=now
    )
    transfer.status = CaseTransfer.Status.ACCEPTED
    transfer.decided_by = by
    transfer.decided_at = now
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_both(by=by, transfer=transfer, step="accepted")
    return transfer


@transaction.atomic
def transfer_decline(
    *, transfer_id: int, by: User, reason: str, now: datetime.datetime | None = None
) -> CaseTransfer:
    """Decline the offer with a reason code; the case stays with the sending desk."""
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("辞退の理由を選んでください。")})
    transfer = _receiving(transfer_id, by)
    transfer.status = CaseTransfer.Status.DECLINED
    transfer.decline_reason = reason
    transfer.decided_by = by
    transfer.decided_at = now or timezone.now()
    transfer.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    _audit_both(by=by, transfer=transfer, step="declined", reason=reason)
    return transfer


@transaction.atomic
def transfer_withdraw(
    *, transfer_id: int, by: User, now: datetime.datetime | None = None
) -> CaseTransfer:
    """Take back an offer not yet answered."""
    transfer = _pending(transfer_id)
    if transfer.from_desk_id not in _counsellor_desk_ids(by):
        raise ValidationError(
            {"non_field_errors": _("依頼したデスクの相談員だけが取り下げられます。")}
        )
    transfer.status = CaseTransfer.Status.WITHDRAWN
    transfer.decided_by = by
    transfer.decided_at = now or timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_both(by=by, transfer=transfer, step="withdrawn")
    return transfer


def refuse_closing_while_pending(sender, *, case: Case, **kwargs) -> None:
    """Receive ``cases.signals.case_closing``: a case offered to another desk stays open."""
    if pending_transfer(case) is not None:
        raise ValidationError(
            {
                "non_field_errors": _(
                    "他のデスクへの引き継ぎを依頼中の相談は終了できません。先に取り下げてください。"
                )
            }
        )


@dataclass
class _Shown:
    reference: str
    desk_id: int


def transfers_shown(*, user: User | AnonymousUser, transfers: Iterable[CaseTransfer]) -> None:
    """Record that a list showed these offers' cases (their codes) to the user.

    An offer is a case still at the sending desk, so each entry names that desk.
    """
    audit_record_many(
        actor=user,
        action=AuditEntry.Action.LIST,
        cases=[_Shown(t.reference, t.from_desk_id) for t in transfers],
    )
