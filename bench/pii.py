"""Measure the personal-data guard on narratives its rules were not tuned on.

Run as ``python bench/pii.py``. The rules were tuned on one half of the annotated corpus;
the figures here are recall per kind and the share of clean narratives with a false alarm
on the other half and, separately, on the fresh batch written after that tuning and on the
unseen batch written after the rules were changed for the fresh one, plus the p95 time of
one call on a 2,000-character text. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cases.pii import KIND_LABELS, find_pii
from tests.cases.pii_corpus import CORPUS, FRESH, UNSEEN, Expected, half, locate

STRUCTURED_KINDS = tuple(kind for kind in KIND_LABELS if kind != "person_name")
STRUCTURED_RECALL_TARGET = 0.98
NAME_RECALL_TARGET = 0.90
FALSE_ALARM_TARGET = 0.05
P95_TARGET_MS = 50.0
TEXT_LENGTH = 2000
RUNS = 200


@dataclass
class Result:
    expected: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    clean: int = 0
    alarmed: int = 0
    unexpected: int = 0

    def recall(self, kinds: Iterable[str]) -> float:
        kinds = list(kinds)
        expected = sum(self.expected[kind] for kind in kinds)
        return sum(self.found[kind] for kind in kinds) / expected if expected else 1.0

    @property
    def false_alarm_share(self) -> float:
        return self.alarmed / self.clean if self.clean else 0.0


def evaluate(entries: Iterable[tuple[str, Expected]], *, morphology: bool) -> Result:
    """Compare the guard's findings with the annotations, finding by finding."""
    result = Result()
    for text, expected in entries:
        wanted = set(locate(text, expected))
        got = {(f.kind, f.start, f.end) for f in find_pii(text, morphology=morphology)}
        result.expected.update(kind for kind, _, _ in wanted)
        result.found.update(kind for kind, _, _ in wanted & got)
        result.unexpected += len(got - wanted)
        if not expected:
            result.clean += 1
            result.alarmed += bool(got)
    return result


def p95_ms(text: str, *, morphology: bool) -> float:
    find_pii(text, morphology=morphology)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        find_pii(text, morphology=morphology)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings[int(len(timings) * 0.95) - 1]


def long_text() -> str:
    text = ""
    for narrative, _ in CORPUS:
        if len(text) >= TEXT_LENGTH:
            break
        text += narrative
    return text[:TEXT_LENGTH]


def report(title: str, result: Result) -> None:
    print(title)
    for kind in KIND_LABELS:
        if result.expected[kind]:
            counts = f"{result.found[kind]}/{result.expected[kind]}"
            print(f"  {kind:<13} recall {result.recall([kind]):6.3f}  ({counts})")
    print(f"  {'structured':<13} recall {result.recall(STRUCTURED_KINDS):6.3f}")
    counts = f"{result.alarmed}/{result.clean}"
    print(f"  false alarms on clean narratives {result.false_alarm_share:6.3f}  ({counts})")
    print(f"  unexpected findings, all narratives: {result.unexpected}")


def targets(name: str, result: Result) -> dict[str, bool]:
    return {
        f"{name}: structured recall ≥ {STRUCTURED_RECALL_TARGET}": (
            result.recall(STRUCTURED_KINDS) >= STRUCTURED_RECALL_TARGET
        ),
        f"{name}: name recall ≥ {NAME_RECALL_TARGET}": (
            result.recall(["person_name"]) >= NAME_RECALL_TARGET
        ),
        f"{name}: false alarms ≤ {FALSE_ALARM_TARGET}": (
            result.false_alarm_share <= FALSE_ALARM_TARGET
        ),
    }


def main() -> int:
    held_out = half("held-out")
    with_sudachi = evaluate(held_out, morphology=True)
    without_sudachi = evaluate(held_out, morphology=False)
    fresh = evaluate(FRESH, morphology=True)
    unseen = evaluate(UNSEEN, morphology=True)
    report(f"Held-out half ({len(held_out)} narratives), rules + SudachiPy:", with_sudachi)
    report("Held-out half, rules only (no SudachiPy), for comparison:", without_sudachi)
    report(
        f"Fresh batch ({len(FRESH)} narratives, written after tuning), rules + SudachiPy:", fresh
    )
    report(
        f"Unseen batch ({len(UNSEEN)} narratives, written after the changes for the fresh one), "
        "rules + SudachiPy:",
        unseen,
    )
    text = long_text()
    timing = p95_ms(text, morphology=True)
    timing_rules = p95_ms(text, morphology=False)
    print(f"p95 of find_pii on {len(text)} characters over {RUNS} runs:")
    print(f"  rules + SudachiPy {timing:6.2f} ms   rules only {timing_rules:6.2f} ms")

    checks = {
        **targets("held-out", with_sudachi),
        **targets("fresh", fresh),
        **targets("unseen", unseen),
        f"p95 ≤ {P95_TARGET_MS} ms": timing <= P95_TARGET_MS,
    }
    print("Targets:")
    for name, met in checks.items():
        print(f"  {'met   ' if met else 'MISSED'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
