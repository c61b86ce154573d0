"""Time every statistics grouping over the longest period allowed, on demo-like data.

    .venv/bin/python bench/stats_groupings.py [--years 10] [--orders 12]

Builds a throwaway SQLite database (or uses ``--database-url``, which it fills), loads the
demo data and copies its year of cases and referrals back year by year, so that every
month of the period looks like the demo's. It then prints the time of the suppressed
referral table for every set of ``group_by`` dimensions, the slowest of several orders of
all five, and the whole API request for that slowest one (table, labels and JSON).
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--orders", type=int, default=12, help="orders of the five-way grouping")
    parser.add_argument("--database-url", default="", help="a database to fill (default: temp)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="tsunagu-groupings-")
    os.environ["TSUNAGU_VAR_DIR"] = scratch
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        return run(args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.access import supervised_desk_ids
    from accounts.models import User
    from stats.params import DIMENSIONS, MAX_MONTHS, parse_stats_query
    from stats.periods import Month
    from stats.tables import referral_table

    call_command("migrate", verbosity=0)
    call_command("loaddemo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    cases, referrals = extend_back(args.years)
    supervisor = User.objects.get(username="demo-supervisor")
    today = timezone.localdate()
    last = Month.of(today).shifted(-1)
    first = last.shifted(1 - min(MAX_MONTHS, args.years * 12))
    period = {"from": str(first), "to": str(last)}
    print(f"Demo-like data: {cases} cases and {referrals} referrals from {first} to {last}")

    def timed(group_by: str) -> tuple[float, int]:
        query = parse_stats_query(
            {"group_by": group_by, **period},
            supervised=supervised_desk_ids(supervisor),
            today=today,
        )
        started = time.perf_counter()
        table = referral_table(query)
        return time.perf_counter() - started, len(table.rows)

    print(f"{'group_by':48} {'seconds':>8} {'rows':>6}")
    timings = []
    for size in range(1, len(DIMENSIONS) + 1):
        for chosen in combinations(DIMENSIONS, size):
            group_by = ",".join(chosen)
            seconds, rows = timed(group_by)
            timings.append(seconds)
            print(f"{group_by:48} {seconds:8.2f} {rows:6}")
    rng = random.Random(5)
    orders = [",".join(rng.sample(DIMENSIONS, len(DIMENSIONS))) for _ in range(args.orders)]
    five_way = sorted(((timed(order)[0], order) for order in orders), reverse=True)
    print(
        f"Five-way, {len(orders)} orders: median {statistics.median(t for t, _ in five_way):.2f} s"
    )
    slowest, order = five_way[0]
    print(f"  slowest {slowest:.2f} s  ({order})")
    client = Client(HTTP_HOST="localhost")
    client.force_login(supervisor)
    started = time.perf_counter()
    response = client.get("/api/v1/stats/referrals/", {"group_by": order, **period})
    api = time.perf_counter() - started
    size = len(response.content)
    print(f"  the API request for it: {api:.2f} s, HTTP {response.status_code}, {size:,} bytes")
    return 0 if response.status_code == 200 else 1


def extend_back(years: int) -> tuple[int, int]:
    """Copy the demo's cases and referrals back one year at a time; return the totals."""
    import datetime

    from django.db import models

    from cases.models import Case
    from referrals.models import Referral
    from stats.rollups import rollups_rebuild

    def shifted(row: models.Model, shift: datetime.timedelta, **changes: object) -> dict:
        values = {}
        for field in type(row)._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(row, field.attname)
            if value is not None and isinstance(field, models.DateTimeField | models.DateField):
                value -= shift
            values[field.attname] = value
        return {**values, **changes}

    demo_cases = list(Case.objects.all())
    demo_referrals = list(Referral.objects.all())
    for year in range(1, years):
        shift = datetime.timedelta(days=364 * year)
        copies = {
            case.pk: Case(**shifted(case, shift, reference=f"{case.reference}-Y{year}"))
            for case in demo_cases
        }
        Case.objects.bulk_create(copies.values())
        Referral.objects.bulk_create(
            Referral(**shifted(referral, shift, case_id=copies[referral.case_id].pk))
            for referral in demo_referrals
        )
    rollups_rebuild()
    return Case.objects.count(), Referral.objects.count()


if __name__ == "__main__":
    sys.exit(main())
