"""Inject faults into the weekly reminders with the default intervals; print recovery and duplicates.

The same scenarios as tests/queue/test_faults.py — worker SIGKILL, pool-process SIGKILL,
Redis restarted without persistence, a kill under a fast relay (10 ms a mail), the relay down
for 30 s, two workers and two beats at once — with real ``celery worker`` and ``celery beat``
processes, a ``redis-server`` and an SMTP sink of their own, but with the reminder settings
production runs (a 20 s sweep, a 30 s lease, retries from 10 s to 40 s, batches of 100) and
306 digests per scenario sent at 10 mails a second. For each it prints the digests lost, the
duplicates against the processes killed, and the recovery time: from the end of the fault
until the last digest arrived (for two workers and two beats, which inject no fault: from
the digests' creation until the last arrived).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tsunagu_bench_faults \\
        .venv/bin/python bench/faults.py [--digests 306] [--only NAME] [--long]

``--long`` adds the relay down until every digest has been tried more than ten times (the old
budget), which with the default backoff takes about eight minutes. The database is created
and migrated if needed; its digests are deleted before each run. Exits non-zero when a digest
was lost, given up, sent twice more often than processes were killed, or recovery took 90 s
or more.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tsunagu_bench_faults"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

RECOVERY_BOUND = 90.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=306)
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument("--long", action="store_true", help="add the relay down past 10 tries")
    args = parser.parse_args()

    from bench.reminders import create_database

    create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from reminders.models import Digest
    from tests.queue import faults

    call_command("migrate", verbosity=0)
    intervals = {
        "REMINDER_SWEEP_SECONDS": settings.REMINDER_SWEEP_SECONDS,
        "REMINDER_LEASE_SECONDS": settings.REMINDER_LEASE_SECONDS,
        "REMINDER_RETRY_BASE_SECONDS": settings.REMINDER_RETRY_BASE_SECONDS,
        "REMINDER_RETRY_MAX_SECONDS": settings.REMINDER_RETRY_MAX_SECONDS,
        "REMINDER_BATCH_SIZE": settings.REMINDER_BATCH_SIZE,
    }
    n = args.digests
    timeout = 600.0
    scenarios = [
        (
            "worker SIGKILL",
            {},
            lambda s: faults.worker_sigkill(s, digests=n, delay=0.1, timeout=timeout),
        ),
        (
            "pool process SIGKILL",
            {},
            lambda s: faults.pool_sigkill(s, digests=n, delay=0.1, timeout=timeout),
        ),
        (
            "broker restart",
            {},
            lambda s: faults.broker_restart(s, digests=n, delay=0.1, timeout=timeout),
        ),
        (
            "fast relay kill",
            {},
            lambda s: faults.worker_sigkill(s, digests=n, delay=0.01, timeout=timeout),
        ),
        (
            "relay down 30 s",
            {},
            lambda s: faults.relay_down(s, digests=n, seconds=30, timeout=timeout),
        ),
        (
            "two workers, two beats",
            {"workers": 2, "beats": 2},
            lambda s: faults.concurrent_sweeps(s, digests=n, timeout=timeout),
        ),
    ]
    if args.long:
        scenarios.append(
            (
                "relay down past 10 tries",
                {},
                lambda s: faults.relay_down_past_old_budget(s, digests=n, timeout=3600),
            )
        )
    print(f"intervals: {intervals}; {n} digests per scenario", flush=True)
    ok = True
    for name, shape, run in scenarios:
        if args.only and args.only not in name:
            continue
        Digest.objects.all().delete()
        with tempfile.TemporaryDirectory(prefix="tsunagu-faults-") as folder:
            stack = faults.Stack(Path(folder), intervals)
            try:
                stack.start(**shape)
                outcome = run(stack)
            finally:
                stack.stop()
        print(outcome.line(), flush=True)
        # Two workers and two beats inject no fault: their time is the whole delivery's.
        bounded = name != "two workers, two beats"
        ok &= (
            outcome.lost == 0
            and outcome.failed == 0
            and outcome.duplicates <= outcome.killed
            and outcome.recovery is not None
            and (outcome.recovery < RECOVERY_BOUND or not bounded)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
