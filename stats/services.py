"""Statistics entry points taking the acting user: access, parameters, audit of exports."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_supervisor
from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from stats.exports import table_csv, table_xlsx
from stats.params import StatsQuery, parse_stats_query
from stats.tables import Table, flat_rows, referral_table, total_row

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
    return _(
        "%(k)s件未満の数は「<%(k)s」と表示し、引き算で求められないよう他の数も伏せています。"
    ) % {"k": k}


def stats_export(
    *,
    user: User,
    query: StatsQuery,
    fmt: str,
    name: str,
    table: Table | None = None,
    with_total: bool = False,
) -> tuple[bytes, str]:
    """Return the table as a CSV or XLSX file and record the export in the audit trail.

    ``with_total`` ends a one-way table with its total, for files people read rather than
    the API's files, whose every row is a cell.
    """
    table = table if table is not None else referral_table(query)
    headers, _api_rows, rows = flat_rows(table)
    if with_total and len(table.dims) == 1:
        rows.append(total_row(table))
    note = suppression_note(table.threshold)
    if fmt == "csv":
        data = table_csv(headers, rows)
    else:
        data = table_xlsx(headers, rows, title=name, note=note)
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
