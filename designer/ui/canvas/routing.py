"""Where lines run between boxes: pure geometry over ``(x, y)`` points and ``(x, y, w,
h)`` rectangles in scene units, no Qt and no scene, so routes are testable alone.

Lines are orthogonal (horizontal and vertical runs with few bends) and go around the
boxes in their way, the way libavoid and yEd's orthogonal router do:

* :func:`route` finds the route of one line: from a side of its first box to a side
  of its second, through the user's waypoints if it has some, around ``obstacles``
  (kept ``CLEARANCE`` away), fewest bends and shortest first. Simple shapes (straight,
  one bend, two bends) are tried first; only when all are blocked does an A* search run
  on the sparse grid the obstacles' edges make (an orthogonal visibility graph);
* :func:`nudge` spreads the runs of different lines that share a channel so they run
  side by side instead of on top of each other, and keeps the lines of one bundle (the
  same source and kind: a DAG's member lines) together as one trunk;
* :func:`route_crosses` says whether a route passes through a box (the routing tests
  and the scene's "which lines does a moved box block" both ask it).

The scene (``designer.ui.canvas.scene``) decides which boxes are obstacles for a line
(not its ends nor the boxes they sit in) and gives the points to the line item.
"""

from __future__ import annotations

import heapq
import math
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Container, Generator, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Generic, TypeVar

__all__ = [
    "BAND",
    "BEND_COST",
    "CLEARANCE",
    "SEARCH_STEP",
    "SEARCH_STEP_S",
    "TIGHT",
    "Channels",
    "End",
    "Point",
    "Rect",
    "Steps",
    "clip_to_rect",
    "crosses",
    "direction",
    "nudge",
    "overlaps",
    "route",
    "route_between",
    "route_between_steps",
    "route_crosses",
    "route_out",
    "route_out_steps",
    "route_steps",
    "run",
    "straight",
    "tidy",
]

Point = tuple[float, float]
Rect = tuple[float, float, float, float]
_Key = TypeVar("_Key", bound=Hashable)
_T = TypeVar("_T")
#: Work done in steps: a generator that yields (nothing) between steps and returns its
#: result. A search of a big drawing's grid takes up to a second; run as steps, it can
#: be spread over turns of the event loop (the scene routes a big design's lines so),
#: or run at once (:func:`run`).
Steps = Generator[None, None, _T]
#: Nodes an A* search takes off its heap between two yields of its steps, at most ...
SEARCH_STEP = 256
#: ... and the longest it runs before it yields (looked at every 16 nodes: among the
#: thousands of boxes of a 100k design's site, each new row or column of the grid the
#: search enters is worked out against all of them), seconds.
SEARCH_STEP_S = 0.002

#: How far a line keeps from the boxes it goes around.
CLEARANCE = 6.0
#: How far it keeps from rows packed in a box (a LUN column's neighbours): close
#: enough to run in the gap between two columns.
TIGHT = 2.0
#: What a bend costs, in scene units of length: a detour shorter than this beats a bend.
BEND_COST = 40.0
#: Lines sharing a channel run this far apart.
SPACING = 6.0
#: Other lines' runs keep this far from a wide line's (a WAN link's: drawn over a casing
#: of the canvas's colour, so a line a lane beside it was hidden or read as part of it).
BAND = 4 * SPACING
_EPS = 1e-6

# Directions: 0 right, 1 down, 2 left, 3 up.
_DX = (1, 0, -1, 0)
_DY = (0, 1, 0, -1)


@dataclass(frozen=True)
class End:
    """One end of a line: its box, the sides a line may leave it by (``"lrtb"``: left,
    right, top, bottom) and the height of its title bar (no line leaves through it)."""

    rect: Rect
    sides: str = "lrtb"
    header: float = 0.0


def _center(r: Rect) -> Point:
    return (r[0] + r[2] / 2, r[1] + r[3] / 2)


def _contains(r: Rect, p: Point) -> bool:
    return r[0] <= p[0] <= r[0] + r[2] and r[1] <= p[1] <= r[1] + r[3]


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two rectangles share some area (touching edges do not count)."""
    return max(a[0], b[0]) < min(a[0] + a[2], b[0] + b[2]) and max(a[1], b[1]) < min(
        a[1] + a[3], b[1] + b[3]
    )


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
    """Whether the segment p1–p2 touches ``rect`` (its border included).

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


def _through(p1: Point, p2: Point, rect: Rect) -> bool:
    """Whether the segment p1–p2 passes through the inside of ``rect`` (running along
    its border or ending on it does not count)."""
    left, top = rect[0], rect[1]
    right, bottom = left + rect[2], top + rect[3]
    if abs(p1[1] - p2[1]) < _EPS:  # horizontal
        y = p1[1]
        x0, x1 = (p1[0], p2[0]) if p1[0] <= p2[0] else (p2[0], p1[0])
        return top + _EPS < y < bottom - _EPS and x0 < right - _EPS and x1 > left + _EPS
    if abs(p1[0] - p2[0]) < _EPS:  # vertical
        x = p1[0]
        y0, y1 = (p1[1], p2[1]) if p1[1] <= p2[1] else (p2[1], p1[1])
        return left + _EPS < x < right - _EPS and y0 < bottom - _EPS and y1 > top + _EPS
    inner = (left + _EPS, top + _EPS, rect[2] - 2 * _EPS, rect[3] - 2 * _EPS)
    return inner[2] > 0 and inner[3] > 0 and crosses(p1, p2, inner)


def route_crosses(points: Sequence[Point], rect: Rect) -> bool:
    """Whether the polyline ``points`` passes through the inside of ``rect``.

    Examples
    --------
    >>> route_crosses([(0, 50), (300, 50)], (100, 0, 100, 100))
    True
    >>> route_crosses([(0, 0), (300, 0)], (100, 0, 100, 100))  # along its top edge
    False
    """
    return any(_through(points[i], points[i + 1], rect) for i in range(len(points) - 1))


def straight(a: Rect, b: Rect) -> list[Point]:
    """A straight line between two boxes, from border to border; between nested boxes
    (a box drawn inside the other) from the inner box's centre up to the outer's top."""
    ca, cb = _center(a), _center(b)
    if _contains(a, cb) or _contains(b, ca):
        return [ca, (cb[0], b[1])]
    return [clip_to_rect(ca, cb, a), clip_to_rect(cb, ca, b)]


# -- ports ----------------------------------------------------------------------------------
def _ports(end: End, toward: Point, lane: float = 0.0) -> list[tuple[Point, int]]:
    """(point, outward direction) for each side a line may leave ``end`` by: on each
    side, facing ``toward`` if the side spans it, else the side's middle (off the
    title bar); shifted ``lane`` along the side (parallel lines between two boxes)."""
    x, y, w, h = end.rect
    inset = min(8.0, w / 4, h / 4)
    top = y + min(end.header + 4, max(h / 2, 0.0)) if end.header else y + inset
    lo_y, hi_y = min(top, y + h / 2), max(y + h - inset, y + h / 2)
    lo_x, hi_x = x + inset, x + w - inset
    px = toward[0] if lo_x <= toward[0] <= hi_x else x + w / 2
    py = toward[1] if lo_y <= toward[1] <= hi_y else (lo_y + hi_y) / 2
    if lane:
        px = min(max(px + lane, lo_x), hi_x)
        py = min(max(py + lane, lo_y), hi_y)
    out: list[tuple[Point, int]] = []
    for side in end.sides:
        if side == "r":
            out.append(((float(x + w), float(py)), 0))
        elif side == "l":
            out.append(((float(x), float(py)), 2))
        elif side == "b":
            out.append(((float(px), float(y + h)), 1))
        elif side == "t" and not end.header:
            out.append(((float(px), float(y)), 3))
    return out


def _grown(r: Rect, d: float) -> Rect:
    return (r[0] - d, r[1] - d, r[2] + 2 * d, r[3] + 2 * d)


#: Boxes in a column (or a row) closer than this are one block to the search: a line
#: does not squeeze between two stacked boxes, and the search has far fewer channels.
_MERGE_GAP = 14.0


def _merged(blocks: Sequence[Rect]) -> list[Rect]:
    """``blocks`` with runs of equal-width boxes stacked close together (a column of
    LUNs, a column of loose boxes) joined, then runs of equal-height boxes side by side.

    Examples
    --------
    >>> _merged([(0, 0, 10, 10), (0, 20, 10, 10), (50, 0, 10, 10)])
    [(0, 0, 10, 30), (50, 0, 10, 10)]
    """
    out = list(blocks)
    for axis in (1, 0):  # columns first (stacked vertically), then rows
        size = 2 if axis == 1 else 3
        keyed: dict[tuple[float, float], list[Rect]] = defaultdict(list)
        for r in out:
            keyed[(round(r[1 - axis]), round(r[size]))].append(r)
        merged: list[Rect] = []
        for group in keyed.values():
            group.sort(key=lambda r: r[axis])
            current = group[0]
            for r in group[1:]:
                end = current[axis] + current[axis + 2]
                if r[axis] - end <= _MERGE_GAP:
                    new_end = max(end, r[axis] + r[axis + 2])
                    if axis == 1:
                        current = (current[0], current[1], current[2], new_end - current[1])
                    else:
                        current = (current[0], current[1], new_end - current[0], current[3])
                else:
                    merged.append(current)
                    current = r
            merged.append(current)
        out = merged
    return out


def _clear(points: Sequence[Point], blocks: Sequence[Rect]) -> bool:
    """Whether no run of ``points`` passes through one of ``blocks`` (:func:`_through`,
    written out for the axis-aligned runs: it is asked thousands of times a route)."""
    e = _EPS
    for n in range(len(points) - 1):
        (x0, y0), (x1, y1) = points[n], points[n + 1]
        if abs(y0 - y1) < e:
            lo, hi = (x0, x1) if x0 <= x1 else (x1, x0)
            for left, top, w, h in blocks:
                if top + e < y0 < top + h - e and lo < left + w - e and hi > left + e:
                    return False
        elif abs(x0 - x1) < e:
            lo, hi = (y0, y1) if y0 <= y1 else (y1, y0)
            for left, top, w, h in blocks:
                if left + e < x0 < left + w - e and lo < top + h - e and hi > top + e:
                    return False
        elif any(_through((x0, y0), (x1, y1), block) for block in blocks):
            return False
    return True


def _bends(points: Sequence[Point]) -> int:
    return max(0, len(points) - 2)


def _length(points: Sequence[Point]) -> float:
    return sum(
        abs(points[i + 1][0] - points[i][0]) + abs(points[i + 1][1] - points[i][1])
        for i in range(len(points) - 1)
    )


def _cost(points: Sequence[Point]) -> float:
    return _length(points) + BEND_COST * _bends(points)


def _simple(start: Point, d_start: int, goal: Point, d_goal: int, stub: float) -> list[list[Point]]:
    """Routes of up to two bends from ``start`` (leaving in direction ``d_start``) to
    ``goal`` (entered against ``d_goal``, its outward direction)."""
    sx, sy = start
    gx, gy = goal
    found: list[list[Point]] = []
    h_start, h_goal = d_start in (0, 2), d_goal in (0, 2)
    if h_start and h_goal:
        if abs(sy - gy) < _EPS and _DX[d_start] * (gx - sx) > 0 and d_goal == (d_start + 2) % 4:
            found.append([start, goal])
        mid = (sx + gx) / 2
        if d_goal == (d_start + 2) % 4 and _DX[d_start] * (mid - sx) >= stub:
            found.append([start, (mid, sy), (mid, gy), goal])
        for x in (sx + _DX[d_start] * stub, gx + _DX[d_goal] * stub):
            if _DX[d_start] * (x - sx) >= stub - _EPS and _DX[d_goal] * (x - gx) >= stub - _EPS:
                found.append([start, (x, sy), (x, gy), goal])
    elif not h_start and not h_goal:
        if abs(sx - gx) < _EPS and _DY[d_start] * (gy - sy) > 0 and d_goal == (d_start + 2) % 4:
            found.append([start, goal])
        mid = (sy + gy) / 2
        if d_goal == (d_start + 2) % 4 and _DY[d_start] * (mid - sy) >= stub:
            found.append([start, (sx, mid), (gx, mid), goal])
        for y in (sy + _DY[d_start] * stub, gy + _DY[d_goal] * stub):
            if _DY[d_start] * (y - sy) >= stub - _EPS and _DY[d_goal] * (y - gy) >= stub - _EPS:
                found.append([start, (sx, y), (gx, y), goal])
    elif h_start:  # leave sideways, enter from above or below
        corner = (gx, sy)
        if _DX[d_start] * (gx - sx) > 0 and _DY[d_goal] * (sy - gy) > 0:
            found.append([start, corner, goal])
    else:
        corner = (sx, gy)
        if _DY[d_start] * (gy - sy) > 0 and _DX[d_goal] * (sx - gx) > 0:
            found.append([start, corner, goal])
    return [_tidy(p) for p in found]


def _tidy(points: Sequence[Point]) -> list[Point]:
    """Without repeated points and without middle points of straight runs; a line
    whose ends coincide keeps both (a route is never a single point)."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < _EPS and abs(out[-1][1] - p[1]) < _EPS:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            same_x = abs(a[0] - b[0]) < _EPS and abs(b[0] - p[0]) < _EPS
            same_y = abs(a[1] - b[1]) < _EPS and abs(b[1] - p[1]) < _EPS
            if same_x or same_y:
                out[-1] = p
                continue
        out.append(p)
    if len(out) == 1 and len(points) > 1:
        out.append(out[0])
    return out


# -- the search -----------------------------------------------------------------------------
def _coordinates(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 0.5:
            out.append(v)
    return out


def _bends_needed(need_h: int, need_v: int, d: int) -> int:
    """The bends certainly still needed heading ``d`` when the goals lie ``need_h``
    (0 right, 2 left, -1 level) and ``need_v`` (1 down, 3 up, -1 level) of here."""
    if need_h >= 0 and need_v >= 0:
        return 1 if d in (need_h, need_v) else 2
    if need_h >= 0 or need_v >= 0:
        need = need_h if need_h >= 0 else need_v
        return 0 if d == need else (2 if d == (need + 2) % 4 else 1)
    return 0


def run(steps: Steps[_T]) -> _T:
    """Run ``steps`` to the end (at once); their result."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def _search(
    starts: Sequence[tuple[Point, int]],
    goals: Sequence[tuple[Point, int]],
    blocks: Sequence[Rect],
    hard: Sequence[Rect],
    stub: float,
    rows: Sequence[Rect] = (),
) -> Steps[list[Point] | None]:
    """A* on the sparse grid the blocks' edges make: from any start (leaving in its
    direction) to any goal (entered against its outward direction), fewest bends and
    shortest. ``blocks`` (joined where stacked close) and ``rows`` (kept apart: a line
    runs out of a grid of rows through the gaps) may not be crossed; ``hard`` (the two
    ends, a holder's walls) neither. In steps of :data:`SEARCH_STEP` nodes."""
    blocks = [*_merged(blocks), *rows]
    xs_set: set[float] = set()
    ys_set: set[float] = set()
    for (px, py), d in [*starts, *goals]:
        xs_set.add(px)
        ys_set.add(py)
        xs_set.add(px + _DX[d] * stub)
        ys_set.add(py + _DY[d] * stub)
    for r in (*blocks, *hard):
        xs_set.update((r[0], r[0] + r[2]))
        ys_set.update((r[1], r[1] + r[3]))
    # Channels between boxes: their middles, where a line reads best.
    lefts = sorted(r[0] for r in blocks)
    rights = sorted(r[0] + r[2] for r in blocks)
    for x in rights:
        i = bisect_right(lefts, x)
        if i < len(lefts):
            xs_set.add((x + lefts[i]) / 2)
    tops = sorted(r[1] for r in blocks)
    bottoms = sorted(r[1] + r[3] for r in blocks)
    for y in bottoms:
        i = bisect_right(tops, y)
        if i < len(tops):
            ys_set.add((y + tops[i]) / 2)
    yield  # (the grid of a site with thousands of boxes takes milliseconds to make)
    xs, ys = _coordinates(xs_set), _coordinates(ys_set)
    # Snap the starts and goals onto the grid values they were merged into.
    nx, ny = len(xs), len(ys)

    def ix(v: float) -> int:
        i = bisect_left(xs, v - 0.5)
        return min(i, nx - 1)

    def iy(v: float) -> int:
        i = bisect_left(ys, v - 0.5)
        return min(i, ny - 1)

    # Each box as the grid indices of its edges; which moves it blocks is worked out
    # per row and per column, for the rows and columns the search reaches.
    spans: list[tuple[int, int, int, int]] = []
    for r in (*blocks, *hard):
        i0 = bisect_left(xs, r[0] - 0.25)
        i1 = bisect_right(xs, r[0] + r[2] + 0.25) - 1
        j0 = bisect_left(ys, r[1] - 0.25)
        j1 = bisect_right(ys, r[1] + r[3] + 0.25) - 1
        if i1 > i0 or j1 > j0:
            spans.append((i0, i1, j0, j1))
    rows_blocked: dict[int, bytearray] = {}
    columns_blocked: dict[int, bytearray] = {}

    def row(j: int) -> bytearray:
        """Blocked moves along row ``j``: ``[i]`` is the move from column i to i + 1."""
        mask = rows_blocked.get(j)
        if mask is None:
            mask = rows_blocked[j] = bytearray(nx)
            for i0, i1, j0, j1 in spans:
                if j0 < j < j1 and i1 > i0:
                    mask[i0:i1] = b"\x01" * (i1 - i0)
        return mask

    def column(i: int) -> bytearray:
        """Blocked moves along column ``i``: ``[j]`` is the move from row j to j + 1."""
        mask = columns_blocked.get(i)
        if mask is None:
            mask = columns_blocked[i] = bytearray(ny)
            for i0, i1, j0, j1 in spans:
                if i0 < i < i1 and j1 > j0:
                    mask[j0:j1] = b"\x01" * (j1 - j0)
        return mask

    # Goal node → the directions a route may arrive in (a bit each).
    goal_dir: dict[int, int] = {}
    goal_points: list[Point] = []
    for (px, py), d in goals:
        node = iy(py) * nx + ix(px)
        goal_dir[node] = goal_dir.get(node, 0) | (1 << ((d + 2) % 4))
        goal_points.append((px, py))
    gx0 = min(p[0] for p in goal_points)
    gx1 = max(p[0] for p in goal_points)
    gy0 = min(p[1] for p in goal_points)
    gy1 = max(p[1] for p in goal_points)

    def h(x: float, y: float, d: int) -> float:
        # Distance to the goals plus the bends that are certainly still needed.
        if x < gx0:
            dx, need_h = gx0 - x, 0
        elif x > gx1:
            dx, need_h = x - gx1, 2
        else:
            dx, need_h = 0.0, -1
        if y < gy0:
            dy, need_v = gy0 - y, 1
        elif y > gy1:
            dy, need_v = y - gy1, 3
        else:
            dy, need_v = 0.0, -1
        return dx + dy + _bends_needed(need_h, need_v, d) * BEND_COST

    inf = float("inf")
    best: dict[int, float] = {}
    came: dict[int, int] = {}
    # (estimate, -cost so far, state): among equal estimates the deepest goes first.
    heap: list[tuple[float, float, int]] = []
    for (px, py), d in starts:
        node = iy(py) * nx + ix(px)
        state = node * 4 + d
        best[state] = 0.0
        came[state] = -1
        heapq.heappush(heap, (h(px, py, d), 0.0, state))
    found = -1
    pop, push = heapq.heappop, heapq.heappush
    # h() by grid index, worked out once per column and row: the distance to the goals
    # along each axis, which way they lie (0 none, 1 right or down, 2 left or up), and
    # the bends certainly still needed for each pair of those and a direction.
    far_x = [gx0 - x if x < gx0 else (x - gx1 if x > gx1 else 0.0) for x in xs]
    side_x = [1 if x < gx0 else (2 if x > gx1 else 0) for x in xs]
    far_y = [gy0 - y if y < gy0 else (y - gy1 if y > gy1 else 0.0) for y in ys]
    side_y = [1 if y < gy0 else (2 if y > gy1 else 0) for y in ys]
    to_bend = [0.0] * 36
    for sx in range(3):
        for sy in range(3):
            need_h = (-1, 0, 2)[sx]
            need_v = (-1, 1, 3)[sy]
            for d in range(4):
                to_bend[sx * 12 + sy * 4 + d] = _bends_needed(need_h, need_v, d) * BEND_COST
    yield
    clock = time.perf_counter
    until = clock() + SEARCH_STEP_S
    countdown = SEARCH_STEP
    while heap:
        countdown -= 1
        if not countdown or (not countdown & 15 and clock() > until):
            yield
            countdown = SEARCH_STEP
            until = clock() + SEARCH_STEP_S
        _, neg_g, state = pop(heap)
        g = -neg_g
        if g > best.get(state, inf):
            continue
        node = state >> 2
        d = state & 3
        first = came[state] == -1
        if not first and goal_dir.get(node, 0) >> d & 1:
            found = state
            break
        j, i = divmod(node, nx)
        x, y = xs[i], ys[j]
        along_row = rows_blocked.get(j) or row(j)
        along_column = columns_blocked.get(i) or column(i)
        # A line leaves its box straight out, never along its side.
        for nd in (d,) if first else (d, (d + 1) & 3, (d + 3) & 3):
            if nd == 0:
                if i + 1 >= nx or along_row[i]:
                    continue
                nxt, ti, tj = node + 1, i + 1, j
                step = xs[ti] - x
            elif nd == 2:
                if i == 0 or along_row[i - 1]:
                    continue
                nxt, ti, tj = node - 1, i - 1, j
                step = x - xs[ti]
            elif nd == 1:
                if j + 1 >= ny or along_column[j]:
                    continue
                nxt, ti, tj = node + nx, i, j + 1
                step = ys[tj] - y
            else:
                if j == 0 or along_column[j - 1]:
                    continue
                nxt, ti, tj = node - nx, i, j - 1
                step = y - ys[tj]
            cost = g + step if nd == d else g + step + BEND_COST
            key = (nxt << 2) | nd
            if cost < best.get(key, inf):
                best[key] = cost
                came[key] = state
                estimate = far_x[ti] + far_y[tj] + to_bend[side_x[ti] * 12 + side_y[tj] * 4 + nd]
                push(heap, (cost + estimate, -cost, key))
    if found < 0:
        return None
    path: list[Point] = []
    state = found
    while state != -1:
        node = state >> 2
        j, i = divmod(node, nx)
        path.append((xs[i], ys[j]))
        state = came[state]
    path.reverse()
    return _tidy(path)


# -- one line -------------------------------------------------------------------------------
def _leg(
    starts: Sequence[tuple[Point, int]],
    goals: Sequence[tuple[Point, int]],
    obstacles: Sequence[Rect],
    tight: Sequence[Rect],
    hard: Sequence[Rect],
    clearance: float = CLEARANCE,
) -> Steps[list[Point] | None]:
    """The best route from one of ``starts`` to one of ``goals``: a simple shape if
    one is clear, else a search; kept ``clearance`` from the obstacles if it can, else
    brushing past them; None when walled in (in steps: :data:`Steps`)."""
    stub = clearance
    blocks = [_grown(r, clearance) for r in obstacles]
    rows = [_grown(r, TIGHT) for r in tight]
    # A short first run too: out of a grid of rows through the narrow gap beside it.
    stubs = (stub, TIGHT + 1.0) if tight else (stub,)
    candidates = [
        (_cost(points), n, points)
        for start, d_start in starts
        for goal, d_goal in goals
        for length in stubs
        for n, points in enumerate(_simple(start, d_start, goal, d_goal, length))
    ]
    candidates.sort(key=lambda c: (c[0], c[1]))
    everything = [*blocks, *rows, *hard]
    for _, _, points in candidates:
        if _clear(points, everything):
            return points
    solid = [*obstacles, *tight]
    if all(any(_inside(p, r) for r in solid) for p, _ in goals) or all(
        any(_inside(p, r) for r in solid) for p, _ in starts
    ):
        return None  # under another box (content overflowing its holder): no way there
    found = yield from _search(starts, goals, blocks, hard, stub, rows)
    if found is None:
        found = yield from _search(starts, goals, [], hard, stub, solid)
    return found


def _inside(p: Point, r: Rect) -> bool:
    return r[0] < p[0] < r[0] + r[2] and r[1] < p[1] < r[1] + r[3]


def _point_end(p: Point) -> list[tuple[Point, int]]:
    return [(p, d) for d in range(4)]


def route_out(
    a: End,
    point: Point,
    leaving: int,
    obstacles: Sequence[Rect] = (),
    *,
    tight: Sequence[Rect] = (),
    walls: Sequence[Rect] = (),
    clearance: float = CLEARANCE,
) -> list[Point]:
    """A route from box ``a`` to ``point``, arriving there moving in direction
    ``leaving`` (0 right, 1 down, 2 left, 3 up): the part of a line inside a box it
    leaves at ``point`` (on that box's border; ``walls`` fence the box in).

    Examples
    --------
    >>> route_out(End((10, 10, 50, 20)), (100, 20.0), 0)
    [(60.0, 20.0), (100, 20.0)]
    """
    return run(
        route_out_steps(a, point, leaving, obstacles, tight=tight, walls=walls, clearance=clearance)
    )


def route_out_steps(
    a: End,
    point: Point,
    leaving: int,
    obstacles: Sequence[Rect] = (),
    *,
    tight: Sequence[Rect] = (),
    walls: Sequence[Rect] = (),
    clearance: float = CLEARANCE,
) -> Steps[list[Point]]:
    """:func:`route_out` in steps (:data:`Steps`)."""
    ra = a.rect
    starts = _ports(a, point)
    goal = [(point, (leaving + 2) % 4)]
    leg = yield from _leg(starts, goal, obstacles, tight, [ra, *walls], clearance)
    if leg is None:
        return [straight(ra, (point[0], point[1], 0.0, 0.0))[0], point]
    return leg


def route_between(
    a: End,
    b: End,
    obstacles: Sequence[Rect] = (),
    *,
    lane: float = 0.0,
    tight: Sequence[Rect] = (),
    walls: Sequence[Rect] = (),
    clearance: float = CLEARANCE,
) -> list[Point] | None:
    """The route between two boxes of one level (:func:`route` without waypoints),
    fenced in by ``walls``, ``clearance`` from the boxes in the way; None when there is
    no way round."""
    return run(
        route_between_steps(
            a, b, obstacles, lane=lane, tight=tight, walls=walls, clearance=clearance
        )
    )


def route_between_steps(
    a: End,
    b: End,
    obstacles: Sequence[Rect] = (),
    *,
    lane: float = 0.0,
    tight: Sequence[Rect] = (),
    walls: Sequence[Rect] = (),
    clearance: float = CLEARANCE,
) -> Steps[list[Point] | None]:
    """:func:`route_between` in steps (:data:`Steps`)."""
    toward_a, toward_b = _facing(a, b)
    starts = _ports(a, toward_a, lane)
    goals = _ports(b, toward_b, lane)
    return (yield from _leg(starts, goals, obstacles, tight, [a.rect, b.rect, *walls], clearance))


def route(
    a: End | Rect,
    b: End | Rect,
    obstacles: Sequence[Rect] = (),
    waypoints: Sequence[Point] = (),
    *,
    lane: float = 0.0,
    tight: Sequence[Rect] = (),
) -> list[Point]:
    """The orthogonal route of a line from box ``a`` to box ``b`` around ``obstacles``
    (kept :data:`CLEARANCE` away) and ``tight`` (rows packed in a box, kept only
    :data:`TIGHT` away), through ``waypoints`` in order; ``lane`` shifts where it
    leaves and enters its boxes (lines between the same two boxes).

    Falls back to a straight line when one box holds the other or when no way around
    exists (a box walled in on every side).

    Examples
    --------
    >>> route((0, 0, 100, 100), (300, 0, 100, 100))
    [(100.0, 50.0), (300.0, 50.0)]
    >>> path = route((0, 0, 100, 100), (400, 0, 100, 100), [(180, -50, 100, 200)])
    >>> len(path) > 2 and not route_crosses(path, (180, -50, 100, 200))
    True
    """
    return run(route_steps(a, b, obstacles, waypoints, lane=lane, tight=tight))


def route_steps(
    a: End | Rect,
    b: End | Rect,
    obstacles: Sequence[Rect] = (),
    waypoints: Sequence[Point] = (),
    *,
    lane: float = 0.0,
    tight: Sequence[Rect] = (),
) -> Steps[list[Point]]:
    """:func:`route` in steps (:data:`Steps`)."""
    end_a = a if isinstance(a, End) else End(a)
    end_b = b if isinstance(b, End) else End(b)
    ra, rb = end_a.rect, end_b.rect
    if _contains(ra, _center(rb)) or _contains(rb, _center(ra)) or overlaps(ra, rb):
        return straight(ra, rb)
    stops = [(float(x), float(y)) for x, y in waypoints]
    hard = [ra, rb]
    points: list[Point] = []
    toward_a, toward_b = _facing(end_a, end_b)
    starts = _ports(end_a, stops[0] if stops else toward_a, lane)
    for stop in stops:
        leg = (yield from _leg(starts, _point_end(stop), obstacles, tight, hard)) or [
            starts[0][0],
            stop,
        ]
        points.extend(leg if not points else leg[1:])
        d = _direction(leg[-2], stop) if len(leg) > 1 else 0
        # On from the waypoint any way but straight back.
        starts = [(stop, dd) for dd in range(4) if dd != (d + 2) % 4]
    goals = _ports(end_b, points[-1] if points else toward_b, 0.0 if stops else lane)
    last = yield from _leg(starts, goals, obstacles, tight, hard)
    if last is None:
        if not points:
            return straight(ra, rb)
        last = [points[-1], straight(ra, rb)[1]]
    points.extend(last if not points else last[1:])
    return _tidy(points)


def _span(end: End, axis: int) -> tuple[float, float]:
    x, y, w, h = end.rect
    if axis == 0:
        return x, x + w
    return y + end.header, y + h


def _facing(a: End, b: End) -> tuple[Point, Point]:
    """Where each end's ports aim: along an axis on which the two boxes overlap, the
    middle of the overlap (the line can run straight); otherwise the other's centre."""
    ca, cb = _center(a.rect), _center(b.rect)
    aim_a, aim_b = [ca[0], ca[1]], [cb[0], cb[1]]
    for axis in (0, 1):
        lo_a, hi_a = _span(a, axis)
        lo_b, hi_b = _span(b, axis)
        lo, hi = max(lo_a, lo_b), min(hi_a, hi_b)
        if hi > lo:
            aim_a[axis] = aim_b[axis] = (lo + hi) / 2
        else:
            aim_a[axis], aim_b[axis] = cb[axis], ca[axis]
    return (aim_a[0], aim_a[1]), (aim_b[0], aim_b[1])


def direction(p: Point, q: Point) -> int:
    """The direction from ``p`` to ``q`` (0 right, 1 down, 2 left, 3 up), by the longer
    axis."""
    return _direction(p, q)


def tidy(points: Sequence[Point]) -> list[Point]:
    """``points`` without repeats and without the middle points of straight runs."""
    return _tidy(points)


def _direction(p: Point, q: Point) -> int:
    dx, dy = q[0] - p[0], q[1] - p[1]
    if abs(dx) >= abs(dy):
        return 0 if dx >= 0 else 2
    return 1 if dy >= 0 else 3


# -- channels -------------------------------------------------------------------------------
_Channel = tuple[int, int]
_Run = tuple[Hashable, Hashable, int, float, float]


_run_order = itemgetter(3, 4)


#: In :meth:`Channels.update_steps`, a step spreads channels of up to about this many
#: runs per route of its ``part``.
SPREAD_STEP_RUNS = 8


def _channel(p: Point, q: Point) -> _Channel | None:
    """The channel a run lies in: (0, x) for a vertical run, (1, y) for a horizontal
    one (rounded); None for a slanted run (a line drawn straight)."""
    if abs(p[0] - q[0]) < _EPS:
        return (0, round(p[0]))
    if abs(p[1] - q[1]) < _EPS:
        return (1, round(p[1]))
    return None


class Channels(Generic[_Key]):
    """The runs of many routes filed by channel, and how far each run is moved to spread
    the runs sharing a channel (:func:`nudge`), kept in step as routes change: a change
    spreads again only the channels the changed routes ran in or run in now, and says
    which routes that moved. The result is the same as spreading every route afresh.

    Examples
    --------
    >>> channels = Channels()
    >>> sorted(channels.update({"a": [(0, 0), (50, 0), (50, 100), (100, 100)],
    ...                         "b": [(0, 10), (50, 10), (50, 90), (100, 90)]}))
    ['a', 'b']
    >>> channels.spread("a")[1][0] != channels.spread("b")[1][0]
    True
    >>> channels.update({"b": None})  # b goes: a runs in the middle again
    {'a'}
    >>> channels.spread("a")
    [(0, 0), (50, 0), (50, 100), (100, 100)]

    The runs of ``wide`` keys (WAN links) keep the other lines' inner runs that lie
    within ``band`` of them, in their channel or beside it, a band's width away:

    >>> channels = Channels(wide={"w"})
    >>> sorted(channels.update({"w": [(0, 0), (100, 0)],
    ...                         "m": [(50, 200), (50, 2), (-50, 2), (-50, -100)]}))
    ['m', 'w']
    >>> channels.spread("m")[1]
    (50, 24.0)
    """

    def __init__(
        self, spacing: float = SPACING, wide: Container[_Key] = frozenset(), band: float = BAND
    ) -> None:
        self.spacing = spacing
        #: The keys whose runs are wide (asked as a route is filed), and how far the
        #: other lines' runs keep from theirs.
        self.wide = wide
        self.band = band
        self._reach = math.ceil(band)
        #: The keys filed as wide; wide runs by channel; key → run index → how far a run
        #: near a wide run moves off it (beyond its spreading, :attr:`_shift`).
        self._wide_keys: set[_Key] = set()
        self._wide_runs: dict[_Channel, dict[tuple[_Key, int], _Run]] = {}
        #: channel → the channels of wide runs within reach of it.
        self._near_wide: dict[_Channel, set[_Channel]] = {}
        self._push: dict[_Key, dict[int, float]] = {}
        #: Wide runs (channel, low end, high end) that came or went, whose neighbours'
        #: pushes are to be worked out again (kept, as _touched, by an update ended
        #: before its end).
        self._revisit: list[tuple[_Channel, float, float]] = []
        self._routes: dict[_Key, list[Point]] = {}
        self._bundles: dict[_Key, Hashable] = {}
        #: key → the channel of each of its runs (None: slanted).
        self._filed: dict[_Key, list[_Channel | None]] = {}
        #: channel → its runs: (bundle, key, run index, low end, high end).
        self._runs: dict[_Channel, dict[tuple[_Key, int], _Run]] = {}
        #: key → run index → how far that run moves across its channel.
        self._shift: dict[_Key, dict[int, float]] = {}
        #: What an update ended before its end (:meth:`update_steps`) left to do: the
        #: stretches of channels still to spread again, the keys moved so far.
        self._touched: dict[_Channel, list[tuple[float, float]]] = defaultdict(list)
        self._moved: set[_Key] = set()

    def __contains__(self, key: object) -> bool:
        return key in self._routes

    def filed(self, key: _Key) -> tuple[list[Point], Hashable] | None:
        """The route and bundle ``key`` is filed with (None: not filed)."""
        route = self._routes.get(key)
        return None if route is None else (route, self._bundles[key])

    def update(
        self,
        routes: Mapping[_Key, Sequence[Point] | None],
        bundles: Mapping[_Key, Hashable] | None = None,
    ) -> set[_Key]:
        """File these routes (None: forget the key), the routes of one bundle
        (``bundles[key]``, default: its own key) kept together; spread the channels
        they left or entered again. Returns the keys whose spread points may change."""
        return run(self.update_steps(routes, bundles))

    def update_steps(
        self,
        routes: Mapping[_Key, Sequence[Point] | None],
        bundles: Mapping[_Key, Hashable] | None = None,
        part: int = 0,
    ) -> Steps[set[_Key]]:
        """:meth:`update` in steps (``part``: yields after every ``part`` routes filed
        and after channels of about ``part`` × :data:`SPREAD_STEP_RUNS` runs spread
        again; 0: no steps). Ended before its end (the
        generator closed), what it filed stays filed and what it had still to spread,
        and the keys it had found moved, are taken up by the next update: the next
        update's result is then what one update of both would have made."""
        bundles = bundles or {}
        # channel → the stretches of it where runs left or came (only the groups of runs
        # that meet one of them can be spread otherwise than before).
        touched = self._touched
        moved = self._moved
        revisit = self._revisit
        wide_runs = self._wide_runs
        count = 0
        for key, points in routes.items():
            was_wide = key in self._wide_keys
            for i, channel in enumerate(self._filed.pop(key, ())):
                if channel is not None:
                    runs = self._runs[channel]
                    gone = runs.pop((key, i))
                    if not runs:
                        del self._runs[channel]
                    touched[channel].append((gone[3], gone[4]))
                    if was_wide:
                        runs = wide_runs[channel]
                        del runs[(key, i)]
                        if not runs:
                            del wide_runs[channel]
                            self._note_wide(channel, False)
                        revisit.append((channel, gone[3], gone[4]))
            self._shift.pop(key, None)
            self._push.pop(key, None)
            self._wide_keys.discard(key)
            if points is None:
                self._routes.pop(key, None)
                self._bundles.pop(key, None)
            else:
                self._routes[key] = list(points)
                bundle = self._bundles[key] = bundles.get(key, key)
                wide = key in self.wide
                if wide:
                    self._wide_keys.add(key)
                filed: list[_Channel | None] = []
                for i in range(len(points) - 1):
                    p, q = points[i], points[i + 1]
                    channel = _channel(p, q)
                    filed.append(channel)
                    if channel is None:
                        continue
                    lo, hi = (p[1], q[1]) if channel[0] == 0 else (p[0], q[0])
                    run = (bundle, key, i, min(lo, hi), max(lo, hi))
                    self._runs.setdefault(channel, {})[(key, i)] = run
                    touched[channel].append((run[3], run[4]))
                    if wide:
                        if channel not in wide_runs:
                            wide_runs[channel] = {}
                            self._note_wide(channel, True)
                        wide_runs[channel][(key, i)] = run
                        revisit.append((channel, run[3], run[4]))
                self._filed[key] = filed
                moved.add(key)
            count += 1
            if part and not count % part:
                yield
        work = 0
        for channel in list(touched):
            stretches = touched.pop(channel)
            filed_runs = self._runs.get(channel)
            if filed_runs:
                moved.update(self._spread_channel(filed_runs, stretches))
                work += len(filed_runs)
            work += 1
            if part and work >= part * SPREAD_STEP_RUNS:  # (a channel may hold thousands)
                yield
                work = 0
        # The pushes off the wide runs, once every channel is spread: of the runs beside
        # a wide run that came, went or moved, and of the other runs that moved.
        if revisit or self._near_wide:
            moved.update(self._push_off_wide(revisit, moved))
            self._revisit = []
        self._moved = set()
        # (a key an earlier, ended update moved may have been forgotten since)
        return {k for k in moved if k in self._routes}

    def _spread_channel(
        self,
        runs: Mapping[tuple[_Key, int], _Run],
        stretches: Sequence[tuple[float, float]] | None = None,
    ) -> set[_Key]:
        """Work out the shifts of the runs of one channel (of its groups that meet one
        of ``stretches``, if given); the keys whose shifts changed."""
        keys: set[_Key] = set()
        meets = _meeting(stretches) if stretches is not None else None
        for group, lo, hi in _spans(list(runs.values())):
            if meets is not None and not meets(lo, hi):
                continue  # none of its runs came or went, nor one that joined it
            order = sorted(dict.fromkeys(bundle for bundle, *_ in group), key=str)
            slot: dict[Hashable, float] = {}
            if len(order) >= 2:
                routes = self._routes
                fixed = {
                    b
                    for b, key, i, *_ in group
                    if i == 0 or i == len(routes[key]) - 2  # type: ignore[index]
                }
                if fixed:
                    free = [b for b in order if b not in fixed]
                    slot = {b: 0.0 for b in fixed}
                    slot.update({b: (n // 2 + 1) * (1 - 2 * (n % 2)) for n, b in enumerate(free)})
                else:
                    slot = {b: n - (len(order) - 1) / 2 for n, b in enumerate(order)}
            for bundle, key, i, _lo, _hi in group:
                k: _Key = key  # type: ignore[assignment]
                shift = slot.get(bundle, 0.0) * self.spacing
                shifts = self._shift.get(k)
                if shifts is not None and shifts.get(i, 0.0) == shift:
                    continue
                if shifts is None:
                    if not shift:
                        continue
                    shifts = self._shift[k] = {}
                keys.add(k)  # this run moves elsewhere now
                if shift:
                    shifts[i] = shift
                else:
                    del shifts[i]
        return keys

    def _note_wide(self, channel: _Channel, present: bool) -> None:
        """Note the channels within reach of ``channel``, which wide runs took (or left)."""
        axis, at = channel
        near = self._near_wide
        for k in range(-self._reach, self._reach + 1):
            beside = (axis, at + k)
            if present:
                near.setdefault(beside, set()).add(channel)
            else:
                wides = near[beside]
                wides.discard(channel)
                if not wides:
                    del near[beside]

    def _push_off_wide(
        self, revisit: list[tuple[_Channel, float, float]], moved: Iterable[_Key]
    ) -> set[_Key]:
        """Work out again how far runs move off the wide runs beside them: every run
        beside the wide runs ``revisit`` (channel, stretch: they came or went) or
        beside a wide run among the keys ``moved`` (filed or spread anew), and the
        runs of the other keys ``moved`` near a wide run (a run's push changes only
        when it or a wide run beside it moves). The keys whose pushes changed."""
        keys: set[_Key] = set()
        done: set[tuple[_Key, int]] = set()
        near_wide = self._near_wide
        runs_at = self._runs
        for key in moved if near_wide else ():
            filed = self._filed.get(key)
            if filed is None:
                continue  # (forgotten since)
            if key in self._wide_keys:
                for i, channel in enumerate(filed):
                    if channel is not None:
                        run = runs_at[channel][(key, i)]
                        revisit.append((channel, run[3], run[4]))  # (spread elsewhere)
                continue
            # (a line's first and last runs never move: not pushed)
            for i in range(1, len(filed) - 1):
                channel = filed[i]
                if channel is not None and channel in near_wide:
                    self._repush(channel[0], runs_at[channel][(key, i)], done, keys)
        reach = self._reach
        wide_keys, filed_of = self._wide_keys, self._filed
        for (axis, at), lo, hi in dict.fromkeys(revisit):
            for k in range(-reach, reach + 1):
                for run in runs_at.get((axis, at + k), {}).values():
                    index = run[2]
                    if (
                        run[3] < hi - _EPS  # beside that stretch
                        and run[4] > lo + _EPS
                        and index
                        and index < len(filed_of[run[1]]) - 1  # type: ignore[index]
                        and run[1] not in wide_keys
                    ):
                        self._repush(axis, run, done, keys)
        return keys

    def _repush(self, axis: int, run: _Run, done: set[tuple[_Key, int]], keys: set[_Key]) -> None:
        """Work out ``run``'s push again (once: ``done``); its key to ``keys`` if it
        changed."""
        key: _Key = run[1]  # type: ignore[assignment]
        index = run[2]
        if (key, index) in done:
            return
        done.add((key, index))
        push = self._push_of(axis, run)
        pushes = self._push.get(key)
        if (pushes.get(index, 0.0) if pushes is not None else 0.0) == push:
            return
        keys.add(key)
        if push:
            self._push.setdefault(key, {})[index] = push
        elif pushes is not None:
            del pushes[index]

    def _at(self, key: _Key, index: int, axis: int) -> float:
        """Where run ``index`` of ``key`` lies across its channel once spread."""
        shifts = self._shift.get(key)
        return self._routes[key][index][axis == 1] + (shifts.get(index, 0.0) if shifts else 0.0)

    def _push_of(self, axis: int, run: _Run) -> float:
        """How far ``run`` moves off the nearest wide run beside it: an inner run of
        another line lying within :attr:`band` of a wide run, along the same stretch,
        goes a band's width from it (on its side; lanes beyond the first kept apart)."""
        bundle, key, index, lo, hi = run
        k: _Key = key  # type: ignore[assignment]
        route = self._routes[k]
        if k in self._wide_keys or index == 0 or index == len(route) - 2:
            return 0.0  # (a line's first and last runs stay on their boxes' sides)
        own = route[index][axis == 1]
        spread = self._at(k, index, axis)
        best: tuple[float, str, int, float] | None = None
        for wide_channel in self._near_wide.get((axis, round(own)), ()):
            for w_bundle, w_key, w_index, w_lo, w_hi in self._wide_runs[wide_channel].values():
                if w_bundle == bundle or w_lo >= hi - _EPS or w_hi <= lo + _EPS:
                    continue
                at = self._at(w_key, w_index, axis)  # type: ignore[arg-type]
                if abs(own - at) >= self.band:
                    continue
                near = (abs(spread - at), str(w_key), w_index, at)
                if best is None or near < best:
                    best = near
        if best is None:
            return 0.0
        gap, at = best[0], best[3]
        if gap >= self.band:
            return 0.0  # spread clear of it already
        side = (spread > at) - (spread < at) or (own > at) - (own < at) or -1
        return at + side * (self.band + max(0.0, gap - self.spacing)) - spread

    def spread(self, key: _Key) -> list[Point]:
        """The route of ``key`` with its runs moved apart from their neighbours' (and
        off the wide runs beside them)."""
        points = list(self._routes[key])
        shifts = self._shift.get(key)
        pushes = self._push.get(key)
        if not shifts and not pushes:
            return points
        if pushes:
            shifts = dict(shifts or {})
            for i, push in pushes.items():
                shifts[i] = shifts.get(i, 0.0) + push
        assert shifts is not None
        filed = self._filed[key]
        for i, shift in shifts.items():
            channel = filed[i]
            if channel is None:
                continue
            for j in (i, i + 1):
                p = points[j]
                points[j] = (p[0] + shift, p[1]) if channel[0] == 0 else (p[0], p[1] + shift)
        return points


def nudge(
    routes: Mapping[_Key, Sequence[Point]],
    bundles: Mapping[_Key, Hashable] | None = None,
    spacing: float = SPACING,
    wide: Container[_Key] = frozenset(),
) -> dict[_Key, list[Point]]:
    """The routes with the runs that share a channel spread ``spacing`` apart, the
    routes of one bundle (``bundles[key]``, default: its own key) kept together
    (:class:`Channels` does it, and keeps it in step as routes change).

    Only inner runs move (the first and last runs stay on their boxes' sides, and
    the lines they belong to keep the middle of the channel); a run moves with the
    ends of its neighbours, so the route stays orthogonal.

    Examples
    --------
    >>> out = nudge({"a": [(0, 0), (50, 0), (50, 100), (100, 100)],
    ...              "b": [(0, 10), (50, 10), (50, 90), (100, 90)]})
    >>> out["a"][1][0] != out["b"][1][0]
    True
    """
    channels: Channels[_Key] = Channels(spacing, wide)
    channels.update(routes, bundles)
    return {key: channels.spread(key) for key in routes}


def _meeting(stretches: Sequence[tuple[float, float]]) -> Callable[[float, float], bool]:
    """``meets(lo, hi)``: whether a stretch ``(a, b)`` of ``stretches`` lies within 1 of
    the span ``lo``–``hi`` (``a <= hi + 1 and b >= lo - 1``), asked by bisection: among
    the stretches starting before the span's end, the furthest reaching one (a channel
    of Select All's thousands of lines had thousands of groups and of stretches, and a
    scan of every stretch for every group took a turn of ~0.2 s at 10,000 elements).

    Examples
    --------
    >>> meets = _meeting([(0.0, 10.0), (50.0, 60.0)])
    >>> meets(11.0, 20.0), meets(12.0, 20.0), meets(30.0, 49.0), meets(30.0, 48.0)
    (True, False, True, False)
    """
    ordered = sorted(stretches)
    starts = [a for a, _ in ordered]
    reach: list[float] = []
    furthest = float("-inf")
    for _, b in ordered:
        furthest = furthest if furthest >= b else b
        reach.append(furthest)

    def meets(lo: float, hi: float) -> bool:
        n = bisect_right(starts, hi + 1.0)
        return bool(n) and reach[n - 1] >= lo - 1.0

    return meets


def _overlapping(runs: list[_Run]) -> list[list[_Run]]:
    """The runs of one channel in groups that overlap along it (in the same groups
    whatever order they come in)."""
    return [group for group, _, _ in _spans(runs)]


def _spans(runs: list[_Run]) -> list[tuple[list[_Run], float, float]]:
    """:func:`_overlapping`'s groups, each with the stretch of the channel it spans."""
    runs = sorted(runs, key=_run_order)
    groups: list[tuple[list[_Run], float, float]] = []
    group: list[_Run] = []
    start = reach = float("-inf")
    for run in runs:
        if group and run[3] < reach - _EPS:
            group.append(run)
            if run[4] > reach:
                reach = run[4]
        else:
            if group:
                groups.append((group, start, reach))
            group = [run]
            start, reach = run[3], run[4]
    if group:
        groups.append((group, start, reach))
    return groups
