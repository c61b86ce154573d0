"""Statistics entry points taking the acting user: access, parameters, audit of exports."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_supervisor
from accounts.dates import desks_date_style
from accounts.models import Desk, User
from audit.models import AuditEntry
from audit.services import audit_record
from catalogue.vocabulary import Category
from core.dates import format_date, format_period
from stats.exports import table_csv, table_xlsx
from stats.params import StatsQuery, parse_stats_query
from stats.tables import Table, dimension_title, flat_rows, legend, referral_table, total_row

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def stats_desk_ids(user: User) -> set[int]:
    """Return the desks whose statistics the user may see; refuse anyone who supervises none."""
    return require_supervisor(user)


def stats_query_for(
    user: User, params, *, default_group_by: tuple[str, ...] = (), today=None
) -> StatsQuery:
    """Read a statistics request of the user; raises StatsParamError naming each bad field."""
    return parse_stats_query(
        params,
        supervised=stats_desk_ids(user),
        today=today or timezone.localdate(),
        default_group_by=default_group_by,
    )


def suppression_note(k: int) -> str:
    return legend(k)


def export_conditions(
    *, query: StatsQuery, table: Table, title: str, now: datetime.datetime
) -> list[tuple[str, str]]:
    """Return what a page export was made with, as (name, value) lines for the file to carry."""
    style = desks_date_style(query.desk_ids)
    desks = (
        Desk.objects.filter(id__in=query.desk_ids).order_by("name").values_list("name", flat=True)
    )
    categories = dict(Category.choices)
    local = timezone.localtime(now)
    return [
        (_("統計"), title),
        (
            _("集計期間"),
            format_period(
                query.period.start, query.period.last.first_day, months=True, style=style
            ),
        ),
        (_("デスク"), "、".join(desks)),
        (
            _("内容"),
            "、".join(str(categories[c]) for c in sorted(query.categories)) or _("すべての内容"),
        ),
        (_("集計の切り口"), "、".join(dimension_title(d) for d in table.dims)),
        (_("伏せた数"), legend(table.threshold)),
        (_("作成日時"), f"{format_date(local, style=style)} {local:%H:%M}"),
    ]


def stats_export(
    *,
    user: User,
    query: StatsQuery,
    fmt: str,
    name: str,
    table: Table | None = None,
    page_title: str = "",
) -> tuple[bytes, str]:
    """Return the table as a CSV or XLSX file and record the export in the audit trail.

    A page export (``page_title`` given) is a file people read: a one-way table ends with
    its total and the file states what it was made with (CSV: lines above the header; XLSX:
    a 条件 sheet) and the legend of the hidden mark. The API's files are the bare table.
    """
    table = table if table is not None else referral_table(query)
    headers, _api_rows, rows = flat_rows(table)
    conditions: list[tuple[str, str]] = []
    if page_title:
        if len(table.dims) == 1:
            rows.append(total_row(table))
        conditions = export_conditions(
            query=query, table=table, title=page_title, now=timezone.now()
        )
    if fmt == "csv":
        data = table_csv(headers, rows, conditions=conditions)
    else:
        data = table_xlsx(headers, rows, title=name, conditions=conditions)
    for desk_id in sorted(query.desk_ids):
        audit_record(
            actor=user,
            action=AuditEntry.Action.EXPORT,
            desk_id=desk_id,
            detail={
                "statistic": name,
                "format": fmt,
                "group_by": list(table.dims),
                "from": str(query.period.first),
                "to": str(query.period.last),
            },
        )
    return data, export_filename(name, query, fmt)


def export_filename(name: str, query: StatsQuery, fmt: str) -> str:
    stamp = datetime.date.today().strftime("%Y%m%d")
    return f"tsunagu-{name}-{query.period.first}-{query.period.last}-{stamp}.{fmt}"
