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
