import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import settings as config_settings

ROOT = Path(__file__).resolve().parents[2]


def environment(**values) -> dict:
    """Return this process's environment without test-only switches, plus the given values."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **values}


def test_database_defaults_to_sqlite_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = config_settings.database_from_env()
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://tsunagu:pw@db.internal:5432/tsunagu")
    database = config_settings.database_from_env()
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "tsunagu",
        "tsunagu",
    )


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/x", "not a url", "postgres://localhost:port/x", "postgres://h/"]
)
def test_a_malformed_database_url_is_a_configuration_error(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured):
        config_settings.database_from_env()


def test_email_url_selects_smtp(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "submission://mailer:s%40cret@smtp.example.jp")
    email = config_settings.email_from_env()
    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (email["EMAIL_HOST"], email["EMAIL_PORT"], email["EMAIL_USE_TLS"]) == (
        "smtp.example.jp",
        587,
        True,
    )
    assert email["EMAIL_HOST_PASSWORD"] == "s@cret"


def test_email_defaults_to_files_under_var(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    email = config_settings.email_from_env()
    assert email["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert str(email["EMAIL_FILE_PATH"]).endswith("mail")


def test_manage_py_explains_a_malformed_database_url_without_a_traceback():
    env = environment(DATABASE_URL="mysql://root@localhost/x")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = environment(
        DEBUG="false",
        SECRET_KEY="x" * 64 + "-production-like-secret-for-the-check",
        AUDIT_KEY="a" * 48,
        ALLOWED_HOSTS="tsunagu.example.jp",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = environment(DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="x.example.jp")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr
