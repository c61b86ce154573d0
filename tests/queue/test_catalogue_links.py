"""The weekly link check, run by a real worker against a local HTTP server."""

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalogue.links import link_check_run
from catalogue.models import LinkCheckRun, Organization, Service
from catalogue.tasks import check_links
from tests.queue.conftest import Worker, child_environment, free_port, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Site(BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/ok")
        elif self.path in ("/ok", "/slow"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", free_port(8700)), Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def windows(urls: dict[str, str]) -> None:
    """Leave only the given windows with a web site, so nothing here reaches the internet."""
    Service.objects.update(url="")
    organization = Organization.objects.create(slug="test-org", name="テスト団体")
    for slug, url in urls.items():
        Service.objects.create(
            slug=slug,
            name=slug,
            organization=organization,
            description="確認用",
            scope=Service.Scope.NATIONAL,
            url=url,
            last_verified=datetime.date(2026, 11, 1),
        )


def test_the_worker_marks_a_404_a_timeout_and_reports_a_redirect(
    site, broker, worker_env, tmp_path
):
    windows(
        {
            "fine": f"{site}/ok",
            "gone": f"{site}/missing",
            "slow": f"{site}/slow",
            "moved": f"{site}/moved",
        }
    )
    worker = Worker(
        child_environment(**worker_env, LINK_CHECK_TIMEOUT_SECONDS=1), tmp_path / "worker.log"
    )
    worker.start()
    try:
        check_links.delay()
        wait_for(
            lambda: LinkCheckRun.objects.filter(finished_at__isnull=False).exists(),
            timeout=60,
            what="the link check to finish",
        )
    finally:
        worker.stop()

    found = {s.slug: (s.link_status, s.link_detail) for s in Service.objects.exclude(url="")}
    assert found == {
        "fine": ("ok", ""),
        "gone": ("broken", "HTTP 404"),
        "slow": ("down", "1秒以内に応答がありません"),
        "moved": ("redirected", f"転送先: {site}/ok"),
    }
    run = LinkCheckRun.objects.get()
    assert (run.offline, run.checked, run.failed) == (False, 4, 2)


def test_a_server_that_cannot_reach_out_says_so_once_and_marks_nothing(db, settings):
    settings.LINK_CHECK_TIMEOUT_SECONDS = 1
    closed = free_port(8800)
    windows({"a": f"http://127.0.0.1:{closed}/", "b": "http://tsunagu-test.invalid/"})

    run = link_check_run()

    assert run.offline is True
    assert "接続できませんでした" in run.message
    assert set(Service.objects.values_list("link_status", flat=True)) == {"unchecked"}


def test_a_broken_link_never_keeps_a_window_from_being_suggested(db, settings):
    from triage.engine import Intake, forget_ruleset, suggest

    Service.objects.filter(slug="ihaho").update(link_status="broken", link_detail="HTTP 404")
    forget_ruleset()

    result = suggest(Intake(situation="victim", wishes=frozenset({"unsure"})))
    assert "ihaho" in [s.service.slug for s in result.suggestions]
