"""Leavers and movers: open cases whose owner no longer works at the case's desk.

A case's owner is its assignee, or whoever opened it while nobody is assigned. When that
person is deactivated or loses their counsellor membership of the desk, the case appears on
the desk's handover list; it leaves the list as soon as it has an owner again (by this list
or any other reassignment) or is closed. Nothing is stored: the list is what the tables say.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import supervised_desk_ids
from accounts.models import Desk, Membership, User
from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case, Note
from core.digest import DigestRecipient, DigestSection


def _active_counsellor(desk: Any, user: Any) -> Exists:
    return Exists(
        Membership.objects.filter(
            desk=desk, user=user, user__is_active=True, role=Membership.Role.COUNSELLOR
        )
    )


def ownerless_cases(desk_ids: Iterable[int]) -> QuerySet[Case]:
    """Return the open cases of these desks whose owner no longer counsels there."""
    return (
        Case.objects.filter(desk_id__in=list(desk_ids))
        .exclude(status=Case.Status.CLOSED)
        .annotate(owner_id=Coalesce("assigned_to_id", "opened_by_id"))
        .exclude(_active_counsellor(OuterRef("desk_id"), OuterRef("owner_id")))
        .order_by("created_at", "id")
    )


def handovers_for(user: User) -> list[dict]:
    """Return the handover list of the desks the user supervises, with who may take each case."""
    cases = list(ownerless_cases(supervised_desk_ids(user)).select_related("desk"))
    owners = User.objects.in_bulk({c.owner_id for c in cases})  # type: ignore[attr-defined]
    candidates: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(
            desk_id__in={c.desk_id for c in cases},
            role=Membership.Role.COUNSELLOR,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__username")
    ):
        candidates.setdefault(membership.desk_id, []).append(membership.user)
    return [
        {
            "case": c,
            "owner": owners.get(c.owner_id),  # type: ignore[attr-defined]
            "candidates": candidates.get(c.desk_id, []),
        }
        for c in cases
    ]


@transaction.atomic
def case_hand_over(*, by: User, reference: str, assignee_id: int) -> Case:
    """Give an ownerless case to a counsellor of its desk; only its desk's supervisor may.

    A supervisor otherwise changes no case: this is the one change they make, because the
    counsellor who would have reassigned it is gone.
    """
    case = (
        ownerless_cases(supervised_desk_ids(by))
        .select_for_update(of=("self",))
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise ValidationError(
            {"reference": _("この相談記録は引き継ぎの一覧にありません（すでに担当者がいます）。")}
        )
    membership = (
        Membership.objects.filter(
            desk_id=case.desk_id,
            user_id=assignee_id,
            role=Membership.Role.COUNSELLOR,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"assignee": _("担当者は同じデスクの相談員から選んでください。")})
    assignee = membership.user
    previous = case.assigned_to_id
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    Note.objects.create(case=case, kind=Note.Kind.REASSIGNED, assignee=assignee, author=by)
    audit_record(
        actor=by,
        action=AuditEntry.Action.REASSIGN,
        case=case,
        detail={"from": previous, "to": assignee.pk, "retention": "handover"},
    )
    return case


def digest_section(recipients: Sequence[DigestRecipient]) -> Mapping[int, Any]:
    """Each supervisor's ownerless cases per desk, repeated every week until none is left."""
    desk_ids = set().union(*(r.supervised_desk_ids for r in recipients))
    if not desk_ids:
        return {}
    counts = dict(
        ownerless_cases(desk_ids)
        .order_by()
        .values("desk_id")
        .annotate(n=Count("id"))
        .values_list("desk_id", "n")
    )
    names = dict(Desk.objects.filter(pk__in=counts).values_list("pk", "name"))
    url = settings.SITE_URL + reverse("retention:handovers")
    sections: dict[int, dict[str, Any] | None] = {}
    for r in recipients:
        desks: list[dict[str, Any]] = [
            {"name": names[d], "count": counts[d]}
            for d in sorted(r.supervised_desk_ids & counts.keys(), key=lambda d: names[d])
        ]
        sections[r.digest_id] = (
            {"desks": desks, "total": sum(d["count"] for d in desks), "url": url} if desks else None
        )
    return sections


DIGEST_SECTION = DigestSection(
    key="retention_handovers",
    text_template="retention/_digest_handovers.txt",
    html_template="retention/_digest_handovers.html",
    collect=digest_section,
    has_news=lambda context: bool(context and context["total"]),
    order=50,
)
