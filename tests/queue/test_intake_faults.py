"""Intakes while PostgreSQL terminates the web tier's connections: retried, never duplicated.

gunicorn (``bin/serve``, two workers) serves the test database; twelve clients record intakes,
each with its own ``Idempotency-Key`` and sending it again after a 500 or a lost connection,
and four read the catalogue, while another connection terminates every backend of the web
tier (``application_name`` ``tsunagu-web``) every two seconds. Afterwards: every client learned
its case, no case was stored twice or without its client knowing it, and no request that had
not yet written — the catalogue reads — got a server error.
"""

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

import pytest
from django.db import connection

from accounts.models import Membership, User
from cases.models import Case
from tests.queue.conftest import ROOT, child_environment, database_url, free_port, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KILL_EVERY = 2.0  # seconds: longer than any request here, which is retried once only
KILL_ROUNDS = 3  # writers keep going until the web tier has lost its connections this often
WRITE_FOR_AT_MOST = 120.0  # seconds
INTAKE = {"situation": "victim", "wishes": ["delete"], "categories": ["defamation"]}
WRITERS, INTAKES_EACH, READERS = 12, 10, 4


@pytest.fixture
def web(desk):
    if connection.vendor != "postgresql":
        pytest.skip("terminates PostgreSQL backends: run with DATABASE_URL=postgres://…")
    from accounts.services import token_create

    user = User.objects.create(username="intake-load", email="load@example.jp")
    Membership.objects.create(user=user, desk=desk, role=Membership.Role.COUNSELLOR)
    _token, token = token_create(user=user, name="intake load", scope="write")
    port = free_port(8300)
    env = child_environment(
        DATABASE_URL=database_url(),
        PGAPPNAME="tsunagu-web",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=2,
        LOG_LEVEL="WARNING",
        # One token sends the whole load, far beyond what a person at a desk would: the
        # per-token limits are tested in tests/accounts/test_tokens.py.
        API_THROTTLE_READ="100000/min",
        API_THROTTLE_WRITE="100000/min",
        PY=os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python")),
    )
    server = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return urllib.request.urlopen(base + "/healthz", timeout=2).status == 200
        except OSError:
            return False

    wait_for(answers, timeout=60, what="gunicorn to answer")
    yield base, token, user
    server.terminate()
    server.wait(timeout=20)


def call(base: str, token: str, path: str, body: dict | None = None, key: str | None = None):
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return "lost", None


def test_terminated_connections_under_intake_load_lose_and_duplicate_nothing(web):
    base, token, user = web
    stop = threading.Event()
    answers: Counter = Counter()
    read_answers: Counter = Counter()
    learned: dict[str, str] = {}
    lock = threading.Lock()
    kills = 0
    rounds = 0
    issued: list[str] = []

    def killer() -> None:
        nonlocal kills, rounds
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=settings["USER"] or "postgres",
            password=settings["PASSWORD"] or None,
            dbname=settings["NAME"],
            autocommit=True,
        ) as admin:
            while not stop.wait(KILL_EVERY):
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'tsunagu-web'"
                ).fetchall()
                kills += len(rows)
                rounds += 1 if rows else 0

    started = time.monotonic()

    def writing() -> bool:
        # A fast machine records the first hundred intakes before the first kill: the load goes
        # on until connections were terminated under it, so the test never passes untested.
        return rounds < KILL_ROUNDS and time.monotonic() - started < WRITE_FOR_AT_MOST

    def writer() -> None:
        written = 0
        while written < INTAKES_EACH or writing():
            written += 1
            key = uuid.uuid4().hex
            with lock:
                issued.append(key)
            for _attempt in range(10):
                status, body = call(base, token, "/api/v1/cases/", INTAKE, key)
                with lock:
                    answers[status] += 1
                if status == 201:
                    with lock:
                        learned[key] = body["reference"]
                    break
                time.sleep(0.1)

    def reader() -> None:
        while not stop.is_set():
            status, _body = call(base, token, "/api/v1/catalogue/services/?page=1")
            with lock:
                read_answers[status] += 1

    background = [threading.Thread(target=killer)] + [
        threading.Thread(target=reader) for _ in range(READERS)
    ]
    writers = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in background + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in background:
        thread.join()

    print(
        f"kills {kills} in {rounds} rounds, intake answers {dict(answers)}, catalogue reads {dict(read_answers)}"
    )
    assert rounds >= KILL_ROUNDS, "the web tier lost its connections under load"
    assert set(learned) == set(issued), "every client learned its case"
    stored = set(Case.objects.filter(opened_by=user).values_list("reference", flat=True))
    assert stored == set(learned.values()), "no case stored twice or without its client"
    assert read_answers[500] == 0, "a request that had not written never got a server error"
