"""Reads of legal clocks and the deadline board, always through the cases app's access rule."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from accounts.models import DeskClosure, User
from cases.models import Case
from cases.selectors import cases_for
from core.workdays import is_working_day
from deadlines.models import PLATFORM_DELETION, ClockKind, ClockStep, LegalClock
from deadlines.services import startable_kinds
from referrals.models import FollowUp

# The board shows at most this many rows of each source, the soonest first.
BOARD_LIMIT = 200


@dataclass
class BoardRow:
    """One thing on the board: a legal clock, a platform's deadline or a follow-up."""

    source: str  # "clock", "platform_deletion" or "follow_up"
    case: Case
    code: str
    name: str
    due_on: datetime.date
    action: str
    act_by: datetime.date
    moved_from: datetime.date | None = None
    started_on: datetime.date | None = None
    platform: str = ""
    service: str = ""
    law: str = ""
    source_url: str = ""
    steps: list[dict[str, Any]] = field(default_factory=list)
    id: int = 0
    days_left: int = 0
    due_on_closed_day: bool = False

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_over(self) -> int:
        return max(-self.days_left, 0)


def open_clocks_for(user: User) -> QuerySet[LegalClock]:
    """Return the open clocks of the user's open cases, soonest deadline first."""
    return (
        LegalClock.objects.filter(
            case__in=cases_for(user).exclude(status=Case.Status.CLOSED), closed_at__isnull=True
        )
        .select_related("case", "kind")
        .prefetch_related(Prefetch("steps", ClockStep.objects.select_related("kind")))
        .order_by("due_on", "id")
    )


def _open_follow_ups(user: User) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.open()
        .filter(case__in=cases_for(user).exclude(status=Case.Status.CLOSED))
        .select_related("case", "referral", "deletion_request__platform")
        .order_by("due_on", "id")
    )


def _steps(clock: LegalClock) -> list[dict[str, Any]]:
    return [
        {"code": s.kind.code, "name": s.kind.display_name, "done_on": s.done_on}
        for s in clock.steps.all()
    ]


def board_rows(user: User, *, today: datetime.date) -> dict[str, Any]:
    """Return the user's board: every open case's clocks and waiting follow-ups, soonest first.

    A fixed number of queries whatever the number of cases: one for the clocks, one for
    their steps, one for the follow-ups, one for the platform clock's kind and one for the
    desks' closure days.
    """
    clocks = list(open_clocks_for(user)[:BOARD_LIMIT])
    follow_ups = list(_open_follow_ups(user)[:BOARD_LIMIT])
    platform_kind = ClockKind.objects.filter(code=PLATFORM_DELETION).first()
    dates = [c.due_on for c in clocks] + [
        f.deletion_request.decision_due_on for f in follow_ups if f.deletion_request is not None
    ]
    closures: dict[int, set[datetime.date]] = {}
    if dates:
        desk_ids = {c.case.desk_id for c in clocks} | {f.case.desk_id for f in follow_ups}
        for desk_id in desk_ids:
            closures[desk_id] = set()
        for day, desk_id in _closures(desk_ids, min(dates), max(dates)):
            closures[desk_id].add(day)

    def closed_on(desk_id: int, day: datetime.date) -> bool:
        return not is_working_day(day, closures.get(desk_id, ()))

    rows: list[BoardRow] = []
    for clock in clocks:
        rows.append(
            BoardRow(
                source="clock",
                case=clock.case,
                code=clock.kind.code,
                name=clock.kind.display_name,
                due_on=clock.due_on,
                action=clock.kind.display_action,
                act_by=clock.warn_on,
                moved_from=clock.warn_moved_from,
                started_on=clock.started_on,
                law=clock.kind.law,
                source_url=clock.kind.source_url,
                steps=_steps(clock),
                id=clock.pk,
                days_left=(clock.due_on - today).days,
                due_on_closed_day=closed_on(clock.case.desk_id, clock.due_on),
            )
        )
    for follow_up in follow_ups:
        request = follow_up.deletion_request
        if follow_up.kind == FollowUp.Kind.PLATFORM_DEADLINE and request is not None:
            deadline = request.decision_due_on
            rows.append(
                BoardRow(
                    source=PLATFORM_DELETION,
                    case=follow_up.case,
                    code=PLATFORM_DELETION,
                    name=platform_kind.display_name if platform_kind else "",
                    due_on=deadline,
                    action=platform_kind.display_action if platform_kind else "",
                    act_by=follow_up.due_on,
                    moved_from=follow_up.moved_from,
                    started_on=request.sent_on,
                    platform=request.platform.name,
                    law=platform_kind.law if platform_kind else "",
                    source_url=platform_kind.source_url if platform_kind else "",
                    id=follow_up.pk,
                    days_left=(deadline - today).days,
                    due_on_closed_day=closed_on(follow_up.case.desk_id, deadline),
                )
            )
        else:
            rows.append(
                BoardRow(
                    source="follow_up",
                    case=follow_up.case,
                    code=follow_up.kind,
                    name=follow_up.get_kind_display(),
                    due_on=follow_up.due_on,
                    action="",
                    act_by=follow_up.due_on,
                    moved_from=follow_up.moved_from,
                    service=follow_up.referral.service_name if follow_up.referral else "",
                    id=follow_up.pk,
                    days_left=(follow_up.due_on - today).days,
                )
            )
    rows.sort(key=lambda row: (row.due_on, row.case.reference, row.source, row.id))
    return {
        "rows": rows,
        "limit": BOARD_LIMIT,
        "truncated": len(clocks) == BOARD_LIMIT or len(follow_ups) == BOARD_LIMIT,
    }


def _closures(desk_ids: set[int], start: datetime.date, end: datetime.date):
    return DeskClosure.objects.filter(
        desk_id__in=desk_ids, day__gte=start, day__lte=end
    ).values_list("day", "desk_id")


def case_clocks(case: Case) -> dict[str, Any]:
    """Return a case's clocks (open first) with the steps each may take; the case is checked."""
    clocks = list(
        LegalClock.objects.filter(case=case)
        .select_related("kind")
        .prefetch_related(
            Prefetch("steps", ClockStep.objects.select_related("kind")),
            Prefetch("kind__steps", ClockKind.objects.filter(is_active=True)),
        )
        .order_by(F("closed_at").asc(nulls_first=True), "due_on", "id")
    )
    return {
        "clocks": clocks,
        "kinds": list(startable_kinds()),
        "close_reasons": LegalClock.CloseReason.choices,
    }
