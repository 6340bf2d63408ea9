"""Where boxes go: one layout algorithm, Qt-free.

:func:`auto_layout` tidies a whole design (an undoable edit: Arrange > Auto-Layout).
:class:`Placer` finds a place for a box that has no layout entry, the way the
auto-layout would have put it after its laid-out siblings (the canvas draws such boxes
there; that is view state, never saved). Both stack rows and boxes in columns with
:func:`column_slot`, with the same spacing.

Rectangles are ``(x, y, w, h)`` tuples in scene units.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import ElementBase
from designer.domain.kinds import KINDS, KindInfo

__all__ = [
    "ALIGNMENTS",
    "BOX_GAP",
    "HEADER",
    "PAD",
    "ROW_GAP",
    "Placer",
    "Rect",
    "align",
    "auto_layout",
    "column_slot",
    "default_size",
    "drop_rect",
]

Rect = tuple[float, float, float, float]

#: Height of a container's title bar: content starts below it.
HEADER = 26.0
#: Inset of content from a container's sides.
PAD = 8.0
#: Between rows (VMs, LUNs, databases) in a column.
ROW_GAP = 4.0
#: Between boxes (hosts, arrays, clusters…) and between the sites' rows of boxes.
BOX_GAP = 16.0
#: Between sites side by side, and between the drawing and the column of loose boxes.
SITE_GAP = 120.0
_ROW_W, _ROW_H = 168.0, 24.0
#: Rows per column in an auto-laid-out box, by kind (a host's VMs, an array's LUNs…).
_PER_COLUMN = {"esxi_host": 12, "storage_array": 10, "dag": 16}


def default_size(kind: str) -> tuple[float, float]:
    """The size a new box of ``kind`` gets (kind table), e.g. ``(180.0, 110.0)`` for a host."""
    info = KINDS.get(kind)
    return info.spec.size if info is not None else (170.0, 28.0)


def _gap(info: KindInfo | None) -> float:
    return ROW_GAP if info is not None and info.spec.row else BOX_GAP


def column_slot(
    box: Rect, size: tuple[float, float], slot: int, top: float, per_column: int, gap: float
) -> Rect:
    """The ``slot``-th place in ``box`` for items of ``size``, ``per_column`` to a column
    from ``top`` down, columns left to right.

    Examples
    --------
    >>> column_slot((0, 0, 400, 300), (168, 24), 13, 32, 12, 4)
    (184.0, 60, 168, 24)
    """
    column, row = divmod(slot, max(1, per_column))
    w, h = size
    return (box[0] + PAD + column * (w + PAD), top + row * (h + gap), w, h)


def drop_rect(
    kind: str, at: tuple[float, float], container: Rect | None, grid: float | None
) -> Rect:
    """Where a box of ``kind`` dropped at ``at`` lands: its top-left corner at the
    pointer, as Paste puts what it pastes (one rule for where a new box lands; its
    header, where the name is typed next, is where the user pointed), kept inside
    ``container`` (below its title bar), snapped to ``grid`` if given.

    Examples
    --------
    >>> drop_rect("esxi_host", (40, 60), (0, 0, 600, 400), 10)
    (40.0, 60.0, 180.0, 110.0)
    >>> drop_rect("esxi_host", (10, 10), (0, 0, 600, 400), 10)
    (10.0, 30.0, 180.0, 110.0)
    """
    w, h = default_size(kind)
    x, y = at
    if container is not None:
        cx, cy, cw, ch = container
        w = min(w, max(12.0, cw - 2 * PAD))
        x = min(max(x, cx + PAD), cx + cw - PAD - w)
        top = cy + HEADER + 4
        y = min(max(y, top), max(top, cy + ch - PAD - h))
    if grid:
        x, y = round(x / grid) * grid, round(y / grid) * grid
    return (float(x), float(y), float(w), float(h))


class Placer:
    """Places boxes without a layout entry, in their container after its laid-out
    content, or in a column right of the drawing.

    ``rect_of(id)`` gives the current rectangle of a box (laid out or already placed).
    """

    def __init__(self, design: Design, rect_of: Callable[[str], Rect | None]) -> None:
        self._design = design
        #: Where the next loose box goes; found when first needed (most designs place
        #: every box, and finding it walks the whole layout).
        self._free: tuple[float, float] | None = None
        self._loose: dict[str, Rect] = {}
        self._counts: dict[str | None, int] = defaultdict(int)
        #: Each box keeps its slot in its container when placed again (its container moved).
        self._slots: dict[tuple[str | None, str], int] = {}
        self._rect_of = rect_of

    def _first_free(self) -> tuple[float, float]:
        layout = self._design.layout
        if not layout:
            return (0.0, 0.0)
        right = max(e.x + (e.w or 0.0) for e in layout.values())
        top = min(e.y for e in layout.values())
        return (right + SITE_GAP, top)

    def place(self, element: ElementBase, container: str | None, laid: Iterable[Rect]) -> Rect:
        """A rectangle for ``element`` in ``container`` (None: loose), below ``laid``,
        the rectangles of the container's content that has a layout entry."""
        info = KINDS.get(element.kind)
        w, h = default_size(element.kind)
        box = self._rect_of(container) if container is not None else None
        if box is None:
            placed = self._loose.get(element.id)
            if placed is None:
                x, y = self._free if self._free is not None else self._first_free()
                self._free = (x, y + h + BOX_GAP)
                placed = self._loose[element.id] = (x, y, w, h)
            return placed
        slot = self._slots.get((container, element.id))
        if slot is None:
            slot = self._slots[container, element.id] = self._counts[container]
            self._counts[container] += 1
        _, by, bw, bh = box
        w = min(w, max(20.0, bw - 2 * PAD))
        gap = _gap(info)
        top = max([by + HEADER + 6, *(r[1] + r[3] + gap for r in laid)])
        per_column = max(1, math.floor((by + bh - PAD - top + gap) / (h + gap)))
        return column_slot(box, (w, h), slot, top, per_column, gap)


def auto_layout(design: Design) -> dict[str, LayoutEntry | None]:
    """A tidy layout by site: sites side by side; in each, a row of clusters (hosts in a
    grid), a row of storage arrays (LUN columns), a row of witnesses, CAS arrays and
    load balancers. VMs, LUNs and databases are rows in their box (a VM shows its disks
    as a count); everything without a site is laid out in a column to the right."""
    by_parent: dict[str | None, list[ElementBase]] = defaultdict(list)
    for element in design.elements:
        info = KINDS.get(element.kind)
        if info is None or info.shape != "box":
            continue
        by_parent[info.container_of(element)].append(element)
    out: dict[str, LayoutEntry | None] = {}

    def put(element_id: str, rect: Rect) -> None:
        out[element_id] = LayoutEntry(x=rect[0], y=rect[1], w=rect[2], h=rect[3])

    def rows_box(box: ElementBase, x: float, y: float) -> tuple[float, float]:
        rows = by_parent.get(box.id, [])
        per_column = _PER_COLUMN.get(box.kind, 10)
        w, h = _measure(box)
        put(box.id, (x, y, w, h))
        for i, row in enumerate(rows):
            top = y + HEADER + 6
            put(row.id, column_slot((x, y, w, h), (_ROW_W, _ROW_H), i, top, per_column, ROW_GAP))
        return w, h

    def _measure(box: ElementBase) -> tuple[float, float]:
        n = len(by_parent.get(box.id, []))
        per_column = _PER_COLUMN.get(box.kind, 10)
        columns = max(1, math.ceil(n / per_column))
        dw, _ = default_size(box.kind)
        w = max(dw, columns * (_ROW_W + PAD) + PAD)
        h = max(80.0, HEADER + 12 + min(n, per_column) * (_ROW_H + ROW_GAP))
        return w, h

    def place_tree(box: ElementBase, x: float, y: float) -> tuple[float, float]:
        if box.kind in _PER_COLUMN:
            return rows_box(box, x, y)
        w, h = default_size(box.kind)
        put(box.id, (x, y, w, h))
        return w, h

    def grid(boxes: list[tuple[float, float]], cols: int) -> list[tuple[float, float]]:
        # Positions of boxes of various sizes in a grid of ``cols`` columns.
        col_w = max((w for w, _ in boxes), default=0.0)
        result, row_h, y = [], 0.0, 0.0
        for i, (_, h) in enumerate(boxes):
            if i and i % cols == 0:
                y += row_h + PAD
                row_h = 0.0
            result.append(((i % cols) * (col_w + PAD), y))
            row_h = max(row_h, h)
        return result

    def cluster(box: ElementBase, x: float, y: float) -> tuple[float, float]:
        hosts = by_parent.get(box.id, [])
        sizes = [_measure(h) for h in hosts]
        spots = grid(sizes, min(3, max(1, len(hosts))))
        for host, (dx, dy) in zip(hosts, spots, strict=True):
            place_tree(host, x + PAD + dx, y + HEADER + PAD + dy)
        inner_w = max((dx + w for (dx, _), (w, _) in zip(spots, sizes, strict=True)), default=160)
        inner_h = max((dy + h for (_, dy), (_, h) in zip(spots, sizes, strict=True)), default=40)
        w, h = inner_w + 2 * PAD, HEADER + PAD + inner_h + PAD
        put(box.id, (x, y, w, h))
        return w, h

    x = 0.0
    loose = by_parent.get(None, [])
    global_lbs = [e for e in loose if e.kind == "load_balancer"]
    top = 0.0
    if global_lbs:
        lb_w, lb_h = default_size("load_balancer")
        for i, lb in enumerate(global_lbs):
            put(lb.id, (i * (lb_w + 20), 0.0, lb_w, lb_h))
        top = lb_h + 50
    for site in (e for e in loose if e.kind == "site"):
        y = top + HEADER + 12
        inner_w = 0.0
        content = by_parent.get(site.id, [])
        computing = ("vsphere_cluster", "esxi_host")
        rows = [
            [e for e in content if e.kind in computing],
            [e for e in content if e.kind == "storage_array"],
            [e for e in content if e.kind not in (*computing, "storage_array")],
        ]
        for row in rows:
            if not row:
                continue
            cx, row_h = x + BOX_GAP, 0.0
            for box in row:
                w, h = (
                    cluster(box, cx, y) if box.kind == "vsphere_cluster" else place_tree(box, cx, y)
                )
                cx += w + BOX_GAP
                row_h = max(row_h, h)
            inner_w = max(inner_w, cx - x)
            y += row_h + BOX_GAP
        w = max(default_size("site")[0] / 1.5, inner_w)
        h = max(240.0, y - top)
        put(site.id, (x, top, w, h))
        x += w + SITE_GAP
    # Everything not in a site: a column of boxes to the right.
    y = top
    for box in loose:
        if box.kind in ("site", "load_balancer") and box.id in out:
            continue
        _, h = place_tree(box, x, y)
        y += h + BOX_GAP
    return out


#: The ways to align or distribute boxes (Arrange menu).
ALIGNMENTS = (
    "left",
    "hcenter",
    "right",
    "top",
    "vcenter",
    "bottom",
    "hdistribute",
    "vdistribute",
)


def align(rects: dict[str, Rect], how: str) -> dict[str, tuple[float, float]]:
    """How far to shift each box to align them (left, right, top, bottom, hcenter,
    vcenter) or distribute them evenly (hdistribute, vdistribute; three or more).

    Examples
    --------
    >>> align({"a": (0, 0, 10, 10), "b": (30, 5, 10, 10)}, "top")
    {'a': (0.0, 0.0), 'b': (0.0, -5.0)}
    """
    if how not in ALIGNMENTS:
        raise ValueError(f"unknown alignment {how!r}")
    boxes = {i: (float(x), float(y), float(w), float(h)) for i, (x, y, w, h) in rects.items()}
    if how == "left":
        edge = min(r[0] for r in boxes.values())
        return {i: (edge - r[0], 0.0) for i, r in boxes.items()}
    if how == "right":
        edge = max(r[0] + r[2] for r in boxes.values())
        return {i: (edge - r[0] - r[2], 0.0) for i, r in boxes.items()}
    if how == "top":
        edge = min(r[1] for r in boxes.values())
        return {i: (0.0, edge - r[1]) for i, r in boxes.items()}
    if how == "bottom":
        edge = max(r[1] + r[3] for r in boxes.values())
        return {i: (0.0, edge - r[1] - r[3]) for i, r in boxes.items()}
    if how == "hcenter":
        mid = sum(r[0] + r[2] / 2 for r in boxes.values()) / len(boxes)
        return {i: (mid - r[0] - r[2] / 2, 0.0) for i, r in boxes.items()}
    if how == "vcenter":
        mid = sum(r[1] + r[3] / 2 for r in boxes.values()) / len(boxes)
        return {i: (0.0, mid - r[1] - r[3] / 2) for i, r in boxes.items()}
    horizontal = how == "hdistribute"
    axis, size = (0, 2) if horizontal else (1, 3)
    order = sorted(boxes, key=lambda i: boxes[i][axis])
    total = sum(boxes[i][size] for i in order)
    first, last = boxes[order[0]], boxes[order[-1]]
    span = last[axis] + last[size] - first[axis]
    gap = (span - total) / (len(order) - 1) if len(order) > 1 else 0.0
    at = first[axis]
    shifts: dict[str, tuple[float, float]] = {}
    for i in order:
        r = boxes[i]
        shifts[i] = (at - r[0], 0.0) if horizontal else (0.0, at - r[1])
        at += r[size] + gap
    return shifts
