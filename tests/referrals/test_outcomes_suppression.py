"""No count under the threshold can be seen on a card or worked out from several cards.

The referrals behind a card are those of cases sharing a category with the intake, so each
card is a sum of *atoms*: the referrals of cases with one exact set of categories. A reader
who collects cards for the same window and situation can add and subtract them; a count is
worked out when the indicator of a set of atoms lies in the span of the cards' incidence
rows. These tests collect every card the API can show over small datasets and check every
set of atoms a reader could pin down.
"""

import itertools
import random
from fractions import Fraction

import pytest

from referrals.outcomes import visible_outcomes
from tests.referrals.outcome_data import seed_tally

THRESHOLD = 3
UNIVERSE = ("defamation", "privacy", "bullying")
ATOMS = [
    frozenset(chosen)
    for size in range(1, len(UNIVERSE) + 1)
    for chosen in itertools.combinations(UNIVERSE, size)
]
# Every category filter, with one outside the data, which must change nothing.
FILTERS = [
    frozenset(chosen)
    for size in range(len(UNIVERSE) + 1)
    for chosen in itertools.combinations((*UNIVERSE, "fraud"), size)
]


def _basis(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Return the rows in reduced echelon form, each with its pivot column."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        row = _reduce(row, basis)
        pivot = next((col for col, value in enumerate(row) if value), None)
        if pivot is None:
            continue
        row = [value / row[pivot] for value in row]
        basis = [(p, _reduce(b, [(pivot, row)])) for p, b in basis]
        basis.append((pivot, row))
    return basis


def _reduce(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    for pivot, base in basis:
        if row[pivot]:
            factor = row[pivot]
            row = [a - factor * b for a, b in zip(row, base, strict=True)]
    return row


def derivable_small_counts(
    atoms: dict[frozenset[str], tuple[int, int]], shown: list[frozenset[str]]
) -> list[tuple[frozenset[frozenset[str]], str, int]]:
    """Return every set of atoms a reader of the shown cards can count, whose count is small.

    A card for the filter C sums the atoms that meet C; from the cards shown a reader can
    work out any combination of atoms in the span of their rows.
    """
    rows = {tuple(Fraction(int(bool(atom & c))) for atom in ATOMS) for c in shown}
    basis = _basis([list(row) for row in rows])
    found = []
    for size in range(1, len(ATOMS) + 1):
        for group in itertools.combinations(range(len(ATOMS)), size):
            target = [Fraction(int(i in group)) for i in range(len(ATOMS))]
            if any(_reduce(target, basis)):
                continue
            chosen = [atoms.get(ATOMS[i], (0, 0)) for i in group]
            for name, value in (
                ("referred", sum(n for n, _m in chosen)),
                ("resolved", sum(m for _n, m in chosen)),
                ("others", sum(n - m for n, m in chosen)),
            ):
                if 0 < value < THRESHOLD:
                    found.append((frozenset(ATOMS[i] for i in group), name, value))
    return found


def random_atoms(rng: random.Random) -> dict[frozenset[str], tuple[int, int]]:
    atoms = {}
    for atom in ATOMS:
        referred = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12])
        atoms[atom] = (referred, rng.randint(0, referred))
    return atoms


def naive(atoms, categories):
    """Suppress only the card's own totals: what the product must not do."""
    referred = sum(n for atom, (n, _m) in atoms.items() if atom & categories)
    resolved = sum(m for atom, (_n, m) in atoms.items() if atom & categories)
    if not categories or min(referred, resolved, referred - resolved) < THRESHOLD:
        return None
    return (referred, resolved)


LEAKY = {
    frozenset({"defamation"}): (6, 3),
    frozenset({"defamation", "privacy"}): (1, 1),
    frozenset({"privacy"}): (6, 3),
    frozenset({"bullying"}): (7, 4),
}


def test_the_checker_finds_what_naive_suppression_gives_away():
    shown = [c for c in FILTERS if naive(LEAKY, c)]
    leaks = derivable_small_counts(LEAKY, shown)
    assert (frozenset({frozenset({"defamation", "privacy"})}), "referred", 1) in leaks


@pytest.mark.parametrize("seed_value", range(200))
def test_no_small_count_can_be_worked_out_from_any_set_of_cards(seed_value):
    rng = random.Random(seed_value)
    atoms = random_atoms(rng)
    tallies = {atom: [n, m] for atom, (n, m) in atoms.items() if n}
    shown = []
    for categories in FILTERS:
        outcome = visible_outcomes(tallies, categories, threshold=THRESHOLD)
        if outcome is None:
            continue
        assert min(outcome.referred, outcome.resolved, outcome.referred - outcome.resolved) >= 3
        shown.append(categories)
    assert derivable_small_counts(atoms, shown) == []


SITUATIONS = ["victim", "found_illegal", "seek_solution", "worries"]
WISHES = [[], ["delete"], ["talk", "report"]]


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("dataset", [LEAKY, "random"])
def test_every_request_the_api_accepts_keeps_every_count_hidden(
    api, desk, school_desk, supervisor, counsellor, dataset, settings
):
    """Ask the API with every combination of its filters and check what the answers give away."""
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "write": "100000/min"}
    rng = random.Random(19)
    windows = ["jinken", "ihaho", "internet-hotline-center", "mamorouyo-kokoro"]
    truth: dict[tuple[str, str], dict[frozenset[str], tuple[int, int]]] = {}
    for situation in SITUATIONS:
        for window in windows:
            atoms = dict(LEAKY) if dataset is LEAKY else random_atoms(rng)
            truth[(situation, window)] = atoms
            for atom, (referred, resolved) in atoms.items():
                # Split between the supervisor's two desks: their sum is what they see.
                here = rng.randint(0, referred)
                resolved_here = min(resolved, here)
                for where, n, m in (
                    (desk, here, resolved_here),
                    (school_desk, referred - here, resolved - resolved_here),
                ):
                    seed_tally(
                        desk=where,
                        user=counsellor,
                        situation=situation,
                        categories=sorted(atom),
                        service=window,
                        referred=n,
                        resolved=m,
                    )
    client = api(supervisor)
    seen: dict[tuple[str, str], dict[frozenset[str], tuple[int, int]]] = {}
    requests = 0
    for situation, wishes, categories, desk_slug in itertools.product(
        SITUATIONS, WISHES, FILTERS, (None, school_desk.slug)
    ):
        body = {"situation": situation, "wishes": wishes, "categories": sorted(categories)}
        if desk_slug:
            body["desk"] = desk_slug
        response = client.post("/api/v1/referrals/suggestions/", body, format="json")
        assert response.status_code == 200, response.json()
        requests += 1
        for suggestion in response.json()["suggestions"]:
            slug, outcomes = suggestion["service"]["slug"], suggestion["outcomes"]
            if slug not in windows or outcomes is None:
                continue
            referred, resolved = outcomes["referred"], outcomes["resolved"]
            assert min(referred, resolved, referred - resolved) >= THRESHOLD
            cards = seen.setdefault((situation, slug), {})
            # The same filter answers the same, whatever else the request says.
            assert cards.setdefault(categories, (referred, resolved)) == (referred, resolved)
    assert requests == len(SITUATIONS) * len(WISHES) * len(FILTERS) * 2
    assert seen, "no card showed any figures: the dataset tests nothing"
    for key, cards in seen.items():
        assert derivable_small_counts(truth[key], list(cards)) == [], key


def test_the_random_datasets_show_cards_and_would_leak_without_the_rule():
    shown = leaky = 0
    for seed_value in range(200):
        atoms = random_atoms(random.Random(seed_value))
        tallies = {atom: [n, m] for atom, (n, m) in atoms.items() if n}
        if any(visible_outcomes(tallies, c, threshold=THRESHOLD) for c in FILTERS):
            shown += 1
        if derivable_small_counts(atoms, [c for c in FILTERS if naive(atoms, c)]):
            leaky += 1
    assert shown >= 10
    assert leaky >= 50
