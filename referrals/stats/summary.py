"""The weekly supervisor summary: last week's numbers against the week before, suppressed."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import supervised_desk_ids
from cases.models import Case
from referrals.models import FollowUp, Referral
from referrals.stats.periods import local_midnight
from referrals.stats.suppression import marginals
from referrals.stats.tables import build_table, shown


def weekly_summary(user: User, week: datetime.date) -> dict | None:
    """Return the supervisor's numbers for the 7 days before `week` and the 7 days before that.

    `week` is the Monday of the digest's week. Counts cover every desk the user supervises;
    each measure is one table (last week, week before, and their sum), suppressed like all
    statistics. Returns None for a user who supervises no desk.
    """
    desk_ids = supervised_desk_ids(user)
    if not desk_ids:
        return None
    monday = week - datetime.timedelta(days=week.weekday())
    last = monday - datetime.timedelta(days=7)
    before = last - datetime.timedelta(days=7)
    bounds = [local_midnight(d) for d in (before, last, monday)]
    measures = [
        (_("受け付けた相談"), Case.objects.filter(desk_id__in=desk_ids), "created_at"),
        (_("窓口への案内"), Referral.objects.filter(case__desk_id__in=desk_ids), "created_at"),
        (
            _("記録したフォローアップ"),
            FollowUp.objects.filter(case__desk_id__in=desk_ids).exclude(
                result__in=FollowUp.SYSTEM_RESULTS
            ),
            "done_at",
        ),
    ]
    rows = []
    threshold = None
    for label, queryset, stamp in measures:
        counts = queryset.filter(
            **{f"{stamp}__gte": bounds[0], f"{stamp}__lt": bounds[2]}
        ).aggregate(
            before=Count("id", filter=_between(stamp, bounds[0], bounds[1])),
            last=Count("id", filter=_between(stamp, bounds[1], bounds[2])),
        )
        finest = {(name,): counts[name] for name in ("before", "last") if counts[name]}
        table = build_table(marginals(finest, dims=("week",)), ("week",))
        threshold = table.threshold
        cells = table.by_key()
        values = {
            name: shown(cells[(name,)], table.threshold) if (name,) in cells else 0
            for name in ("before", "last")
        }
        change = None
        if isinstance(values["last"], int) and isinstance(values["before"], int):
            change = values["last"] - values["before"]
        rows.append({"label": label, **values, "change": change})
    return {
        "last_week": (last, monday - datetime.timedelta(days=1)),
        "week_before": (before, last - datetime.timedelta(days=1)),
        "rows": rows,
        "threshold": threshold,
    }


def _between(stamp: str, start, end) -> Q:
    return Q(**{f"{stamp}__gte": start, f"{stamp}__lt": end})
