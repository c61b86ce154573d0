"""Benchmark the weekly reminder sweep on PostgreSQL.

Seeds (once) 10,000 staff with 200,000 open follow-ups in a database of its own, then runs
one weekly sweep — the same ``reminders.services.sweep`` beat and ``sendreminders`` run —
delivering to a local SMTP sink (aiosmtpd in another process). Prints the total time, mails
per second and database queries per digest, and exits non-zero when a target is missed.

    .venv/bin/python bench/reminders.py [--processes N] [--reseed]

``DATABASE_URL`` defaults to postgres://postgres@127.0.0.1:5432/tsunagu_bench_reminders,
which is created if missing. With ``--processes N`` that many sweeps run at once, as several
workers would; the claims keep them from sending anything twice.
"""

import argparse
import datetime
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tsunagu_bench_reminders"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("REMINDER_SWEEP_ON_START", "false")

USERS = 10_000
FOLLOW_UPS = 200_000
DESKS = 100
TIME_TARGET_SECONDS = 60.0
# Monday 2026-12-07, 09:30 in Tokyo: every default digest is due.
SWEEP_AT = "2026-12-07T09:30:00+09:00"


def create_database(url: str) -> None:
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/reminders.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def run_sink(port: int, counter, ready) -> None:
    """Accept every mail and count it; runs in its own process so it never slows the sweep."""
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_cases(owners):
    """Create one anonymised case per (desk, counsellor) pair, in bulk."""
    from cases.models import Case

    return Case.objects.bulk_create(
        (
            Case(
                desk=desk,
                reference=f"BENCH-{n:06d}",
                opened_by=user,
                assigned_to=user,
                situation="victim",
                summary="ベンチマーク用の相談",
            )
            for n, (desk, user) in enumerate(owners)
        ),
        batch_size=5000,
    )


def seed(*, reseed: bool) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from accounts.models import Desk, Membership, User
    from referrals.models import FollowUp
    from reminders.models import Digest

    if reseed:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE referrals_followup, reminders_digest, referrals_referral, "
                "referrals_deletionrequest, cases_case, accounts_membership, accounts_desk, "
                "accounts_user RESTART IDENTITY CASCADE"
            )
    if FollowUp.objects.count() >= FOLLOW_UPS:
        Digest.objects.all().delete()
        return
    started = time.perf_counter()
    rng = random.Random(2026)
    desks = Desk.objects.bulk_create(
        Desk(slug=f"bench-{n}", name=f"ベンチ相談窓口{n}", kind="municipal", prefecture="岐阜県")
        for n in range(DESKS)
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        (
            User(username=f"bench{n}", email=f"bench{n}@example.jp", password=password)
            for n in range(USERS)
        ),
        batch_size=2000,
    )
    supervisors, counsellors = users[:DESKS], users[DESKS:]
    memberships = [
        Membership(user=user, desk=desks[n], role=Membership.Role.SUPERVISOR)
        for n, user in enumerate(supervisors)
    ] + [
        Membership(user=user, desk=desks[n % DESKS], role=Membership.Role.COUNSELLOR)
        for n, user in enumerate(counsellors)
    ]
    Membership.objects.bulk_create(memberships, batch_size=5000)
    cases = make_cases(
        [(desks[n % DESKS], user) for n, user in enumerate(counsellors) for _ in range(10)]
    )
    monday = datetime.date(2026, 12, 7)
    follow_ups = (
        FollowUp(
            case=cases[n % len(cases)],
            kind=FollowUp.Kind.REFERRAL,
            due_on=monday + datetime.timedelta(days=rng.randint(-21, 120)),
        )
        for n in range(FOLLOW_UPS)
    )
    FollowUp.objects.bulk_create(follow_ups, batch_size=10_000)
    print(
        f"seeded {USERS:,} users, {len(cases):,} cases, {FOLLOW_UPS:,} follow-ups "
        f"in {time.perf_counter() - started:.1f} s"
    )


def sweep_process(at: str, port: int, results) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils.dateparse import parse_datetime

    from reminders import services as reminders

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = reminders.sweep(now=parse_datetime(at))
    results.put((result.sent, result.skipped, result.failed, len(result.batches), queries))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(reseed=args.reseed)
    from django.db import connection

    # Fresh bulk inserts have no planner statistics yet; autovacuum would gather them soon.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    context = multiprocessing.get_context("spawn")
    counter, ready = context.Value("i", 0), context.Event()
    port = free_port()
    sink = context.Process(target=run_sink, args=(port, counter, ready), daemon=True)
    sink.start()
    ready.wait(10)

    from django.db import connections

    connections.close_all()
    results = context.Queue()
    started = time.perf_counter()
    sweeps = [
        context.Process(target=sweep_process, args=(SWEEP_AT, port, results))
        for _ in range(args.processes)
    ]
    for process in sweeps:
        process.start()
    totals = [results.get(timeout=600) for _ in sweeps]
    for process in sweeps:
        process.join()
    elapsed = time.perf_counter() - started
    sink.terminate()

    sent = sum(t[0] for t in totals)
    skipped = sum(t[1] for t in totals)
    failed = sum(t[2] for t in totals)
    batches = sum(t[3] for t in totals)
    queries = sum(t[4] for t in totals)
    digests = sent + skipped + failed
    print(
        f"sweep at {SWEEP_AT}, {args.processes} process(es), batches of "
        f"{django.conf.settings.REMINDER_BATCH_SIZE}"
    )
    print(
        f"digests: {digests:,} (sent {sent:,}, nothing due {skipped:,}, failed {failed:,}); "
        f"the SMTP sink accepted {counter.value:,}"
    )
    print(f"total time: {elapsed:.1f} s (target ≤ {TIME_TARGET_SECONDS:.0f} s)")
    print(f"mails per second: {sent / elapsed:,.0f}")
    print(
        f"database queries: {queries:,} in {batches:,} batches — "
        f"{queries / max(digests, 1):.3f} per digest, {queries / max(batches, 1):.1f} per batch"
    )
    ok = elapsed <= TIME_TARGET_SECONDS and counter.value == sent and failed == 0
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
