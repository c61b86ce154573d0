"""Assemble the supervisor dashboard: each statistic as a chart series and an accessible table."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from referrals.models import Referral
from stats.params import StatsQuery
from stats.tables import (
    Table,
    follow_up_median,
    labels_for,
    open_follow_ups_table,
    referral_table,
    shown,
)

SHARE_OUTCOMES = ("resolved", "content_deleted", "declined_by_window", "not_contacted")
SECTIONS = {
    "service": ("service", "bar"),
    "category": ("category", "bar"),
    "desk": ("desk", "bar"),
    "month": ("month", "line"),
}


@dataclass
class Section:
    slug: str
    title: str
    chart: str
    headers: list[str]
    rows: list[list]
    total: object
    note: str = ""
    series: dict = field(default_factory=dict)


def one_way(slug: str, table: Table, title: str, chart: str, note: str = "") -> Section:
    """Return a one-dimension table as a section: label and count per row, hidden as the mark."""
    dim = table.dims[0]
    labels = labels_for(table.dims, [c.key for c in table.rows])[dim]
    rows = [[labels.get(c.key[0], (c.key[0], c.key[0]))[1], shown(c)] for c in table.rows]
    return Section(
        slug=slug,
        title=title,
        chart=chart,
        headers=[_("項目"), _("件数")],
        rows=rows,
        total=shown(table.total),
        note=note,
        series={
            "labels": [r[0] for r in rows],
            "values": [c.count for c in table.rows],
            "label": title,
        },
    )


def table_titles() -> dict[str, str]:
    """Return the title of each table the dashboard and the national view show and export."""
    return {
        "service": _("窓口別の案内件数"),
        "category": _("内容別の案内件数"),
        "desk": _("デスク別の案内件数"),
        "month": _("月別の案内件数（案内した月）"),
        "outcome": _("結果別の案内件数"),
        "national": _("全国集計の見出し別の相談件数"),
    }


def dashboard(query: StatsQuery) -> dict:
    """Return every statistic of the dashboard for the query, already suppressed."""
    titles = table_titles()
    notes = {
        "category": _(
            "内容が複数ある相談の案内は、それぞれの内容に1件ずつ数えます。合計は案内の件数です。"
        ),
        "month": _("案内はした月に数えます。今月分は月が終わってから集計に入ります。"),
    }
    sections = [
        one_way(slug, referral_table(query, (dim,)), titles[slug], chart, notes.get(slug, ""))
        for slug, (dim, chart) in SECTIONS.items()
    ]
    median, median_n = follow_up_median(query)
    return {
        "sections": sections,
        "outcomes": outcome_section(query),
        "median_days": median,
        "median_cases": median_n,
        "follow_ups": follow_up_section(query),
    }


def outcome_section(query: StatsQuery) -> dict:
    """Return outcomes per window with the share of each outcome among concluded referrals."""
    table = referral_table(query, ("service", "outcome"))
    cells = table.by_key()
    totals = table.by_key(("service",))
    services = [c.key[0] for c in table.totals[("service",)]]
    labels = labels_for(("service",), [(s,) for s in services])["service"]
    outcome_names = dict(Referral.Outcome.choices)
    columns = [*Referral.Outcome.values, None]
    rows = []
    for service in services:
        row_cells = [cells.get((service, o)) for o in columns]
        counts = [shown(c) if c else 0 for c in row_cells]
        total = totals[(service,)]
        open_cell = cells.get((service, None))
        # A suppressed cell's count is None: nothing is derived from it.
        open_count = open_cell.count if open_cell else 0
        concluded = None
        if total.count is not None and open_count is not None:
            concluded = total.count - open_count
        shares = []
        for outcome in SHARE_OUTCOMES:
            cell = cells.get((service, outcome))
            count = cell.count if cell else 0
            if concluded and count is not None:
                shares.append(f"{100 * count / concluded:.0f}%")
            else:
                shares.append("—")
        rows.append([labels.get(service, (service, service))[1], *counts, shown(total), *shares])
    headers = [
        _("窓口"),
        *[str(outcome_names[o]) for o in Referral.Outcome.values],
        _("終了していない"),
        _("合計"),
        *[_("%(outcome)sの割合") % {"outcome": outcome_names[o]} for o in SHARE_OUTCOMES],
    ]
    return {"headers": headers, "rows": rows}


def follow_up_section(query: StatsQuery) -> dict:
    """Return open and overdue follow-ups per desk, suppressed like every other count."""
    table = open_follow_ups_table(query.desk_ids)
    cells = table.by_key()
    totals = table.by_key(("desk",))
    desks = [c.key[0] for c in table.totals[("desk",)]]
    labels = labels_for(("desk",), [(d,) for d in desks])["desk"]
    rows = []
    for desk in desks:
        overdue = cells.get((desk, "overdue"))
        rows.append(
            [
                labels.get(desk, (desk, desk))[1],
                shown(totals[(desk,)]),
                shown(overdue) if overdue else 0,
            ]
        )
    state_totals = table.by_key(("state",))
    overdue_total = state_totals.get(("overdue",))
    return {
        "headers": [_("デスク"), _("未完了のフォローアップ"), _("うち期限切れ")],
        "rows": rows,
        "total": shown(table.total),
        "overdue_total": shown(overdue_total) if overdue_total else 0,
    }
