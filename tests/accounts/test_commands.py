import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, Desk, Membership, User
from catalogue.models import Service


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stdin(monkeypatch):
    def feed(text):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def test_staff_add_creates_a_counsellor_with_the_password_from_stdin(desk, stdin):
    stdin("a-long-secret-passphrase\n")
    output = run(
        "staff",
        "add",
        "tanaka",
        "--desk",
        "gifu-city",
        "--role",
        "counsellor",
        "--email",
        "t@example.jp",
    )

    user = User.objects.get(username="tanaka")
    assert user.check_password("a-long-secret-passphrase")
    assert user.email == "t@example.jp"
    assert Membership.objects.get(user=user).role == "counsellor"
    assert "gifu-city" in output


def test_staff_add_gives_an_existing_user_a_second_desk(desk, school_desk, stdin):
    stdin("a-long-secret-passphrase\n")
    run("staff", "add", "sato", "--desk", "gifu-city", "--role", "supervisor")
    stdin("a-long-secret-passphrase\n")
    run("staff", "add", "sato", "--desk", "gifu-hs", "--role", "supervisor")

    assert set(
        Membership.objects.filter(user__username="sato").values_list("desk__slug", flat=True)
    ) == {"gifu-city", "gifu-hs"}


def test_staff_add_refuses_an_unknown_desk_in_japanese(db, stdin):
    stdin("a-long-secret-passphrase\n")
    with pytest.raises(CommandError, match="デスク「nowhere」はありません"):
        run("staff", "add", "tanaka", "--desk", "nowhere", "--role", "counsellor")
    assert not User.objects.filter(username="tanaka").exists()


def test_staff_add_refuses_an_unknown_role(desk, stdin):
    stdin("a-long-secret-passphrase\n")
    with pytest.raises(CommandError, match="役割「boss」はありません"):
        run("staff", "add", "tanaka", "--desk", "gifu-city", "--role", "boss")


def test_staff_add_refuses_a_weak_password(desk, stdin):
    stdin("123\n")
    with pytest.raises(CommandError, match="短すぎ"):
        run("staff", "add", "tanaka", "--desk", "gifu-city", "--role", "counsellor")
    assert not User.objects.filter(username="tanaka").exists()


def test_staff_token_prints_a_new_write_token_valid_for_90_days(counsellor):
    first = run("staff", "token", "owner").strip()
    second = run("staff", "token", "owner").strip()

    assert len(first) == 40 and first != second
    token = ApiToken.objects.get(digest=ApiToken.digest_of(first))
    assert token.user == counsellor and token.scope == ApiToken.Scope.WRITE
    lifetime = token.expires_at - token.created_at
    assert datetime.timedelta(days=89, hours=23) < lifetime <= datetime.timedelta(days=90)
    # Only a digest is stored: the key itself is nowhere in the table.
    assert not ApiToken.objects.filter(digest=first).exists()
    assert first not in str(list(ApiToken.objects.values()))


def test_staff_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="職員「ghost」はいません"):
        run("staff", "token", "ghost")


def test_loaddemo_is_idempotent(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = run("loaddemo")
    counts = (
        User.objects.count(),
        Desk.objects.count(),
        Membership.objects.count(),
        Service.objects.count(),
    )
    second = run("loaddemo")

    assert "tsunagu-demo-2026" in first
    assert "tsunagu-demo-2026" not in second
    assert counts == (
        User.objects.count(),
        Desk.objects.count(),
        Membership.objects.count(),
        Service.objects.count(),
    )
    supervisor = User.objects.get(username="demo-supervisor")
    assert set(supervisor.memberships.values_list("desk__slug", "role")) == {
        ("gifu-city", "supervisor"),
        ("gifu-hs", "supervisor"),
    }
    assert Desk.objects.get(slug="gifu-hs").kind == "school"
    assert User.objects.get(username="demo-admin").is_superuser


def test_loaddemo_takes_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    run("loaddemo")
    assert User.objects.get(username="demo-counsellor").check_password("another-demo-password")
