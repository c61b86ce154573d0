"""The real parts for queue tests: our own redis-server, an SMTP sink and a Celery worker subprocess.

No eager mode and no mocked SMTP here. Each test starts its own ``redis-server`` on a free
port, an aiosmtpd server that records every Message-ID it accepts, and a real
``celery worker`` process that reaches the test database through ``DATABASE_URL``.

The worker runs in another process, so the test database must be one it can open:
PostgreSQL's ``test_<name>`` database, or — on SQLite — a file instead of pytest-django's
default in-memory database. When these tests are collected the whole session's SQLite test
database is therefore a file under a temporary folder.

These tests are marked ``redis`` and skipped, with the reason, only where ``redis-server``
is not installed; with ``REQUIRE_REDIS`` set they fail instead.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")
_SQLITE_DIR = tempfile.mkdtemp(prefix="tsunagu-queue-tests-")


def pytest_configure(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(Path(_SQLITE_DIR) / "test.sqlite3")


def pytest_unconfigure(config):
    shutil.rmtree(_SQLITE_DIR, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if REDIS_SERVER:
        return
    if os.environ.get("REQUIRE_REDIS"):
        raise pytest.UsageError("REQUIRE_REDIS is set but redis-server is not installed")
    skip = pytest.mark.skip(reason="redis-server is not installed: real-broker tests skipped")
    for item in items:
        if item.get_closest_marker("redis"):
            item.add_marker(skip)


def free_port(start: int = 6390) -> int:
    """Return the first port from ``start`` that nobody listens on.

    ``TEST_PORT_OFFSET`` moves every search, so that two suites run side by side (CI runs the
    SQLite and PostgreSQL suites at once) never probe the same ports.
    """
    start += int(os.environ.get("TEST_PORT_OFFSET", "0"))
    for port in range(start, start + 500):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def wait_for(condition, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def child_environment(**values) -> dict:
    """Return this process's environment without test-only switches, plus the given values."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **{k: str(v) for k, v in values.items()}}


class RedisServer:
    """A redis-server of our own, without persistence, that a test can stop and start again."""

    def __init__(self, directory: Path):
        self.port = free_port(6390)
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, timeout=10, what="redis-server to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def queue_length(self, queue: str = "celery") -> int:
        import redis

        return redis.Redis.from_url(self.url).llen(queue)


class Sink:
    """Collect what an aiosmtpd server accepts; optionally slow, optionally down."""

    def __init__(self):
        self.message_ids: list[str] = []
        self.bodies: list[bytes] = []
        self.delay = 0.0
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.message_ids.append(headers["Message-ID"])
            self.bodies.append(envelope.content)
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.message_ids)


class SmtpServer:
    def __init__(self):
        self.port = free_port(2600)
        self.sink = Sink()
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Worker:
    """A real ``celery worker`` subprocess in its own process group."""

    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.process = None

    def start(self) -> None:
        self.log.write_text("")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=60, what=f"the worker to be ready (log: {self.log})")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.log.read_text()[-3000:]}")
        return " ready." in self.log.read_text()

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


def database_url() -> str:
    """Return a DATABASE_URL naming the test database this process uses."""
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    user = config["USER"] or "postgres"
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    host = config["HOST"] or "127.0.0.1"
    port = config["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


# The worker's clock-driven settings are shortened so a test takes seconds, not minutes.
QUEUE_SETTINGS = {
    "REMINDER_LEASE_SECONDS": 5,
    "REMINDER_RETRY_BASE_SECONDS": 1,
    "REMINDER_RETRY_MAX_SECONDS": 2,
    "REMINDER_BATCH_SIZE": 5,
    "REMINDER_SWEEP_ON_START": "false",
}


@pytest.fixture
def queue_settings(settings):
    for name, value in QUEUE_SETTINGS.items():
        setattr(settings, name, value if isinstance(value, int) else False)
    return settings


@pytest.fixture
def worker_env(redis_server, smtp, tmp_path, queue_settings):
    return child_environment(
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=redis_server.url,
        EMAIL_URL=smtp.url,
        TSUNAGU_VAR_DIR=tmp_path / "var",
        **QUEUE_SETTINGS,
    )


@pytest.fixture
def worker(worker_env, tmp_path):
    process = Worker(worker_env, tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery app at the test's redis-server while the test runs."""
    from config.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.broker_url = redis_server.url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    reset_pools()
    yield redis_server
    app.conf.broker_url, app.conf.broker_transport_options = saved
    reset_pools()


@pytest.fixture
def sendreminders(worker_env):
    """Run ``manage.py sendreminders`` in its own process, as cron or an operator would."""

    def run(*args, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "sendreminders", *args],
            cwd=ROOT,
            env=worker_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
