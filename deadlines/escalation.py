"""Overdue legal clocks in the supervisors' weekly digest, beside the overdue follow-ups.

Each open clock of an open case whose deadline has passed is listed once in the digest of
every supervisor of its desk, week after week until a counsellor closes it.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse

from cases.models import Case
from core.dates import format_date
from core.digest import DigestRecipient, DigestSection
from deadlines.models import LegalClock


def digest_section(recipients: Sequence[DigestRecipient]) -> Mapping[int, Any]:
    """Each supervisor's overdue clocks, read in one query for the whole batch."""
    desk_ids = set().union(*(r.supervised_desk_ids for r in recipients))
    if not desk_ids:
        return {}
    latest = max(r.today for r in recipients)
    clocks = list(
        LegalClock.objects.filter(
            case__desk_id__in=desk_ids, closed_at__isnull=True, due_on__lt=latest
        )
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case__desk", "kind")
        .order_by("due_on", "case__reference", "id")
    )
    url = settings.SITE_URL + reverse("deadlines:board")
    sections: dict[int, dict[str, Any] | None] = {}
    for r in recipients:
        rows = [
            {
                "reference": clock.case.reference,
                "desk": clock.case.desk.name,
                "kind": clock.kind.name,
                "due_on": format_date(clock.due_on, style=r.date_style),
                "days_over": (r.today - clock.due_on).days,
                "path": settings.SITE_URL + clock.case.get_absolute_url(),
            }
            for clock in clocks
            if clock.case.desk_id in r.supervised_desk_ids and clock.due_on < r.today
        ]
        sections[r.digest_id] = {"clocks": rows, "url": url} if rows else None
    return sections


DIGEST_SECTION = DigestSection(
    key="deadlines_overdue",
    text_template="deadlines/_digest_overdue.txt",
    html_template="deadlines/_digest_overdue.html",
    collect=digest_section,
    has_news=lambda context: bool(context and context["clocks"]),
    order=40,
)
