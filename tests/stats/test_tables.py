import csv
import datetime
import io
import itertools

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from stats.models import CategoryRollup, ReferralCategoryRollup, ReferralRollup
from stats.params import DIMENSIONS, parse_stats_query
from stats.rollups import rollups_rebuild
from stats.tables import referral_table
from tests.stats.conftest import at

TODAY = datetime.date(2026, 5, 14)
URL = "/api/v1/stats/referrals/"
PERIOD = {"from": "2025-04", "to": "2026-03"}


@pytest.fixture
def spread(desk, school_desk, other_desk, make_referral):
    """Ten ihaho and two jinken referrals at the desk, four at the school, five elsewhere."""
    for _ in range(10):
        make_referral(desk, when=at(2025, 6), outcome="resolved")
    for _ in range(2):
        make_referral(
            desk, when=at(2025, 7), service="jinken", categories=("privacy", "defamation")
        )
    for _ in range(4):
        make_referral(school_desk, when=at(2025, 6), categories=("bullying",))
    for _ in range(5):
        make_referral(other_desk, when=at(2025, 6), service="jinken")


def query(supervisor, **params):
    from accounts.access import supervised_desk_ids

    return parse_stats_query(params, supervised=supervised_desk_ids(supervisor), today=TODAY)


def test_rollups_equal_the_base_tables_after_every_write(spread, supervisor):
    from referrals.models import Referral

    assert sum(ReferralRollup.objects.values_list("count", flat=True)) == Referral.objects.count()
    expected = sum(max(len(set(r.case.categories)), 1) for r in Referral.objects.all())
    assert sum(ReferralCategoryRollup.objects.values_list("count", flat=True)) == expected
    assert sum(CategoryRollup.objects.values_list("count", flat=True)) == expected
    before = sorted(
        ReferralRollup.objects.values_list("desk_id", "month", "service_id", "outcome", "count")
    )
    ReferralRollup.objects.all().delete()
    rollups_rebuild()
    after = sorted(
        ReferralRollup.objects.values_list("desk_id", "month", "service_id", "outcome", "count")
    )
    assert after == before


def test_changing_a_case_s_categories_moves_its_referrals(desk, make_referral):
    referral = make_referral(desk, when=at(2025, 6), categories=("defamation",))
    case = referral.case
    case.categories = ["privacy"]
    case.save()
    assert set(ReferralCategoryRollup.objects.values_list("category", "count")) == {("privacy", 1)}


def test_concluding_a_referral_moves_it_to_its_outcome(desk, make_referral):
    referral = make_referral(desk, when=at(2025, 6))
    referral.status, referral.outcome = "concluded", "content_deleted"
    referral.save()
    assert set(ReferralRollup.objects.values_list("outcome", "count")) == {("content_deleted", 1)}


def test_it_counts_only_the_supervised_desks(spread, supervisor):
    table = referral_table(query(supervisor, **PERIOD), ("service",))
    assert table.total.count == 16
    cells = {c.key: c for c in table.rows}
    assert all(c.count != 5 for c in cells.values())


def test_a_case_with_several_categories_counts_once_in_each(spread, supervisor):
    table = referral_table(query(supervisor, **PERIOD), ("category",))
    counts = {c.key[0]: c.count for c in table.rows}
    assert counts["defamation"] == 12
    assert counts["privacy"] is None
    assert counts["bullying"] is None, "hidden too, or 16 - 12 - 2 would give privacy away"
    assert table.total.count == 16


def test_the_api_hides_small_cells_and_their_complements(spread, supervisor, api):
    response = api(supervisor).get(URL, {**PERIOD, "group_by": "service"})
    assert response.status_code == 200
    body = response.json()
    assert body["group_by"] == ["service"]
    assert body["suppression_threshold"] == 3
    rows = {r["service"]: r for r in body["rows"]}
    assert rows["jinken"] == {"service": "jinken", "count": None, "suppressed": True}
    assert rows["ihaho"]["suppressed"] is True
    assert body["total"] == 16


def test_the_api_shows_cells_at_or_over_the_threshold(spread, supervisor, api):
    body = api(supervisor).get(URL, {**PERIOD, "group_by": "desk,month"}).json()
    rows = {(r["desk"], r["month"]): r for r in body["rows"]}
    assert rows[("gifu-hs", "2025-06")]["count"] == 4
    assert all(r["count"] is None or r["count"] >= 3 for r in body["rows"])
    assert "ogaki-city" not in {r["desk"] for r in body["rows"]}


def test_counsellors_get_403(spread, counsellor, api):
    assert api(counsellor).get(URL).status_code == 403
    assert api(counsellor).get("/api/v1/stats/referrals.csv").status_code == 403
    assert api().get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "colour"}, "group_by"),
        ({"from": "April"}, "from"),
        ({"desk": "ogaki-city"}, "desk"),
    ],
)
def test_bad_parameters_get_400_naming_the_field(supervisor, other_desk, api, params, field):
    response = api(supervisor).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_csv_export_has_a_bom_suppressed_cells_and_an_audit_entry(spread, supervisor, api):
    response = api(supervisor).get("/api/v1/stats/referrals.csv", {**PERIOD, "group_by": "service"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["窓口", "件数"]
    assert {row[1] for row in rows[1:]} == {"X"}
    assert AuditEntry.objects.filter(actor=supervisor, action="export").count() == 2


def test_xlsx_export_holds_the_same_table(spread, supervisor, api):
    response = api(supervisor).get("/api/v1/stats/referrals.xlsx", {**PERIOD, "group_by": "desk"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["デスク", "件数"]
    assert ["岐阜市 相談窓口", 12] in values
    assert ["岐阜中央高校 相談室", 4] in values
    assert AuditEntry.objects.filter(action="export", detail__format="xlsx").exists()


@pytest.mark.parametrize("group_by", ["service", "category", "desk", "month", "outcome"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_dimension_exports_in_both_formats(spread, supervisor, api, group_by, fmt):
    from referrals.models import Referral

    Referral.objects.update(status="concluded", outcome="advice_received")
    rollups_rebuild()
    dims = group_by if group_by == "outcome" else f"{group_by},outcome"
    response = api(supervisor).get(f"/api/v1/stats/referrals.{fmt}", {**PERIOD, "group_by": dims})
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("助言を受けた" in [str(v) for v in row] for row in rows)


@pytest.mark.parametrize("group_by", ["", "service", "desk,month", "category,outcome"])
def test_a_single_referral_is_hidden_not_a_500(desk, make_referral, supervisor, api, group_by):
    make_referral(desk, when=at(2025, 6))
    params = {**PERIOD, "group_by": group_by} if group_by else PERIOD
    for path in (URL, "/api/v1/stats/referrals.csv", "/api/v1/stats/referrals.xlsx"):
        assert api(supervisor).get(path, params).status_code == 200, path
    body = api(supervisor).get(URL, params).json()
    assert all(row["count"] is None for row in body["rows"])


GROUPINGS = [
    ",".join(order)
    for size in range(len(DIMENSIONS) + 1)
    for order in itertools.permutations(DIMENSIONS, size)
]


def test_every_grouping_the_contract_allows_answers(spread, supervisor):
    for group_by in GROUPINGS:
        table = referral_table(query(supervisor, group_by=group_by, **PERIOD))
        assert table.dims == tuple(filter(None, group_by.split(",")))
        assert table.total.count == 16


@pytest.mark.parametrize(
    "group_by", ["service,category,desk,month,outcome", "outcome,month,desk,category,service"]
)
def test_a_five_way_grouping_over_ten_years_answers_in_the_api(spread, supervisor, api, group_by):
    response = api(supervisor).get(URL, {"group_by": group_by, "from": "2016-05", "to": "2026-04"})
    assert response.status_code == 200
    assert response.json()["group_by"] == group_by.split(",")


def test_a_period_over_ten_years_is_a_400_naming_from(spread, supervisor, api):
    response = api(supervisor).get(URL, {"group_by": "month", "from": "2000-01"})
    assert response.status_code == 400
    assert list(response.json()) == ["from"]
    assert "10年" in response.json()["from"][0]
