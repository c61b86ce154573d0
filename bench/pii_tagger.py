"""Measure a small trained tagger (a CRF over SudachiPy's tokens) as a second opinion on names.

    .venv/bin/python bench/pii_tagger.py --site /path/to/site-packages

The rules have been tuned on every set they have seen and score well below that on each new
one, so this asks whether a model that learns the contexts names stand in — from the same
development sets, nothing else — does better on text it never saw. It trains a linear-chain
CRF (python-crfsuite, not in the project's locks: ``pip install --target DIR
python-crfsuite`` and pass DIR as ``--site``) on the development sets, each name's tokens
labelled B/I and every other token O, and measures the held-out and fresh sets, which
neither the rules nor the tagger saw: name recall by script and position and the share of
name-free narratives with any finding, for the rules alone, the tagger alone and the two
together (a name counts as found when either finds a span overlapping it). It also prints the
tagger's p95 on 2,000 characters (on top of the tokens the guard already has) and the size
of the trained model. Without the package it says so and exits 0: the guard never needs it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pii import (
    BLIND,
    DEV_MODULES,
    Entry,
    as_entries,
    load_optional,
    locate,
    long_text,
    script_of,
)
from cases import pii
from tests.cases import pii_corpus

HONORIFICS = {"さん", "くん", "君", "ちゃん", "様", "さま", "氏", "先生", "先輩", "殿", "たん"}

Token = tuple[int, int, str, tuple[str, ...]]


def tokens(text: str) -> list[Token]:
    """SudachiPy's tokens of the text as typed: (start, end, surface, part of speech)."""
    tokenizer = pii._tokenizer()
    return [
        (m.begin(), m.end(), m.surface(), tuple(m.part_of_speech()))
        for m in tokenizer.tokenize(text)
    ]


def char_class(surface: str) -> str:
    kinds = set()
    for char in unicodedata.normalize("NFKC", surface):
        name = unicodedata.name(char, "")
        if name.startswith("CJK") or char in "々ヶ":
            kinds.add("K")
        elif name.startswith("KATAKANA") or char == "ー":
            kinds.add("k")
        elif name.startswith("HIRAGANA"):
            kinds.add("h")
        elif char.isascii() and char.isalpha():
            kinds.add("L")
        elif char.isdigit():
            kinds.add("D")
        else:
            kinds.add("S")
    return "".join(sorted(kinds)) or "-"


def features(toks: list[Token], i: int) -> list[str]:
    _start, _end, surface, pos = toks[i]
    found = [
        "bias",
        f"pos={pos[0]}/{pos[1]}",
        f"pos3={pos[0]}/{pos[1]}/{pos[2]}/{pos[3]}",
        f"cls={char_class(surface)}",
        f"len={min(len(surface), 5)}",
        f"cls_len={char_class(surface)}{min(len(surface), 5)}",
    ]
    if "人名" in pos:
        found.append("person_pos")
    if pos[0] == "名詞" and pos[1] == "普通名詞":
        found.append(f"common_noun_cls={char_class(surface)}")
    for offset in (-2, -1, 1, 2):
        j = i + offset
        if 0 <= j < len(toks):
            neighbour, npos = toks[j][2], toks[j][3]
            found.append(f"{offset}:pos={npos[0]}/{npos[1]}")
            if npos[0] in ("助詞", "助動詞", "接尾辞", "補助記号") or neighbour in HONORIFICS:
                found.append(f"{offset}:w={neighbour}")
            if offset == 1 and neighbour in HONORIFICS:
                found.append("honorific_next")
            found.append(f"{offset}:cls={char_class(neighbour)}")
        else:
            found.append(f"{offset}:edge")
    return found


def labelled(entries: list[Entry]) -> list[tuple[list[list[str]], list[str]]]:
    sequences = []
    for text, expected, _tags in entries:
        toks = tokens(text)
        if not toks:
            continue
        names = [(s, e) for kind, s, e in locate(text, expected) if kind == "person_name"]
        labels = []
        previous = "O"
        for start, end, _surface, _pos in toks:
            inside = any(s < end and start < e for s, e in names)
            label = ("I" if previous != "O" else "B") if inside else "O"
            labels.append(label)
            previous = label
        sequences.append(([features(toks, i) for i in range(len(toks))], labels))
    return sequences


def tagged_spans(tagger: Any, text: str) -> list[tuple[int, int]]:
    toks = tokens(text)
    if not toks:
        return []
    labels = tagger.tag([features(toks, i) for i in range(len(toks))])
    return [
        (start, end)
        for (start, end, *_rest), label in zip(toks, labels, strict=True)
        if label != "O"
    ]


def measure(title: str, entries: list[Entry], tagger: Any) -> None:
    expected: Counter[str] = Counter()
    found = {way: Counter() for way in ("rules", "tagger", "both")}
    clean = 0
    alarmed = Counter()
    for text, wanted, tags in entries:
        findings = pii.find_pii(text)
        rules = [(f.start, f.end) for f in findings if f.kind == "person_name"]
        anything = bool(findings)
        tagged = tagged_spans(tagger, text)
        if not wanted:
            clean += 1
            alarmed["rules"] += anything
            alarmed["tagger"] += bool(tagged)
            alarmed["both"] += anything or bool(tagged)
            continue
        for kind, start, end in locate(text, wanted):
            if kind != "person_name":
                continue
            hits = {
                "rules": any(s < end and start < e for s, e in rules),
                "tagger": any(s < end and start < e for s, e in tagged),
            }
            hits["both"] = hits["rules"] or hits["tagger"]
            keys = [f"script:{script_of(text[start:end])}", *(f"position:{t}" for t in tags)]
            for key in [*keys, "all"]:
                expected[key] += 1
                for way, hit in hits.items():
                    found[way][key] += hit
    print(f"\n== {title}")
    print(f"  {'names':<20} {'rules':>7} {'tagger':>7} {'both':>7}   (count)")
    for key in sorted(expected, key=lambda k: (k.startswith("position"), k != "all", k)):
        figures = " ".join(f"{found[way][key] / expected[key]:7.3f}" for way in found)
        print(f"  {key:<20} {figures}   ({expected[key]})")
    if clean:
        figures = " ".join(f"{alarmed[way] / clean:7.3f}" for way in found)
        print(f"  {'name-free alarmed':<20} {figures}   ({clean})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a folder holding python-crfsuite")
    parser.add_argument("--iterations", type=int, default=150)
    arguments = parser.parse_args()
    if arguments.site:
        sys.path.insert(0, arguments.site)
    try:
        import pycrfsuite
    except ImportError:
        print("python-crfsuite is not installed (see --site): nothing measured.")
        return 0

    dev = as_entries(pii_corpus.CORPUS + pii_corpus.FRESH + pii_corpus.UNSEEN)
    dev += as_entries(pii_corpus.DEV)
    for _name, _title, module, prefix in DEV_MODULES:
        loaded = load_optional(module, prefix)
        if loaded is not None:
            dev += loaded[0]
    began = time.monotonic()
    trainer = pycrfsuite.Trainer(verbose=False)
    for sequence, labels in labelled(dev):
        trainer.append(sequence, labels)
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": arguments.iterations})
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "names.crfsuite"
        trainer.train(str(model))
        size = model.stat().st_size
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        print(
            f"trained on {len(dev)} development narratives in {time.monotonic() - began:.1f} s; "
            f"model {size / 1024:.0f} KiB"
        )
        for name, title, module, prefix in BLIND:
            loaded = load_optional(module, prefix)
            if loaded is None:
                print(f"\n== {title}: tests/cases/{module}.py does not exist; skipped")
                continue
            measure(f"{name}: {title}", loaded[0], tagger)
        text = long_text()
        toks = tokens(text)
        timings = []
        for _ in range(100):
            started = time.perf_counter()
            tagger.tag([features(toks, i) for i in range(len(toks))])
            timings.append(time.perf_counter() - started)
        p95 = statistics.quantiles(timings, n=20)[-1] * 1000
        print(f"\ntagger p95 on {len(text)} characters, on the guard's tokens: {p95:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
