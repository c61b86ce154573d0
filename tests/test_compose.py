"""compose.yaml is something an operator can trust: pinned images, health checks, no open UI."""

import re
from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "compose.yaml"
MAILPIT_UI = 8025


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def resolved(value: str) -> str:
    """Resolve ${NAME:-default} to its default, as compose does when NAME is not set."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def long_running(services: dict) -> dict:
    return {name: s for name, s in services.items() if s.get("restart", "no") != "no"}


def test_every_image_is_pinned_to_a_version(services):
    for name, service in services.items():
        image = resolved(service["image"])
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned"


def test_every_long_running_service_has_a_health_check(services):
    running = long_running(services)
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(running)
    for name, service in running.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_the_mail_ui_is_published_on_the_loopback_only(services):
    for name, service in services.items():
        for port in service.get("ports", []):
            published = str(port)
            if published.endswith(f":{MAILPIT_UI}"):
                host = published.rsplit(":", 2)[0] if published.count(":") == 2 else ""
                assert host in ("127.0.0.1", "[::1]"), f"{name} publishes {published}"


def test_the_app_runs_on_a_read_only_root_filesystem(services):
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name].get("read_only") is True, name


def test_exactly_one_beat(services):
    beats = [name for name, s in services.items() if " beat" in str(s.get("command", ""))]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_only_migrate_connects_as_the_owner_and_it_grants_the_application_role(services):
    def user(name: str) -> str:
        url = resolved(services[name]["environment"]["DATABASE_URL"])
        return url.split("://", 1)[1].split(":", 1)[0]

    owner = services["postgres"]["environment"]["POSTGRES_USER"]
    assert user("migrate") == owner
    for name in ("web", "worker", "beat"):
        assert user(name) == "tsunagu_app", name
    command = " ".join(services["migrate"]["command"].split())
    assert "migrate --no-input && python manage.py audit grant tsunagu_app --create" in command
