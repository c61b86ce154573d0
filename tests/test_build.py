"""The image is built by bin/build, and its static files survive compose's volume on var/."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def settings_value(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"STATIC_ROOT", "TSUNAGU_VAR_DIR"}}
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_static_root_comes_from_the_environment_and_defaults_under_var(tmp_path):
    assert settings_value("STATIC_ROOT", STATIC_ROOT=str(tmp_path / "s")) == str(tmp_path / "s")
    assert settings_value("STATIC_ROOT", TSUNAGU_VAR_DIR=str(tmp_path)) == str(tmp_path / "static")


def test_the_image_builds_with_bin_build_into_a_static_root_outside_var():
    static_root = re.search(r"STATIC_ROOT=(\S+)", DOCKERFILE)

    assert "RUN bin/build" in DOCKERFILE
    assert static_root and not static_root.group(1).startswith("/app/var")
    assert os.access(ROOT / "bin" / "build", os.X_OK)


def test_the_image_serves_with_gunicorn_through_bin_serve():
    assert re.search(r'^CMD \["bin/serve"\]$', DOCKERFILE, re.M)
    assert "gunicorn" in (ROOT / "bin" / "serve").read_text()
