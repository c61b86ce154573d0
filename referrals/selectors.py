"""Reads of referrals and follow-ups, always through the cases app's access rule."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case
from cases.selectors import cases_for
from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral


def referrals_for(user: User, *, write: bool = False) -> QuerySet[Referral]:
    """Return the referrals of the cases the user may see, or with ``write`` may change."""
    return Referral.objects.filter(case__in=cases_for(user, write=write)).select_related(
        "case", "service"
    )


def referral_get_for(user: User, referral_id: int, *, write: bool = False) -> Referral:
    """Return one referral the user may see (or change, with ``write``), or raise Http404.

    The read is recorded in the audit trail against the referral's case.
    """
    referral = referrals_for(user, write=write).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    audit_record(actor=user, action=AuditEntry.Action.VIEW, case=referral.case)
    return referral


def follow_ups_for(
    user: User,
    *,
    due_before: datetime.date | None = None,
    assigned_only: bool = False,
    include_done: bool = False,
    write: bool = False,
) -> QuerySet[FollowUp]:
    """Return the follow-ups of the cases the user may see (or change), soonest first."""
    cases = cases_for(user, write=write)
    if assigned_only:
        cases = cases.filter(assigned_to=user)
    follow_ups = FollowUp.objects.filter(case__in=cases)
    if not include_done:
        follow_ups = follow_ups.open()
    if due_before is not None:
        follow_ups = follow_ups.filter(due_on__lt=due_before)
    return follow_ups.select_related("case", "referral", "deletion_request__platform").order_by(
        "due_on", "id"
    )


def follow_up_get_for(user: User, follow_up_id: int, *, write: bool = False) -> FollowUp:
    """Return one follow-up the user may see (or change, with ``write``), or raise Http404.

    The read is recorded in the audit trail against the follow-up's case.
    """
    follow_up = follow_ups_for(user, include_done=True, write=write).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise Http404
    audit_record(actor=user, action=AuditEntry.Action.VIEW, case=follow_up.case)
    return follow_up


WEEK_LIST_LIMIT = 200


def week_follow_ups(
    user: User, *, today: datetime.date, assigned_only: bool = True
) -> dict[str, Any]:
    """Return the open follow-ups overdue before today and due within the coming seven days.

    Each list holds at most ``WEEK_LIST_LIMIT`` rows, the earliest first, so the page stays
    bounded however much a desk has let slip; ``*_total`` says how many there are in all.
    """
    base = follow_ups_for(
        user, due_before=today + datetime.timedelta(days=7), assigned_only=assigned_only
    )
    groups: dict[str, Any] = {"limit": WEEK_LIST_LIMIT}
    for name, rows in (
        ("overdue", base.filter(due_on__lt=today)),
        ("due", base.filter(due_on__gte=today)),
    ):
        shown = list(rows[:WEEK_LIST_LIMIT])
        for follow_up in shown:
            follow_up.days_late = follow_up.days_overdue(today)
        groups[name] = shown
        groups[f"{name}_total"] = rows.count() if len(shown) == WEEK_LIST_LIMIT else len(shown)
    return groups


def case_referrals(case: Case) -> dict:
    """Return a case's referrals, deletion requests and follow-ups, and its timeline of events.

    The case must already have been fetched through the access rule.
    """
    referrals = list(case.referrals.select_related("referred_by").order_by("created_at", "id"))
    requests = list(
        case.deletion_requests.select_related("platform", "recorded_by").order_by("sent_on", "id")
    )
    follow_ups = list(
        case.follow_ups.select_related("referral", "deletion_request__platform", "done_by")
    )
    events: list[tuple[datetime.datetime, str, Referral | DeletionRequest | FollowUp]] = []
    for referral in referrals:
        events.append((referral.created_at, "referral", referral))
        for status, stamp in Referral.STATUS_STAMPS.items():
            if at := getattr(referral, stamp):
                events.append((at, status, referral))
    events.extend((request.created_at, "deletion_request", request) for request in requests)
    for follow_up in follow_ups:
        if follow_up.done_at:
            events.append((follow_up.done_at, "follow_up_done", follow_up))
    events.sort(key=lambda event: event[0])
    return {
        "referrals": referrals,
        "deletion_requests": requests,
        "open_follow_ups": [f for f in follow_ups if f.is_open],
        "events": [{"at": at, "kind": kind, "object": obj} for at, kind, obj in events],
    }


def open_follow_up_count(case: Case) -> int:
    return FollowUp.objects.open().filter(case=case).count()


def designated_platforms() -> QuerySet[DesignatedPlatform]:
    return DesignatedPlatform.objects.filter(is_active=True)


def deletion_requests_for(user: User) -> QuerySet[DeletionRequest]:
    return DeletionRequest.objects.filter(case__in=cases_for(user))


def referred_windows(case: Case) -> dict[str, Referral]:
    """Return the case's latest referral to each window, by the window's slug."""
    referrals = (
        case.referrals.select_related("service")
        .prefetch_related("follow_ups")
        .order_by("created_at", "id")
    )
    return {referral.service.slug: referral for referral in referrals if referral.service_id}
