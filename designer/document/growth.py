"""Room for content, Qt-free: containers grow to hold what is put in them (and shrink on
request), pushing their neighbours aside; a box put in a full container finds a free
slot; a box is resized no smaller than what it holds.

The functions read the drawing through :class:`BoxGeometry` (where each box is drawn,
what holds it, what it holds: the canvas is one; :class:`LayoutGeometry` reads a
design's layout) and return new rectangles, which :func:`entries` turns into layout
entries for one :class:`~designer.document.commands.MoveElements`: one undo step.

Rectangles are ``(x, y, w, h)`` tuples in scene units, as in :mod:`.layout`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Protocol

from designer.document.layout import BOX_GAP, HEADER, PAD, ROW_GAP, Rect, default_size
from designer.domain.design import Design, LayoutEntry
from designer.domain.kinds import KINDS

__all__ = [
    "MIN_BOX",
    "BoxGeometry",
    "LayoutGeometry",
    "content_bounds",
    "entries",
    "free_slot",
    "make_room",
    "resize_rect",
    "shrink_to_content",
]

#: The smallest a box may be resized to (width, height).
MIN_BOX = (60.0, 24.0)
#: A container grows once its content comes closer than this to its sides and bottom
#: (or under its title bar): drawings made by hand keep their looser margins.
MARGIN = PAD / 2


class BoxGeometry(Protocol):
    """Where the boxes of a drawing are (the canvas's scene is one)."""

    def box_rect(self, box: str) -> Rect | None:
        """Where ``box`` is drawn (None: not drawn)."""
        ...

    def box_container(self, box: str) -> str | None:
        """The box ``box`` is drawn in (None: top level)."""
        ...

    def boxes_in(self, box: str | None) -> Iterable[str]:
        """The boxes drawn directly in ``box`` (None: the top-level boxes)."""
        ...


class LayoutGeometry:
    """A design's boxes as its layout places them (those without an entry are left
    out): the geometry the functions here see without a canvas.

    Examples
    --------
    >>> from designer.domain import Site, EsxiHost
    >>> design = Design(elements=[Site(id="s", name="S"), EsxiHost(id="h", name="H", site="s")],
    ...                 layout={"s": LayoutEntry(x=0, y=0, w=300, h=200)})
    >>> geometry = LayoutGeometry(design)
    >>> geometry.box_rect("s"), geometry.box_rect("h"), list(geometry.boxes_in(None))
    ((0.0, 0.0, 300.0, 200.0), None, ['s'])
    """

    def __init__(self, design: Design) -> None:
        self._rects: dict[str, Rect] = {}
        self._parent: dict[str, str | None] = {}
        self._children: dict[str | None, list[str]] = {}
        layout = design.layout
        for element in design.elements:
            info = KINDS.get(element.kind)
            if info is None or info.shape != "box" or element.id not in layout:
                continue
            entry = layout[element.id]
            w, h = default_size(element.kind)
            self._rects[element.id] = (entry.x, entry.y, entry.w or w, entry.h or h)
            parent = info.container_of(element)
            self._parent[element.id] = parent
            self._children.setdefault(parent, []).append(element.id)

    def box_rect(self, box: str) -> Rect | None:
        return self._rects.get(box)

    def box_container(self, box: str) -> str | None:
        return self._parent.get(box)

    def boxes_in(self, box: str | None) -> Iterable[str]:
        return [b for b in self._children.get(box, ()) if b in self._rects]


def _right(r: Rect) -> float:
    return r[0] + r[2]


def _bottom(r: Rect) -> float:
    return r[1] + r[3]


def _union(a: Rect, b: Rect) -> Rect:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(_right(a), _right(b)), max(_bottom(a), _bottom(b))
    return (x0, y0, x1 - x0, y1 - y0)


def _overlap(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    return (
        a[0] < _right(b) + gap
        and b[0] < _right(a) + gap
        and a[1] < _bottom(b) + gap
        and b[1] < _bottom(a) + gap
    )


class _View:
    """The geometry with some rectangles changed and some boxes put in other
    containers (or added: in ``parents`` but not drawn yet): what an edit proposes."""

    def __init__(
        self,
        boxes: BoxGeometry,
        changed: Mapping[str, Rect],
        parents: Mapping[str, str | None] | None = None,
    ) -> None:
        self.boxes = boxes
        self.changed: dict[str, Rect] = dict(changed)
        self.parents: dict[str, str | None] = dict(parents or {})

    def rect(self, box: str) -> Rect | None:
        return self.changed.get(box) or self.boxes.box_rect(box)

    def children(self, box: str | None) -> list[str]:
        found = [b for b in self.boxes.boxes_in(box) if self.parents.get(b, box) == box]
        found += [b for b, p in self.parents.items() if p == box and b not in found]
        return found

    def parent(self, box: str) -> str | None:
        if box in self.parents:
            return self.parents[box]
        return self.boxes.box_container(box)

    def descendants(self, box: str) -> list[str]:
        out: list[str] = []
        queue = self.children(box)
        while queue:
            current = queue.pop()
            out.append(current)
            queue.extend(self.children(current))
        return out

    def translate(self, box: str, dx: float, dy: float) -> None:
        for moved in (box, *self.descendants(box)):
            r = self.rect(moved)
            if r is not None:
                self.changed[moved] = (r[0] + dx, r[1] + dy, r[2], r[3])


def content_bounds(boxes: BoxGeometry, box: str) -> Rect | None:
    """The union of the boxes drawn in ``box`` (None: it holds none)."""
    return _content(_View(boxes, {}), box)


def _content(view: _View, box: str) -> Rect | None:
    found: Rect | None = None
    for child in view.children(box):
        r = view.rect(child)
        if r is not None:
            found = r if found is None else _union(found, r)
    return found


def _needed(container: Rect, content: Rect | None) -> Rect:
    """``container`` grown (never shrunk) to hold ``content`` with its margin."""
    if content is None:
        return container
    x0 = min(container[0], content[0] - MARGIN)
    y0 = min(container[1], content[1] - HEADER - 2)
    x1 = max(_right(container), _right(content) + MARGIN)
    y1 = max(_bottom(container), _bottom(content) + MARGIN)
    if (x0, y0, x1, y1) == (container[0], container[1], _right(container), _bottom(container)):
        return container
    # Grown: then with the full padding, as a drop or a new row would leave it.
    x0 = min(container[0], content[0] - PAD)
    x1 = max(_right(container), _right(content) + PAD)
    y1 = max(_bottom(container), _bottom(content) + PAD)
    return (x0, y0, x1 - x0, y1 - y0)


def _push_aside(view: _View, grown: str, before: Rect) -> None:
    """Move the siblings of ``grown`` out of the room it took (right of its old right
    edge: further right; below its old bottom: further down), and on along the row."""
    after = view.rect(grown)
    assert after is not None
    moved = [grown]
    while moved:
        box = moved.pop(0)
        r = view.rect(box)
        old = before if box == grown else None
        assert r is not None
        for sibling in view.children(view.parent(box)):
            if sibling in (box, grown):
                continue
            s = view.rect(sibling)
            if s is None or not _overlap(r, s, BOX_GAP - 0.5):
                continue
            ref = old or r
            if s[0] >= _right(ref) - 0.5:  # it stood to the right
                dx, dy = _right(r) + BOX_GAP - s[0], 0.0
            elif s[1] >= _bottom(ref) - 0.5:  # it stood below
                dx, dy = 0.0, _bottom(r) + BOX_GAP - s[1]
            elif _right(s) <= ref[0] + 0.5:  # left: the box grew leftwards
                dx, dy = r[0] - BOX_GAP - _right(s), 0.0
            elif _bottom(s) <= ref[1] + 0.5:
                dx, dy = 0.0, r[1] - BOX_GAP - _bottom(s)
            else:
                # Overlapping already: out by the shorter way, right or down.
                right, down = _right(r) + BOX_GAP - s[0], _bottom(r) + BOX_GAP - s[1]
                dx, dy = (right, 0.0) if right <= down else (0.0, down)
            if dx or dy:
                view.translate(sibling, dx, dy)
                moved.append(sibling)


def make_room(
    boxes: BoxGeometry,
    changed: Mapping[str, Rect],
    parents: Mapping[str, str | None] | None = None,
) -> dict[str, Rect]:
    """``changed`` (boxes put, moved or resized) and what follows: every container
    grown to hold its content (up to the top level), the neighbours it grows into
    pushed aside with what they hold. ``parents`` puts boxes in other containers (or
    adds new ones) first.

    Examples
    --------
    >>> g = _Fixed({"s": (0.0, 0.0, 200.0, 100.0), "a": (8.0, 34.0, 100.0, 40.0),
    ...             "t": (216.0, 0.0, 100.0, 100.0)}, {"a": "s"})
    >>> out = make_room(g, {"a": (8.0, 34.0, 250.0, 40.0)})
    >>> out["s"], out["t"]
    ((0.0, 0.0, 266.0, 100.0), (282.0, 0.0, 100.0, 100.0))
    """
    view = _View(boxes, changed, parents)
    holders: list[str] = []
    for box in changed:
        parent = view.parent(box)
        # A box moved with its holder (a site dragged with its hosts) changes nothing
        # inside it.
        if parent is not None and parent not in holders and parent not in changed:
            holders.append(parent)
    while holders:
        # Deepest first: a host grows before the cluster that holds it.
        holders.sort(key=lambda b: -_depth(view, b))
        box = holders.pop(0)
        before = view.rect(box)
        if before is None:
            continue
        after = _needed(before, _content(view, box))
        if after == before:
            continue
        view.changed[box] = after
        _push_aside(view, box, before)
        parent = view.parent(box)
        if parent is not None and parent not in holders:
            holders.append(parent)
    return view.changed


def _depth(view: _View, box: str) -> int:
    depth = 0
    parent = view.parent(box)
    while parent is not None and depth < 64:
        depth += 1
        parent = view.parent(parent)
    return depth


def shrink_to_content(boxes: BoxGeometry, box: str) -> Rect | None:
    """``box`` fitted round what it holds (its padding and title bar kept, no smaller
    than :data:`MIN_BOX`); None when it holds nothing drawn."""
    r = boxes.box_rect(box)
    content = content_bounds(boxes, box)
    if r is None or content is None:
        return None
    x0, y0 = content[0] - PAD, content[1] - HEADER - PAD
    w = max(_right(content) + PAD - x0, MIN_BOX[0])
    h = max(_bottom(content) + PAD - y0, HEADER + MIN_BOX[1])
    return (x0, y0, w, h)


def resize_rect(boxes: BoxGeometry, box: str, wanted: Rect) -> Rect:
    """``wanted`` for ``box``, no smaller than :data:`MIN_BOX` nor than what it holds
    (a container cannot be resized over its content).

    Examples
    --------
    >>> g = _Fixed({"s": (0.0, 0.0, 300.0, 200.0), "a": (8.0, 34.0, 100.0, 40.0)}, {"a": "s"})
    >>> resize_rect(g, "s", (0.0, 0.0, 50.0, 50.0))
    (0.0, 0.0, 116.0, 82.0)
    """
    x, y, w, h = wanted
    w, h = max(w, MIN_BOX[0]), max(h, MIN_BOX[1])
    content = content_bounds(boxes, box)
    if content is not None:
        x = min(x, content[0] - PAD)
        y = min(y, content[1] - HEADER - PAD)
        w = max(w, _right(content) + PAD - x)
        h = max(h, _bottom(content) + PAD - y)
    return (x, y, w, h)


def free_slot(
    boxes: BoxGeometry,
    container: str,
    size: tuple[float, float],
    near: tuple[float, float],
    *,
    row: bool = False,
    skip: Iterable[str] = (),
) -> Rect:
    """Where a box of ``size`` goes in ``container`` without covering what is there:
    a row (a VM, a LUN, a database) in the first free place of its column, under the
    others; another box in the free place nearest ``near``; when the container is full,
    under (or beside) its content, for the container to grow round it.

    Examples
    --------
    >>> g = _Fixed({"h": (0.0, 0.0, 180.0, 110.0), "v1": (10.0, 32.0, 160.0, 24.0),
    ...             "v2": (10.0, 60.0, 160.0, 24.0), "v3": (10.0, 88.0, 160.0, 24.0)},
    ...            {"v1": "h", "v2": "h", "v3": "h"})
    >>> free_slot(g, "h", (160.0, 24.0), (90.0, 45.0), row=True)
    (10.0, 116.0, 160.0, 24.0)
    """
    c = boxes.box_rect(container)
    assert c is not None
    ignored = set(skip)
    occupied = [
        r
        for b in boxes.boxes_in(container)
        if b not in ignored and (r := boxes.box_rect(b)) is not None
    ]
    w, h = min(size[0], max(12.0, c[2] - 2 * PAD)), size[1]
    top = c[1] + HEADER + PAD
    if row:
        return _row_slot(c, occupied, (w, h), top)
    gap = BOX_GAP / 2
    step = max(8.0, min(c[2], c[3]) / 48)
    best: tuple[float, Rect] | None = None
    x_slots = max(1, math.floor((c[2] - 2 * PAD - w) / step) + 1)
    y_slots = max(1, math.floor((_bottom(c) - PAD - h - top) / step) + 1)
    for i in range(x_slots):
        for j in range(y_slots):
            r = (c[0] + PAD + i * step, top + j * step, w, h)
            if _right(r) > _right(c) - PAD + 0.5 or _bottom(r) > _bottom(c) - PAD + 0.5:
                continue
            if any(_overlap(r, o, gap) for o in occupied):
                continue
            d = abs(r[0] + w / 2 - near[0]) + abs(r[1] + h / 2 - near[1])
            if best is None or d < best[0]:
                best = (d, r)
    if best is not None:
        return best[1]
    # Full: under the content (the container grows down), or beside it if it is tall.
    content = content_bounds(boxes, container)
    if content is None:
        return (c[0] + PAD, top, w, h)
    if content[3] > 1.5 * content[2]:
        return (_right(content) + BOX_GAP, content[1], w, h)
    return (content[0], _bottom(content) + BOX_GAP, w, h)


def _row_slot(c: Rect, occupied: list[Rect], size: tuple[float, float], top: float) -> Rect:
    """The first free row place: down the columns the rows stand in, then under the
    shortest column."""
    w, h = size
    lefts = sorted({round(r[0], 1) for r in occupied if abs(r[2] - w) < w / 2}) or [c[0] + PAD]
    for left in lefts:
        y = top
        while y + h <= _bottom(c) - PAD + 0.5:
            r = (left, y, w, h)
            if not any(_overlap(r, o, ROW_GAP / 2) for o in occupied):
                return r
            y += h + ROW_GAP
    # Every column full: under the shortest one.
    column_bottoms = {
        left: max((_bottom(o) for o in occupied if abs(o[0] - left) < 1), default=top - ROW_GAP)
        for left in lefts
    }
    left = min(lefts, key=lambda x: (column_bottoms[x], x))
    return (left, column_bottoms[left] + ROW_GAP, w, h)


def entries(rects: Mapping[str, Rect], layout: Mapping[str, LayoutEntry]) -> dict[str, LayoutEntry]:
    """Layout entries for ``rects``, each keeping what else its old entry said (its
    colour), rounded to tenths."""
    out: dict[str, LayoutEntry] = {}
    for box, (x, y, w, h) in rects.items():
        old = layout.get(box)
        update = {k: round(float(v), 1) for k, v in zip("xywh", (x, y, w, h), strict=True)}
        out[box] = old.model_copy(update=update) if old is not None else LayoutEntry(**update)
    return out


class _Fixed:
    """A fixed geometry (the docstring examples)."""

    def __init__(self, rects: dict[str, Rect], parents: dict[str, str]) -> None:
        self.rects, self.parents = rects, parents

    def box_rect(self, box: str) -> Rect | None:
        return self.rects.get(box)

    def box_container(self, box: str) -> str | None:
        return self.parents.get(box)

    def boxes_in(self, box: str | None) -> Iterable[str]:
        return [b for b in self.rects if self.parents.get(b) == box]
