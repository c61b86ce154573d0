"""Drive the live personal-data check as twenty counsellors typing at once, against gunicorn.

    .venv/bin/python bench/live_check.py [--typists 20] [--seconds 30] [--workers 3]
                                        [--database-url postgres://…] [--redis-url redis://…]

Starts gunicorn on 127.0.0.1 with DEBUG=false, as it is deployed, on a throwaway SQLite
database (or the one given, which it migrates and fills) with the demo data and static
files collected into a temporary directory. Each typist is a counsellor of its own who signs
in (session cookie and CSRF token, as the browser has them) and then, every 300 ms, posts
the summary typed so far to /cases/pii-check/: a narrative of the annotated corpus, a few
characters longer each time. Prints the p50, p95 and worst answer times and how many
requests were answered 429 (the rate limit) or anything else but 200. Targets: p95 ≤ 200 ms
and no 429. Every request goes to 127.0.0.1 only; the run is bounded by --seconds.
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cases.pii_corpus import CORPUS  # noqa: E402

INTERVAL = 0.3
CHARACTERS_PER_KEYSTROKE_BURST = 3
P95_TARGET_MS = 200.0
FLOOD = 30
PASSWORD = "typist-" + secrets.token_urlsafe(12)
DESK = "gifu-city"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--typists", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (bin/serve: 3)")
    parser.add_argument("--database-url", default="", help="default: a throwaway SQLite file")
    parser.add_argument("--redis-url", default="", help="default: the database cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tsunagu-live-check-") as scratch:
        env = server_env(args, Path(scratch))
        prepare(env, args.typists)
        port = free_port()
        server = start_gunicorn(env, port, args.workers)
        try:
            wait_until_up(port)
            return drive(port, args.typists, args.seconds)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def server_env(args, scratch: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        TSUNAGU_VAR_DIR=str(scratch),
        DATABASE_URL=args.database_url or f"sqlite:///{scratch}/tsunagu.sqlite3",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def manage(env: dict[str, str], *arguments: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(env: dict[str, str], typists: int) -> None:
    """Migrate, load the demo, collect the static files and make one counsellor per typist."""
    manage(env, "migrate", "--no-input")
    manage(env, "loaddemo")
    manage(env, "collectstatic", "--no-input")
    manage(
        env,
        "shell",
        "-c",
        "import sys\n"
        "from accounts.services import staff_add\n"
        f"for n in range({typists}):\n"
        f"    staff_add(username=f'bench-typist-{{n:02d}}', desk_slug='{DESK}',\n"
        "              role='counsellor', password=sys.stdin.readline().strip(), validate=False)\n",
        stdin=f"{PASSWORD}\n" * typists,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = request(port, "GET", "/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer on 127.0.0.1 within a minute")


def request(port: int, method: str, path: str, *, body: str = "", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body.encode(), headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


class Typist:
    """One counsellor: signs in, then sends the growing summary every 300 ms."""

    def __init__(self, port: int, number: int):
        self.port = port
        self.username = f"bench-typist-{number:02d}"
        self.cookies: dict[str, str] = {}
        corpus = "".join(text for text, _expected in CORPUS)
        start = (number * 997) % len(corpus)
        self.text = (corpus[start:] + corpus)[:4000]
        self.timings: list[float] = []
        self.statuses: list[int] = []

    def _remember(self, headers) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def _headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        return {
            "Cookie": cookie,
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",
        }

    def sign_in(self) -> None:
        status, headers, body = request(self.port, "GET", "/login/")
        self._remember(headers)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        form = urllib.parse.urlencode(
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
            }
        )
        status, headers, _body = request(
            self.port, "POST", "/login/", body=form, headers=self._headers()
        )
        self._remember(headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{self.username} could not sign in (HTTP {status})")

    def type(self, started: float, until: float) -> None:
        length, tick = 0, 0
        while True:
            due = started + tick * INTERVAL
            if due >= until:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            length = min(len(self.text), length + CHARACTERS_PER_KEYSTROKE_BURST)
            form = urllib.parse.urlencode({"summary": self.text[:length]})
            sent = time.perf_counter()
            status, _headers, _body = request(
                self.port, "POST", "/cases/pii-check/", body=form, headers=self._headers()
            )
            self.timings.append(time.perf_counter() - sent)
            self.statuses.append(status)
            tick += 1


def drive(port: int, count: int, seconds: float) -> int:
    typists = [Typist(port, number) for number in range(count)]
    for typist in typists:
        typist.sign_in()
    started = time.monotonic() + 0.5
    threads = [
        threading.Thread(
            target=typist.type, args=(started + number * INTERVAL / count, started + seconds)
        )
        for number, typist in enumerate(typists)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flood = [
        request(port, "POST", "/cases/pii-check/", body="summary=A", headers=typists[0]._headers())
        for _ in range(FLOOD)
    ]
    timings = sorted(t * 1000 for typist in typists for t in typist.timings)
    statuses = [status for typist in typists for status in typist.statuses]
    p95 = timings[int(len(timings) * 0.95) - 1]
    throttled = statuses.count(429)
    other = sum(1 for status in statuses if status not in (200, 429))
    print(
        f"{count} typists, one request each every {INTERVAL * 1000:.0f} ms for {seconds:g} s: "
        f"{len(statuses)} requests to /cases/pii-check/"
    )
    print(
        f"  p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
        f"max {timings[-1]:6.1f} ms"
    )
    print(f"  answered 429: {throttled}   other than 200 or 429: {other}")
    paused = sum(1 for status, _headers, _body in flood if status == 429)
    print(
        f"Afterwards one of them sent {FLOOD} requests back to back: {paused} answered 429 "
        "(the limit holds across the workers)"
    )
    met = p95 <= P95_TARGET_MS and throttled == 0 and other == 0
    print(
        f"Targets: p95 ≤ {P95_TARGET_MS:g} ms, no 429, every request 200 — "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
