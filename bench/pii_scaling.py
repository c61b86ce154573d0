"""Show that the personal-data check's time grows linearly with the length of its input.

Run as ``python bench/pii_scaling.py``. For each family of adversarial input — runs of digits,
of digits and separators (ー ‐ - － ・ spaces), of kana, of full-width digits, of kanji numerals,
of combining marks, of name slots and a mix of them all — it times ``find_pii`` on a text as
long as the free-text cap (``FREE_TEXT_MAX_LENGTH``) and on one ten times as long, and prints
the ratio. A linear check takes about ten times as long; the target is at most twelve. Each
figure is the CPU time of the best of several runs, so that other work on the machine does
not count. Exits non-zero when a family misses the target.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from cases.models import FREE_TEXT_MAX_LENGTH  # noqa: E402
from cases.pii import find_pii  # noqa: E402

RATIO_TARGET = 12.0
SCALE = 10
RUNS = 5
SEPARATORS = "ー‐-－・ 　"


def repeated(unit: str) -> Callable[[random.Random, int], str]:
    def make(_rng: random.Random, length: int) -> str:
        return (unit * (length // len(unit) + 1))[:length]

    return make


def drawn(alphabet: str | list[str]) -> Callable[[random.Random, int], str]:
    def make(rng: random.Random, length: int) -> str:
        text = ""
        while len(text) < length:
            text += "".join(rng.choice(alphabet) for _ in range(1000))
        return text[:length]

    return make


FAMILIES: dict[str, Callable[[random.Random, int], str]] = {
    "digits": drawn("0123456789"),
    "zeros": repeated("0"),
    "digits and separators": drawn([*"0123456789", *SEPARATORS]),
    "0ー0ー0…": repeated("0ー"),
    "0-0-0…": repeated("0-"),
    "(0(0(0…": repeated("(0"),
    "full-width digits": drawn("０１２３４５６７８９"),
    "full-width digits and －": repeated("０－"),
    "hiragana": drawn("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"),
    "katakana": drawn("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"),
    "kana names and titles": repeated("ゆいちゃんとれんくん"),
    "kanji numerals": repeated("一"),
    "place and block numbers": repeated("岐阜市一二三丁目"),
    "name slots": repeated("友人の今村と"),
    "one run of combining marks": repeated("\u0301\u0323"),
    "emails and addresses": repeated("a.b@c-d."),
    "mixed": drawn(
        [*"0123456789０１２３", *SEPARATORS, *"あいうアイウ山田一丁目番地号@.:/", "さん", "090"]
    ),
}


def best_of(runs: int, text: str) -> float:
    timings = []
    for _ in range(runs):
        gc.collect()
        started = time.process_time()
        find_pii(text)
        timings.append(time.process_time() - started)
    return min(timings)


def main() -> int:
    find_pii("佐藤さんの電話は090-1234-5678。")
    short, long = FREE_TEXT_MAX_LENGTH, FREE_TEXT_MAX_LENGTH * SCALE
    print(f"find_pii at the cap ({short:,} characters) and at {SCALE}× ({long:,}), CPU time:")
    print(f"  {'input':<26} {'1×':>10} {f'{SCALE}×':>11} {'ratio':>7}")
    missed = []
    for name, make in FAMILIES.items():
        text = make(random.Random(11), long)
        at_cap = best_of(RUNS, text[:short])
        at_scale = best_of(RUNS, text)
        ratio = at_scale / at_cap
        mark = "" if ratio <= RATIO_TARGET else "  MISSED"
        print(f"  {name:<26} {at_cap * 1000:8.1f} ms {at_scale * 1000:8.1f} ms {ratio:6.1f}×{mark}")
        if ratio > RATIO_TARGET:
            missed.append(name)
    print(f"Target: ratio ≤ {RATIO_TARGET:g}× for every input — {'MISSED' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
