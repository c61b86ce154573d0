"""Signing in: lockout, the second factor, session limits and signing out everywhere."""

import io
import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Desk, Membership, User, UserSession
from accounts.services import token_create
from accounts.signals import SESSION_SEEN, SESSION_STARTED
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def guarded(counsellor, desk):
    """The counsellor's desk requires a second factor of all its staff."""
    desk.require_second_factor = True
    desk.save()
    return counsellor


def enrol(client: Client, user: User) -> list[str]:
    """Enrol an authenticator app through the pages; return the recovery codes shown."""
    assert client.get("/account/second-factor/totp/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/second-factor/totp/", {"code": code_for(device)})
    assert response.status_code == 200
    return re.findall(r"<code>([0-9a-z]+)</code>", response.content.decode())


# Lockout


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(counsellor, settings):
    assert settings.AXES_FAILURE_LIMIT <= 10
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(Client(), "owner", "wrong").status_code == 200
    assert sign_in(Client(), "owner", "wrong").status_code == 429

    response = sign_in(Client(REMOTE_ADDR="192.0.2.7"), "owner")

    assert response.status_code == 429
    assert "サインインを一時的に止めています" in response.content.decode()
    assert SESSION_KEY not in response.client.session
    assert AuditEntry.objects.filter(action="sign_in_failed").count() >= 10


def test_a_lockout_mails_the_account_owner_once(
    counsellor, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(settings.AXES_FAILURE_LIMIT + 3):
            sign_in(Client(), "owner", "wrong")

    locked = [message for message in mail.outbox if message.to == [counsellor.email]]
    assert len(locked) == 1
    assert "サインインを一時的に止めました" in locked[0].subject


def test_many_failures_from_one_address_lock_that_address(counsellor, deskmate, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR="198.51.100.9"), f"someone-{n}", "wrong")

    assert sign_in(Client(REMOTE_ADDR="198.51.100.9"), "deskmate").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.10"), "deskmate").status_code == 302


def test_an_administrator_unlocks_a_locked_account(counsellor, settings):
    admin = UserFactory(
        username="root", is_staff=True, is_superuser=True, second_factor_exempt=True
    )
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR="192.0.2.1"), "owner", "wrong")
    assert sign_in(Client(REMOTE_ADDR="192.0.2.2"), "owner").status_code == 429

    staff = Client(REMOTE_ADDR="192.0.2.3")
    staff.force_login(admin)
    response = staff.post(
        "/admin/accounts/user/",
        {"action": "unlock", "_selected_action": [counsellor.pk]},
    )

    assert response.status_code == 302
    assert sign_in(Client(REMOTE_ADDR="192.0.2.2"), "owner").status_code == 302


# Sessions


def test_signing_in_gives_the_session_a_new_id_and_lists_it(counsellor):
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key

    assert sign_in(client, "owner").status_code == 302

    after = client.session.session_key
    assert after != before
    assert UserSession.objects.filter(user=counsellor, session_key=after).exists()
    assert AuditEntry.objects.filter(action="sign_in", actor=counsellor).exists()


def test_a_session_idle_for_longer_than_the_timeout_is_signed_out(counsellor, settings):
    client = Client()
    sign_in(client, "owner")
    session = client.session
    session[SESSION_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()

    response = client.get("/", follow=True)

    assert response.redirect_chain[0][0].startswith("/login/")
    assert "操作のない時間が続いたため" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_session_in_use_ends_at_its_absolute_lifetime(counsellor, settings):
    client = Client()
    sign_in(client, "owner")
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()

    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_sign_out_everywhere_ends_every_session_of_the_user_only(counsellor, deskmate):
    laptop, phone, colleague = Client(), Client(), Client()
    sign_in(laptop, "owner")
    sign_in(phone, "owner")
    sign_in(colleague, "deskmate")
    page = laptop.get("/account/").content.decode()
    assert "すべての端末からサインアウト" in page
    assert UserSession.objects.filter(user=counsellor).count() == 2

    response = laptop.post("/account/sign-out-everywhere/")

    assert response.status_code == 302
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    assert not UserSession.objects.filter(user=counsellor).exists()


# Second factor


def test_a_desk_that_requires_it_sends_its_staff_to_enrol_first(guarded):
    client = Client()
    sign_in(client, "owner")

    response = client.get("/cases/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/account/second-factor/totp/")
    assert client.get("/api/v1/cases/").status_code == 403


def test_totp_enrolment_shows_recovery_codes_once_and_opens_the_site(guarded):
    client = Client()
    sign_in(client, "owner")

    codes = enrol(client, guarded)

    assert len(codes) == 10
    assert client.get("/cases/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor", actor=guarded).exists()


def test_signing_in_again_asks_for_the_authenticators_code(guarded):
    enrol_client = Client()
    sign_in(enrol_client, "owner")
    enrol(enrol_client, guarded)
    device = TOTPDevice.objects.get(user=guarded, confirmed=True)

    client = Client()
    sign_in(client, "owner")
    assert client.get("/").status_code == 302
    before = client.session.session_key
    response = client.post(
        "/account/second-factor/", {"code": code_for(device, steps_ahead=1), "next": "/"}
    )

    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_with_a_japanese_message(guarded):
    enrol_client = Client()
    sign_in(enrol_client, "owner")
    enrol(enrol_client, guarded)

    client = Client()
    sign_in(client, "owner")
    wrong = client.post("/account/second-factor/", {"code": "000000", "next": "/"})

    assert "コードが正しくないか" in wrong.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="sign_in_failed", detail__step="otp").exists()


def test_a_recovery_code_works_once(guarded):
    enrol_client = Client()
    sign_in(enrol_client, "owner")
    code = enrol(enrol_client, guarded)[0]

    first = Client()
    sign_in(first, "owner")
    assert first.post("/account/second-factor/", {"code": code}).status_code == 302
    assert first.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()

    second = Client()
    sign_in(second, "owner")
    second.post("/account/second-factor/", {"code": code})
    assert second.get("/").status_code == 302


def test_an_unverified_user_cannot_replace_the_authenticator(guarded):
    enrol_client = Client()
    sign_in(enrol_client, "owner")
    enrol(enrol_client, guarded)

    client = Client()
    sign_in(client, "owner")
    assert client.get("/account/second-factor/totp/").status_code == 403


def test_administrators_need_a_second_factor_even_without_a_desk(db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    sign_in(client, "root")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/second-factor/")


def test_the_admin_site_signs_in_through_the_products_login(db):
    response = Client().get("/admin/")
    assert response.status_code == 302
    login = Client().get(response["Location"], follow=True)
    assert login.redirect_chain[-1][0].startswith("/login/")


def test_the_admin_site_is_headed_tsunagu(db):
    admin = UserFactory(
        username="root", is_staff=True, is_superuser=True, second_factor_exempt=True
    )
    client = Client()
    client.force_login(admin)
    assert "つなぐ" in client.get("/admin/").content.decode()


def test_an_admin_reset_of_a_lost_device_is_audited_and_mailed(
    guarded, django_capture_on_commit_callbacks
):
    enrol_client = Client()
    sign_in(enrol_client, "owner")
    enrol(enrol_client, guarded)
    admin = UserFactory(
        username="root", is_staff=True, is_superuser=True, second_factor_exempt=True
    )
    staff = Client()
    staff.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            "/admin/accounts/user/",
            {"action": "reset_second_factor", "_selected_action": [guarded.pk]},
        )

    assert not TOTPDevice.objects.filter(user=guarded).exists()
    assert AuditEntry.objects.filter(
        action="second_factor", actor=admin, detail__change="reset"
    ).exists()
    assert [m.subject for m in mail.outbox if m.to == [guarded.email]] == [
        "【つなぐ】二要素認証がリセットされました"
    ]
    # The lost device's session is gone, and the next sign-in enrols again.
    assert enrol_client.get("/").status_code == 302


def test_demo_desks_and_users_need_no_second_factor(db):
    call_command("loaddemo", stdout=io.StringIO())
    for username in ("demo-counsellor", "demo-supervisor", "demo-admin"):
        client = Client()
        assert sign_in(client, username, "tsunagu-demo-2026").status_code == 302
        assert client.get("/").status_code == 200


def test_new_desks_require_a_second_factor_by_default(db):
    desk = Desk.objects.create(slug="new", name="新しい窓口", kind="municipal", prefecture="岐阜県")
    assert desk.require_second_factor is True


def test_tokens_listed_on_the_account_page_with_their_state(counsellor, web):
    token_create(user=counsellor, name="集計用", scope=ApiToken.Scope.READ)
    page = web(counsellor).get("/account/").content.decode()
    assert "集計用" in page and "読み取りのみ" in page


def test_the_account_page_reads_in_english_too(counsellor, web):
    client = web(counsellor)
    client.cookies["django_language"] = "en"
    page = client.get("/account/").content.decode()
    assert "Sign out everywhere" in page and "API tokens" in page


def test_a_change_of_rights_gives_each_open_session_a_new_id(counsellor, other_desk):
    client = Client()
    sign_in(client, "owner")
    assert client.get("/").status_code == 200
    before = client.session.session_key

    MembershipFactory(user=counsellor, desk=other_desk, role=Membership.Role.SUPERVISOR)
    assert client.get("/").status_code == 200

    after = client.session.session_key
    assert after != before
    assert UserSession.objects.filter(user=counsellor, session_key=after).exists()
    assert client.get("/").status_code == 200 and client.session.session_key == after


def test_becoming_an_administrator_gives_the_session_a_new_id(counsellor):
    client = Client()
    sign_in(client, "owner")
    client.get("/")
    before = client.session.session_key

    user = User.objects.get(pk=counsellor.pk)
    user.is_staff = True
    user.second_factor_exempt = True
    user.save()
    client.get("/")

    assert client.session.session_key != before
