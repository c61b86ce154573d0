import re

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import Case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VICTIM = "インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった"


def test_the_intake_suggests_live_warns_as_you_type_and_saves(page, login, counsellor):
    checks = []
    page.on(
        "request",
        lambda request: checks.append(request) if "/cases/pii-check/" in request.url else None,
    )
    login("owner")
    page.get_by_role("link", name="相談を受け付ける").first.click()
    expect(page.get_by_role("heading", name="相談を受け付ける", level=1)).to_be_visible()

    page.get_by_label(VICTIM).check()
    page.get_by_label("ネット上の書き込み・画像を削除したい").check()
    expect(page.locator("#suggestions")).to_contain_text("法務局による削除要請")
    page.get_by_label("生命・身体に差し迫った危険").check()
    expect(page.locator("#suggestions li.suggestion").first).to_have_class(
        re.compile("card--urgent")
    )

    summary = page.get_by_label("何が起きたか（名前・連絡先・学校名は書かない）")
    summary.fill("相手は山田太郎さんで、電話は090-1234-5678。")
    warning = page.locator("#summary-pii")
    expect(warning).to_contain_text("電話番号らしき記述があります")
    expect(warning).to_contain_text("氏名らしき記述があります")
    expect(warning).not_to_contain_text("090")

    summary.fill("Aさんが匿名アカウントから脅迫的なメッセージを受けた。")
    expect(warning.locator(".pii-warning__box")).to_have_count(0)

    assert checks, "the summary was never checked as it was typed"
    for request in checks:
        assert request.method == "POST"
        assert "?" not in request.url
    assert "090-1234-5678" in "".join(request.post_data or "" for request in checks)

    page.get_by_role("button", name="相談を記録する").click()
    case = Case.objects.get()
    expect(page).to_have_url(page.base_url + case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.locator(".messages")).to_contain_text("相談を記録しました")
    assert case.flags == ["imminent_danger"]


def test_a_refused_summary_keeps_the_choices_and_says_why(page, login, counsellor):
    login("owner")
    page.goto(page.base_url + "/cases/new/")
    page.get_by_label(VICTIM).check()
    page.get_by_label("いじめ（いじめ動画・ネットいじめ）").check()
    page.get_by_label("何が起きたか（名前・連絡先・学校名は書かない）").fill(
        "動画のURLは https://example.com/v/123 です"
    )
    page.get_by_role("button", name="相談を記録する").click()
    expect(page.locator("#summary-pii")).to_contain_text("URLらしき記述があります")
    expect(page.get_by_label(VICTIM)).to_be_checked()
    expect(page.get_by_label("いじめ（いじめ動画・ネットいじめ）")).to_be_checked()
    assert not Case.objects.exists()


def test_the_intake_works_with_the_keyboard_alone(page, login, counsellor):
    login("owner")
    page.goto(page.base_url + "/cases/new/")
    page.get_by_label("悩みや不安について話をしたい").first.focus()
    page.keyboard.press("Space")
    expect(page.locator("#suggestions li.suggestion").first).to_contain_text("まもろうよこころ")
    page.get_by_label("何が起きたか（名前・連絡先・学校名は書かない）").focus()
    page.keyboard.type("Aさんが眠れない日が続いていると話した。")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="相談を記録する")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("相談を記録しました")
    assert Case.objects.get().situation == "worries"


def test_the_case_page_adds_notes_reassigns_and_closes(page, login, counsellor, deskmate):
    case = services.case_open(
        desk=counsellor.memberships.get().desk,
        opened_by=counsellor,
        situation="victim",
        wishes=["delete"],
        summary="Aさんが掲示板で中傷された。",
    )
    login("owner")
    page.goto(page.base_url + "/cases/")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)

    note = page.get_by_label("経過メモ")
    note.fill("Aさん（b.tanaka@example.jp）へ折り返し")
    expect(page.locator("#body-pii")).to_contain_text("メールアドレスらしき記述があります")
    note.fill("Aさんへ折り返し、削除依頼の方法を説明した。")
    page.get_by_role("button", name="メモを追加").click()
    expect(page.locator(".case-timeline")).to_contain_text("削除依頼の方法を説明した")

    page.get_by_label("新しい担当者").select_option("deskmate")
    page.get_by_role("button", name="担当を変更").click()
    expect(page.locator(".case-timeline")).to_contain_text("担当を deskmate に変更")

    page.get_by_label("終了の理由").select_option("resolved")
    page.get_by_role("button", name="終了する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("終了")
    expect(page.get_by_role("button", name="再開する")).to_be_visible()


def test_the_list_filters_without_reloading(page, login, counsellor, deskmate):
    desk = counsellor.memberships.get().desk
    fraud = services.case_open(
        desk=desk, opened_by=counsellor, situation="victim", categories=["fraud"]
    )
    other = services.case_open(
        desk=desk, opened_by=deskmate, situation="victim", categories=["defamation"]
    )
    login("owner")
    page.goto(page.base_url + "/cases/")
    results = page.locator("#case-results")
    expect(results).to_contain_text(fraud.reference)
    expect(results).to_contain_text(other.reference)
    page.get_by_label("内容").select_option("defamation")
    expect(results).not_to_contain_text(fraud.reference)
    expect(results).to_contain_text(other.reference)
    expect(page).to_have_url(re.compile(r"category=defamation"))
    page.get_by_label("内容").select_option("")
    page.get_by_label("自分の担当だけ").check()
    expect(results).not_to_contain_text(other.reference)
    expect(results).to_contain_text(fraud.reference)
