"""Fill the database with realistic anonymised cases, referrals and follow-ups, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tsunagu_bench .venv/bin/python bench/seed.py --cases 100000

The other benchmarks call ``seed_cases`` when their database is not seeded yet.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Desk, Membership, User  # noqa: E402
from cases.models import Case  # noqa: E402
from catalogue.models import Service  # noqa: E402
from catalogue.vocabulary import Situation  # noqa: E402
from referrals.models import FollowUp, Referral  # noqa: E402
from stats.rollups import rollups_rebuild  # noqa: E402

BENCH_DESKS = 40
SUPERVISED = 12
MONTHS = 24
CATEGORY_WEIGHTS = {
    "defamation": 30, "privacy": 15, "image_rights": 8, "revenge_porn": 4, "bullying": 12,
    "threat": 4, "drugs": 1, "obscene": 2, "csam": 1, "weapons": 1, "crime_solicitation": 2,
    "suicide_inducement": 2, "fraud": 10, "malware_access": 5, "other": 6,
}  # fmt: skip
OUTCOMES = ["resolved", "content_deleted", "advice_received", "declined_by_window",
            "not_contacted", "unknown"]  # fmt: skip
OUTCOME_WEIGHTS = [25, 20, 30, 8, 12, 5]


def seed_cases(*, cases: int, seed: int = 6, batch: int = 50000) -> None:
    """Add ``cases`` bench cases with their referrals and follow-ups, written with COPY."""
    rng = random.Random(seed)
    started = time.monotonic()
    desks, staff = bench_cast()
    services = list(Service.objects.filter(is_active=True).values_list("id", "name"))
    service_weights = [1 / (i + 1) for i in range(len(services))]
    desk_weights = [1 / (i + 1) ** 0.6 for i in range(len(desks))]
    now = timezone.now()
    start = now - datetime.timedelta(days=30 * MONTHS)
    span = (now - start).total_seconds()
    next_case = _next_id(Case)
    next_referral = _next_id(Referral)
    next_follow_up = _next_id(FollowUp)
    made = {"cases": 0, "referrals": 0, "follow_ups": 0}
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    situations = Situation.values
    for offset in range(0, cases, batch):
        case_rows, referral_rows, follow_up_rows = [], [], []
        for _i in range(min(batch, cases - offset)):
            case_id = next_case
            next_case += 1
            desk_id = rng.choices(desks, desk_weights)[0]
            opened = start + datetime.timedelta(seconds=rng.random() * span)
            picked = sorted(set(rng.choices(categories, weights, k=rng.choice((1, 1, 1, 2, 2, 3)))))
            if rng.random() < 0.04:
                picked = []
            n_referrals = rng.choices((0, 1, 2, 3, 4), (5, 28, 38, 19, 10))[0]
            case_rows.append(
                {
                    "id": case_id,
                    "desk_id": desk_id,
                    "reference": f"BENCH-{case_id:08d}",
                    "situation": rng.choice(situations),
                    "wishes": "[]",
                    "categories": json.dumps(picked),
                    "flags": "[]",
                    "age_band": "unknown",
                    "consulter": "",
                    "channel": "",
                    "platforms": "[]",
                    "summary": "",
                    "status": "referred" if n_referrals else "open",
                    "closure_reason": "",
                    "opened_by_id": staff,
                    "assigned_to_id": None,
                    "created_at": opened,
                    "updated_at": opened,
                    "closed_at": None,
                }
            )
            for _ in range(n_referrals):
                referral_id = next_referral
                next_referral += 1
                made_at = opened + datetime.timedelta(hours=rng.random() * 72)
                age = (now - made_at).days
                service_id, service_name = rng.choices(services, service_weights)[0]
                concluded = age > 30 and rng.random() < 0.8
                outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0] if concluded else ""
                referral_rows.append(
                    {
                        "id": referral_id,
                        "case_id": case_id,
                        "service_id": service_id,
                        "service_name": service_name,
                        "service_phone": "",
                        "service_url": "",
                        "method": "info_given",
                        "consent_recorded_at": None,
                        "status": "concluded" if concluded else "recorded",
                        "outcome": outcome,
                        "referred_by_id": staff,
                        "created_at": made_at,
                        "contacted_at": None,
                        "in_progress_at": None,
                        "concluded_at": made_at + datetime.timedelta(days=20)
                        if concluded
                        else None,
                        "updated_at": made_at,
                    }
                )
                due = timezone.localdate(made_at) + datetime.timedelta(days=rng.choice((7, 7, 14)))
                done = age > 21 or (age > 10 and rng.random() < 0.7)
                done_at = made_at + datetime.timedelta(days=rng.randint(3, 20)) if done else None
                follow_up_rows.append(
                    {
                        "id": next_follow_up,
                        "case_id": case_id,
                        "referral_id": referral_id,
                        "deletion_request_id": None,
                        "previous_id": None,
                        "kind": "referral",
                        "due_on": due,
                        "result": rng.choice(("reached", "waiting", "resolved")) if done else "",
                        "done_at": done_at,
                        "done_by_id": staff if done else None,
                        "closed_because": "",
                        "created_at": made_at,
                    }
                )
                next_follow_up += 1
        with transaction.atomic():
            _copy(Case, case_rows)
            _copy(Referral, referral_rows)
            _copy(FollowUp, follow_up_rows)
        made["cases"] += len(case_rows)
        made["referrals"] += len(referral_rows)
        made["follow_ups"] += len(follow_up_rows)
        print(
            f"  {made['cases']:>9} cases {made['referrals']:>9} referrals "
            f"({time.monotonic() - started:.0f} s)"
        )
    _reset_sequences()
    rollup_started = time.monotonic()
    buckets = rollups_rebuild()
    print(
        f"seeded {made['cases']} cases, {made['referrals']} referrals, "
        f"{made['follow_ups']} follow-ups in {time.monotonic() - started:.1f} s "
        f"(rollups: {buckets} desk-months in {time.monotonic() - rollup_started:.1f} s)"
    )


def bench_cast() -> tuple[list[int], int]:
    """Return the bench desks (the first ones supervised by bench-supervisor) and a counsellor."""
    desks = []
    for n in range(1, BENCH_DESKS + 1):
        desk, _ = Desk.objects.get_or_create(
            slug=f"bench-{n:02d}",
            defaults={
                "name": f"ベンチ用デスク {n:02d}",
                "kind": Desk.Kind.SCHOOL if n % 5 == 0 else Desk.Kind.MUNICIPAL,
                "prefecture": "岐阜県",
            },
        )
        desks.append(desk.id)
    counsellor, _ = User.objects.get_or_create(username="bench-counsellor")
    supervisor, _ = User.objects.get_or_create(username="bench-supervisor")
    for desk_id in desks[:SUPERVISED]:
        Membership.objects.get_or_create(
            user=supervisor, desk_id=desk_id, defaults={"role": Membership.Role.SUPERVISOR}
        )
    Membership.objects.get_or_create(
        user=counsellor, desk_id=desks[0], defaults={"role": Membership.Role.COUNSELLOR}
    )
    return desks, counsellor.id


def _next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def _copy(model, rows: list[dict]) -> None:
    """Write rows with COPY on PostgreSQL, or bulk inserts elsewhere; no signals either way."""
    if not rows:
        return
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    # Columns the rows leave out take their model default, so a field added later with a
    # default needs no change here (COPY would otherwise send NULL).
    defaults = {
        f.attname: json.dumps(f.get_default()) if f.attname in _json(model) else f.get_default()
        for f in model._meta.concrete_fields
        if f.attname not in rows[0] and f.has_default()
    }
    rows = [{**defaults, **row} for row in rows]
    names = list(rows[0])
    if connection.vendor == "postgresql":
        columns = ", ".join(fields[n] for n in names)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[n] for n in names])
        return
    objects = []
    for row in rows:
        values = {n: json.loads(v) if n in _json(model) else v for n, v in row.items()}
        objects.append(model(**values))
    model.objects.bulk_create(objects, batch_size=2000)


def _json(model) -> set[str]:
    return {f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}


def _reset_sequences() -> None:
    """Move the id sequences past the copied rows and refresh the planner's statistics.

    A live database is analysed by autovacuum as it grows; a bulk load must do it at once,
    or the planner estimates every desk's cases from an empty table.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Case, Referral, FollowUp):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"
            )
            cursor.execute(f"ANALYZE {table}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--batch", type=int, default=50000)
    arguments = parser.parse_args()
    seed_cases(cases=arguments.cases, seed=arguments.seed, batch=arguments.batch)
