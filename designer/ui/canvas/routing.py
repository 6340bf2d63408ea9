"""Where lines run between boxes: pure geometry over ``(x, y)`` points and ``(x, y, w,
h)`` rectangles in scene units, no Qt and no scene, so routes are testable alone.

* :func:`straight`: the segment between two boxes, clipped to their borders;
* :func:`wan_route`: a WAN link, straight unless another top-level box is in the way,
  then bowing around above (or below) the boxes between;
* :func:`mirror_route`: a mirror from one LUN row to another, leaving and entering
  each row at the side facing the other array, in the gap under the row when other
  rows stand between.

The scene (``designer.ui.canvas.scene``) hands each function the rectangles it needs
and gives the points to the line item.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "Point",
    "Rect",
    "clip_to_rect",
    "crosses",
    "mirror_route",
    "overlaps",
    "straight",
    "wan_route",
]

Point = tuple[float, float]
Rect = tuple[float, float, float, float]

#: Parallel WAN links between the same sites (carriers) run this far apart.
CARRIER_SPACING = 14.0
#: How far a WAN link bows out beyond the boxes it goes around (plus the spacing).
WAN_CLEARANCE = 56.0


def _center(r: Rect) -> Point:
    return (r[0] + r[2] / 2, r[1] + r[3] / 2)


def _contains(r: Rect, p: Point) -> bool:
    return r[0] <= p[0] <= r[0] + r[2] and r[1] <= p[1] <= r[1] + r[3]


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two rectangles share some area (touching edges do not count)."""
    return max(a[0], b[0]) < min(a[0] + a[2], b[0] + b[2]) and max(a[1], b[1]) < min(
        a[1] + a[3], b[1] + b[3]
    )


def _grow(r: Rect, d: float) -> Rect:
    return (r[0] - d, r[1] - d, r[2] + 2 * d, r[3] + 2 * d)


def clip_to_rect(inside: Point, outside: Point, rect: Rect) -> Point:
    """Where the segment from ``inside`` (in ``rect``) to ``outside`` leaves ``rect``.

    Examples
    --------
    >>> clip_to_rect((50, 50), (250, 50), (0, 0, 100, 100))
    (100.0, 50.0)
    """
    dx, dy = outside[0] - inside[0], outside[1] - inside[1]
    left, top, right, bottom = rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]
    best = 1.0
    if dx:
        for edge_x in (left, right):
            t = (edge_x - inside[0]) / dx
            if 0 < t < best and top - 1e-6 <= inside[1] + t * dy <= bottom + 1e-6:
                best = t
    if dy:
        for edge_y in (top, bottom):
            t = (edge_y - inside[1]) / dy
            if 0 < t < best and left - 1e-6 <= inside[0] + t * dx <= right + 1e-6:
                best = t
    return (inside[0] + best * dx, inside[1] + best * dy)


def _segments_meet(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """Whether segments p1–p2 and q1–q2 intersect (ends included; parallel: no)."""
    ax, ay = p2[0] - p1[0], p2[1] - p1[1]
    bx, by = q1[0] - q2[0], q1[1] - q2[1]
    denominator = ay * bx - ax * by
    if denominator == 0:
        return False
    cx, cy = p1[0] - q1[0], p1[1] - q1[1]
    na = (by * cx - bx * cy) / denominator
    nb = (ax * cy - ay * cx) / denominator
    return 0 <= na <= 1 and 0 <= nb <= 1


def crosses(p1: Point, p2: Point, rect: Rect) -> bool:
    """Whether the segment p1–p2 passes through ``rect``.

    Examples
    --------
    >>> crosses((0, 50), (300, 50), (100, 0, 100, 100)), crosses((0, 0), (50, 0), (100, 0, 10, 10))
    (True, False)
    """
    if _contains(rect, p1) or _contains(rect, p2):
        return True
    x, y, w, h = rect
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return any(_segments_meet(p1, p2, corners[i], corners[(i + 1) % 4]) for i in range(4))


def straight(a: Rect, b: Rect) -> list[Point]:
    """A straight line between two boxes, from border to border; between nested boxes
    (a disk's chip on its VM…) from the inner box's centre down to the outer's top."""
    ca, cb = _center(a), _center(b)
    if _contains(a, cb) or _contains(b, ca):
        return [ca, (cb[0], b[1])]
    return [clip_to_rect(ca, cb, a), clip_to_rect(cb, ca, b)]


def wan_route(
    a: Rect, b: Rect, others: Sequence[Rect], index: int = 0, count: int = 1
) -> list[Point]:
    """A WAN link between sites ``a`` and ``b``, the ``index``-th of ``count`` between
    them: straight unless one of ``others`` (the other top-level boxes) is in the way
    (a line across a site reads as transiting it); then it leaves the top (or the
    bottom) of its sites, near the sides facing each other, and bows around.

    Examples
    --------
    >>> wan_route((0, 0, 100, 100), (300, 0, 100, 100), [])
    [(100.0, 50.0), (300.0, 50.0)]
    >>> len(wan_route((0, 0, 100, 100), (300, 0, 100, 100), [(150, 0, 100, 100)]))
    4
    """
    spread = (index - (count - 1) / 2) * CARRIER_SPACING
    ca, cb = _center(a), _center(b)
    p1, p2 = clip_to_rect(ca, cb, a), clip_to_rect(cb, ca, b)
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length > 0:
        # Qt's normalVector: (dy, -dx), as a unit vector.
        nx, ny = dy / length, -dx / length
        p1 = (p1[0] + nx * spread, p1[1] + ny * spread)
        p2 = (p2[0] + nx * spread, p2[1] + ny * spread)
    lo_x, hi_x = sorted((p1[0], p2[0]))
    lo_y, hi_y = sorted((p1[1], p2[1]))
    span = (lo_x - 9, lo_y - 9, hi_x - lo_x + 18, hi_y - lo_y + 18)
    blocked = [r for r in others if overlaps(r, span) and crosses(p1, p2, _grow(r, 8))]
    if not blocked:
        return [p1, p2]
    right = cb[0] >= ca[0]
    inset_a = min(60.0, a[2] / 4) + max(0.0, spread)
    inset_b = min(60.0, b[2] / 4) + max(0.0, spread)
    x1 = a[0] + a[2] - inset_a if right else a[0] + inset_a
    x2 = b[0] + inset_b if right else b[0] + b[2] - inset_b
    lo, hi = min(x1, x2), max(x1, x2)
    between = [r for r in others if r[0] + r[2] > lo and r[0] < hi]
    gap = WAN_CLEARANCE + index * CARRIER_SPACING
    top = min([a[1], b[1], *(r[1] for r in between)]) - gap
    bottom = max([a[1] + a[3], b[1] + b[3], *(r[1] + r[3] for r in between)]) + gap
    up = (a[1] + b[1]) / 2 - top <= bottom - (a[1] + a[3] + b[1] + b[3]) / 2
    y = top if up else bottom
    ya, yb = (a[1], b[1]) if up else (a[1] + a[3], b[1] + b[3])
    return [(x1, ya), (x1, y), (x2, y), (x2, yb)]


def mirror_route(
    row_a: Rect,
    row_b: Rect,
    box_a: Rect,
    box_b: Rect,
    rows_a: Sequence[Rect],
    rows_b: Sequence[Rect],
) -> tuple[list[Point], int | None]:
    """A mirror from LUN row ``row_a`` (in array ``box_a``, among the other boxes
    ``rows_a`` there) to ``row_b``: (points, index of the segment drawn as an S-curve).

    Arrays above one another get a plain line (no curve). Otherwise the line leaves
    its row at the side facing the target and enters the target row at its side;
    where other rows are in the way it runs in the gap under its row, so it never
    strikes through a LUN's name.
    """
    if box_a[0] + box_a[2] > box_b[0] and box_b[0] + box_b[2] > box_a[0]:
        return straight(row_a, row_b), None
    s = 1.0 if _center(box_b)[0] > _center(box_a)[0] else -1.0
    p1 = (row_a[0] + row_a[2] if s > 0 else row_a[0], row_a[1] + row_a[3] / 2)
    p2 = (row_b[0] if s > 0 else row_b[0] + row_b[2], row_b[1] + row_b[3] / 2)
    out_a = box_a[0] + box_a[2] + 6 if s > 0 else box_a[0] - 6
    in_b = box_b[0] - 6 if s > 0 else box_b[0] + box_b[2] + 6
    head = _row_exit(row_a, p1, out_a, s, rows_a)
    tail = _row_exit(row_b, p2, in_b, -s, rows_b)
    return [*head, *reversed(tail)], len(head) - 1


def _row_exit(
    rect: Rect, start: Point, x_out: float, s: float, siblings: Sequence[Rect]
) -> list[Point]:
    """Points from a row's side to ``x_out`` (outside its box), in the gap under the
    row when ``siblings`` (the box's other content) stand between."""
    lo, hi = sorted((start[0], x_out))
    y = start[1]
    if not any(r[0] < hi and r[0] + r[2] > lo and r[1] < y < r[1] + r[3] for r in siblings):
        return [start, (x_out, y)]
    bottom = rect[1] + rect[3]
    below = [
        r[1]
        for r in siblings
        if r[1] >= bottom - 1 and r[0] < rect[0] + rect[2] and r[0] + r[2] > rect[0]
    ]
    gap = min(below, default=bottom + 6) - bottom
    lane = bottom + max(0.0, min(gap, 8.0)) / 2
    x_turn = start[0] + 4 * s
    return [start, (x_turn, y), (x_turn, lane), (x_out, lane)]
