"""Simulate outcomes that teach the suggestions: how soon the ranking prefers the better window.

Two windows tie for an intake (``victim`` wishing deletion and damages, ``defamation``): the
rules give both weight 58, so the engine lists them by id. Synthetic referrals of intakes like
this one conclude one after another, alternating between the two windows; the one the engine
lists second resolves more often. After each, the suggestions are asked for as a counsellor
of the desk, through the same code and query as the API, and the run notes when the better
window first comes first and from when on it stays there.

Two mixes of categories: every case ``defamation`` alone, and a realistic mix where some cases
also carry ``privacy`` or ``other`` (each exact set must reach the threshold before a card
shows, so figures appear later). Each run also asks with ``suicidal`` and ``imminent_danger``
set and checks that no window ever outranks an urgent line.

    .venv/bin/python bench/outcomes.py [--runs 10] [--steps 300] [--good 0.7] [--poor 0.4]

Uses a throwaway SQLite database unless DATABASE_URL is set.
"""

import argparse
import atexit
import datetime
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["TSUNAGU_VAR_DIR"] = tempfile.mkdtemp(prefix="tsunagu-bench-")
    atexit.register(shutil.rmtree, os.environ["TSUNAGU_VAR_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Desk, Membership, User  # noqa: E402
from cases.models import Case  # noqa: E402
from catalogue.models import Service  # noqa: E402
from referrals.models import Referral  # noqa: E402
from triage.engine import Intake, suggest, suggest_for  # noqa: E402

CATEGORY_MIXES = {
    "defamation only": [(("defamation",), 1.0)],
    "mixed categories": [
        (("defamation",), 0.7),
        (("defamation", "privacy"), 0.2),
        (("defamation", "other"), 0.1),
    ],
}
PAIR = ("jinken", "houterasu")


def _setup() -> tuple[Desk, User]:
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    desk, _ = Desk.objects.get_or_create(
        slug="bench-desk", defaults={"name": "ベンチ用デスク", "municipality": "岐阜市"}
    )
    user, _ = User.objects.get_or_create(username="bench-counsellor")
    Membership.objects.get_or_create(user=user, desk=desk)
    return desk, user


def _intake(desk: Desk, flags: frozenset[str] = frozenset()) -> Intake:
    return Intake(
        situation="victim",
        wishes=frozenset({"delete", "damages"}),
        categories=frozenset({"defamation"}),
        flags=flags,
        desk_id=desk.id,
        desk_kind=desk.kind,
    )


def _conclude(desk, user, window: Service, categories, resolved: bool, serial: int) -> None:
    """Store one concluded referral of an intake like this one (bulk, so no rollup refresh)."""
    when = timezone.now() - datetime.timedelta(days=45)
    (case,) = Case.objects.bulk_create(
        [
            Case(
                desk=desk,
                reference=f"BENCH-{serial:06d}",
                situation="victim",
                categories=list(categories),
                opened_by=user,
                created_at=when,
                status=Case.Status.REFERRED,
            )
        ]
    )
    Referral.objects.bulk_create(
        [
            Referral(
                case=case,
                service=window,
                service_name=window.name,
                method=Referral.Method.INFO_GIVEN,
                status=Referral.Status.CONCLUDED,
                outcome=(
                    Referral.Outcome.RESOLVED if resolved else Referral.Outcome.ADVICE_RECEIVED
                ),
                referred_by=user,
                created_at=when,
                concluded_at=when,
            )
        ]
    )


def _run(desk, user, *, seed: int, mix, steps: int, good: float, poor: float) -> dict:
    rng = random.Random(seed)
    order = [s.service.slug for s in suggest(_intake(desk)).suggestions]
    first, second = sorted(PAIR, key=order.index)
    windows = {slug: Service.objects.get(slug=slug) for slug in PAIR}
    rates = {first: poor, second: good}
    sets, weights = zip(*mix, strict=True)
    first_preferred = stable_from = None
    urgent_breaches = 0
    with transaction.atomic():
        for step in range(1, steps + 1):
            slug = first if step % 2 else second
            categories = rng.choices(sets, weights=weights)[0]
            _conclude(desk, user, windows[slug], categories, rng.random() < rates[slug], step)
            ranked = [s.service.slug for s in suggest_for(_intake(desk), user).suggestions]
            prefers = ranked.index(second) < ranked.index(first)
            if prefers and first_preferred is None:
                first_preferred = step
            if prefers and stable_from is None:
                stable_from = step
            elif not prefers:
                stable_from = None
            urgent = suggest_for(_intake(desk, frozenset({"suicidal", "imminent_danger"})), user)
            flags = [s.urgent for s in urgent.suggestions]
            if flags != sorted(flags, reverse=True) or not flags[0]:
                urgent_breaches += 1
        transaction.set_rollback(True)
    return {"first": first_preferred, "stable": stable_from, "breaches": urgent_breaches}


def _figure(values: list[int | None], steps: int) -> str:
    reached = sorted(v for v in values if v is not None)
    if not reached:
        return f"never within {steps}"
    never = len(values) - len(reached)
    text = f"median {statistics.median(reached):.0f}, max {reached[-1]}"
    return text + (f" ({never} runs never)" if never else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--good", type=float, default=0.7)
    parser.add_argument("--poor", type=float, default=0.4)
    args = parser.parse_args()
    desk, user = _setup()
    print(
        f"Two tied windows ({PAIR[0]}, {PAIR[1]}), the one listed second resolving "
        f"{args.good:.0%} against {args.poor:.0%}; threshold "
        f"{settings.STATS_SUPPRESSION_THRESHOLD}; {args.runs} runs of {args.steps} concluded "
        "referrals, alternating between the two."
    )
    for name, mix in CATEGORY_MIXES.items():
        results = [
            _run(desk, user, seed=seed, mix=mix, steps=args.steps, good=args.good, poor=args.poor)
            for seed in range(args.runs)
        ]
        print(f"\n{name}:")
        print(
            "  concluded referrals until the better window first ranks first: "
            + _figure([r["first"] for r in results], args.steps)
        )
        print(
            "  … and from when on it stays first: "
            + _figure([r["stable"] for r in results], args.steps)
        )
        breaches = sum(r["breaches"] for r in results)
        print(
            f"  times a window outranked an urgent line: {breaches} "
            f"(of {args.runs * args.steps} rankings with suicidal and imminent_danger)"
        )


if __name__ == "__main__":
    main()
