"""Run the API's Schemathesis check with the full count of examples, on SQLite and PostgreSQL.

    .venv/bin/python bench/conformance.py                      # SQLite and PostgreSQL, 100
    .venv/bin/python bench/conformance.py --examples 200 --database sqlite

CI runs tests/api/test_conformance.py with a stated smaller ``SCHEMATHESIS_EXAMPLES`` (see
.ci/run) to stay inside its time budget; this runs the same test with the full count (100 per
operation and phase, the test's own default), once per database, and prints for each the
requests sent, the time taken and the test's outcome. The run is derandomized, so a count
sends the same requests every time. The exit code is non-zero when a run fails.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = "tests/api/test_conformance.py"
POSTGRES = "postgres://postgres@127.0.0.1:5432/tsunagu_bench_conformance"


def run(database: str, url: str | None, examples: int) -> bool:
    env = {**os.environ, "SCHEMATHESIS_EXAMPLES": str(examples)}
    env.pop("DATABASE_URL", None)
    env.pop("SCHEMATHESIS_BASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", CONFORMANCE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    sent = re.search(r"Schemathesis: (\d+) generated requests \(([^)]*)\)", done.stdout)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)"
    print(
        f"{database:<10} {examples} examples: "
        f"{sent.group(1) if sent else '?'} requests ({sent.group(2) if sent else '?'}) "
        f"in {took:.0f} s — {summary}"
    )
    if done.returncode:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
    return done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), action="append", help="default: both"
    )
    parser.add_argument("--postgres-url", default=POSTGRES)
    arguments = parser.parse_args()
    wanted = arguments.database or ["sqlite", "postgresql"]
    results = [
        run(name, arguments.postgres_url if name == "postgresql" else None, arguments.examples)
        for name in wanted
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
