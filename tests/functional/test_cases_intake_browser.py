import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEntry
from cases.models import Case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_NARRATIVE = "昨日、090-1234-5678 から脅迫のメッセージが届いた。"
CLEAN_NARRATIVE = "Aさんが掲示板に悪口を書かれた。3月5日から10件ほど。"


def open_intake(page, login):
    login("owner")
    page.get_by_role("navigation").get_by_role("link", name="相談を受け付ける").click()
    expect(page.get_by_role("heading", name="相談を受け付ける")).to_be_visible()


def test_the_intake_warns_of_personal_data_as_the_counsellor_types(page, login, counsellor):
    posted = []
    page.on("request", lambda r: "/cases/pii-check/" in r.url and posted.append(r))
    open_intake(page, login)
    summary = page.get_by_label("何が起きたか（名前・連絡先・学校名は書かない）")
    summary.press_sequentially(PHONE_NARRATIVE, delay=5)
    warning = page.locator("#summary-pii")
    expect(warning).to_contain_text("電話番号")
    expect(warning).to_contain_text("このままでは保存できません")

    summary.fill(CLEAN_NARRATIVE)
    summary.press("End")
    summary.press("Space")
    expect(warning).to_be_empty()

    assert posted, "the warning never asked the server"
    for request in posted:
        assert request.method == "POST"
        assert "090" not in request.url
    assert not Case.objects.exists()


def test_suggestions_show_live_and_saving_records_the_case(page, login, counsellor):
    open_intake(page, login)
    page.get_by_label("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった").check()
    page.get_by_label("ネット上の書き込み・画像を削除したい").check()
    expect(page.locator("#suggestions")).to_contain_text("法務局による削除要請")

    page.get_by_label("何が起きたか（名前・連絡先・学校名は書かない）").fill(CLEAN_NARRATIVE)
    page.get_by_role("button", name="相談を記録する").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("GIFU-CITY-")
    case = Case.objects.get()
    assert case.summary == CLEAN_NARRATIVE
    assert case.situation == "victim"
    assert case.wishes == ["delete"]
    assert page.url.endswith(f"/cases/{case.reference}/")
    assert AuditEntry.objects.filter(
        case_reference=case.reference, action=AuditEntry.Action.CREATE
    ).exists()
    assert AuditEntry.objects.filter(
        case_reference=case.reference, action=AuditEntry.Action.VIEW
    ).exists()


def test_a_summary_with_personal_data_is_refused_and_nothing_is_stored(page, login, counsellor):
    open_intake(page, login)
    page.get_by_label("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった").check()
    page.get_by_label("何が起きたか（名前・連絡先・学校名は書かない）").fill(PHONE_NARRATIVE)
    page.get_by_role("button", name="相談を記録する").click()

    expect(page.locator("#summary-pii")).to_contain_text("電話番号")
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).exists()


def test_a_note_is_added_to_the_timeline_with_the_keyboard(page, login, counsellor):
    open_intake(page, login)
    page.get_by_label("悩みや不安について話をしたい").first.check()
    page.get_by_role("button", name="相談を記録する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GIFU-CITY-")

    note = page.get_by_label("経過メモ")
    note.focus()
    page.keyboard.type("Bさんに学校の相談室を案内した。")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "メモを追加", f"Tab from the note landed on {focused!r}"
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("経過メモを追加しました。")
    expect(page.get_by_role("region", name=re.compile("経過"))).to_contain_text(
        "Bさんに学校の相談室を案内した。"
    )
