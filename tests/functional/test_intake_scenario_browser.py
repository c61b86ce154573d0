"""The issue's scenario, walked as a counsellor would: login → one intake → two referrals → slip.

A high-school student whose intimate image was posted on X wants it deleted and says she wants
to die. Every click, key press and field fill outside the summary is counted, and no answer may
be entered twice; the same path is walked with the mouse and with the keyboard alone.
"""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from referrals.models import Referral
from tests.functional.axe import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_CLICKS = 15
SUMMARY = "Aさん（高校生）の画像がXに無断で投稿された。消してほしいと話し、死にたいとも言っている。"


class Walk:
    """Drive the page by mouse or by keyboard, counting what the counsellor does."""

    def __init__(self, page, keyboard: bool):
        self.page = page
        self.keyboard = keyboard
        self.clicks = 0
        self.keys = 0
        self.fills = 0
        self.answers: list[str] = []

    def _answer(self, answer):
        if answer:
            self.answers.append(answer)

    def press(self, key: str, times: int = 1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.keys += 1

    def activate(self, locator, answer=None):
        """Press a button or follow a link."""
        self._answer(answer)
        if self.keyboard:
            locator.focus()
            self.press("Enter")
        else:
            locator.click()
            self.clicks += 1

    def tick(self, locator, answer):
        self._answer(answer)
        if self.keyboard:
            locator.focus()
            self.press("Space")
        else:
            locator.check()
            self.clicks += 1
        expect(locator).to_be_checked()

    def choose(self, locator, value, answer):
        """Pick an option of a select: arrow keys on the keyboard, one choice with the mouse."""
        self._answer(answer)
        if self.keyboard:
            index = locator.evaluate(
                "(select, value) => Array.from(select.options).findIndex(o => o.value === value)",
                value,
            )
            locator.focus()
            self.press("Home")
            self.press("ArrowDown", index)
        else:
            locator.select_option(value)
            self.fills += 1
        expect(locator).to_have_value(value)

    def fill(self, locator, text, answer=None, counted=True):
        self._answer(answer)
        locator.fill(text)
        if counted:
            self.fills += 1


@pytest.mark.parametrize("keyboard", [False, True], ids=["mouse", "keyboard"])
def test_one_intake_two_referrals_and_the_slip_within_fifteen_clicks(
    page, counsellor, desk, keyboard
):
    desk.phone = "058-000-1234"
    desk.save()
    walk = Walk(page, keyboard)

    page.goto(page.base_url + "/login/")
    walk.fill(page.get_by_label("ユーザー名"), "owner")
    walk.fill(page.get_by_label("パスワード"), "correct-horse-battery")
    walk.activate(page.get_by_role("button", name="ログイン"))
    page.wait_for_url(page.base_url + "/")

    walk.activate(page.get_by_role("navigation").get_by_role("link", name="相談を受け付ける"))
    expect(page.get_by_role("heading", name="相談を受け付ける", level=1)).to_be_visible()

    walk.tick(
        page.get_by_label("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった"),
        "situation",
    )
    walk.tick(page.get_by_label("ネット上の書き込み・画像を削除したい"), "wish:delete")
    walk.tick(page.get_by_label("私事性的画像（リベンジポルノ）"), "category:revenge_porn")
    walk.tick(page.get_by_label("相談者自身に希死念慮がある"), "flag:suicidal")
    walk.tick(page.get_by_label("当事者が子ども（18歳未満）"), "flag:minor")
    suggestions = page.locator("#suggestions li.suggestion")
    expect(suggestions.first).to_have_class(re.compile("card--urgent"))
    expect(page.locator("#suggestions")).to_contain_text("児童ポルノ")
    expect(page.locator("#suggestion-count")).to_contain_text("緊急の窓口があります")
    inaccessible = axe_violations(page)
    walk.choose(page.get_by_label("年代（当事者）"), "16_18", "age_band")
    walk.choose(page.get_by_label("相談方法"), "phone", "channel")
    walk.tick(page.get_by_label("X", exact=True), "platform:x")
    walk.fill(page.get_by_label(re.compile("^何が起きたか")), SUMMARY, counted=False)
    walk.activate(page.get_by_role("button", name="相談を記録する"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("GIFU-CITY-")
    case = Case.objects.get()
    assert (case.situation, case.wishes, case.age_band, case.channel) == (
        "victim",
        ["delete"],
        "16_18",
        "phone",
    )
    assert set(case.flags) == {"suicidal", "minor"} and case.platforms == ["x"]
    # The page leads with what to do now, fitted to a phone call.
    protocol = page.locator(".urgent-protocol")
    expect(protocol).to_contain_text("電話を切らずに")
    expect(protocol).to_contain_text("よりそいホットライン")
    inaccessible += axe_violations(page)

    for slug in ("yorisoi", "safeline"):
        card = page.locator(f"#refer-{slug}")
        walk.activate(card.get_by_role("button", name="ここに案内したと記録"), f"refer:{slug}")
        done = page.locator(f"#refer-{slug}")
        expect(done).to_contain_text("案内済み")
        # Focus stays on the card that was acted on, not the top of the page.
        expect(done.locator("[data-referred]")).to_be_focused()
    inaccessible += axe_violations(page)
    assert sorted(Referral.objects.values_list("service__slug", flat=True)) == [
        "safeline",
        "yorisoi",
    ]

    with page.expect_popup() as popup:
        walk.activate(page.get_by_role("button", name="案内票を印刷用に開く"))
    slip = popup.value
    expect(slip.get_by_role("heading", name="相談窓口のご案内")).to_be_visible()
    expect(slip.locator(".slip__window h2")).to_have_text(
        ["よりそいホットライン", "セーフライン"], use_inner_text=True
    )
    expect(slip.locator(".slip__desk")).to_contain_text("058-000-1234")
    expect(slip.locator(".slip__evidence")).to_contain_text("保存・転送しない")
    expect(slip.locator(".slip__evidence")).not_to_contain_text("スクリーンショット")
    inaccessible += axe_violations(slip)
    assert inaccessible == []
    pdf = slip.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1

    assert len(walk.answers) == len(set(walk.answers)), walk.answers
    print(
        f"\n{'keyboard' if keyboard else 'mouse'}: {walk.clicks} clicks, {walk.keys} keys, "
        f"{walk.fills} fills (summary not counted)"
    )
    if keyboard:
        assert walk.clicks == 0
    else:
        assert walk.clicks <= MAX_CLICKS
