"""bin/backup and bin/restore on SQLite: a backup of an open database restores and checks."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_backup_taken_while_the_database_is_open_restores_and_passes_the_check(tmp_path):
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    source = {
        **base,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}",
        "PYTHON": sys.executable,
    }
    target = {
        **base,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "PYTHON": sys.executable,
    }
    assert run(sys.executable, "manage.py", "migrate", "--no-input", env=source).returncode == 0
    assert run(sys.executable, "manage.py", "loaddemo", env=source).returncode == 0
    # The product is running: a connection holds the database, with writes still in the WAL.
    web = sqlite3.connect(tmp_path / "source.sqlite3")
    try:
        web.execute("SELECT count(*) FROM cases_case").fetchone()
        done = run("bin/backup", str(tmp_path / "backup.sqlite3"), env=source)
        assert done.returncode == 0, done.stderr
    finally:
        web.close()
    restored = run("bin/restore", str(tmp_path / "backup.sqlite3"), env=target)
    assert restored.returncode == 0, restored.stderr
    assert "OK rollups" in restored.stdout
    cases = [
        sqlite3.connect(tmp_path / name).execute("SELECT count(*) FROM cases_case").fetchone()
        for name in ("source.sqlite3", "restored.sqlite3")
    ]
    assert cases[0] == cases[1] and cases[0][0] > 0
    again = run("bin/restore", str(tmp_path / "backup.sqlite3"), env=target)
    assert again.returncode != 0
    assert "restore into a new file" in again.stderr
