"""The supervisor dashboard, its exports and the national-report view (HTML, supervisors only)."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Desk
from audit.models import AuditEntry
from audit.services import audit_record_many
from catalogue.vocabulary import Category
from stats.dashboard import dashboard, table_titles
from stats.national import NATIONAL_HEADINGS
from stats.params import StatsParamError, parse_stats_query
from stats.periods import Month
from stats.services import CONTENT_TYPES, stats_desk_ids, stats_export, suppression_note
from stats.tables import national_table, overdue_work_list, referral_table, shown, threshold

EXPORTABLE = ("service", "category", "desk", "month", "outcome")


def _query(request):
    desk_ids = stats_desk_ids(request.user)
    errors = {}
    try:
        query = parse_stats_query(request.GET, supervised=desk_ids, today=timezone.localdate())
    except StatsParamError as exc:
        errors = exc.errors
        query = parse_stats_query({}, supervised=desk_ids, today=timezone.localdate())
    return desk_ids, query, errors


def _filters(request, desk_ids, query):
    this_year = Month.of(timezone.localdate()).fiscal_year
    return {
        "desks": Desk.objects.filter(id__in=desk_ids),
        "categories": Category.choices,
        "fiscal_years": list(range(this_year, this_year - 5, -1)),
        "latest_month": str(Month.of(timezone.localdate()).shifted(-1)),
        "params": request.GET.urlencode(),
        "chosen": request.GET,
        "query": query,
    }


@require_GET
@login_required
def stats_dashboard(request):
    desk_ids, query, errors = _query(request)
    work_list = overdue_work_list(query.desk_ids)
    audit_record_many(
        actor=request.user, action=AuditEntry.Action.LIST, cases=[f.case for f in work_list]
    )
    context = {
        **_filters(request, desk_ids, query),
        **dashboard(query),
        "errors": errors,
        "work_list": work_list,
        "today": timezone.localdate(),
        "note": suppression_note(threshold()),
        "exportable": EXPORTABLE,
    }
    return render(request, "stats/dashboard.html", context)


@require_GET
@login_required
def stats_export_view(request, table: str, fmt: str):
    if (table not in EXPORTABLE and table != "national") or fmt not in CONTENT_TYPES:
        raise Http404
    _desk_ids, query, errors = _query(request)
    if errors:
        return HttpResponse("\n".join(m for ms in errors.values() for m in ms), status=400)
    stats = national_table(query) if table == "national" else referral_table(query, (table,))
    data, filename = stats_export(
        user=request.user,
        query=query,
        fmt=fmt,
        name=table,
        table=stats,
        page_title=table_titles()[table],
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
@login_required
def stats_national(request):
    desk_ids, query, errors = _query(request)
    table = national_table(query)
    cells = table.by_key()
    k = table.threshold
    rows = []
    for key, label, codes in NATIONAL_HEADINGS:
        cell = cells.get((key,))
        rows.append(
            {
                "label": label,
                "codes": [Category(c).label for c in codes],
                "count": shown(cell) if cell else 0,
            }
        )
    context = {
        **_filters(request, desk_ids, query),
        "errors": errors,
        "rows": rows,
        "total": shown(table.total),
        "note": suppression_note(k),
    }
    return render(request, "stats/national.html", context)
