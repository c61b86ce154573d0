"""Every page, as each demo role, loads from this origin alone and breaks no part of the CSP."""

import io
import logging
import time

import pytest
from django.core.management import call_command

from accounts.demo import DEFAULT_DEMO_PASSWORD
from tests.functional.axe import axe_violations
from tests.functional.walk import MUST_REACH, Walk, walk_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROLES = [
    ("demo-counsellor", "counsellor"),
    ("demo-school", "counsellor"),
    ("demo-supervisor", "supervisor"),
    ("demo-admin", "admin"),
]


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("loaddemo", stdout=io.StringIO())


@pytest.fixture
def csp_reports(caplog):
    """The violations the report endpoint received while the test ran."""
    caplog.set_level(logging.WARNING, logger="tsunagu.csp")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "tsunagu.csp"]


def test_every_page_loads_from_this_origin_alone_without_csp_or_accessibility_violations(
    browser, live_server, demo, csp_reports
):
    failures = {}
    for username, role in ROLES:
        walk = walk_site(
            browser,
            live_server.url,
            username,
            DEFAULT_DEMO_PASSWORD,
            role,
            check_page=axe_violations,
        )
        missed = MUST_REACH[role] - set(walk.visited)
        problems = walk.problems() + [f"never reached {route}" for route in sorted(missed)]
        if len(walk.requests) <= len(walk.visited):
            problems.append("the walk saw no requests besides the pages")
        if problems:
            failures[username] = problems

    assert failures == {}
    assert csp_reports() == []


def test_a_violation_is_seen_by_the_page_and_reported_to_the_endpoint(
    browser, live_server, csp_reports
):
    """The two witnesses the walk relies on do see a violation when there is one."""
    walk = Walk(origin=live_server.url)
    context = browser.new_context()
    try:
        walk.watch(context)
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        page.evaluate(
            """() => {
              const img = document.createElement("img");
              img.src = "https://images.example.invalid/tracker.png";
              document.body.append(img);
              const style = document.createElement("style");
              style.textContent = "body { color: red; }";
              document.head.append(style);
            }"""
        )
        # Both witnesses are asynchronous: the page's events reach the walk through a binding,
        # the reports reach the server through the network, in either order.
        deadline = time.monotonic() + 10
        while (len(csp_reports()) < 2 or len(walk.violations) < 2) and (
            time.monotonic() < deadline
        ):
            page.wait_for_timeout(100)
    finally:
        context.close()

    assert {v["directive"] for v in walk.violations} == {"img-src", "style-src-elem"}
    assert walk.foreign == ["https://images.example.invalid/tracker.png"]
    assert walk.failed[walk.foreign[0]] == "csp", "the policy let the browser ask another origin"
    reports = csp_reports()
    assert any("img-src blocked https://images.example.invalid/tracker.png" in r for r in reports)
    assert any("style-src-elem blocked inline on" in r for r in reports)
