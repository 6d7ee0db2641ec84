"""Disclosure control of the registry's drill-down counts (tuntas/dasbor/views_wilayah.py).

Pure: no Django, no query. A count of 1 to ``SMALL_COUNT_MIN - 1`` people in a desa or kecamatan
can point at individuals (UU 27/2022), so viewers from outside the pemda see it as "< 5", and
:func:`suppress_small_counts` hides further counts so that no small one can be worked out from
the totals."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

SMALL_COUNT_MIN = 5
"""Viewers from outside the pemda see a count from 1 to ``SMALL_COUNT_MIN - 1`` of the registry
drill-down as "< 5" (UU 27/2022: in a small area such a count points at individuals); 0 stays 0.
Members of the pemda see every count: the data is theirs."""


class Mark(StrEnum):
    """How one count of the drill-down is shown to a viewer from outside the pemda."""

    SHOWN = "shown"
    SMALL = "small"  # from 1 to SMALL_COUNT_MIN - 1: shown as "< 5"
    HIDDEN = "hidden"  # hidden so that no small count can be worked out (complementary)


@dataclass(frozen=True)
class CountMarks:
    """The marks of one area's sasaran, terlayani and belum terlayani (sasaran − terlayani)."""

    sasaran: Mark = Mark.SHOWN
    terlayani: Mark = Mark.SHOWN
    belum: Mark = Mark.SHOWN

    @property
    def suppressed(self) -> bool:
        return any(m != Mark.SHOWN for m in (self.sasaran, self.terlayani, self.belum))


AreaPath = tuple[str, ...]
_Bounds = dict[int, float]  # lower or upper bounds of counts, by cell
_INF = float("inf")


def suppress_small_counts(
    leaves: Mapping[AreaPath, tuple[int, int]], *, minimum: int = SMALL_COUNT_MIN
) -> dict[AreaPath, CountMarks]:
    """Which counts of a drill-down a viewer from outside the pemda may see. Pure: no query.

    ``leaves`` maps every leaf area, by its path from the root (``(kecamatan, desa)``,
    ``(kabkota, kecamatan, desa)`` for a province, ``(row,)`` for a single table), to its
    (sasaran, terlayani). Each area above the leaves counts the sum of its children; the root
    ``()`` is the pemda's total. Returns the marks of every area, the root included (``{}`` for
    no leaves). Each area has three counts: sasaran, terlayani and belum = sasaran − terlayani.

    * A count from 1 to ``minimum - 1`` is SMALL ("< 5"), the root's excepted: a pemda's total
      is an aggregate. 0 is always shown.
    * Complementary suppression: no hidden count may be worked out from what is shown, that is
      from a total (a parent's count is the sum of its children's: the totals row of a table,
      or the area itself on the page of its sub-areas), from sasaran = terlayani + belum, or
      from this rule (a count hidden as the next smallest of its column is at most the smallest
      count still shown there). While a hidden count can be narrowed to one value, the line
      that gives it away loses its smallest non-zero count still shown: among the cells first
      (the first in order on ties; terlayani or belum before sasaran), the total only when no
      cell is left (so even the pemda's total, as a last resort). So a column with exactly one
      hidden count always gets a second, and a row whose belum is hidden also hides its
      terlayani or sasaran.

    The check reasons with bounds over the rows and columns (interval propagation), the usual
    audit of published tables; it is not a full linear-programming audit. Some tables cannot be
    protected while 0 is shown: two desa of "< 5" in a kecamatan of 2 are 1 each whatever else
    is hidden; their counts stay "< 5" and everything around them hidden.
    """
    if not leaves:
        return {}
    sums: dict[AreaPath, list[int]] = {}
    for path, (sasaran, terlayani) in leaves.items():
        if not path or not 0 <= terlayani <= sasaran:
            raise ValueError(f"bad leaf {path!r}: {sasaran}, {terlayani}")
        for depth in range(len(path) + 1):
            total = sums.setdefault(path[:depth], [0, 0])
            total[0] += sasaran
            total[1] += terlayani
    inner = {path[:depth] for path in leaves for depth in range(len(path))}
    if inner & leaves.keys():
        raise ValueError("a leaf cannot also be an area above other leaves")
    nodes = sorted(sums)  # the root first, each area before its sub-areas
    position = {node: i for i, node in enumerate(nodes)}
    values: list[int] = []
    for node in nodes:
        sasaran, terlayani = sums[node]
        values += [sasaran, terlayani, sasaran - terlayani]
    # Lines: (total cell, cells, is a column). The row of each area: sasaran = terlayani + belum;
    # the columns: an area's count = the sum of its sub-areas' counts.
    lines: list[tuple[int, list[int], bool]] = [(3 * i, [3 * i + 1, 3 * i + 2], False)
                                                 for i in range(len(nodes))]  # fmt: skip
    children: dict[int, list[int]] = {}
    for node in nodes[1:]:
        children.setdefault(position[node[:-1]], []).append(position[node])
    position_line = list(range(len(nodes)))  # the row line of each area: its position
    column_lines: dict[int, list[int]] = {}
    for parent, kids in children.items():
        for col in range(3):
            column_lines.setdefault(parent, []).append(len(lines))
            lines.append((3 * parent + col, [3 * kid + col for kid in kids], True))
    member: list[list[int]] = [[] for _ in values]
    for li, (head, cells, _column) in enumerate(lines):
        for cell in (head, *cells):
            member[cell].append(li)

    hidden = [c >= 3 and 0 < v < minimum for c, v in enumerate(values)]  # cells 0-2: the root
    # the column that hid a cell as its next smallest count (see base())
    chosen_in: list[int | None] = [None] * len(values)

    def base(cell: int) -> tuple[float, float]:
        v = values[cell]
        if not hidden[cell]:
            return v, v
        if v < minimum:
            return 1, minimum - 1
        li = chosen_in[cell]
        if li is None:
            return minimum, _INF
        shown = [values[c] for c in lines[li][1] if not hidden[c] and values[c]]
        return minimum, min(shown, default=_INF)

    def narrow(li: int, lo: _Bounds, hi: _Bounds) -> list[int]:
        """Tighten the bounds of the hidden cells of line ``li``; the cells whose bounds moved."""
        head, cells, _column = lines[li]
        moved = []
        sum_lo = sum(lo[c] for c in cells)
        sum_hi = sum(hi[c] for c in cells)
        if hidden[head] and (sum_lo > lo[head] or sum_hi < hi[head]):
            lo[head], hi[head] = max(lo[head], sum_lo), min(hi[head], sum_hi)
            moved.append(head)
        infinite = sum(1 for c in cells if hi[c] == _INF)
        finite_hi = sum(hi[c] for c in cells if hi[c] != _INF)
        for c in cells:
            if not hidden[c]:
                continue
            others_lo = sum_lo - lo[c]
            others_hi = (
                _INF if infinite - (hi[c] == _INF) else finite_hi - (hi[c] if hi[c] != _INF else 0)
            )
            new_lo, new_hi = max(lo[c], lo[head] - others_hi), min(hi[c], hi[head] - others_lo)
            if new_lo > lo[c] or new_hi < hi[c]:
                lo[c], hi[c] = new_lo, new_hi
                moved.append(c)
        return moved

    def labels(cells: list[int]) -> tuple[_Bounds, _Bounds]:
        """What the labels alone say of ``cells``."""
        lo: dict[int, float] = {}
        hi: dict[int, float] = {}
        for c in cells:
            lo[c], hi[c] = base(c)
        return lo, hi

    def propagate(scope: list[int], inside: set[int], cells: list[int]) -> tuple[_Bounds, _Bounds]:
        """Bounds of ``cells`` (those of the lines ``scope``; ``inside``: the same as a set) from
        the labels and those lines."""
        lo, hi = labels(cells)
        queue = deque(li for li in scope if any(hidden[c] for c in (lines[li][0], *lines[li][1])))
        queued = set(queue)
        budget = 100 * len(scope)  # integer bounds of a consistent system: ends well before
        while queue and budget:
            budget -= 1
            li = queue.popleft()
            queued.discard(li)
            for cell in narrow(li, lo, hi):
                for other in member[cell]:
                    if other not in queued and other in inside:
                        queued.add(other)
                        queue.append(other)
        return lo, hi

    def gives_away(cell: int, lo: _Bounds, hi: _Bounds, inside: set[int]) -> list[int]:
        """The lines that narrow ``cell`` to one value by themselves, given bounds ``lo``/``hi``
        of their other cells."""
        own_lo, own_hi = base(cell)
        found = []
        for li in member[cell]:
            if li not in inside:
                continue
            head, cells, _column = lines[li]
            if cell == head:
                low, high = sum(lo[c] for c in cells), sum(hi[c] for c in cells)
            else:
                others = [c for c in cells if c != cell]
                low = lo[head] - sum(hi[c] for c in others)
                high = hi[head] - sum(lo[c] for c in others)
            if max(low, own_lo) >= min(high, own_hi):
                found.append(li)
        return found

    def next_smallest(li: int) -> int | None:
        head, cells, _column = lines[li]
        shown = [(values[c], n, c) for n, c in enumerate(cells) if not hidden[c] and values[c]]
        if shown:
            return min(shown)[2]
        return head if not hidden[head] and values[head] else None

    def hide_next(li: int, fresh: set[int]) -> bool:
        """Hide the next smallest count of line ``li``, unless one of its counts was hidden in
        this round already (``fresh``); False when it has no count left to hide."""
        head, cells, column = lines[li]
        if head in fresh or fresh.intersection(cells):
            return True
        pick = next_smallest(li)
        if pick is None:
            return False
        fresh.add(pick)
        hidden[pick] = True
        if column and pick != head:
            chosen_in[pick] = li
        return True

    def settle(scope: list[int]) -> None:
        """Hide counts until no hidden count of the lines ``scope`` can be narrowed to one value
        with those lines."""
        inside = set(scope)
        cells = sorted({c for li in scope for c in (lines[li][0], *lines[li][1])})
        while True:
            lo, hi = propagate(scope, inside, cells)
            pinned = [c for c in cells if hidden[c] and lo[c] >= hi[c]]
            if not pinned:
                return
            fresh: set[int] = set()
            # A line that gives a count away on its own, from what the labels say of its other
            # cells, loses its next smallest count; when no count is left there the count
            # cannot be protected (e.g. four desa of "< 5" and a kecamatan of 4: each is 1).
            # Only when no such line acts, the lines that give a count away with all that is
            # known; only when none of those acts either, any line of a count so given away.
            base_lo, base_hi = labels(cells)
            by_labels = {c: gives_away(c, base_lo, base_hi, inside) for c in pinned}
            for cell in pinned:
                for li in by_labels[cell]:
                    hide_next(li, fresh)
            if not fresh:
                others = [c for c in pinned if not by_labels[c]]
                known = {c: gives_away(c, lo, hi, inside) for c in others}
                for cell in others:
                    for li in known[cell]:
                        hide_next(li, fresh)
                for cell in others if not fresh else ():
                    for li in member[cell]:
                        if li in inside and hide_next(li, fresh):
                            break
            if not fresh:
                return  # what is still given away cannot be protected by hiding more

    # Each table on its own first (a parent, its sub-areas' rows and the three columns), from
    # the top down so that a table knows which of its totals its parent's table hid, again
    # while a table hides more: cheap, and it settles nearly all; then everything together,
    # which decides.
    tables = [
        [position_line[k] for k in (parent, *children[parent])] + column_lines[parent]
        for parent in sorted(children, key=lambda p: len(nodes[p]))
    ]
    count = -1
    while count != sum(hidden):
        count = sum(hidden)
        for table in tables:
            settle(table)
    settle(list(range(len(lines))))

    def mark(cell: int) -> Mark:
        if not hidden[cell]:
            return Mark.SHOWN
        return Mark.SMALL if values[cell] < minimum else Mark.HIDDEN

    return {node: CountMarks(mark(3 * i), mark(3 * i + 1), mark(3 * i + 2))
            for i, node in enumerate(nodes)}  # fmt: skip
