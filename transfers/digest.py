"""The weekly digest's list of cases other desks offer to the supervisor's desks.

An offer waits for a counsellor of the receiving desk to accept or decline it; until then it
is listed in the digest of each supervisor of that desk, week after week, with its sending
desk and how long it has waited — references and codes only, as on the incoming page — so
that no offer waits unnoticed by the people who see to the desk's work.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.dates import format_date
from core.digest import DigestRecipient, DigestSection
from transfers.models import CaseTransfer

# The digest names this many offers at most; the incoming page lists them all.
DIGEST_MAX_ROWS = 20


def digest_section(recipients: Sequence[DigestRecipient]) -> Mapping[int, Any]:
    """Each supervisor's desks' pending offers, read in one query for the whole batch."""
    desk_ids = set().union(*(r.supervised_desk_ids for r in recipients))
    if not desk_ids:
        return {}
    offers = list(
        CaseTransfer.objects.filter(status=CaseTransfer.Status.PENDING, to_desk_id__in=desk_ids)
        .select_related("from_desk", "to_desk")
        .order_by("offered_at", "id")
    )
    url = settings.SITE_URL + reverse("transfers:incoming")
    sections: dict[int, dict[str, Any] | None] = {}
    for r in recipients:
        mine = [offer for offer in offers if offer.to_desk_id in r.supervised_desk_ids]
        rows = []
        for offer in mine[:DIGEST_MAX_ROWS]:
            offered_on = timezone.localdate(offer.offered_at)
            rows.append(
                {
                    "reference": offer.reference,
                    "from_desk": offer.from_desk.name,
                    "to_desk": offer.to_desk.name,
                    "offered_on": format_date(offered_on, style=r.date_style),
                    "days_waiting": max((r.today - offered_on).days, 0),
                }
            )
        sections[r.digest_id] = {"rows": rows, "total": len(mine), "url": url} if mine else None
    return sections


DIGEST_SECTION = DigestSection(
    key="transfers_incoming",
    text_template="transfers/_digest_incoming.txt",
    html_template="transfers/_digest_incoming.html",
    collect=digest_section,
    has_news=lambda context: bool(context and context["total"]),
    order=45,
)
