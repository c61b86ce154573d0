"""Reads of cases: the one access rule that HTML views, the API and tasks go through.

A user reads the cases of every desk they are a member of (a supervisor's desks are
memberships too) and changes only those of desks where they are a counsellor. Anything
else does not exist for them: a 404, never a 403 that would confirm a reference.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import desk_ids_for, supervised_desk_ids
from accounts.models import Membership, User
from audit.models import AuditEntry
from audit.services import audit_record
from cases.models import Case, ClosingRequest
from triage.engine import Intake, SuggestionResult, suggest, suggest_for


def cases_for(user: User, *, write: bool = False) -> QuerySet[Case]:
    """Return the cases the user may read, or with ``write`` those they may change."""
    roles = (Membership.Role.COUNSELLOR,) if write else None
    return Case.objects.filter(desk_id__in=desk_ids_for(user, roles=roles))


def case_get_for(user: User, reference: str, *, write: bool = False, audit: bool = True) -> Case:
    """Return the user's case with this reference and record the read in the audit trail.

    Raises Http404 for a case of another desk, and PermissionDenied when ``write`` is asked
    of a user who may only read it (a supervisor).
    """
    case = (
        cases_for(user)
        .select_related("desk", "assigned_to", "opened_by")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404(_("相談記録が見つかりません。"))
    if audit:
        audit_record(actor=user, action=AuditEntry.Action.VIEW, case=case)
    if write and not can_change(user, case):
        raise PermissionDenied(_("このデスクの相談を変更できるのは相談員だけです。"))
    return case


def can_change(user: User, case: Case) -> bool:
    return case.desk_id in desk_ids_for(user, roles=(Membership.Role.COUNSELLOR,))


def with_code(queryset: QuerySet, field: str, code: str) -> QuerySet:
    """Keep the rows whose JSON code list holds the code."""
    if connection.features.supports_json_field_contains:
        return queryset.filter(**{f"{field}__contains": [code]})
    # SQLite stores the list as JSON text; the quotes keep one code from matching another.
    return queryset.filter(**{f"{field}__icontains": f'"{code}"'})


def case_list(
    user: User,
    *,
    status: str = "",
    category: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    mine: bool = False,
    desk_slug: str = "",
) -> QuerySet[Case]:
    """Return the user's cases, filtered; newest first."""
    cases = cases_for(user).select_related("desk", "assigned_to", "opened_by")
    if status:
        cases = cases.filter(status=status)
    if category:
        cases = with_code(cases, "categories", category)
    if date_from:
        cases = cases.filter(created_at__date__gte=date_from)
    if date_to:
        cases = cases.filter(created_at__date__lte=date_to)
    if mine:
        cases = cases.filter(assigned_to=user)
    if desk_slug:
        cases = cases.filter(desk__slug=desk_slug)
    return cases.order_by("-created_at", "-id")


def case_timeline(case: Case, *, newest_first: bool = False):
    """Return the case's notes and events, oldest first unless ``newest_first``."""
    order = ("-created_at", "-id") if newest_first else ("created_at", "id")
    return case.notes.select_related("author", "assignee").order_by(*order)


def assignable_counsellors(case_or_desk_id) -> QuerySet[User]:
    """Return the active counsellors of the case's desk, who may be given the case."""
    desk_id = getattr(case_or_desk_id, "desk_id", case_or_desk_id)
    return User.objects.filter(
        memberships__desk_id=desk_id,
        memberships__role=Membership.Role.COUNSELLOR,
        is_active=True,
    ).order_by("username")


def audit_entries_for(user: User, *, reference: str = "") -> QuerySet[AuditEntry]:
    """Return the audit trail of the desks the user supervises, newest first."""
    entries = AuditEntry.objects.filter(desk_id__in=supervised_desk_ids(user)).select_related(
        "actor"
    )
    if reference:
        entries = entries.filter(case_reference=reference)
    return entries.order_by("-at", "-id")


def suggestions_for_case(case: Case, user: User | None = None) -> SuggestionResult:
    """Return the windows suggested for a recorded case, as seen from its desk (and the user)."""
    intake = Intake(
        situation=case.situation,
        wishes=frozenset(case.wishes),
        categories=frozenset(case.categories),
        flags=frozenset(case.flags),
        desk_id=case.desk_id,
        desk_kind=case.desk.kind,
        platforms=frozenset(case.platforms),
    )
    return suggest(intake) if user is None else suggest_for(intake, user)


def pending_closing_requests_for(user: User) -> QuerySet[ClosingRequest]:
    """Return the closing requests waiting for approval at the user's desks, oldest first."""
    return (
        ClosingRequest.objects.filter(
            status=ClosingRequest.Status.PENDING, case__desk_id__in=desk_ids_for(user)
        )
        .select_related("case__desk", "requested_by", "decided_by")
        .order_by("requested_at", "id")
    )
