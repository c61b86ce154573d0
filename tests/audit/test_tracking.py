"""Changes to accounts, memberships, the catalogue and the rules are recorded from anywhere."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import Membership
from audit.models import AuditEntry
from catalogue.models import Service
from tests.factories import UserFactory
from triage.models import SuggestionRule

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def changes(model: str):
    return AuditEntry.objects.filter(detail__model=model).order_by("id")


def test_a_change_to_a_membership_names_the_field_not_its_value(counsellor, admin_client):
    membership = counsellor.memberships.get()
    membership.role = Membership.Role.SUPERVISOR
    membership.save()
    entry = changes("accounts.membership").last()
    assert (entry.action, entry.detail["op"], entry.detail["fields"]) == (
        "change",
        "update",
        ["role"],
    )
    assert entry.desk_id == membership.desk_id
    assert "supervisor" not in str(entry.detail)


def test_a_password_change_is_recorded_as_the_word_password(counsellor):
    counsellor.set_password("another-long-passphrase")
    counsellor.save()
    entry = changes("accounts.user").last()
    assert entry.detail["fields"] == ["password"]
    assert counsellor.password not in str(entry.detail)


def test_a_sign_in_is_not_recorded_as_an_account_change(counsellor, client):
    from tests.conftest import PASSWORD

    counsellor.set_password(PASSWORD)
    counsellor.save()
    before = changes("accounts.user").count()
    assert client.post("/login/", {"username": "owner", "password": PASSWORD}).status_code == 302
    assert changes("accounts.user").count() == before


def test_a_change_made_on_a_page_names_the_user_and_the_channel(counsellor, web):
    response = web(counsellor).post(
        "/follow-ups/settings/", {"digest_weekday": 2, "digest_hour": 8}
    )
    assert response.status_code == 302
    entry = changes("accounts.user").last()
    assert (entry.actor, entry.via, entry.detail["op"]) == (counsellor, "web", "update")
    assert set(entry.detail["fields"]) == {"digest_weekday", "digest_hour"}


def test_catalogue_and_rule_changes_are_recorded(db):
    service = Service.objects.get(slug="ihaho")
    service.hours = "24時間"
    service.save()
    rule = SuggestionRule.objects.first()
    rule.weight = rule.weight + 1
    rule.save()
    assert "hours" in changes("catalogue.service").last().detail["fields"]
    assert "weight" in changes("triage.suggestionrule").last().detail["fields"]


def test_a_deleted_membership_is_recorded(counsellor):
    membership = counsellor.memberships.get()
    membership.delete()
    entry = changes("accounts.membership").last()
    assert (entry.action, entry.detail["op"]) == ("delete", "delete")


def test_a_new_account_made_by_a_command_is_recorded_as_a_command(desk):
    UserFactory(username="new-counsellor")
    entry = changes("accounts.user").last()
    assert (entry.detail["op"], entry.via, entry.actor) == ("create", "command", None)


def test_manage_py_refuses_to_start_without_an_audit_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="false", SECRET_KEY="s" * 60, AUDIT_KEY="", ALLOWED_HOSTS="x.example.jp")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "AUDIT_KEY" in result.stdout + result.stderr


def test_an_api_token_is_recorded_by_its_owner_never_by_its_key(counsellor):
    from accounts.services import token_create

    token, key = token_create(user=counsellor, name="集計用", scope="read")
    entry = changes("accounts.apitoken").last()
    assert entry.detail["op"] == "create"
    assert key not in str(entry.detail)
    assert token.digest not in str(entry.detail)
