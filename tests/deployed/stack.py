"""How the deployed tests reach the running stack (bin/prod-stack, or any deployment).

``DEPLOYED_URL`` names the server; without it the deployed tests are skipped (and fail
instead when ``REQUIRE_DEPLOYED`` is set, as in CI). ``DEPLOYED_STACK_ENV`` names the
environment file bin/prod-stack writes (default ``var/prod/stack.env``): with it the tests
run ``manage.py`` against the stack's database and broker, and read its mail and logs.
"""

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ENV_FILE = ROOT / "var" / "prod" / "stack.env"


def deployed_url() -> str | None:
    url = os.environ.get("DEPLOYED_URL", "").rstrip("/")
    return url or None


def stack_env() -> dict[str, str]:
    """Read the stack's environment file: KEY=value lines, values quoted for the shell."""
    path = Path(os.environ.get("DEPLOYED_STACK_ENV") or DEFAULT_ENV_FILE)
    if not path.exists():
        raise FileNotFoundError(f"no stack environment at {path}: is bin/prod-stack running?")
    env = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        if key:
            env[key] = " ".join(shlex.split(value))
    return env


def manage(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run manage.py against the stack, with the stack's own environment."""
    env = stack_env()
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [env.get("PY") or sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass(frozen=True)
class ApiTarget:
    """A live API to test from outside: its address, its schema and two users' credentials."""

    base_url: str
    schema_url: str
    counsellor_headers: dict[str, str]
    supervisor_headers: dict[str, str]


def deployed_api_target() -> ApiTarget:
    """Describe the deployed API for a run over all of it.

    This is where the Schemathesis run over the whole API against the live server plugs in:
    load the schema from ``schema_url`` with ``counsellor_headers`` (a demo counsellor's API
    token; ``supervisor_headers`` for the statistics) and test against ``base_url``. The
    ``api_target`` fixture of this folder returns the same.
    """
    url = deployed_url()
    if url is None:
        raise RuntimeError("DEPLOYED_URL is not set")

    def token_headers(username: str) -> dict[str, str]:
        done = manage("staff", "token", username)
        if done.returncode != 0:
            raise RuntimeError(f"staff token {username} failed: {done.stderr.strip()}")
        return {"Authorization": f"Token {done.stdout.strip()}"}

    return ApiTarget(
        base_url=url,
        schema_url=f"{url}/api/v1/schema/?format=json",
        counsellor_headers=token_headers("demo-counsellor"),
        supervisor_headers=token_headers("demo-supervisor"),
    )
