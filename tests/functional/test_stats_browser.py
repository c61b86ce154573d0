import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.stats.conftest import at, make_referral, services  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def data(desk, school_desk, make_referral):  # noqa: F811
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    when = at(first.year, first.month)
    for _ in range(6):
        make_referral(desk, when=when, outcome="resolved")
    for _ in range(2):
        make_referral(desk, when=when, service="jinken", categories=("privacy",))
    for _ in range(4):
        make_referral(school_desk, when=when, service="houterasu", categories=("bullying",))


def test_a_supervisor_reads_charts_and_tables_and_filters_by_keyboard(
    page, login, supervisor, data
):
    login("supervisor")
    page.get_by_role("link", name="統計").first.click()
    expect(page.get_by_role("heading", name="統計（スーパーバイザー）", level=1)).to_be_visible()
    desks = page.get_by_role("table", name="デスク別の案内件数")
    expect(desks).to_contain_text("岐阜中央高校 相談室")
    expect(desks.locator("tfoot")).to_contain_text("12")
    expect(page.get_by_role("table", name="窓口別の案内件数")).to_contain_text("X")
    expect(page.get_by_role("table", name="窓口別の案内件数")).not_to_contain_text("<3")
    expect(page.locator("canvas[data-series]")).to_have_count(4)
    # Not wait_for_function: Playwright evals its predicate in the page, which the CSP forbids.
    drawn = (
        "() => typeof Chart !== 'undefined' && !!Chart.getChart(document.querySelector('canvas'))"
    )
    for _ in range(100):
        if page.evaluate(drawn):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(drawn), "no chart was drawn"

    page.get_by_label("デスク", exact=True).focus()
    page.keyboard.press("End")
    page.get_by_role("button", name="この条件で表示").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("table", name="デスク別の案内件数").locator("tbody tr")).to_have_count(
        1
    )


def test_choosing_a_fiscal_year_fills_the_month_fields(page, login, supervisor, data):
    login("supervisor")
    page.goto(page.base_url + "/stats/")
    page.get_by_label("または年度").select_option("2024")
    expect(page.get_by_label("開始月")).to_have_value("2024-04")
    expect(page.get_by_label("終了月")).to_have_value("2025-03")
    page.get_by_label("開始月").fill("2024-06")
    page.get_by_label("開始月").dispatch_event("change")
    expect(page.get_by_label("または年度")).to_have_value("")


def test_a_counsellor_is_refused_the_dashboard(page, login, counsellor):
    login("owner")
    expect(page.get_by_role("link", name="統計")).to_have_count(0)
    response = page.goto(page.base_url + "/stats/")
    assert response.status == 403
