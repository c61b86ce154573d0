"""Benchmark the supervisor statistics on PostgreSQL at a million cases.

Prints the p95 of every dashboard, API, export and national-report request (no response cache)
and, in the same run, the time of the default view's aggregations — referral tables, median
days to first follow-up, open and overdue follow-ups — written as plain GROUP BY queries over
the base tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tsunagu_bench_stats \\
        .venv/bin/python bench/stats.py --cases 1000000

An already-seeded bench database is reused (the output says so); otherwise it is seeded first.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.access import supervised_desk_ids  # noqa: E402
from accounts.models import User  # noqa: E402
from bench.seed import seed_cases  # noqa: E402
from cases.models import Case  # noqa: E402
from referrals.models import FollowUp, Referral  # noqa: E402
from stats.periods import Month, Period  # noqa: E402


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def seed(target: int) -> None:
    have = Case.objects.filter(desk__slug__startswith="bench-").count()
    if have >= target:
        print(
            f"reusing the already-seeded bench DB: {have} cases, {Referral.objects.count()} referrals"
        )
        return
    print(f"seeding {target - have} cases (bench DB had {have})")
    started = time.monotonic()
    seed_cases(cases=target - have)
    print(f"seeding took {time.monotonic() - started:.1f} s")


def plain_group_by(desk_ids: list[int], period: Period) -> float:
    """Run the default view's aggregations straight over the base tables; return the seconds."""
    case, referral, follow_up = (m._meta.db_table for m in (Case, Referral, FollowUp))
    zone = settings.TIME_ZONE
    where = "c.desk_id = ANY(%(desks)s) AND r.created_at >= %(start)s AND r.created_at < %(end)s"
    month = "date_trunc('month', r.created_at AT TIME ZONE %(zone)s)"
    queries = [
        f"SELECT r.service_id, count(*) FROM {referral} r JOIN {case} c ON c.id = r.case_id WHERE {where} GROUP BY 1",
        f"SELECT cat, count(*) FROM {referral} r JOIN {case} c ON c.id = r.case_id "
        f"CROSS JOIN LATERAL jsonb_array_elements_text(c.categories) cat WHERE {where} GROUP BY 1",
        f"SELECT c.desk_id, count(*) FROM {referral} r JOIN {case} c ON c.id = r.case_id WHERE {where} GROUP BY 1",
        f"SELECT {month}, count(*) FROM {referral} r JOIN {case} c ON c.id = r.case_id WHERE {where} GROUP BY 1",
        f"SELECT r.service_id, r.outcome, count(*) FROM {referral} r JOIN {case} c ON c.id = r.case_id "
        f"WHERE {where} GROUP BY 1, 2",
        f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (f.first AT TIME ZONE %(zone)s)::date"
        f" - (c.created_at AT TIME ZONE %(zone)s)::date) FROM {case} c JOIN ("
        f"SELECT case_id, min(done_at) AS first FROM {follow_up} WHERE done_at IS NOT NULL "
        f"AND result NOT IN ('outcome_recorded', 'case_closed') GROUP BY case_id) f ON f.case_id = c.id "
        f"WHERE c.desk_id = ANY(%(desks)s) AND c.created_at >= %(start)s AND c.created_at < %(end)s",
        f"SELECT c.desk_id, count(*) FILTER (WHERE f.due_on < %(today)s), "
        f"count(*) FILTER (WHERE f.due_on >= %(today)s) FROM {follow_up} f "
        f"JOIN {case} c ON c.id = f.case_id WHERE f.done_at IS NULL AND c.desk_id = ANY(%(desks)s) "
        f"GROUP BY 1",
    ]
    params = {
        "desks": desk_ids,
        "start": period.start_datetime,
        "end": period.end_datetime,
        "zone": zone,
        "today": timezone.localdate(),
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--plain-runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/stats.py needs PostgreSQL: set DATABASE_URL")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    seed(args.cases)
    supervisor = User.objects.get(username="bench-supervisor")
    desk_ids = sorted(supervised_desk_ids(supervisor))
    today = timezone.localdate()
    default = Period.last_months(12, today=today)
    last_fy = Month.of(today).shifted(-12).fiscal_year
    quarter = f"from={Month.of(today).shifted(-3)}&to={Month.of(today).shifted(-1)}"
    client = Client()
    client.force_login(supervisor)
    requests = [
        ("dashboard, default view (12 desks, last 12 months)", "/stats/"),
        ("dashboard, one desk", "/stats/?desk=bench-03"),
        ("dashboard, one category", "/stats/?category=defamation"),
        ("dashboard, one fiscal year", f"/stats/?fiscal_year={last_fy}"),
        ("dashboard, last three months", f"/stats/?{quarter}"),
        (
            "dashboard, desk + category + months",
            f"/stats/?desk=bench-05&category=privacy&{quarter}",
        ),
        ("API group_by=service,month", "/api/v1/stats/referrals/?group_by=service,month"),
        ("API group_by=category,desk", "/api/v1/stats/referrals/?group_by=category,desk"),
        (
            "API group_by=desk,outcome, one desk",
            "/api/v1/stats/referrals/?group_by=desk,outcome&desk=bench-02",
        ),
        ("CSV group_by=service", "/api/v1/stats/referrals.csv?group_by=service"),
        ("national-report view", "/stats/national/"),
    ]
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{Case.objects.count()} cases, {Referral.objects.count()} referrals, "
        f"{FollowUp.objects.count()} follow-ups; supervisor oversees {len(desk_ids)} desks"
    )
    print(f"{'request':55} {'p50':>10} {'p95':>10}   (runs={args.runs}, no response cache)")
    results = {}
    for name, url in requests:
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        results[name] = samples
        print(f"{name:55} {ms(statistics.median(samples))} {ms(p95(samples))}")
    plain = [plain_group_by(desk_ids, default) for _ in range(args.plain_runs)]
    default_p95 = p95(results[requests[0][0]])
    print(
        f"{'plain GROUP BY over base tables, default view':55} {ms(statistics.median(plain))} {ms(max(plain))} (max)"
    )
    print(
        f"default view p95 vs plain GROUP BY median: {statistics.median(plain) / default_p95:.1f}x faster"
    )
    worst = max(p95(samples) for samples in results.values())
    print(
        f"worst dashboard/API p95: {ms(worst)} (target <= 150 ms: {'met' if worst <= 0.150 else 'NOT met'})"
    )
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
