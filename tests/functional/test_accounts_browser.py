"""Signing in through Chromium: the authenticator app, recovery codes, lockout and sessions."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


def code(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def submit_password(page, username, password=PASSWORD):
    page.goto(page.base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def sign_out(page):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(page.base_url + "/login/")


@pytest.fixture
def guarded(counsellor, desk):
    desk.require_second_factor = True
    desk.save()
    return counsellor


def enrol(page) -> tuple[str, list[str]]:
    expect(page.get_by_role("heading", name="認証アプリの登録")).to_be_visible()
    expect(page.get_by_role("img", name="認証アプリに登録する QR コード")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("確認コード").fill(code(secret))
    page.get_by_role("button", name="認証アプリを登録する").click()
    expect(page.get_by_role("heading", name="回復用コード")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="書き留めました").click()
    return secret, codes


def test_totp_enrolment_then_sign_in_with_the_app(page, guarded):
    submit_password(page, "owner")
    secret, codes = enrol(page)
    assert len(codes) == 10
    page.wait_for_url(page.base_url + "/")
    sign_out(page)

    submit_password(page, "owner")
    expect(page.get_by_role("heading", name="二要素認証")).to_be_visible()
    page.get_by_label("確認コード").fill(code(secret, steps_ahead=1))
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(page.base_url + "/")
    expect(page.get_by_role("link", name="相談記録", exact=True)).to_be_visible()


def test_a_recovery_code_signs_in_once(page, guarded):
    submit_password(page, "owner")
    _secret, codes = enrol(page)
    sign_out(page)

    submit_password(page, "owner")
    page.get_by_label("確認コード").fill(codes[0])
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(page.base_url + "/")
    expect(page.get_by_role("status")).to_contain_text("残りは 9 個")
    sign_out(page)

    submit_password(page, "owner")
    page.get_by_label("確認コード").fill(codes[0])
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("alert")).to_contain_text("コードが正しくないか")


def test_lockout_then_an_administrator_unlocks(page, browser, live_server, counsellor, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        submit_password(page, "owner", "wrong-password")
    submit_password(page, "owner")
    expect(page.get_by_role("alert")).to_contain_text("サインインを一時的に止めています")

    UserFactory(username="root", is_staff=True, is_superuser=True, second_factor_exempt=True)
    admin_context = browser.new_context(locale="ja-JP")
    admin = admin_context.new_page()
    admin.base_url = live_server.url
    admin.goto(live_server.url + "/admin/accounts/user/")
    expect(admin).to_have_url(f"{live_server.url}/login/?next=/admin/accounts/user/")
    # The administrator's browser shares the locked-out address (127.0.0.1) here; in use they
    # sign in from their own.
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    admin.get_by_label("ユーザー名").fill("root")
    admin.get_by_label("パスワード").fill(PASSWORD)
    admin.get_by_role("button", name="ログイン").click()
    admin.wait_for_url(f"{live_server.url}/admin/accounts/user/")
    expect(admin.get_by_text("つなぐ 管理サイト").first).to_be_visible()
    admin.get_by_role("row", name="owner").get_by_role("checkbox").check()
    admin.get_by_label("操作:").select_option("unlock")
    admin.get_by_role("button", name="実行").click()
    expect(admin.get_by_text("ロックを解除しました。")).to_be_visible()
    admin_context.close()

    submit_password(page, "owner")
    page.wait_for_url(page.base_url + "/")


def test_an_idle_session_is_signed_out(page, login, counsellor, settings):
    settings.SESSION_IDLE_TIMEOUT = 2
    login("owner")
    time.sleep(3)

    page.get_by_role("link", name="相談記録", exact=True).click()

    page.wait_for_url(f"{page.base_url}/login/?next=/cases/")
    expect(page.get_by_text("操作のない時間が続いたため、サインアウトしました。")).to_be_visible()


def test_sign_out_everywhere_ends_the_other_browser_too(page, login, browser, counsellor):
    other_context = browser.new_context(locale="ja-JP")
    other = other_context.new_page()
    other.base_url = page.base_url
    login("owner")
    submit_password(other, "owner")
    other.wait_for_url(page.base_url + "/")

    page.get_by_role("link", name="owner").click()
    expect(page.get_by_role("heading", name="サインイン中の端末")).to_be_visible()
    expect(page.get_by_role("table").first.get_by_role("row")).to_have_count(3)
    page.get_by_role("button", name="すべての端末からサインアウト").click()
    page.wait_for_url(page.base_url + "/login/")
    expect(page.get_by_text("すべての端末からサインアウトしました。")).to_be_visible()

    other.goto(page.base_url + "/cases/")
    expect(other).to_have_url(f"{page.base_url}/login/?next=/cases/")
    other_context.close()


def add_virtual_authenticator(page) -> None:
    """Give this page's browser a platform authenticator that always says yes (Chromium CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_passkey_enrolment_then_sign_in_with_the_passkey(page, guarded):
    add_virtual_authenticator(page)
    submit_password(page, "owner")
    expect(page.get_by_role("heading", name="認証アプリの登録")).to_be_visible()

    page.get_by_role("button", name="パスキーを登録する").click()
    # Registering the passkey confirms this sign-in and, as for an authenticator app, shows
    # the recovery codes once. The ceremony runs in the browser, the server and the virtual
    # authenticator in turn: allow it time on a busy machine.
    expect(page.get_by_role("heading", name="回復用コード")).to_be_visible(timeout=30_000)
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="書き留めました").click()
    page.wait_for_url(page.base_url + "/", timeout=30_000)
    assert WebAuthnCredential.objects.filter(user=guarded, confirmed=True).count() == 1
    sign_out(page)

    submit_password(page, "owner")
    expect(page.get_by_role("heading", name="二要素認証")).to_be_visible()
    page.get_by_role("button", name="パスキーで確認する").click()
    page.wait_for_url(page.base_url + "/", timeout=30_000)
    expect(page.get_by_role("link", name="相談記録", exact=True)).to_be_visible()
    assert AuditEntry.objects.filter(
        actor=guarded, action="sign_in", detail__device="django_otp_webauthn.webauthncredential"
    ).exists()
