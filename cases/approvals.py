"""The weekly digest's list of closing requests waiting for a supervisor."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse

from cases.models import ClosingRequest
from core.digest import DigestRecipient, DigestSection

# The digest names this many cases at most; the page lists them all.
DIGEST_MAX_ROWS = 20


def digest_section(recipients: Sequence[DigestRecipient]) -> Mapping[int, Any]:
    """Each supervisor's pending closing requests, by reference, until they are decided."""
    desk_ids = set().union(*(r.supervised_desk_ids for r in recipients))
    if not desk_ids:
        return {}
    rows = list(
        ClosingRequest.objects.filter(
            status=ClosingRequest.Status.PENDING, case__desk_id__in=desk_ids
        )
        .order_by("requested_at", "id")
        .values("case__reference", "case__desk_id", "case__desk__name", "requested_at")
    )
    url = settings.SITE_URL + reverse("cases:closing-approvals")
    sections: dict[int, dict[str, Any] | None] = {}
    for r in recipients:
        mine = [row for row in rows if row["case__desk_id"] in r.supervised_desk_ids]
        sections[r.digest_id] = (
            {
                "rows": [
                    {
                        "reference": row["case__reference"],
                        "desk": row["case__desk__name"],
                        "url": settings.SITE_URL
                        + reverse("cases:detail", args=[row["case__reference"]]),
                    }
                    for row in mine[:DIGEST_MAX_ROWS]
                ],
                "total": len(mine),
                "url": url,
            }
            if mine
            else None
        )
    return sections


DIGEST_SECTION = DigestSection(
    key="cases_closing_approvals",
    text_template="cases/_digest_closing_approvals.txt",
    html_template="cases/_digest_closing_approvals.html",
    collect=digest_section,
    has_news=lambda context: bool(context and context["total"]),
    order=40,
)
