import re

import pytest
from playwright.sync_api import expect

from tests.referrals.followup_factories import CaseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_suggestions_follow_the_choices_live_and_urgent_ones_lead(page, login, counsellor):
    login("owner")
    page.get_by_role("link", name="案内先をさがす", exact=True).first.click()
    page.get_by_label("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった").check()
    suggestions = page.locator("#suggestions li.suggestion")
    expect(suggestions.first).to_contain_text("違法・有害情報相談センター")

    page.get_by_label("ネット上の書き込み・画像を削除したい").check()
    expect(page.locator("#suggestions")).to_contain_text("法務局による削除要請")

    page.get_by_label("生命・身体に差し迫った危険").check()
    expect(suggestions.first).to_contain_text("警察 緊急通報（110番）")
    expect(suggestions.first).to_have_class(re.compile("card--urgent"))


def test_the_triage_works_with_the_keyboard_alone(page, login, counsellor):
    login("owner")
    page.goto(page.base_url + "/triage/")
    page.get_by_label("悩みや不安について話をしたい").first.focus()
    page.keyboard.press("Space")
    expect(page.locator("#suggestions li.suggestion").first).to_contain_text("まもろうよこころ")
    page.get_by_label("相談者自身に希死念慮がある").focus()
    page.keyboard.press("Space")
    expect(page.locator("#suggestions .badge--urgent").first).to_be_visible()


@pytest.mark.parametrize(
    "codes",
    [
        {"wishes": ["delete", "damages"], "categories": ["defamation"]},
        {"wishes": ["delete"], "categories": ["revenge_porn"], "flags": ["minor"]},
    ],
    ids=["longest-checklist", "child-sexual-image"],
)
def test_the_slip_prints_on_one_a4_page(page, login, counsellor, desk, codes):
    desk.phone = "058-000-1234"
    desk.save()
    CaseFactory(desk=desk, reference="GIFU-CITY-2026-0042", opened_by=counsellor, **codes)
    login("owner")
    page.goto(
        page.base_url
        + "/cases/slip/?service=ihaho&service=jinken&service=bullying-hotline&service=safeline"
        "&service=kodomo-sos-24&service=kodomo-jinken-110&reference=GIFU-CITY-2026-0042"
    )
    expect(page.get_by_role("heading", name="相談窓口のご案内")).to_be_visible()
    expect(page.locator(".slip__window")).to_have_count(6)
    expect(page.locator(".slip__desk")).to_contain_text("058-000-1234")
    expect(page.locator(".slip__evidence li").first).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the slip took {pages} pages"


def test_the_chosen_suggestions_open_as_a_slip(page, login, counsellor):
    login("owner")
    page.goto(page.base_url + "/triage/")
    page.get_by_label("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった").check()
    page.get_by_label("ネット上の書き込み・画像を削除したい").check()
    expect(page.locator("#suggestions")).to_contain_text("法務局による削除要請")
    picks = page.locator("#suggestions").get_by_label("案内票に載せる")
    picks.nth(0).uncheck()
    picks.nth(3).check()
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="案内票を印刷用に開く").click()
    slip = popup_info.value
    expect(slip.get_by_role("heading", name="相談窓口のご案内")).to_be_visible()
    windows = slip.locator(".slip__window h2")
    expect(windows).to_have_count(3)
    expect(windows.first).to_have_text("人権相談（法務局）")
    expect(slip.locator(".slip__qr svg")).to_have_count(3)
