"""The deployed server, as a person reaches it: every page, each role, and the headers.

Runs against gunicorn with DEBUG=false and the manifest-stored static files (bin/prod-stack),
which the functional suite's live server never uses.
"""

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.deployed.stack import ROOT
from tests.functional.walk import MUST_REACH, walk_site

ROLES = [
    ("demo-counsellor", "counsellor"),
    ("demo-school", "counsellor"),
    ("demo-supervisor", "supervisor"),
    ("demo-admin", "admin"),
]


def fetch(url: str, headers: dict[str, str] | None = None):
    """GET a URL and return the response, whatever its status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        return urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


@pytest.mark.parametrize(("username", "role"), ROLES)
def test_every_page_loads_from_this_origin_alone_without_csp_violations(
    browser, base_url, stack, demo_password, username, role
):
    web_log = Path(stack["PROD_LOG_DIR"]) / "web.log"
    log_start = web_log.stat().st_size

    walk = walk_site(browser, base_url, username, demo_password, role)

    missed = MUST_REACH[role] - set(walk.visited)
    assert not missed, f"{username} never reached {sorted(missed)}; visited {sorted(walk.visited)}"
    assert walk.problems() == []
    time.sleep(0.5)  # a report the browser sent as the walk ended is still on its way
    with open(web_log, "rb") as log:
        log.seek(log_start)
        reported = [line for line in log.read().decode().splitlines() if "CSP violation" in line]
    assert reported == []


def test_pages_and_api_answers_are_never_stored_but_static_files_are_cached_for_good(
    base_url, api_target
):
    page = fetch(base_url + "/login/")
    api = fetch(base_url + "/api/v1/cases/", api_target.counsellor_headers)
    html = page.read().decode()
    stylesheet = re.search(r'href="(/static/css/tsunagu\.[0-9a-f]{12}\.css)"', html)

    for response in (page, api):
        assert response.status == 200
        assert {"no-store", "private"} <= set(re.split(r",\s*", response.headers["Cache-Control"]))
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]
    assert stylesheet, "the page links no hashed stylesheet: the manifest storage is not in use"
    static = fetch(base_url + stylesheet.group(1), {"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert "immutable" in static.headers["Cache-Control"]
    assert static.headers["Content-Encoding"] == "gzip"


def test_it_runs_with_debug_off_and_every_service_answering(base_url):
    missing = fetch(base_url + "/no-such-page/")
    health = fetch(base_url + "/healthz")

    assert missing.status == 404
    assert "URLconf" not in missing.read().decode(), "a debug page: DEBUG is on"
    assert health.status == 200
    report = json.loads(health.read())
    assert report["broker"]["ok"] and report["relay"]["ok"]


def test_the_one_beat_keeps_its_schedule_as_the_health_check_expects(stack):
    """compose's health check for beat (bin/beat-healthy) passes against a running beat."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "beat-healthy"), stack["PROD_BEAT_SCHEDULE"], "600"],
        capture_output=True,
        text=True,
    )

    assert check.returncode == 0, check.stderr
