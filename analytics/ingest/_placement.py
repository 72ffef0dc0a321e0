"""Placing a table's figures in its columns when their positions are lost, by the identities of the form.

The input is a header (the amount columns, in a partial left-to-right order) and rows of figures in printed order,
blank cells dropped. A row's figures stand in some increasing choice of the columns; the identities keep the choices
under which each holds: a row's total is the sum of its parts (``reference/identities.csv``), a parent row is the
sum of its children per column (类 = Σ 款, 款 = Σ 项, 合计 = Σ 类), and a row may be pinned to figures another table
prints. The parent-children groups form a tree, so pruning each group until nothing changes (generalised arc
consistency) leaves exactly the choices that some consistent reading of the whole table makes: a figure whose column
is the same in all of them is certain. Every column order the header allows is tried, and the orders that need the
fewest identities set aside (a publisher's wrong sum, or a misread) are kept.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from analytics.ingest._verify import identities_of

__all__ = ["Column", "Header", "Puzzle", "compile_identities", "orders", "place"]

#: Column orders tried at most; a header that leaves more open is read in its printed order alone.
_MAX_ORDERS = 5040
#: Partial sums kept per parent-children group; a larger group prunes nothing (sound, only less decisive).
_MAX_STATES = 5_000
_MAX_TOLERANT_CHECKS = 200_000


@dataclass(frozen=True)
class Column:
    """An amount column: its canonical key (``None`` when the header names none), year offset and header text."""

    key: str | None
    offset: int
    text: str


@dataclass
class Header:
    """The amount columns of a table (or of one side of it) and the order pairs the header and the form fix."""

    columns: list[Column]
    before: set[tuple[int, int]]


Vector = tuple[int, ...]
Placement = tuple[int, ...]


@dataclass
class Puzzle:
    """One table (or side) to place: its columns, rows of figures in cents, and the identities that bind them."""

    header: Header
    figures: list[list[int | None]]
    groups: list[tuple[int, list[int]]]
    row_checks: list[tuple[int, tuple[int, ...]]]
    pins: dict[int, dict[int, int]]
    tolerance: int  # cents one printed figure may be off its exact value (0 for 元)


def compile_identities(columns: list[Column], table: str, side: str) -> list[tuple[int, tuple[int, ...]]]:
    """Each identity as (total column, part columns), nested totals expanded to the columns that hold them."""
    index: dict[str, int] = {}
    for i, column in enumerate(columns):
        if column.key is not None:
            index[column.key] = -1 if column.key in index else i  # a key printed twice says nothing sure
    identities = {i.total: i.parts for i in identities_of(table) if i.side == side}

    def expand(key: str, seen: frozenset[str]) -> list[int]:
        if index.get(key, -1) >= 0:
            return [index[key]]
        if key in identities and key not in seen:
            return [c for part in identities[key] for c in expand(part, seen | {key})]
        return []

    out: list[tuple[int, tuple[int, ...]]] = []
    for total, parts in identities.items():
        if index.get(total, -1) < 0:
            continue
        cells = tuple(c for part in parts for c in expand(part, frozenset({total})))
        if cells:
            out.append((index[total], cells))
    return out


def _row_holds(vector: Vector, checks: list[tuple[int, tuple[int, ...]]], tolerance: int) -> bool:
    return all(abs(vector[t] - sum(vector[p] for p in parts)) <= tolerance * len(parts) for t, parts in checks)


def _options(order: tuple[int, ...], figures: list[int | None], width: int) -> dict[Vector, set[Placement]]:
    """Every placement of a row's figures, in order, into the columns of ``order``: vector → column of each figure."""
    out: dict[Vector, set[Placement]] = {}
    for chosen in itertools.combinations(range(len(order)), len(figures)):
        mapping = tuple(order[c] for c in chosen)
        vector = [0] * width
        for column, value in zip(mapping, figures, strict=True):
            vector[column] = value or 0
        out.setdefault(tuple(vector), set()).add(mapping)
    return out


def _add(a: Vector, b: Vector) -> Vector:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _close(a: Vector, b: Vector, tolerance: int) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _bounds(kids: list[list[Vector]], width: int) -> tuple[list[Vector], list[Vector]]:
    """Per column, the least and the most that the children from ``i`` on can add (index ``i``), for every ``i``."""
    low, high = [(0,) * width], [(0,) * width]
    for options in reversed(kids):
        low.insert(0, _add(low[0], tuple(map(min, zip(*options, strict=True)))))
        high.insert(0, _add(high[0], tuple(map(max, zip(*options, strict=True)))))
    return low, high


def _sums(
    kids: list[list[Vector]], low: list[Vector], high: list[Vector], target: tuple[Vector, Vector]
) -> list[set[Vector]] | None:
    """Partial sums of the children, left to right, that can still reach the parent's range ``target``."""
    width = len(target[0])
    out: list[set[Vector]] = [{(0,) * width}]
    for i, options in enumerate(kids):
        sums = {_add(f, o) for f in out[-1] for o in options}
        # Keep a partial sum only if what the remaining children can add may still land on a parent option.
        out.append(
            {
                f
                for f in sums
                if all(
                    f[c] + low[i + 1][c] <= target[1][c] and f[c] + high[i + 1][c] >= target[0][c] for c in range(width)
                )
            }
        )
        if len(out[-1]) > _MAX_STATES:
            return None
    return out


def _support(
    parent: list[Vector], kids: list[list[Vector]], tolerance: int
) -> tuple[set[Vector], list[set[Vector]]] | None:
    """The options of a parent and of each child that take part in some solution of parent = Σ children.

    Partial sums from the left and from the right, pruned by what the other children can still add; ``None`` when
    they grow too large to decide (then nothing is pruned).
    """
    width = len(parent[0])
    slack = tolerance * len(kids)
    target = (
        tuple(min(q[c] for q in parent) - slack for c in range(width)),
        tuple(max(q[c] for q in parent) + slack for c in range(width)),
    )
    low, high = _bounds(kids, width)
    forward = _sums(kids, low, high, target)
    mirrored = _bounds(kids[::-1], width)
    backward_rev = _sums(kids[::-1], *mirrored, target)
    if forward is None or backward_rev is None:
        return None
    backward = backward_rev[::-1]  # backward[i]: sums of the children from i on
    if slack == 0:
        kept_parent = {q for q in parent if q in forward[-1]}
        kept = [
            {
                o
                for o in options
                if any(
                    tuple(x - y - z for x, y, z in zip(q, o, f, strict=True)) in backward[i + 1]
                    for q in kept_parent
                    for f in forward[i]
                )
            }
            for i, options in enumerate(kids)
        ]
        return kept_parent, kept
    checks = sum(len(forward[i]) * len(backward[i + 1]) * len(o) for i, o in enumerate(kids)) * len(parent)
    if checks > _MAX_TOLERANT_CHECKS:
        return None
    kept_parent = {q for q in parent if any(_close(f, q, slack) for f in forward[-1])}
    kept = [
        {
            o
            for o in options
            if any(
                _close(_add(_add(f, o), b), q, slack) for f in forward[i] for b in backward[i + 1] for q in kept_parent
            )
        }
        for i, options in enumerate(kids)
    ]
    return kept_parent, kept


def _prune(
    domains: dict[int, dict[Vector, set[Placement]]], groups: list[tuple[int, list[int]]], tolerance: int
) -> int | None:
    """Prune every group until nothing changes; the index of a group that no reading satisfies, else ``None``.

    The group with the fewest combinations goes first: a parent fixed by its own parent bounds its children's
    partial sums tightly, so the tree is settled from its decided end.
    """
    member = {}
    for number, (parent, kids) in enumerate(groups):
        for row in (parent, *kids):
            member.setdefault(row, []).append(number)
    dirty = set(range(len(groups)))

    def size(number: int) -> float:
        parent, kids = groups[number]
        return sum(math.log(len(domains[row])) for row in (parent, *kids))

    while dirty:
        number = min(dirty, key=size)
        dirty.discard(number)
        parent, kids = groups[number]
        result = _support(list(domains[parent]), [list(domains[k]) for k in kids], tolerance)
        if result is None:
            continue
        kept_parent, kept = result
        if not kept_parent or not all(kept):
            return number
        for row, keep in zip([parent, *kids], [kept_parent, *kept], strict=True):
            if len(keep) < len(domains[row]):
                domains[row] = {v: m for v, m in domains[row].items() if v in keep}
                dirty.update(g for g in member[row] if g != number)
    return None


def _solve_order(puzzle: Puzzle, order: tuple[int, ...]) -> tuple[int, dict[int, dict[Vector, set[Placement]]]]:
    """The placements left under one column order, and how many identities had to be set aside for them."""
    width = len(puzzle.header.columns)
    relaxed = 0
    start: dict[int, dict[Vector, set[Placement]]] = {}
    for row, figures in enumerate(puzzle.figures):
        if not figures or len(figures) > width:
            continue
        options = _options(order, figures, width)
        holding = {v: m for v, m in options.items() if _row_holds(v, puzzle.row_checks, puzzle.tolerance)}
        relaxed += not holding
        options = holding or options
        pins = puzzle.pins.get(row)
        if pins:
            pinned = {
                v: m for v, m in options.items() if all(abs(v[c] - x) <= puzzle.tolerance for c, x in pins.items())
            }
            relaxed += not pinned
            options = pinned or options
        start[row] = options
    groups = [(p, [k for k in kids if k in start]) for p, kids in puzzle.groups if p in start]
    groups = [(p, kids) for p, kids in groups if kids]
    while True:
        domains = dict(start)
        failed = _prune(domains, groups, puzzle.tolerance)
        if failed is None:
            return relaxed, domains
        del groups[failed]
        relaxed += 1


def place(puzzle: Puzzle) -> list[dict[int, int]]:
    """For each row, the column of each figure that stands in the same column in every consistent reading.

    Examples
    --------
    Two rows of 合计 / 基本支出 / 项目支出 under a parent: the child printing one figure besides its total must be
    the 项目支出 one, because the parent's 基本支出 is used up by the other child.

    >>> header = Header([Column("total", 0, "合计"), Column("basic", 0, "基本"), Column("project", 0, "项目")],
    ...                  {(0, 1), (0, 2), (1, 2)})
    >>> checks = compile_identities(header.columns, "expenditure_summary", "expenditure")
    >>> puzzle = Puzzle(header, [[900, 300, 600], [500, 300, 200], [400, 400]], [(0, [1, 2])], checks, {}, 0)
    >>> place(puzzle)
    [{0: 0, 1: 1, 2: 2}, {0: 0, 1: 1, 2: 2}, {0: 0, 1: 2}]
    """
    results: list[tuple[int, dict[int, dict[Vector, set[Placement]]], tuple[int, ...]]] = []
    for order in orders(len(puzzle.header.columns), puzzle.header.before):
        relaxed, domains = _solve_order(puzzle, order)
        results.append((relaxed, domains, order))
    best = min((r for r, _, _ in results), default=0)
    chosen = [(domains, order) for relaxed, domains, order in results if relaxed == best]
    firsts = {order[0] for _, order in chosen if order}
    out: list[dict[int, int]] = []
    for row, figures in enumerate(puzzle.figures):
        mappings = {m for domains, _ in chosen for ms in domains.get(row, {}).values() for m in ms}
        placed: dict[int, int] = {}
        for index in range(len(figures)):
            columns = {m[index] for m in mappings}
            if len(columns) == 1:
                placed[index] = columns.pop()
        total = next((c for c, col in enumerate(puzzle.header.columns) if col.key == "total"), None)
        if 0 not in placed and figures and firsts == {total} and any(m[0] == total for m in mappings):
            # 合计 is the form's first amount column, and a blank 合计 beside printed parts breaks 合计 = Σ parts:
            # the row's first figure is its 合计 even when its other figures cannot be placed.
            placed[0] = total
        out.append(placed)
    return out


def orders(count: int, before: set[tuple[int, int]]) -> list[tuple[int, ...]]:
    """Every left-to-right order of ``count`` columns that keeps the ``before`` pairs (at most ``_MAX_ORDERS``).

    With more, the header's reading order alone (its lines top to bottom, each left to right).
    """
    preds = {i: {a for a, b in before if b == i} for i in range(count)}
    out: list[tuple[int, ...]] = []

    def extend(placed: list[int], left: set[int]) -> bool:
        if not left:
            out.append(tuple(placed))
            return len(out) <= _MAX_ORDERS
        for node in sorted(left):
            if preds[node] <= set(placed):
                placed.append(node)
                ok = extend(placed, left - {node})
                placed.pop()
                if not ok:
                    return False
        return True

    if not extend([], set(range(count))):
        return [tuple(range(count))]
    return out
