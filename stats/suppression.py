"""Small-cell suppression for tables of counts, with complementary cells so nothing can be subtracted.

A table is a set of *levels*: the cells grouped by every subset of its dimensions, from the
grand total (no dimension) to the finest cells. Anyone who can ask for two levels knows that
each coarse cell is the sum of a *line* of finer cells, so hiding the small cells is not enough.

Each small cell is hidden together with the other corners of a box (two values on every
dimension of its level): adding t to the even corners and taking t from the odd ones leaves
every sum at every level unchanged, so no set of equations can pin the cell down. In finer
levels the box is repeated on one chosen value of each new dimension, for the same reason.

Levels are settled from the grand total upwards and a finer level never changes a coarser one,
so a level is hidden the same way whichever table it belongs to: asking for `service` alone
and for `service, month` shows the same `service` cells hidden.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, product

Key = tuple
Level = tuple[str, ...]
EXHAUSTIVE_LIMIT = 4000


def levels_of(dims: Sequence[str]) -> list[Level]:
    """Return every subset of the dimensions, in their given order, coarsest first."""
    dims = tuple(dims)
    return [
        tuple(d for d in dims if d in chosen)
        for size in range(len(dims) + 1)
        for chosen in combinations(dims, size)
    ]


@dataclass
class _Box:
    """Two values on each dimension of the level it was made for; one value on each added one."""

    sides: dict[str, tuple] = field(default_factory=dict)
    lifts: dict[str, object] = field(default_factory=dict)

    def corners(self, level: Level) -> list[Key] | None:
        """Return the box's cells at `level`, or None when it sums to nothing there."""
        if not set(self.sides) <= set(level):
            return None
        choices = [self.sides[d] if d in self.sides else (self.lifts[d],) for d in level]
        return list(product(*choices))


def suppress(
    counts: Mapping[Level, Mapping[Key, int]], *, dims: Sequence[str], threshold: int
) -> dict[Level, set[Key]]:
    """Return, for every level, the keys to hide: counts under the threshold and their boxes.

    `counts` holds, for each level of `levels_of(dims)`, its non-zero cells keyed by a tuple of
    the level's dimension values. A zero cell may be hidden as a box corner when no other cell
    fits; its key then appears in the answer although not in `counts`.
    """
    boxes: list[_Box] = []
    hidden: dict[Level, set[Key]] = {}
    for level in levels_of(dims):
        cells = counts.get(level, {})
        domains = _domains(level, cells, boxes)
        own: set[Key] = set()
        for box in boxes:
            for d in level:
                if d not in box.sides and d not in box.lifts:
                    box.lifts[d] = _lift_value(box, level, d, cells, domains, own)
            own |= set(box.corners(level) or ())
        for key in sorted(cells, key=_sortable):
            if 0 < cells[key] < threshold and key not in own:
                found = _box_for(key, level, cells, domains, own)
                if found is not None:
                    boxes.append(found)
                    own |= set(found.corners(level) or ())
                else:
                    own.add(key)
        hidden[level] = own
    return hidden


def _cost(keys, cells, own) -> tuple[int, int]:
    zeros = total = 0
    for k in keys:
        if k not in own:
            count = cells.get(k, 0)
            zeros += count == 0
            total += count
    return zeros, total


def _lift_value(box: _Box, level: Level, dim: str, cells, domains, own):
    """Choose the value of a new dimension on which the box is repeated: the cheapest to hide."""
    index = level.index(dim)
    options = domains[index] or [None]

    def cost_with(value: object) -> tuple[int, int]:
        box.lifts[dim] = value
        return _cost(box.corners(level) or (), cells, own)

    best = min(options, key=cost_with)
    del box.lifts[dim]
    return best


def _box_for(key: Key, level: Level, cells, domains, own) -> _Box | None:
    """Return the cheapest box around a small cell, or None when a dimension has one value.

    A dimension with a single value makes the cell equal to its marginal, which is then as
    small and hidden with its own box one level down.
    """
    others = [[v for v in domains[i] if v != key[i]] for i in range(len(level))]
    if not level or any(not values for values in others):
        return None

    def box_of(partners) -> _Box:
        return _Box(sides={d: (key[i], partners[i]) for i, d in enumerate(level)})

    total = 1
    for values in others:
        total *= len(values)
    if total <= EXHAUSTIVE_LIMIT:
        return box_of(_cheapest_partners(key, others, cells, own))
    partners = [values[0] for values in others]
    for i in range(len(level)):
        # Only the corners that take the partner on this dimension change with it.
        fixed = [(v,) if j == i else (key[j], partners[j]) for j, v in enumerate(key)]

        def cost_at(v: object, i: int = i, fixed: list = fixed) -> tuple[int, int]:
            fixed[i] = (v,)
            return _cost(product(*fixed), cells, own)

        partners[i] = min(others[i], key=cost_at)
    return box_of(partners)


def _cheapest_partners(key: Key, others: list[list], cells, own) -> tuple:
    """Return the first partners, in the order of ``product(*others)``, of a box of least cost.

    A depth-first walk over the dimensions adds the corners each choice settles; a branch is
    left when what it has settled plus the least each later dimension can add costs at least
    as much as the best box found so far, which comes earlier and so wins a tie. The answer
    is the exhaustive search's, in a fraction of its time.
    """
    size = len(key)

    def corner_cost(corner: Key) -> tuple[int, int]:
        if corner in own:
            return 0, 0
        count = cells.get(corner, 0)
        return count == 0, count

    # The corner that differs from the cell on one dimension only, per dimension and value.
    alone = [
        [corner_cost((*key[:i], value, *key[i + 1 :])) for value in others[i]] for i in range(size)
    ]
    # Costs only grow and (zeros, count) is compared in order: the sum of each part's least
    # is never more than what the remaining dimensions will add.
    floors = [(0, 0)] * (size + 1)
    for i in range(size - 1, -1, -1):
        zeros = min(cost[0] for cost in alone[i])
        count = min(cost[1] for cost in alone[i])
        floors[i] = (floors[i + 1][0] + zeros, floors[i + 1][1] + count)
    best: list = [None, None]
    chosen = list(key)

    def visit(depth: int, zeros: int, count: int) -> None:
        if depth == size:
            if best[0] is None or (zeros, count) < best[0]:
                best[0], best[1] = (zeros, count), tuple(chosen)
            return
        settled = [(key[i], chosen[i]) for i in range(depth)]
        rest = [(key[i],) for i in range(depth + 1, size)]
        floor_zeros, floor_count = floors[depth + 1]
        for value in others[depth]:
            added = _cost(product(*settled, (value,), *rest), cells, own)
            total_zeros, total_count = zeros + added[0], count + added[1]
            bound = (total_zeros + floor_zeros, total_count + floor_count)
            if best[0] is not None and bound >= best[0]:
                continue
            chosen[depth] = value
            visit(depth + 1, total_zeros, total_count)
        chosen[depth] = key[depth]

    visit(0, *corner_cost(key))
    return best[1]


def _domains(level: Level, cells: Mapping[Key, int], boxes: list[_Box]) -> list[list]:
    """Return the values each dimension takes at this level, with those of the boxes."""
    values: list[set] = [{key[i] for key in cells} for i in range(len(level))]
    for box in boxes:
        for i, d in enumerate(level):
            if d in box.sides:
                values[i] |= set(box.sides[d])
            elif d in box.lifts:
                values[i].add(box.lifts[d])
    return [sorted(vs, key=_sortable) for vs in values]


def _sortable(value) -> tuple:
    if isinstance(value, tuple):
        return tuple(_sortable(v) for v in value)
    return (value is None, str(value))


def marginals(finest: Mapping[Key, int], *, dims: Sequence[str]) -> dict[Level, dict[Key, int]]:
    """Return every level of a table whose cells add up (no dimension counts a row twice)."""
    dims = tuple(dims)
    out: dict[Level, dict[Key, int]] = {}
    for level in levels_of(dims):
        idx = [dims.index(d) for d in level]
        sums: dict[Key, int] = defaultdict(int)
        for key, n in finest.items():
            sums[tuple(key[i] for i in idx)] += n
        out[level] = {k: n for k, n in sums.items() if n}
    return out


def lines_with_one_unknown(
    counts: Mapping[Level, Mapping[Key, int]],
    hidden: Mapping[Level, set[Key]],
    *,
    dims: Sequence[str],
) -> list[tuple[Level, str, Key]]:
    """Return every line whose equation has exactly one unknown: the leaks (empty when safe)."""
    leaks = []
    for level in levels_of(dims):
        if not level:
            continue
        keys = set(counts.get(level, {})) | hidden[level]
        domains = [sorted({k[i] for k in keys}, key=_sortable) for i in range(len(level))]
        for d, name in enumerate(level):
            parent = tuple(x for x in level if x != name)
            others = [dom for i, dom in enumerate(domains) if i != d]
            for parent_key in product(*others):
                members = [(*parent_key[:d], v, *parent_key[d:]) for v in domains[d]]
                n = sum(m in hidden[level] for m in members) + (parent_key in hidden[parent])
                if n == 1:
                    leaks.append((level, name, parent_key))
    return leaks
