"""Drive many intake writers at once against the embedded default: SQLite behind `make run`'s server.

Builds a fresh SQLite database with the demo data in a temporary folder, starts the web server
the way ``bin/run-embedded`` does (gunicorn, ``EMBEDDED_WORKERS`` workers) on a free port, and
has ``--writers`` threads each POST intakes to ``/api/v1/cases/`` for ``--seconds``. Prints
the intakes stored per second, the p50/p95 latency and every answer that was not a 201 (a
``database is locked`` would be a 500). ``--runserver`` serves with Django's threaded
development server instead, for comparison.

    .venv/bin/python bench/embedded_writers.py [--writers 60] [--seconds 20] [--runserver]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
INTAKE = {
    "situation": "victim",
    "wishes": ["delete"],
    "categories": ["defamation"],
    "flags": [],
    "age_band": "16_18",
    "summary": "SNSに悪口を書かれた。",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runserver", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tsunagu-embedded-") as folder:
        env = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
        }
        env.update(TSUNAGU_VAR_DIR=folder, LOG_LEVEL="WARNING")
        run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
        subprocess.run([PY, "manage.py", "migrate", "--no-input"], **run)
        subprocess.run([PY, "manage.py", "loaddemo"], **run)
        token = subprocess.run(
            [PY, "manage.py", "staff", "token", "demo-counsellor"], text=True, **run
        ).stdout.split()[-1]
        port = free_port()
        if args.runserver:
            command = [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        else:
            command = ["bin/serve"]
            env.update(
                BIND=f"127.0.0.1:{port}",
                WEB_CONCURRENCY=os.environ.get("EMBEDDED_WORKERS", "2"),
                PY=PY,
            )
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            statuses: Counter = Counter()
            latencies: list[float] = []
            lock = threading.Lock()
            stop_at = time.monotonic() + args.seconds
            body = json.dumps(INTAKE).encode()

            def writer() -> None:
                while time.monotonic() < stop_at:
                    request = urllib.request.Request(
                        base + "/api/v1/cases/",
                        data=body,
                        headers={
                            "Authorization": f"Token {token}",
                            "Content-Type": "application/json",
                        },
                    )
                    started = time.monotonic()
                    try:
                        with urllib.request.urlopen(request, timeout=60) as response:
                            status = response.status
                    except urllib.error.HTTPError as error:
                        status = error.code
                    except OSError as error:
                        status = error.__class__.__name__
                    with lock:
                        statuses[status] += 1
                        latencies.append(time.monotonic() - started)

            threads = [threading.Thread(target=writer) for _ in range(args.writers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=20)
    served = "runserver" if args.runserver else "gunicorn (bin/run-embedded)"
    cuts = statistics.quantiles(latencies, n=20)
    print(
        f"{served}, {args.writers} writers for {args.seconds:.0f} s: "
        f"{statuses[201]} intakes stored ({statuses[201] / args.seconds:.1f}/s), "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {cuts[18] * 1000:.0f} ms, "
        f"answers {dict(statuses)}"
    )
    return 0 if set(statuses) == {201} else 1


if __name__ == "__main__":
    sys.exit(main())
