import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from tests.stats.conftest import at


def table_rows(data: bytes) -> list[list[str]]:
    """Return the rows of a page export's CSV below its conditions: the header, then the table."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return rows[rows.index([]) + 1 :]


def last_month(day=10):
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return at(first.year, first.month, day)


@pytest.fixture
def recent(desk, school_desk, other_desk, make_referral, follow_up):
    when = last_month()
    for _ in range(6):
        make_referral(desk, when=when, outcome="resolved")
    for _ in range(2):
        make_referral(desk, when=when, service="jinken", categories=("privacy",))
    for _ in range(4):
        make_referral(school_desk, when=when, service="houterasu", categories=("bullying",))
    referral = make_referral(other_desk, when=when, service="jinken")
    follow_up(referral.case, due=datetime.date(2020, 1, 1))


def test_counsellors_get_403_on_the_dashboard(counsellor, web):
    assert web(counsellor).get("/stats/").status_code == 403
    assert web(counsellor).get("/stats/national/").status_code == 403
    assert web(counsellor).get("/stats/export/service.csv").status_code == 403


def test_only_supervisors_see_the_menu_link(counsellor, supervisor, web):
    assert 'href="/stats/"' not in web(counsellor).get("/").content.decode()
    assert 'href="/stats/"' in web(supervisor).get("/").content.decode()


def test_the_dashboard_shows_counts_and_hides_small_ones(recent, supervisor, web):
    response = web(supervisor).get("/stats/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<3" not in html and "&lt;3" not in html
    assert '<td class="num">X</td>' in html
    assert "どちらであるかは示しません" in html
    assert "法テラス" in html
    assert "それぞれの内容に1件ずつ" in html
    assert "大垣市" not in html
    tables = {s.slug: s for s in response.context["sections"]}
    assert sorted(tables["desk"].rows) == [["岐阜中央高校 相談室", 4], ["岐阜市 相談窓口", 8]]
    assert tables["desk"].total == 12
    services = dict(tables["service"].rows)
    assert services["違法・有害情報相談センター"] == 6
    assert services["人権相談（法務局）"] == "X"
    assert services["法テラス（日本司法支援センター）"] != 4, (
        "hidden too so 12-6-4 does not give jinken"
    )


def test_the_dashboard_charts_get_null_for_hidden_cells(recent, supervisor, web):
    response = web(supervisor).get("/stats/")
    series = {s.slug: s.series for s in response.context["sections"]}
    assert None in series["service"]["values"]
    assert 1 not in series["service"]["values"] and 2 not in series["service"]["values"]


def test_a_filter_by_desk_narrows_every_table(recent, supervisor, web):
    response = web(supervisor).get("/stats/", {"desk": "gifu-hs"})
    tables = {s.slug: s for s in response.context["sections"]}
    assert tables["desk"].rows == [["岐阜中央高校 相談室", 4]]


def test_a_bad_filter_is_explained_not_a_500(supervisor, web):
    response = web(supervisor).get("/stats/", {"from": "April"})
    assert response.status_code == 200
    assert "YYYY-MM" in response.content.decode()


def test_the_work_list_is_not_suppressed_and_stays_within_the_desks(
    recent, supervisor, web, desk, make_referral, follow_up
):
    referral = make_referral(desk, when=last_month())
    follow_up(referral.case, due=datetime.date(2021, 1, 1))
    response = web(supervisor).get("/stats/")
    assert [f.case.reference for f in response.context["work_list"]] == [referral.case.reference]


def test_csv_export_of_a_dashboard_table_is_suppressed_and_audited(recent, supervisor, web):
    response = web(supervisor).get("/stats/export/service.csv")
    assert response.status_code == 200
    rows = table_rows(response.content)
    assert ["違法・有害情報相談センター", "6"] in rows
    assert ["人権相談（法務局）", "X"] in rows
    assert AuditEntry.objects.filter(action="export", detail__statistic="service").count() == 2


def test_the_national_view_maps_categories_onto_headings(recent, supervisor, web):
    response = web(supervisor).get("/stats/national/")
    html = response.content.decode()
    assert "名誉毀損等" in html and "プライバシー侵害" in html and "違法情報" in html
    sheet = load_workbook(
        io.BytesIO(web(supervisor).get("/stats/export/national.xlsx").content)
    ).active
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert values["名誉毀損等"] == 6
    assert values["いじめ"] == "X", "hidden too, or 12 - 6 - 4 would give privacy away"
    assert values["プライバシー侵害"] == "X"


def test_the_national_export_lists_every_heading_in_order_and_the_intakes(recent, supervisor, web):
    from stats.national import NATIONAL_HEADINGS

    rows = table_rows(web(supervisor).get("/stats/export/national.csv").content)
    assert [r[0] for r in rows[1:-1]] == [str(label) for _key, label, _c in NATIONAL_HEADINGS]
    assert dict(rows[1:])["自殺誘引等情報"] == "0"
    assert rows[-1][0] == "相談の件数"


def test_a_dashboard_export_ends_with_its_total(recent, supervisor, web):
    rows = table_rows(web(supervisor).get("/stats/export/desk.csv").content)
    assert rows[-1][0] == "合計"


def test_a_page_export_states_its_conditions_above_the_table(recent, supervisor, web, desk):
    data = (
        web(supervisor)
        .get("/stats/export/service.csv", {"from": "2025-04", "to": "2026-03", "desk": "gifu-city"})
        .content
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    conditions = dict(rows[: rows.index([])])
    assert conditions["統計"] == "窓口別の案内件数"
    assert conditions["集計期間"] == "2025年4月〜2026年3月"
    assert conditions["デスク"] == "岐阜市 相談窓口"
    assert conditions["内容"] == "すべての内容"
    assert "「X」は伏せた数です。3件未満の数か" in conditions["伏せた数"]
    assert conditions["作成日時"].startswith(f"{timezone.localdate().year}年")
    assert table_rows(data)[0] == ["窓口", "件数"]


def test_a_page_xlsx_carries_a_conditions_sheet_in_the_desk_s_wareki(
    recent, supervisor, web, desk, school_desk
):
    for each in (desk, school_desk):
        each.date_style = "wareki"
        each.save()
    data = (
        web(supervisor)
        .get("/stats/export/category.xlsx", {"fiscal_year": "2019", "category": "bullying"})
        .content
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["category", "条件"]
    conditions = {row[0].value: row[1].value for row in book["条件"].iter_rows()}
    assert conditions["集計期間"] == "平成31年4月〜令和2年3月"
    assert conditions["内容"] == "いじめ（いじめ動画・ネットいじめ）"
    assert conditions["デスク"] == "岐阜中央高校 相談室、岐阜市 相談窓口"
    assert conditions["作成日時"].startswith("令和")
    assert [c.value for c in book.worksheets[0][1]] == ["内容", "件数"]


def test_the_api_files_stay_the_bare_table(recent, supervisor, api):
    client = api(supervisor)
    data = client.get("/api/v1/stats/referrals.csv", {"group_by": "service"}).content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["窓口", "件数"] and [] not in rows
    book = load_workbook(
        io.BytesIO(client.get("/api/v1/stats/referrals.xlsx", {"group_by": "service"}).content)
    )
    assert len(book.sheetnames) == 1
    assert [c.value for c in book.active[1]] == ["窓口", "件数"]


def test_choosing_a_fiscal_year_shows_its_months_in_the_month_fields(recent, supervisor, web):
    html = (
        web(supervisor).get("/stats/", {"fiscal_year": "2024", "from": "2026-01"}).content.decode()
    )
    assert 'name="from" max="' in html
    assert 'value="2024-04"' in html and 'value="2025-03"' in html
    assert "集計期間: 2024年4月〜2025年3月" in html
    assert "js/stats-filters" in html
