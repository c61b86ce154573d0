"""Desk B subscribes to the feed another Tsunagu (A, its own database and process) publishes."""

import datetime
import functools
import json
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from catalogue.feeds import pending_change_decide, subscription_sync
from catalogue.hsds.export import service_document
from catalogue.models import Organization, PendingChange, Service, Subscription
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


class Instance:
    """Another installation: its own SQLite database, driven through manage.py."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.env = {
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": f"sqlite:///{directory / 'a.sqlite3'}",
            "TSUNAGU_VAR_DIR": str(directory / "var"),
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def publish(self, document: dict, feed: Path) -> None:
        source = self.directory / "window.json"
        source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        self.manage("hsds", "import", str(source))
        self.manage("hsds", "export", str(feed))


@pytest.fixture
def feed_dir(tmp_path):
    return tmp_path / "feed"


@pytest.fixture
def feed_server(feed_dir):
    feed_dir.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(feed_dir))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def prefecture_window(db):
    """A window A keeps: built here only for its HSDS document, then gone from B's database."""
    service = Service.objects.create(
        slug="gifu-pref-net-soudan",
        name="岐阜県 ネットトラブル相談",
        organization=Organization.objects.create(slug="gifu-pref", name="岐阜県"),
        description="県民のネットトラブルの相談を受け、削除の方法を助言します。",
        actions=["advice", "deletion_request"],
        categories=["defamation", "privacy", "bullying"],
        scope=Service.Scope.PREFECTURE,
        prefecture="岐阜県",
        last_verified=datetime.date(2026, 11, 20),
        source_url="https://www.pref.gifu.lg.jp/",
    )
    document = service_document(service)
    service.delete()
    Organization.objects.filter(slug="gifu-pref").delete()
    return document


def test_desk_b_receives_a_new_window_of_a_after_review(
    tmp_path, feed_dir, feed_server, prefecture_window, desk
):
    a = Instance(tmp_path)
    a.manage("migrate", "-v0")
    a.publish(prefecture_window, feed_dir)
    subscription = Subscription.objects.create(desk=desk, url=feed_server)

    subscription_sync(subscription=subscription)

    change = PendingChange.objects.get(subscription=subscription)
    assert (change.kind, change.name, change.status) == (
        "created",
        "岐阜県 ネットトラブル相談",
        "pending",
    )
    assert not Service.objects.filter(uuid=prefecture_window["id"]).exists()
    subscription.refresh_from_db()
    assert subscription.last_result == "ok"
    assert "1件が確認待ち" in subscription.last_message

    pending_change_decide(change=change, user=UserFactory(username="reviewer"), approve=True)

    window = Service.objects.get(uuid=prefecture_window["id"])
    assert (window.scope, window.prefecture, window.source_url) == (
        "prefecture",
        "岐阜県",
        "https://www.pref.gifu.lg.jp/",
    )
    subscription_sync(subscription=subscription)
    assert not PendingChange.objects.filter(status="pending").exists()

    a.publish({**prefecture_window, "name": "岐阜県 ネット相談窓口"}, feed_dir)
    subscription_sync(subscription=subscription)
    update = PendingChange.objects.get(status="pending")
    assert (update.kind, update.summary) == ("updated", "name")
    window.refresh_from_db()
    assert window.name == "岐阜県 ネットトラブル相談"


def test_a_rejected_change_never_reaches_the_catalogue(
    tmp_path, feed_dir, feed_server, prefecture_window, desk
):
    a = Instance(tmp_path)
    a.manage("migrate", "-v0")
    a.publish(prefecture_window, feed_dir)
    subscription = Subscription.objects.create(desk=desk, url=feed_server)
    subscription_sync(subscription=subscription)

    change = PendingChange.objects.get()
    pending_change_decide(change=change, user=UserFactory(username="reviewer"), approve=False)

    assert PendingChange.objects.get().status == "rejected"
    assert not Service.objects.filter(uuid=prefecture_window["id"]).exists()


def test_a_feed_that_cannot_be_read_is_reported_on_the_subscription(desk, feed_server):
    subscription = Subscription.objects.create(desk=desk, url=feed_server + "nothing-here/")

    subscription_sync(subscription=subscription)

    subscription.refresh_from_db()
    assert subscription.last_result == "failed"
    assert "読めません" in subscription.last_message
    assert subscription.last_synced_at is not None
