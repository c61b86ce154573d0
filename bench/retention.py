"""Shred and then delete a large number of closed cases while intakes keep coming in.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tsunagu_bench_retention \\
        .venv/bin/python bench/retention.py --cases 1000000

Seeds the cases with bench/seed.py (COPY), closes every one 30 days after it was opened with
a summary, then runs the retention sweep — as beat would, run after run — at two moments:
a year after the last closing (every summary is shredded) and five years after it (every
case is deleted). Meanwhile another process opens an intake through the service every few
milliseconds and watches its own backend in pg_stat_activity for lock waits. Prints the
sweep's rate per second, the intakes' latencies, the longest lock wait an intake had during
each phase next to a quiet baseline (target: at most 100 ms), and how long the sweep held the
audit chain's lock each time it took it. ``--phase-seconds``
stops each phase after that long, for a rate measured on the full table in bounded time; a
phase stopped early says so. Run again, it goes on where the last run stopped.
"""

import argparse
import datetime
import multiprocessing
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from accounts.models import Desk, User  # noqa: E402
from audit import chain  # noqa: E402
from bench.seed import bench_cast, seed_cases  # noqa: E402
from cases import services as case_services  # noqa: E402
from cases.models import Case  # noqa: E402
from retention.services import retention_sweep  # noqa: E402


def intake_loop(stop, results) -> None:
    """Open intakes one after another in its own process, timing each and its lock waits.

    A thread of the same process watches the intake's backend in pg_stat_activity every few
    milliseconds and measures each stretch it spends waiting for a lock.
    """
    connections.close_all()
    desk = Desk.objects.get(slug="bench-01")
    user = User.objects.get(username="bench-counsellor")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    waits: list[tuple[float, str]] = []
    watching = threading.Event()

    def watch() -> None:
        started: dict[object, tuple[float, str]] = {}
        with connections["default"].cursor() as cursor:
            while not watching.is_set():
                cursor.execute(
                    "SELECT query_start, wait_event FROM pg_stat_activity "
                    "WHERE pid = %s AND wait_event_type = 'Lock'",
                    [pid],
                )
                row = cursor.fetchone()
                now = time.monotonic()
                for key in list(started):
                    if row is None or row[0] != key:
                        began, event = started.pop(key)
                        waits.append((now - began, event))
                if row is not None:
                    started.setdefault(row[0], (now, row[1]))
                time.sleep(0.002)
        connections.close_all()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    samples: list[float] = []
    while not stop.is_set():
        began = time.monotonic()
        case_services.case_open(
            desk=desk,
            opened_by=user,
            situation="victim",
            wishes=["delete"],
            categories=["defamation"],
            summary="ベンチマークの受付。",
        )
        samples.append(time.monotonic() - began)
        time.sleep(0.005)
    watching.set()
    watcher.join()
    results.put((samples, waits))
    connections.close_all()


class Intakes:
    """Intakes in a separate process, so they compete for the database and not for the GIL."""

    def __enter__(self) -> "Intakes":
        connections.close_all()
        context = multiprocessing.get_context("fork")
        self.stop = context.Event()
        self.results = context.Queue()
        self.process = context.Process(target=intake_loop, args=(self.stop, self.results))
        self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.samples, self.waits = self.results.get(timeout=120)
        self.process.join()


class LockHolds:
    """Time how long this process holds the audit chain's lock: from taking it to the commit."""

    def __enter__(self) -> "LockHolds":
        self.holds: list[float] = []
        self.real = chain._lock
        chain._lock = self.lock
        return self

    def lock(self) -> None:
        self.real()
        taken = time.monotonic()
        transaction.on_commit(lambda: self.holds.append(time.monotonic() - taken))

    def __exit__(self, *exc: object) -> None:
        chain._lock = self.real


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(name: str, intakes: Intakes) -> None:
    samples = intakes.samples
    if not samples:
        print(f"  intakes during {name}: none")
        return
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    longest_wait = max((wait for wait, _ in intakes.waits), default=0.0)
    print(
        f"  intakes during {name}: {len(samples)}, median {ms(statistics.median(samples))}, "
        f"p99 {ms(p99)}, longest {ms(ordered[-1])}; lock waits seen {len(intakes.waits)}, "
        f"longest {ms(longest_wait)}"
    )
    by_lock: dict[str, list[float]] = {}
    for wait, event in intakes.waits:
        by_lock.setdefault(event, []).append(wait)
    for event, waits in sorted(by_lock.items()):
        waits.sort()
        print(
            f"    waiting for a {event} lock: {len(waits)} times, median "
            f"{ms(statistics.median(waits))}, longest {ms(waits[-1])}"
        )


def phase(name: str, now: datetime.datetime, batch: int, seconds: float | None) -> None:
    """Run the sweep, run after run, until nothing is due or ``seconds`` have passed."""
    with Intakes() as intakes, LockHolds() as holds:
        started = time.monotonic()
        shredded = deleted = 0
        finished = False
        while seconds is None or time.monotonic() - started < seconds:
            result = retention_sweep(now=now, batch_size=batch, max_batches=50)
            shredded += len(result.shredded)
            deleted += len(result.deleted)
            if not result.shredded and not result.deleted:
                finished = True
                break
        took = time.monotonic() - started
    done = shredded + deleted
    rest = "" if finished else f"; stopped after {seconds:.0f} s with cases still due"
    print(
        f"{name}: {shredded} shredded, {deleted} deleted in {took:.1f} s "
        f"({done / took:.0f} cases/s, batches of {batch}){rest}"
    )
    report(name, intakes)
    if holds.holds:
        ordered = sorted(holds.holds)
        print(
            f"  the sweep held the audit chain's lock {len(ordered)} times: median "
            f"{ms(statistics.median(ordered))}, p99 {ms(ordered[int(len(ordered) * 0.99)])}, "
            f"longest {ms(ordered[-1])}"
        )


def baseline(seconds: float) -> None:
    with Intakes() as intakes:
        time.sleep(seconds)
    report("a quiet baseline", intakes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument(
        "--phases",
        default="shredding,deletion",
        help="which phases to run, comma-separated (a later run can go on with deletion only)",
    )
    parser.add_argument(
        "--phase-seconds",
        type=float,
        default=None,
        help="stop each phase after this long (the rate and lock waits are measured until then)",
    )
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/retention.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    bench_cast()
    seeded = Case.objects.filter(reference__startswith="BENCH-").count()
    if seeded < arguments.cases:
        seed_cases(cases=arguments.cases - seeded)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_followup SET done_at = created_at, result = 'reached' "
            "WHERE done_at IS NULL AND case_id IN "
            "(SELECT id FROM cases_case WHERE reference LIKE 'BENCH-%%')"
        )
        cursor.execute(
            "UPDATE cases_case SET status = 'closed', closure_reason = 'resolved', "
            "closed_at = created_at + interval '30 days', "
            "summary = 'ベンチマーク用の概要。消去されるべき本文。' "
            "WHERE reference LIKE 'BENCH-%%' AND status <> 'closed'"
        )
        cursor.execute("ANALYZE cases_case")
    last = Case.objects.filter(reference__startswith="BENCH-").order_by("-closed_at").first()
    assert last is not None and last.closed_at is not None
    print(f"{arguments.cases} closed bench cases; the last closed {last.closed_at:%Y-%m-%d}")
    baseline(10)
    limit, phases = arguments.phase_seconds, arguments.phases.split(",")
    if "shredding" in phases:
        shred_at = last.closed_at + datetime.timedelta(days=366)
        phase("shredding", shred_at, arguments.batch, limit)
    if "deletion" in phases:
        later = last.closed_at.replace(year=last.closed_at.year + 5) + datetime.timedelta(days=1)
        phase("deletion", later, arguments.batch, limit)


if __name__ == "__main__":
    main()
