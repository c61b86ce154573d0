import random
from fractions import Fraction
from itertools import product

import pytest

from stats.suppression import (
    _cheapest_partners,
    _cost,
    levels_of,
    lines_with_one_unknown,
    marginals,
    suppress,
)


def random_table(rng, dims, sizes, density=0.6, high=12):
    cells = {}
    ranges = [range(n) for n in sizes]

    def keys(prefix, i):
        if i == len(ranges):
            yield prefix
            return
        for v in ranges[i]:
            yield from keys((*prefix, f"{dims[i]}{v}"), i + 1)

    for key in keys((), 0):
        if rng.random() < density:
            cells[key] = rng.choice([1, 1, 2, 2, 3, 4, 5, *list(range(6, high))])
    return cells


def determined_hidden_cells(counts, hidden, dims):
    """Solve every published equation exactly; return the hidden cells whose value follows."""
    variables = sorted({(lv, k) for lv in hidden for k in hidden[lv]}, key=repr)
    index = {v: i for i, v in enumerate(variables)}
    rows = []
    for level in levels_of(dims):
        for d, name in enumerate(level):
            parent = tuple(x for x in level if x != name)
            groups = {}
            for key in set(counts[level]) | hidden[level]:
                groups.setdefault(key[:d] + key[d + 1 :], []).append(key)
            for parent_key in set(groups) | hidden[parent]:
                row = [Fraction(0)] * len(variables)
                for key in groups.get(parent_key, []):
                    if key in hidden[level]:
                        row[index[(level, key)]] += 1
                if parent_key in hidden[parent]:
                    row[index[(parent, parent_key)]] -= 1
                if any(row):
                    rows.append(row)
    pivots = []
    for col in range(len(variables)):
        pivot = next((r for r in range(len(pivots), len(rows)) if rows[r][col]), None)
        if pivot is None:
            continue
        r = len(pivots)
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][col] for x in rows[r]]
        for other in range(len(rows)):
            if other != r and rows[other][col]:
                factor = rows[other][col]
                rows[other] = [a - factor * b for a, b in zip(rows[other], rows[r], strict=True)]
        pivots.append(col)
    return [variables[col] for r, col in enumerate(pivots) if sum(1 for x in rows[r] if x) == 1]


def test_it_hides_counts_under_the_threshold_and_keeps_the_rest():
    counts = marginals({("a",): 10, ("b",): 2, ("c",): 7}, dims=("service",))
    hidden = suppress(counts, dims=("service",), threshold=3)
    assert ("b",) in hidden[("service",)]
    assert ("a",) not in hidden[("service",)] or ("c",) not in hidden[("service",)]
    assert len(hidden[("service",)]) == 2


def test_it_hides_a_second_cell_so_the_total_cannot_be_subtracted():
    counts = marginals({("a",): 10, ("b",): 1, ("c",): 7}, dims=("service",))
    hidden = suppress(counts, dims=("service",), threshold=3)
    assert hidden[("service",)] == {("b",), ("c",)}


def test_it_leaves_a_table_without_small_cells_untouched():
    counts = marginals({("a", "x"): 5, ("a", "y"): 3, ("b", "x"): 9}, dims=("s", "m"))
    hidden = suppress(counts, dims=("s", "m"), threshold=3)
    assert all(not keys for keys in hidden.values())


def test_a_small_grand_total_is_hidden_with_the_cells_under_it():
    counts = marginals({("a",): 1, ("b",): 1}, dims=("service",))
    hidden = suppress(counts, dims=("service",), threshold=3)
    assert hidden[()] == {()}
    assert hidden[("service",)] == {("a",), ("b",)}


def test_a_coarser_level_is_hidden_the_same_whichever_table_asks_for_it():
    rng = random.Random(7)
    cells = random_table(rng, ("s", "m"), (5, 4))
    two = suppress(marginals(cells, dims=("s", "m")), dims=("s", "m"), threshold=3)
    one_cells = marginals(cells, dims=("s", "m"))[("s",)]
    one = suppress(marginals(one_cells, dims=("s",)), dims=("s",), threshold=3)
    assert two[("s",)] == one[("s",)]


@pytest.mark.parametrize("seed", range(150))
def test_no_hidden_cell_can_be_worked_out_from_a_random_table_and_its_totals(seed):
    rng = random.Random(seed)
    n = rng.choice([1, 2, 2, 3])
    dims = ("a", "b", "c")[:n]
    sizes = [rng.randint(1, 5) for _ in dims]
    cells = random_table(rng, dims, sizes, density=rng.choice([0.3, 0.6, 0.9]))
    counts = marginals(cells, dims=dims)
    hidden = suppress(counts, dims=dims, threshold=3)
    for level, keys in counts.items():
        for key, value in keys.items():
            if 0 < value < 3:
                assert key in hidden[level]
    assert lines_with_one_unknown(counts, hidden, dims=dims) == []
    assert determined_hidden_cells(counts, hidden, dims) == []


@pytest.mark.parametrize("seed", range(200))
def test_the_search_for_a_box_finds_the_first_cheapest_of_every_candidate(seed):
    rng = random.Random(seed)
    sizes = [rng.randint(2, 6) for _ in range(rng.randint(1, 4))]
    dims = tuple("abcd"[: len(sizes)])
    cells = random_table(rng, dims, sizes, density=rng.choice([0.2, 0.5, 0.9]), high=6)
    own = {key for key in cells if rng.random() < 0.2}
    key = rng.choice(sorted(cells)) if cells else tuple(f"{d}0" for d in dims)
    others = [
        [f"{d}{v}" for v in range(n) if f"{d}{v}" != key[i]]
        for i, (d, n) in enumerate(zip(dims, sizes, strict=True))
    ]

    def every_corner(partners):
        return _cost(product(*zip(key, partners, strict=True)), cells, own)

    assert _cheapest_partners(key, others, cells, own) == min(product(*others), key=every_corner)
