"""After the sweep's own VACUUM and checkpoint, a shredded summary is not in the SQLite file."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.retention.conftest import MARKER

ROOT = Path(__file__).resolve().parents[2]

SEED = f"""
import datetime
from django.utils import timezone
from accounts.models import Desk, Membership, User
from cases import services
desk = Desk.objects.create(slug="d", name="D", kind="municipal", prefecture="岐阜県")
user = User.objects.create_user("c")
Membership.objects.create(user=user, desk=desk, role="counsellor")
when = timezone.now() - datetime.timedelta(days=400)
for n in range(20):
    case = services.case_open(desk=desk, opened_by=user, situation="victim",
        wishes=["delete"], categories=["defamation"], summary="中傷された。{MARKER}")
    services.note_add(case=case, by=user, body="確認した。{MARKER}")
    services.case_close(case=case, by=user, reason="resolved", now=when)
"""


def manage(var: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TSUNAGU_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


def file_bytes(var: Path) -> bytes:
    return b"".join(p.read_bytes() for p in var.glob("tsunagu.sqlite3*"))


def test_a_shredded_marker_is_not_in_the_sqlite_file_after_the_sweep(tmp_path):
    manage(tmp_path, "migrate", "--no-input")
    manage(tmp_path, "shell", "-c", SEED)
    manage(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')",
    )
    marker = MARKER.encode()
    assert marker in file_bytes(tmp_path)
    # A web process keeps the database open, so closing the sweep's connection does not
    # checkpoint and remove the WAL: the sweep must do it itself.
    web = sqlite3.connect(tmp_path / "tsunagu.sqlite3")
    try:
        web.execute("SELECT count(*) FROM django_migrations").fetchone()
        out = manage(tmp_path, "retention").stdout
        assert "20" in out
        assert marker not in file_bytes(tmp_path)
    finally:
        web.close()
