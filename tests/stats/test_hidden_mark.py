"""Brute force: every hidden statistic shows the neutral mark, and no count of 3 or more ever
shows as fewer — on every page, page export, API file and weekly summary, over the demo data
and random tables.

Each place is read twice: with the threshold at 1 (nothing is hidden, the true counts) and at
3. Cell by cell, a count at 3 is either the true count or the mark, and the mark stands for
every true count under 3.
"""

import csv
import datetime
import io
import random

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import User
from stats.exports import table_csv, table_xlsx
from stats.summary import summary_from_counts, weekly_counts
from stats.suppression import marginals
from stats.tables import HIDDEN, build_table, shown
from tests.stats.test_suppression import random_table

TABLES = ("service", "category", "desk", "month", "outcome", "national")
PARAMS = [{}, {"category": "bullying"}, {"desk": "gifu-city"}, {"fiscal_year": "2025"}]


def csv_cells(data: bytes) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if [] in rows:
        rows = rows[rows.index([]) + 1 :]
    return {" / ".join(row[:-1]): row[-1] for row in rows[1:]}


def xlsx_cells(data: bytes) -> dict[str, object]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    return {
        " / ".join(str(v) for v in row[:-1]): row[-1] for row in rows if row and row[-1] is not None
    }


def page_cells(response) -> dict[str, object]:
    """Every count a dashboard or national page shows, by where it stands."""
    context = response.context
    cells: dict[str, object] = {}
    if "sections" in context:
        for section in context["sections"]:
            for label, count in section.rows:
                cells[f"{section.slug}/{label}"] = count
            cells[f"{section.slug}/total"] = section.total
        for row in context["outcomes"]["rows"]:
            for header, value in zip(context["outcomes"]["headers"], row[1:], strict=False):
                if not str(value).endswith("%") and value != "—":
                    cells[f"outcome/{row[0]}/{header}"] = value
        for desk, open_count, overdue in context["follow_ups"]["rows"]:
            cells[f"follow_ups/{desk}"] = open_count
            cells[f"follow_ups/{desk}/overdue"] = overdue
        cells["follow_ups/total"] = context["follow_ups"]["total"]
    else:
        for row in context["rows"]:
            cells[f"national/{row['label']}"] = row["count"]
        cells["national/total"] = context["total"]
    return cells


def assert_never_fewer(true: dict, shown_at_3: dict, where: str) -> int:
    """Compare cell by cell; return how many cells were hidden."""
    # A hidden table may list more cells: empty ones hidden as corners of a box.
    assert set(true) <= set(shown_at_3), where
    hidden = 0
    for key, value in shown_at_3.items():
        real = true.get(key, 0)
        assert "<" not in str(value), (where, key, value)
        if value == HIDDEN:
            hidden += 1
            continue
        assert str(value) == str(real), (where, key, value, real)
        if str(real).isdigit():
            assert not 0 < int(real) < 3, (where, key, real)
    return hidden


@pytest.mark.django_db(transaction=False)
def test_every_hidden_cell_of_the_demo_shows_the_mark_and_none_shows_fewer(web, settings):
    # This walk downloads far more files in a minute than a person would: lift the limit.
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "export": "10000/min"}
    call_command("loaddemo", stdout=io.StringIO())
    supervisor = User.objects.get(username="demo-supervisor")
    client = web(supervisor)

    def read(threshold: int) -> dict[str, dict]:
        settings.STATS_SUPPRESSION_THRESHOLD = threshold
        out: dict[str, dict] = {}
        for n, params in enumerate(PARAMS):
            out[f"page {n}"] = page_cells(client.get("/stats/", params))
            out[f"national page {n}"] = page_cells(client.get("/stats/national/", params))
            for table in TABLES:
                out[f"{table}.csv {n}"] = csv_cells(
                    client.get(f"/stats/export/{table}.csv", params).content
                )
                out[f"{table}.xlsx {n}"] = xlsx_cells(
                    client.get(f"/stats/export/{table}.xlsx", params).content
                )
            for group_by in ("service", "category,desk", "month,outcome", "service,category"):
                api = {**params, "group_by": group_by}
                out[f"api.csv {group_by} {n}"] = csv_cells(
                    client.get("/api/v1/stats/referrals.csv", api).content
                )
                out[f"api.xlsx {group_by} {n}"] = xlsx_cells(
                    client.get("/api/v1/stats/referrals.xlsx", api).content
                )
        return out

    true, at_3 = read(1), read(3)
    hidden = sum(assert_never_fewer(true[where], at_3[where], where) for where in true)
    assert hidden > 0, "the demo has small cells: the test would prove nothing without them"


@pytest.mark.django_db
def test_the_weekly_summary_of_the_demo_shows_the_mark_and_never_fewer(settings):
    call_command("loaddemo", stdout=io.StringIO())
    supervisor = User.objects.get(username="demo-supervisor")
    desk_ids = set(supervisor.desks.values_list("id", flat=True))
    today = datetime.date.today()
    weeks = [today - datetime.timedelta(days=7 * n) for n in range(40)]
    counts = weekly_counts(desk_ids, weeks)
    hidden = 0
    for week in weeks:
        settings.STATS_SUPPRESSION_THRESHOLD = 1
        true = summary_from_counts(counts, desk_ids, week)
        settings.STATS_SUPPRESSION_THRESHOLD = 3
        at_3 = summary_from_counts(counts, desk_ids, week)
        for real, row in zip(true["rows"], at_3["rows"], strict=True):
            cells = {"last": real["last"], "before": real["before"]}
            hidden += assert_never_fewer(
                cells, {"last": row["last"], "before": row["before"]}, f"summary {week}"
            )
        assert "どちらであるかは示しません" in at_3["legend"]
    assert hidden > 0


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_show_the_mark_for_every_hidden_cell_in_every_export(seed, settings):
    settings.STATS_SUPPRESSION_THRESHOLD = 3
    rng = random.Random(seed)
    dims = ("a", "b", "c")[: rng.randint(1, 3)]
    finest = random_table(rng, dims, [rng.randint(1, 5) for _ in dims])
    counts = marginals(finest, dims=dims)
    table = build_table(counts, dims)
    truth = counts[dims]
    headers = [*dims, "n"]
    rows = [[*cell.key, shown(cell)] for cell in table.rows]
    for cell in [*table.rows, *(c for level in table.totals.values() for c in level)]:
        assert shown(cell) == (HIDDEN if cell.suppressed else cell.count)
    exported = csv_cells(table_csv(headers, rows))
    sheet = xlsx_cells(table_xlsx(headers, rows, title="t"))
    for cell in table.rows:
        key = " / ".join(cell.key)
        real = truth.get(cell.key, 0)
        for value in (exported[key], sheet[key]):
            if 0 < real < 3:
                assert value == HIDDEN
            else:
                assert value in (HIDDEN, real, str(real))
