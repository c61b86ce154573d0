"""Browser tests: Playwright driving the system's Chromium against ``live_server``.

Playwright's own browser download does not work on machines without internet access, so
these tests use the Chromium installed from the distribution (``CHROMIUM_PATH``, default
``/usr/bin/chromium``) and are skipped, with the reason printed, where it is absent.

Mark browser tests ``django_db(transaction=True, serialized_rollback=True)``: the live server
needs committed data, and the rollback restores what the data migrations seeded (catalogue,
rules) after each test flushes the tables.
"""

import os
from pathlib import Path

import pytest

from tests.functional.chromium import CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but Chromium is not at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "functional" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to
    # run beside it, though the loop only ever drives the browser.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        # With the loop running, Django hands this thread new connection objects, which lack
        # the snapshot that serialized_rollback restores after each test's flush.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Sign in through the real login form."""

    def do_login(username, password="correct-horse-battery"):
        page.goto(page.base_url + "/login/")
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(page.base_url + "/")

    return do_login
