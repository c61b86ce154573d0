"""Reads of transfers, cut to the desks the user belongs to.

The receiving desk sees a pending offer's codes only (never the summary or notes); the
sending desk sees its offers and, once a case has moved, a stub of it.
"""

from django.db.models import QuerySet

from accounts.access import desk_ids_for
from accounts.models import Desk, Membership, User
from cases.models import Case
from transfers.models import CaseTransfer


def transfers_for(user: User) -> QuerySet[CaseTransfer]:
    """Return every transfer from or to a desk the user belongs to."""
    desk_ids = desk_ids_for(user)
    return CaseTransfer.objects.filter(from_desk_id__in=desk_ids) | CaseTransfer.objects.filter(
        to_desk_id__in=desk_ids
    )


def incoming_for(user: User) -> QuerySet[CaseTransfer]:
    """Return the offers waiting at the user's desks, oldest first."""
    return (
        CaseTransfer.objects.filter(
            to_desk_id__in=desk_ids_for(user), status=CaseTransfer.Status.PENDING
        )
        .select_related("case", "from_desk", "to_desk")
        .order_by("offered_at", "id")
    )


def sent_for(user: User) -> QuerySet[CaseTransfer]:
    """Return the user's desks' offers still pending or declined, newest first."""
    return (
        CaseTransfer.objects.filter(
            from_desk_id__in=desk_ids_for(user),
            status__in=(CaseTransfer.Status.PENDING, CaseTransfer.Status.DECLINED),
        )
        .select_related("from_desk", "to_desk")
        .order_by("-offered_at", "-id")
    )


def handed_over_for(user: User) -> QuerySet[CaseTransfer]:
    """Return the stubs of the cases the user's desks handed over, newest first."""
    return (
        CaseTransfer.objects.filter(
            from_desk_id__in=desk_ids_for(user), status=CaseTransfer.Status.ACCEPTED
        )
        .select_related("case", "from_desk", "to_desk")
        .order_by("-decided_at", "-id")
    )


def transfer_for_case(case: Case) -> CaseTransfer | None:
    """Return the case's latest offer still pending or declined at its present desk."""
    return (
        CaseTransfer.objects.filter(
            case=case,
            from_desk_id=case.desk_id,
            status__in=(CaseTransfer.Status.PENDING, CaseTransfer.Status.DECLINED),
        )
        .select_related("to_desk")
        .order_by("-offered_at", "-id")
        .first()
    )


def receiving_desks(case: Case) -> QuerySet[Desk]:
    """Return the desks the case may be offered to: every other desk."""
    return Desk.objects.exclude(pk=case.desk_id).order_by("kind", "name")


def may_offer(user: User, case: Case) -> bool:
    return case.desk_id in desk_ids_for(user, roles=(Membership.Role.COUNSELLOR,))
