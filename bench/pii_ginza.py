"""Measure GiNZA's named-entity model (ja_ginza) as a second opinion on names, beside the rules.

    .venv/bin/python bench/pii_ginza.py --site /path/to/site-packages [--set dev|held-out|fresh]

ja_ginza is not in the project's locks: install it somewhere of its own (``pip install
--target DIR ja-ginza``) and pass that folder as ``--site``. GiNZA runs in a child process
whose path holds only that folder (spaCy brings a package named ``catalogue`` that would
clash with the project's app of that name). For each set it prints name recall by script
with the rules alone and with the rules plus GiNZA's Person entities, the share of
name-free narratives with any finding both ways, GiNZA's p95 on 2,000 characters and the
peak memory of a process holding the model. Without ``--site`` (or without ja_ginza there)
it says so and exits 0: the guard itself never needs the model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pii import (
    Entry,
    as_entries,
    load_optional,
    locate,
    long_text,
    script_of,
)
from cases import pii
from tests.cases import pii_corpus

_WORKER = r"""
import json, resource, sys, time
import spacy
nlp = spacy.load("ja_ginza")
request = json.load(sys.stdin)
spans = []
for text in request["texts"]:
    doc = nlp(text)
    spans.append([[e.start_char, e.end_char] for e in doc.ents if e.label_ == "Person"])
nlp(request["long"])
timings = []
for _ in range(request["runs"]):
    started = time.perf_counter()
    nlp(request["long"])
    timings.append((time.perf_counter() - started) * 1000)
timings.sort()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/status") as status:
        peak = int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
except OSError:
    pass
json.dump({
    "spans": spans,
    "p95_ms": timings[int(len(timings) * 0.95) - 1],
    "maxrss_mib": peak / 1024,
}, sys.stdout)
"""


def ginza(site: str, texts: list[str], runs: int) -> dict:
    request = json.dumps({"texts": texts, "long": long_text(), "runs": runs})
    completed = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.append({site!r})\n{_WORKER}"],
        input=request,
        capture_output=True,
        text=True,
        cwd="/",
    )
    if completed.returncode != 0:
        raise SystemExit(f"GiNZA could not run from {site}:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def compare(title: str, entries: list[Entry], person_spans: list[list[list[int]]]) -> None:
    expected: dict[str, int] = {}
    rules: dict[str, int] = {}
    both: dict[str, int] = {}
    clean = alarmed_rules = alarmed_both = 0
    for (text, annotated, _tags), extra in zip(entries, person_spans, strict=True):
        findings = pii.find_pii(text)
        for kind, start, end in locate(text, annotated):
            if kind != "person_name":
                continue
            script = script_of(text[start:end])
            hit = any(f.kind == kind and f.start < end and start < f.end for f in findings)
            second = any(s < end and start < e for s, e in extra)
            expected[script] = expected.get(script, 0) + 1
            rules[script] = rules.get(script, 0) + hit
            both[script] = both.get(script, 0) + (hit or second)
        if not annotated:
            clean += 1
            alarmed_rules += bool(findings)
            alarmed_both += bool(findings or extra)
    print(f"\n== {title}")
    for script in ("kanji", "katakana", "hiragana", "latin", "mixed"):
        if expected.get(script):
            n = expected[script]
            print(
                f"  {script:<9} recall rules {rules[script] / n:5.3f}"
                f"   rules + GiNZA {both[script] / n:5.3f}   ({n} names)"
            )
    if clean:
        print(
            f"  name-free with a finding: rules {alarmed_rules / clean:5.3f}"
            f"   rules + GiNZA {alarmed_both / clean:5.3f}   ({clean} narratives)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a folder holding ja_ginza and spaCy")
    parser.add_argument("--set", choices=("dev", "held-out", "fresh"), action="append")
    parser.add_argument("--runs", type=int, default=50)
    arguments = parser.parse_args()
    if not arguments.site or not (Path(arguments.site) / "ja_ginza").is_dir():
        print("ja_ginza is not installed where --site points: nothing to compare.")
        return 0
    wanted = set(arguments.set or ("dev", "held-out", "fresh"))
    sets: list[tuple[str, list[Entry]]] = []
    if "dev" in wanted:
        dev = as_entries(pii_corpus.CORPUS + pii_corpus.FRESH + pii_corpus.UNSEEN)
        sets.append(("development set", dev + as_entries(pii_corpus.DEV)))
    for name, module, prefix in (
        ("held-out", "pii_heldout", "HELDOUT"),
        ("fresh", "pii_fresh", "FRESH"),
    ):
        loaded = load_optional(module, prefix) if name in wanted else None
        if loaded is not None:
            sets.append((f"{name} set", loaded[0]))
    texts = [text for _, entries in sets for text, _, _ in entries]
    answer = ginza(arguments.site, texts, arguments.runs)
    position = 0
    for title, entries in sets:
        compare(title, entries, answer["spans"][position : position + len(entries)])
        position += len(entries)
    print(f"\nGiNZA alone on 2,000 characters: p95 {answer['p95_ms']:.1f} ms")
    print(f"peak memory of a process holding ja_ginza: {answer['maxrss_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
