"""The weekly supervisor summary: last week's numbers against the week before, suppressed.

Counts are read by desk and week in one grouped query per measure, for every desk of a
whole batch of digests at once; each supervisor's summary then adds up the desks they
supervise and is suppressed on its own, like every other statistic.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Count, DateField
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _

from accounts.access import supervised_desk_ids
from accounts.dates import desks_date_style
from accounts.models import User
from cases.models import Case
from core.dates import DateStyle, format_period
from core.digest import DigestRecipient, DigestSection
from core.workdays import TOKYO, WEEK, week_of
from referrals.models import FollowUp, Referral
from stats.suppression import marginals
from stats.tables import HIDDEN, build_table, legend, shown

# measure, the desk it belongs to, the moment it counts from
MEASURES = (
    ("cases", "desk_id", "created_at"),
    ("referrals", "case__desk_id", "created_at"),
    ("follow_ups", "case__desk_id", "done_at"),
)

# measure -> {(desk id, Monday of the week in Tokyo): count}
WeeklyCounts = dict[str, dict[tuple[int, datetime.date], int]]


def _label(measure: str) -> str:
    return {
        "cases": _("受け付けた相談"),
        "referrals": _("窓口への案内"),
        "follow_ups": _("記録したフォローアップ"),
    }[measure]


def _queryset(measure: str):
    if measure == "cases":
        return Case.objects.all()
    if measure == "referrals":
        return Referral.objects.all()
    return FollowUp.objects.exclude(result__in=FollowUp.SYSTEM_RESULTS)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TOKYO)


def weekly_counts(desk_ids: Iterable[int], weeks: Iterable[datetime.date]) -> WeeklyCounts:
    """Count each measure by desk and week over the two weeks before each of the given weeks.

    One grouped query per measure, however many desks and weeks are asked for.
    """
    desk_ids = set(desk_ids)
    mondays = {week_of(week) for week in weeks}
    counts: WeeklyCounts = {measure: {} for measure, _desk, _stamp in MEASURES}
    if not desk_ids or not mondays:
        return counts
    start, end = _midnight(min(mondays) - 2 * WEEK), _midnight(max(mondays))
    for measure, desk, stamp in MEASURES:
        rows = (
            _queryset(measure)
            .filter(**{f"{desk}__in": desk_ids, f"{stamp}__gte": start, f"{stamp}__lt": end})
            .annotate(week=Trunc(stamp, "week", output_field=DateField(), tzinfo=TOKYO))
            .values(desk, "week")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts[measure] = {(row[desk], row["week"]): row["n"] for row in rows}
    return counts


def summary_from_counts(
    counts: WeeklyCounts,
    desk_ids: Iterable[int],
    week: datetime.date,
    *,
    style: str = DateStyle.SEIREKI,
) -> dict:
    """Return the summary of the given desks taken together for the week of `week`.

    Each measure is one table (last week, the week before, and their sum) suppressed like all
    statistics, so a hidden count cannot be worked out from the others.
    """
    desk_ids = sorted(set(desk_ids))
    monday = week_of(week)
    last, before = monday - WEEK, monday - 2 * WEEK
    rows = []
    threshold = None
    quiet = True
    for measure, _desk, _stamp in MEASURES:
        cells = counts[measure]
        finest = {}
        for name, start in (("before", before), ("last", last)):
            n = sum(cells.get((desk_id, start), 0) for desk_id in desk_ids)
            if n:
                finest[(name,)] = n
        quiet = quiet and not finest
        table = build_table(marginals(finest, dims=("week",)), ("week",))
        threshold = table.threshold
        shown_cells = table.by_key()
        values = {
            name: shown(shown_cells[(name,)]) if (name,) in shown_cells else 0
            for name in ("before", "last")
        }
        change = None
        if isinstance(values["last"], int) and isinstance(values["before"], int):
            change = values["last"] - values["before"]
        rows.append(
            {"label": _label(measure), **values, "change": change, "change_text": _signed(change)}
        )
    last_week = (last, monday - datetime.timedelta(days=1))
    week_before = (before, last - datetime.timedelta(days=1))
    return {
        "last_week": last_week,
        "week_before": week_before,
        "last_week_text": format_period(*last_week, style=style),
        "week_before_text": format_period(*week_before, style=style),
        "rows": rows,
        "threshold": threshold,
        "hidden": HIDDEN,
        "legend": legend(threshold or settings.STATS_SUPPRESSION_THRESHOLD),
        "quiet": quiet,
    }


def _signed(change: int | None) -> str:
    if change is None:
        return ""
    return f"+{change}" if change > 0 else "±0" if change == 0 else str(change)


def weekly_summary(user: User, week: datetime.date) -> dict | None:
    """Return the supervisor's numbers for the 7 days before `week` and the 7 days before that.

    `week` is a day of the digest's week. Counts cover every desk the user supervises.
    Returns None for a user who supervises no desk.
    """
    desk_ids = supervised_desk_ids(user)
    if not desk_ids:
        return None
    return summary_from_counts(
        weekly_counts(desk_ids, [week]), desk_ids, week, style=desks_date_style(desk_ids)
    )


def digest_section(recipients: Sequence[DigestRecipient]) -> dict[int, dict]:
    """The weekly summary of each supervisor's desks, for the digest (see ``core.digest``)."""
    supervising = [r for r in recipients if r.supervised_desk_ids]
    all_desks = set().union(*(r.supervised_desk_ids for r in supervising))
    counts = weekly_counts(all_desks, {r.period for r in supervising})
    return {
        r.digest_id: summary_from_counts(
            counts, r.supervised_desk_ids, r.period, style=r.date_style
        )
        for r in supervising
    }


DIGEST_SECTION = DigestSection(
    key="stats_summary",
    text_template="stats/_weekly_summary.txt",
    html_template="stats/_weekly_summary.html",
    collect=digest_section,
    has_news=lambda summary: not summary["quiet"],
)
