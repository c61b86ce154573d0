"""Suppressed statistics tables read from the rollups, for the dashboard, the API and exports."""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Desk
from catalogue.models import Service
from catalogue.vocabulary import Category
from referrals.models import FollowUp, Referral
from stats.models import (
    CategoryRollup,
    FirstFollowUpCategoryRollup,
    FirstFollowUpRollup,
    IntakeRollup,
    OpenFollowUpRollup,
    ReferralCategoryRollup,
    ReferralRollup,
)
from stats.national import NATIONAL_HEADINGS
from stats.params import StatsQuery
from stats.suppression import Level, levels_of, marginals, suppress

FIELDS = {
    "service": "service_id",
    "category": "category",
    "desk": "desk_id",
    "month": "month",
    "outcome": "outcome",
}


# The one mark of a hidden count, as official statistics write it: never "<3", which would
# say a cell hidden only to protect another holds fewer than 3.
HIDDEN = "X"


def threshold() -> int:
    return settings.STATS_SUPPRESSION_THRESHOLD


@dataclass
class Cell:
    key: tuple
    count: int | None
    suppressed: bool


@dataclass
class Table:
    """The finest cells of a statistic and its totals, with the hidden ones already blanked."""

    dims: tuple[str, ...]
    rows: list[Cell]
    totals: dict[Level, list[Cell]] = field(default_factory=dict)
    threshold: int = 3

    @property
    def total(self) -> Cell:
        # A table with no dimension is its own total.
        return self.totals[()][0] if self.dims else self.rows[0]

    def by_key(self, level: Level | None = None) -> dict[tuple, Cell]:
        cells = self.rows if level in (None, self.dims) else self.totals[level]
        return {c.key: c for c in cells}


def referral_table(query: StatsQuery, dims: tuple[str, ...] | None = None) -> Table:
    """Count referrals by the dimensions asked for, hiding cells no one may single out."""
    dims = tuple(dims if dims is not None else query.group_by)
    counts = _level_counts(query, dims)
    return build_table(counts, dims)


def build_table(counts: dict[Level, dict[tuple, int]], dims: tuple[str, ...]) -> Table:
    """Suppress every level of the counts and return the table with its totals."""
    k = threshold()
    hidden = suppress(counts, dims=dims, threshold=k)

    def cells(level: Level) -> list[Cell]:
        keys = set(counts.get(level, {})) | hidden[level]
        if not level:
            keys.add(())
        return [
            Cell(key, None, True)
            if key in hidden[level]
            else Cell(key, counts.get(level, {}).get(key, 0), False)
            for key in sorted(keys, key=_order)
        ]

    totals = {level: cells(level) for level in levels_of(dims) if level != dims}
    return Table(dims=dims, rows=cells(dims), totals=totals, threshold=k)


def _order(key: tuple) -> tuple:
    return tuple((v is None, v if isinstance(v, int) else str(v)) for v in key)


def _rollup_filter(query: StatsQuery) -> Q:
    return Q(
        desk_id__in=query.desk_ids,
        month__gte=query.period.start,
        month__lte=query.period.last.first_day,
    )


def _grouped(model, where: Q, dims: tuple[str, ...]) -> dict[tuple, int]:
    if not dims:
        total = model.objects.filter(where).aggregate(n=Sum("count"))["n"]
        return {(): total} if total else {}
    names = [FIELDS[d] for d in dims]
    rows = model.objects.filter(where).values(*names).annotate(n=Sum("count")).order_by()
    return {tuple(_key(d, row[FIELDS[d]]) for d in dims): row["n"] for row in rows if row["n"]}


def _key(dim: str, value):
    if dim == "month":
        return f"{value:%Y-%m}"
    if dim in ("outcome", "category"):
        return value or None
    return value


def _level_counts(query: StatsQuery, dims: tuple[str, ...]) -> dict[Level, dict[tuple, int]]:
    where = _rollup_filter(query)
    if query.categories:
        where &= Q(category__in=query.categories)
        narrow = set(dims) <= {"category", "desk", "month"}
        model = CategoryRollup if narrow else ReferralCategoryRollup
        return marginals(_grouped(model, where, dims), dims=dims)
    plain_dims = tuple(d for d in dims if d != "category")
    plain = marginals(_grouped(ReferralRollup, where, plain_dims), dims=plain_dims)
    out = {level: plain[level] for level in levels_of(plain_dims)}
    if "category" in dims:
        narrow = set(dims) <= {"category", "desk", "month"}
        model = CategoryRollup if narrow else ReferralCategoryRollup
        split = marginals(_grouped(model, where, dims), dims=dims)
        out.update({level: cells for level, cells in split.items() if "category" in level})
    return out


def national_table(query: StatsQuery) -> Table:
    """Count the period's intakes under each national-report heading, once per heading."""
    rows = (
        IntakeRollup.objects.filter(_rollup_filter(query))
        .values("heading")
        .annotate(n=Sum("count"))
        .order_by()
    )
    counts = {row["heading"]: row["n"] for row in rows if row["n"]}
    total = counts.pop(IntakeRollup.ALL, 0)
    dims = ("heading",)
    levels = marginals({(h,): n for h, n in counts.items()}, dims=dims)
    levels[()] = {(): total} if total else {}
    table = build_table(levels, dims)
    # Every heading in the order national reports use, a heading with no intake as 0.
    cells = table.by_key()
    table.rows = [
        cells.get((key,), Cell((key,), 0, False)) for key, _label, _codes in NATIONAL_HEADINGS
    ]
    return table


# --- Labels ---------------------------------------------------------------------------------


def labels_for(dims: tuple[str, ...], keys: list[tuple]) -> dict[str, dict]:
    """Return, per dimension, the public code and the label (plain text) of each value."""
    values = {d: {k[i] for k in keys} for i, d in enumerate(dims)}
    out: dict[str, dict] = {}
    for d in dims:
        if d == "service":
            services = Service.objects.filter(id__in=values[d]).values_list("id", "slug", "name")
            out[d] = {i: (slug, name) for i, slug, name in services}
        elif d == "desk":
            desks = Desk.objects.filter(id__in=values[d]).values_list("id", "slug", "name")
            out[d] = {i: (slug, name) for i, slug, name in desks}
        elif d == "category":
            names = dict(Category.choices)
            out[d] = {v: (v, str(names.get(v, _("内容の指定なし")))) for v in values[d]}
        elif d == "outcome":
            names = dict(Referral.Outcome.choices)
            out[d] = {v: (v, str(names.get(v, _("終了していない")))) for v in values[d]}
        elif d == "heading":
            headings = {key: str(label) for key, label, _codes in NATIONAL_HEADINGS}
            out[d] = {v: (v, headings.get(v, v)) for v in values[d]}
        else:
            out[d] = {v: (v, v) for v in values[d]}
    return out


def dimension_title(dim: str) -> str:
    return {
        "service": _("窓口"),
        "category": _("内容"),
        "desk": _("デスク"),
        "month": _("月"),
        "outcome": _("結果"),
        "heading": _("全国集計の見出し"),
    }[dim]


def flat_rows(table: Table) -> tuple[list[str], list[dict], list[list]]:
    """Return headers, API rows (codes) and export rows (labels) of the table's finest cells."""
    labels = labels_for(table.dims, [c.key for c in table.rows])
    api_rows, sheet_rows = [], []
    for cell in table.rows:
        api = {d: labels[d].get(v, (v, v))[0] for d, v in zip(table.dims, cell.key, strict=True)}
        api.update(count=cell.count, suppressed=cell.suppressed)
        api_rows.append(api)
        sheet_rows.append(
            [labels[d].get(v, (v, v))[1] for d, v in zip(table.dims, cell.key, strict=True)]
            + [shown(cell)]
        )
    headers = [dimension_title(d) for d in table.dims] + [_("件数")]
    return headers, api_rows, sheet_rows


def total_row(table: Table) -> list:
    """Return the export row of a one-way table's total, for the people reading the file."""
    # Headings overlap (a case counts under each of its headings): their total is intakes.
    label = _("相談の件数") if table.dims == ("heading",) else _("合計")
    return [label, shown(table.total)]


def shown(cell: Cell) -> int | str:
    """Return the count as a reader sees it: the number, or the neutral mark if hidden."""
    if cell.suppressed or cell.count is None:
        return HIDDEN
    return cell.count


def legend(k: int) -> str:
    """Return the legend of the neutral mark: never which of the two reasons hid a cell."""
    return _(
        "「%(mark)s」は伏せた数です。%(k)s件未満の数か、それを引き算で求められないように"
        "一緒に伏せた数のどちらかで、どちらであるかは示しません。"
    ) % {"mark": HIDDEN, "k": k}


# --- Follow-ups ---------------------------------------------------------------------------


def follow_up_median(query: StatsQuery) -> tuple[float | None, int]:
    """Return the median days from intake to first follow-up and how many intakes it covers."""
    where = _rollup_filter(query)
    model: type[FirstFollowUpRollup] | type[FirstFollowUpCategoryRollup] = FirstFollowUpRollup
    if query.categories:
        # The same intakes the tables count under the chosen content, each once.
        where &= Q(category__in=query.categories)
        model = FirstFollowUpCategoryRollup
    rows = model.objects.filter(where).values("days").annotate(n=Sum("count")).order_by("days")
    histogram = Counter({row["days"]: row["n"] for row in rows})
    total = sum(histogram.values())
    if total < threshold():
        return None, total
    return statistics.median(histogram.elements()), total


def open_follow_ups_table(desk_ids, *, today: datetime.date | None = None) -> Table:
    """Count open follow-ups per desk, split into overdue and not yet due, suppressed."""
    today = today or timezone.localdate()
    rows = (
        OpenFollowUpRollup.objects.filter(desk_id__in=desk_ids)
        .values("desk_id")
        .annotate(
            overdue=Sum("count", filter=Q(due_on__lt=today)),
            later=Sum("count", filter=Q(due_on__gte=today)),
        )
        .order_by()
    )
    finest = {}
    for row in rows:
        for state in ("overdue", "later"):
            if row[state]:
                finest[(row["desk_id"], state)] = row[state]
    dims = ("desk", "state")
    return build_table(marginals(finest, dims=dims), dims)


def overdue_work_list(desk_ids, *, today: datetime.date | None = None, limit: int = 50):
    """Return the oldest overdue follow-ups by case reference: a work list, not a statistic."""
    today = today or timezone.localdate()
    return list(
        FollowUp.objects.open()
        .filter(case__desk_id__in=desk_ids, due_on__lt=today)
        .select_related("case", "case__desk")
        .order_by("due_on", "id")[:limit]
    )
