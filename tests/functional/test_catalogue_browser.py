import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_counsellor_logs_in_and_filters_the_catalogue(page, login, counsellor):
    login("owner")
    page.get_by_role("link", name="窓口カタログ").first.click()
    expect(page.get_by_role("heading", name="窓口カタログ", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="セーフライン")).to_be_visible()

    page.get_by_label("子どもが直接相談できる窓口").check()
    expect(page.get_by_role("heading", name="24時間子供SOSダイヤル（文部科学省）")).to_be_visible()
    expect(page.get_by_role("heading", name="セーフライン")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"children=1"))

    page.get_by_label("子どもが直接相談できる窓口").uncheck()
    page.get_by_label("相談方法").select_option("email")
    expect(page.get_by_role("heading", name="法テラス（日本司法支援センター）")).to_be_visible()
    expect(page.get_by_role("heading", name="セーフライン")).to_have_count(0)


def test_wrong_password_shows_a_japanese_error(page, counsellor):
    page.goto(page.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("owner")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "正しいユーザー名とパスワードを入力してください"
    )


def test_the_language_switch_turns_the_page_english(page, login, counsellor):
    login("owner")
    page.get_by_label("表示言語").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Catalogue", exact=True)).to_be_visible()
    page.get_by_label("Language").select_option("ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")


def test_the_catalogue_works_with_the_keyboard_alone(page, login, counsellor):
    login("owner")
    page.goto(page.base_url + "/catalogue/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    page.get_by_label("キーワード").focus()
    page.keyboard.type("法テラス")
    expect(page.locator("#result-count")).to_contain_text("1 件")
