"""The layers of pyproject.toml's import contract hold, and the contract really catches a break.

The second test copies the apps into a temporary folder, adds one upward import (the
catalogue reaching up into cases) and checks that import-linter refuses it and names it, so a
contract that had silently stopped checking anything would fail here.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("config", "core", "audit", "accounts", "catalogue", "triage", "cases", "referrals")
PACKAGES += ("deadlines", "transfers", "stats", "retention", "reminders")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed in this environment"
)


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_import_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    selectors = tmp_path / "catalogue" / "selectors.py"
    selectors.write_text(selectors.read_text() + "\nfrom cases.models import Case  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "catalogue.selectors -> cases.models" in result.stdout
