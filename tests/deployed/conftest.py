"""Tests against a running deployment (bin/prod-stack in CI): see tests/deployed/stack.py."""

import os
from pathlib import Path

import pytest

from tests.deployed.stack import ApiTarget, deployed_api_target, deployed_url, stack_env
from tests.functional.chromium import CHROMIUM, CHROMIUM_ARGS

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(str(item.fspath)).parents]
    if not ours or deployed_url():
        return
    if os.environ.get("REQUIRE_DEPLOYED"):
        raise pytest.UsageError("REQUIRE_DEPLOYED is set but DEPLOYED_URL names no server")
    skip = pytest.mark.skip(reason="DEPLOYED_URL is not set: no deployment to test")
    for item in ours:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url() -> str:
    url = deployed_url()
    assert url
    return url


@pytest.fixture(scope="session")
def stack() -> dict[str, str]:
    """The running stack's environment (bin/prod-stack's stack.env), for its mail and logs."""
    try:
        return stack_env()
    except FileNotFoundError as error:
        if os.environ.get("REQUIRE_DEPLOYED"):
            pytest.fail(str(error))
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or "tsunagu-demo-2026"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"the deployed tests drive Chromium, which is not at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def api_target() -> ApiTarget:
    """The live API, its schema and credentials: the hook for a run over the whole API."""
    return deployed_api_target()
