"""Tell the statistics which months are history: those some of whose cases were deleted."""

import datetime
from collections.abc import Iterable

from django.db.models import Q

from retention.models import KeptMonth
from stats.rollups import register_history


def kept_buckets(
    buckets: Iterable[tuple[int, datetime.date]] | None,
) -> set[tuple[int, datetime.date]]:
    """Return which of the (desk, month) buckets (or of all) hold deleted cases."""
    rows = KeptMonth.objects.all()
    if buckets is not None:
        buckets = set(buckets)
        if not buckets:
            return set()
        where = Q(pk__in=[])
        for desk_id, month in buckets:
            where |= Q(desk_id=desk_id, month=month)
        rows = rows.filter(where)
    return set(rows.values_list("desk_id", "month"))


def connect() -> None:
    register_history("retention", kept_buckets)
