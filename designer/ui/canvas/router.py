"""The lines of a drawing and where they run, kept in step as boxes move. Pure Python:
the scene hands it a :class:`BoxTree` (where each box is, what it sits in) and draws
the points it returns.

For each line the obstacles are the boxes it must not cross: everything at the levels
its two ends sit at (the other VMs of its VM's host, the other hosts of the cluster,
the other boxes of the site, the other sites and top-level boxes), never its ends nor
the boxes that hold them, whose title bars it still keeps off. Only the boxes near the
line are asked (:data:`REACH` around its ends, wider if the route strays further).

Parallel lines: lines between the same two boxes run side by side in lanes; runs of
different lines sharing a channel are spread apart (:func:`routing.nudge`) while the
lines of one bundle (the same box and relation: a DAG's member lines) stay one trunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from designer.ui.canvas import routing
from designer.ui.canvas.routing import End, Point, Rect, Steps

__all__ = ["REACH", "BoxTree", "Router"]

#: How far around its two ends a line looks for boxes in its way (scene units).
REACH = 160.0
#: Lines between the same two boxes run this far apart.
LANE = 10.0
#: How far a line keeps from the boxes it passes, by how deep they sit: wide gaps
#: between sites, narrower inside a site, the plain clearance deeper in.
CLEARANCE_BY_DEPTH = (20.0, 10.0)
#: How close a run must pass a box that moves (to or from there) to be routed afresh:
#: the widest clearance and a few nudged lanes beyond it.
NEAR = CLEARANCE_BY_DEPTH[0] + 4 * routing.SPACING


class BoxTree(Protocol):
    """What the router needs to know about the boxes (the scene is one)."""

    def box_rect(self, box: str) -> Rect | None:
        """Where ``box`` is drawn (None: not drawn)."""
        ...

    def box_container(self, box: str) -> str | None:
        """The box ``box`` is drawn in (None: top level)."""
        ...

    def boxes_in(self, box: str | None) -> Iterable[str]:
        """The boxes drawn directly in ``box`` (None: the top-level boxes)."""
        ...

    def box_end(self, box: str) -> End:
        """``box`` as the end of a line: its sides and title bar."""
        ...

    def box_header(self, box: str) -> float:
        """The height of ``box``'s title bar (0: none)."""
        ...

    def box_is_row(self, box: str) -> bool:
        """Whether ``box`` is a row packed in its container (a VM, a LUN, a database)."""
        ...


#: A holder of at most this many boxes is searched whole by a leg out of it.
WHOLE_HOLDER = 24
#: How many legs are remembered across batches (a few times a big drawing's).
MEMO_LEGS = 8192
#: Lines filed, or spread and checked, per step of :meth:`Router.settle_all_steps`
#: (~35 µs a line checked at 25k: a step of ~1 ms).
SETTLE_STEP_LINES = 32


@dataclass(frozen=True, slots=True)
class _Leg:
    """A leg as routed: from what (its ends, its holder's walls), among which boxes (in
    the region the search last looked at), and its points (None: no way through)."""

    given: tuple[object, ...]
    region: Rect
    blocks: list[Rect]
    rows: list[Rect]
    points: list[Point] | None


def _union(a: Rect, b: Rect) -> Rect:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0)


def _bounds(points: Sequence[Point]) -> Rect:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _grow(r: Rect, d: float) -> Rect:
    return (r[0] - d, r[1] - d, r[2] + 2 * d, r[3] + 2 * d)


def _meets(a: Rect, b: Rect) -> bool:
    return (
        a[0] <= b[0] + b[2] and b[0] <= a[0] + a[2] and a[1] <= b[1] + b[3] and b[1] <= a[1] + a[3]
    )


class Router:
    """Routes for the lines of one drawing (keys are the scene's line keys)."""

    def __init__(self, tree: BoxTree) -> None:
        self.tree = tree
        #: key → (source box, target box, waypoints, bundle)
        self._lines: dict[str, tuple[str, str, tuple[Point, ...], str]] = {}
        #: key → the route before nudging (what the router decided).
        self.raw: dict[str, list[Point]] = {}
        #: key → the bounds of its raw route (asked of every line at each settle).
        self._extent: dict[str, Rect] = {}
        #: key → the route as drawn (nudged).
        self.drawn: dict[str, list[Point]] = {}
        #: The runs of the routes as last spread, by channel; key → its spread route
        #: before the check of :meth:`_checked`; the lines routed (or forgotten) since.
        #: The keys of wide lines (WAN links): the other lines' runs keep a band off theirs.
        self._wide: set[str] = set()
        self._channels: routing.Channels[str] = routing.Channels(wide=self._wide)
        self._nudged: dict[str, list[Point]] = {}
        self._unsettled: set[str] = set()
        #: key → the boxes its last check looked at (its route's avoided boxes then).
        self._checked_among: dict[str, list[Rect]] = {}
        #: key → the boxes its route had to avoid (a nudged route must avoid them too).
        self._avoided: dict[str, list[Rect]] = {}
        self._pairs: dict[frozenset[str], list[str]] = defaultdict(list)
        #: leg key → what it was routed from and its points, kept across batches: a leg
        #: whose ends, walls and boxes around are where they were is not searched again
        #: (a host moved in a cluster: the legs out of the site and between the sites).
        self._memo: dict[tuple[object, ...], _Leg] = {}
        #: key → the legs of its route: (the box they run in, their end boxes, the
        #: region their search looked at; None: forgotten), for :meth:`affected`.
        self._legs: dict[str, list[tuple[object, tuple[object, ...], Rect | None]]] = {}
        self._used: list[tuple[object, ...]] = []
        #: The same the other way round: level → key → the regions of its legs there;
        #: end box → the keys with a leg ending at it.
        self._at_level: dict[object, dict[str, list[Rect | None]]] = defaultdict(dict)
        self._at_end: dict[object, set[str]] = defaultdict(set)
        #: A batch being routed in steps (:meth:`route_many_steps`), or None.
        self._pending: (
            Generator[str | None, None, None]
            | Generator[bool, None, None]
            | Generator[dict[str, list[Point]] | None, None, None]
            | None
        ) = None

    # -- lines --------------------------------------------------------------------------
    def add(
        self,
        key: str,
        source: str,
        target: str,
        waypoints: Sequence[Point] = (),
        bundle: str | None = None,
        wide: bool = False,
    ) -> list[str]:
        """Register a line (not routed yet); the keys whose lanes change with it. The
        other lines' runs keep :data:`routing.BAND` off a ``wide`` line's (a WAN link)."""
        self.remove(key)  # (which ends a batch being routed in steps)
        self._lines[key] = (source, target, tuple(waypoints), key if bundle is None else bundle)
        if wide:
            self._wide.add(key)
        pair = self._pairs[frozenset((source, target))]
        pair.append(key)
        pair.sort(key=str)
        return [k for k in pair if k != key] if len(pair) > 1 else []

    def set_waypoints(self, key: str, waypoints: Sequence[Point]) -> None:
        self.interrupt()
        line = self._lines.get(key)
        if line is not None:
            self._lines[key] = (line[0], line[1], tuple(waypoints), line[3])

    def waypoints(self, key: str) -> tuple[Point, ...]:
        line = self._lines.get(key)
        return line[2] if line is not None else ()

    def remove(self, key: str) -> list[str]:
        """Forget a line; the keys whose lanes change."""
        self.interrupt()
        line = self._lines.pop(key, None)
        self._wide.discard(key)  # (its channels know it was: they file it away so)
        self.raw.pop(key, None)
        self._extent.pop(key, None)
        self.drawn.pop(key, None)
        self._index(key, [])
        self._nudged.pop(key, None)
        self._checked_among.pop(key, None)
        if key in self._channels:
            self._unsettled.add(key)  # its channels are spread again at the next settle
        self._avoided.pop(key, None)
        if line is None:
            return []
        pair_key = frozenset((line[0], line[1]))
        pair = self._pairs.get(pair_key, [])
        if key in pair:
            pair.remove(key)
        if not pair:
            self._pairs.pop(pair_key, None)
        return list(pair)

    def clear(self) -> None:
        self.interrupt()
        self._lines.clear()
        self.raw.clear()
        self._extent.clear()
        self.drawn.clear()
        self._wide.clear()
        self._channels = routing.Channels(wide=self._wide)
        self._nudged.clear()
        self._unsettled.clear()
        self._checked_among.clear()
        self._avoided.clear()
        self._pairs.clear()
        self._memo.clear()
        self._legs.clear()
        self._at_level.clear()
        self._at_end.clear()

    def __contains__(self, key: str) -> bool:
        return key in self._lines

    def keys(self) -> list[str]:
        return list(self._lines)

    def lines_at(self, boxes: Iterable[str]) -> list[str]:
        wanted = set(boxes)
        return [k for k, (a, b, _, _) in self._lines.items() if a in wanted or b in wanted]

    # -- obstacles ------------------------------------------------------------------------
    def _chain(self, box: str) -> list[str]:
        chain = [box]
        parent = self.tree.box_container(box)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.tree.box_container(parent)
        return chain

    def obstacles(
        self, source: str, target: str, region: Rect, rows: list[Rect] | None = None
    ) -> list[Rect]:
        """The boxes near ``region`` that a line from ``source`` to ``target`` must not
        cross (see the module); rows packed in a box go to ``rows`` if given."""
        tree = self.tree
        chain_a, chain_b = self._chain(source), self._chain(target)
        inside = set(chain_a) | set(chain_b)
        levels: list[str | None] = [None, *dict.fromkeys([*chain_a[1:], *chain_b[1:]])]
        out: list[Rect] = []
        for level in levels:
            for box in tree.boxes_in(level):
                if box in inside:
                    continue
                rect = self._rect(box)
                if rect is not None and _meets(rect, region):
                    if rows is not None and tree.box_is_row(box):
                        rows.append(rect)
                    else:
                        out.append(rect)
            if level is not None:
                header = tree.box_header(level)
                rect = self._rect(level)
                if header and rect is not None:
                    bar = (rect[0], rect[1], rect[2], header)
                    if _meets(bar, region):
                        out.append(bar)
        return out

    # -- routing --------------------------------------------------------------------------
    def _lane(self, key: str, source: str, target: str) -> float:
        pair = self._pairs.get(frozenset((source, target)), [])
        if len(pair) < 2 or key not in pair:
            return 0.0
        return (pair.index(key) - (len(pair) - 1) / 2) * LANE

    def route(self, key: str) -> list[Point] | None:
        """Route one line afresh (not nudged: see :meth:`settle`); None if an end is
        not drawn."""
        self.interrupt()
        return routing.run(self._route(key))

    def _route(self, key: str, later: bool = False) -> Steps[list[Point] | None]:
        """Route ``key``; ``later``: for a spreading that takes it by name (see
        :meth:`route_many_steps`)."""
        line = self._lines.get(key)
        if line is None:
            return None
        source, target, waypoints, _ = line
        ra, rb = self._rect(source), self._rect(target)
        if ra is None or rb is None:
            return None
        lane = self._lane(key, source, target)
        avoided: list[Rect] = []
        self._used = []
        points = None if waypoints else (yield from self._layered(source, target, lane, avoided))
        if points is None:
            avoided = []
            self._used = []
            points = yield from self._flat(source, target, waypoints, lane, avoided)
        legs: list[tuple[object, tuple[object, ...], Rect | None]] = []
        for leg in self._used:
            if leg[0] == "flat":
                legs.append((leg[1], (source, target), leg[2]))  # type: ignore[arg-type]
                continue
            known = self._memo.get(leg)
            ends = leg[2:4] if leg[0] == "between" else leg[2:3]
            legs.append((leg[1], ends, known.region if known is not None else None))
        self._index(key, legs)
        self.raw[key] = points
        self._extent[key] = _bounds(points)
        if not later or key in self._channels:
            # Spread by the next settle: an edit's lines, and a line whose earlier route
            # is filed in the channels (its neighbours are spread around that one).
            self._unsettled.add(key)
        # Legs shared within a batch add their boxes again: keep each once.
        self._avoided[key] = list(dict.fromkeys(avoided))
        return points

    def route_many(self, keys: Iterable[str]) -> None:
        """Route these lines; the parts they share (a DAG's trunk to a site) once."""
        self.interrupt()
        steps = self._route_many(list(keys), False)
        self._pending = steps
        for _ in steps:
            pass

    def route_many_steps(self, keys: Iterable[str]) -> Generator[str | None, None, None]:
        """:meth:`route_many` in steps: yields None between steps of a line's routing
        and each key once its line is routed. A search of a big drawing takes up to a
        second: the scene runs these steps in slices of event-loop turns. Any other use
        of the router meanwhile (a line added, moved or removed, a settle, another
        batch) ends the batch first (:meth:`interrupt`): the lines whose keys it has
        not yielded are not routed (their earlier routes, if any, are kept).

        A line routed here for the first time is spread by whatever spreads the batch
        (the scene's :meth:`settle_all_steps` after a load, :meth:`settle_steps` of its
        keys after a big move or a selection), not by the next :meth:`settle` of other
        lines: an edit while a big design's lines are routed in slices spread the
        hundreds routed since the last edit (a host's move at 100k: 10–45 ms of
        channels and checks, wave 24). A line filed in the channels already (routed
        again) is, as its neighbours are spread around its earlier route."""
        self.interrupt()
        steps = self._route_many(list(keys), True)
        self._pending = steps
        return steps

    def _route_many(self, keys: list[str], later: bool) -> Generator[str | None, None, None]:
        self._cache = {}
        self._rects = {}
        self._levels = {}
        try:
            for key in keys:
                yield from self._route(key, later)
                yield key
        finally:
            self._cache = None
            self._rects = None
            self._levels = None
            self._pending = None

    def interrupt(self) -> None:
        """End the batch being routed in steps, if any (see :meth:`route_many_steps`)."""
        pending = self._pending
        if pending is not None:
            self._pending = None
            pending.close()

    _cache: dict[tuple[object, ...], tuple[list[Point], list[Rect]]] | None = None
    _rects: dict[str, Rect | None] | None = None
    _levels: dict[str | None, list[tuple[str, Rect, bool]]] | None = None

    def _rect(self, box: str) -> Rect | None:
        """``tree.box_rect``, asked once per box in a batch."""
        cache = self._rects
        if cache is None:
            return self.tree.box_rect(box)
        if box not in cache:
            cache[box] = self.tree.box_rect(box)
        return cache[box]

    def _flat(
        self,
        source: str,
        target: str,
        waypoints: Sequence[Point],
        lane: float,
        avoided: list[Rect],
    ) -> Steps[list[Point]]:
        """The whole line in one search (a line with waypoints)."""
        tree = self.tree
        ra, rb = self._rect(source), self._rect(target)
        assert ra is not None and rb is not None
        end_a, end_b = tree.box_end(source), tree.box_end(target)
        region = _grow(_union(ra, rb), REACH)
        for point in waypoints:
            region = _union(region, (point[0] - REACH, point[1] - REACH, 2 * REACH, 2 * REACH))
        points: list[Point] = []
        for _ in range(3):
            rows: list[Rect] = []
            blocks = self.obstacles(source, target, region, rows)
            points = yield from routing.route_steps(
                end_a, end_b, blocks, waypoints, lane=lane, tight=rows
            )
            wider = _grow(_bounds(points), routing.CLEARANCE + 1)
            if _contains(region, wider):
                break
            region = _union(region, _grow(wider, REACH / 2))
        avoided.extend(blocks + rows)
        levels = tuple(dict.fromkeys([None, *self._chain(source)[1:], *self._chain(target)[1:]]))
        self._used.append(("flat", levels, region))
        return points

    # -- level by level -------------------------------------------------------------------
    def _layered(
        self, source: str, target: str, lane: float, avoided: list[Rect]
    ) -> Steps[list[Point] | None]:
        """The line as legs, one level at a time: between the two boxes that hold its
        ends in the box they share (or at the top level), then inside each holder from
        the box it holds out to where the line leaves it. Each search sees only the
        boxes of its level; legs shared by lines are routed once (a bundle's trunk)."""
        chain_a, chain_b = self._chain(source), self._chain(target)
        if source in chain_b or target in chain_a:
            return None  # one holds the other
        in_b = set(chain_b)
        shared = next((c for c in chain_a if c in in_b), None)
        ia = chain_a.index(shared) if shared is not None else len(chain_a)
        ib = chain_b.index(shared) if shared is not None else len(chain_b)
        middle = yield from self._between(shared, chain_a[ia - 1], chain_b[ib - 1], lane, avoided)
        if middle is None or len(middle) < 2:
            return None
        head = yield from self._descend(
            chain_a[:ia], middle[0], routing.direction(middle[0], middle[1]), avoided
        )
        tail = yield from self._descend(
            chain_b[:ib], middle[-1], routing.direction(middle[-1], middle[-2]), avoided
        )
        return routing.tidy([*head[:-1], *middle, *reversed(tail[:-1])])

    def _between(
        self, level: str | None, a: str, b: str, lane: float, avoided: list[Rect]
    ) -> Steps[list[Point] | None]:
        key = ("between", level, a, b, lane)
        self._used.append(key)
        cached = self._cache.get(key) if self._cache is not None else None
        if cached is not None:
            avoided.extend(cached[1])
            return list(cached[0])
        tree = self.tree
        ra, rb = self._rect(a), self._rect(b)
        assert ra is not None and rb is not None
        region = _grow(_union(ra, rb), REACH)
        walls = self._walls(level)
        given = (tree.box_end(a), tree.box_end(b), tuple(walls), self._clearance(level))
        yield
        known = self._recall(key, given, level, (a, b))
        if known is not None:
            points, blocks, rows = known
        else:
            points = None
            seen: tuple[list[Rect], list[Rect]] | None = None
            for _ in range(3):
                used = region
                yield  # (a level of thousands of boxes: milliseconds each)
                blocks, rows = self._level(level, (a, b), region)
                # A wider region with no other box in it: the search would go the same way.
                if seen != (blocks, rows):
                    seen = (blocks, rows)
                    points = yield from routing.route_between_steps(
                        given[0],
                        given[1],
                        blocks,
                        lane=lane,
                        tight=rows,
                        walls=walls,
                        clearance=self._clearance(level),
                    )
                if points is None:
                    break
                wider = _grow(_bounds(points), routing.CLEARANCE + 1)
                if _contains(region, wider):
                    break
                region = _union(region, _grow(wider, REACH / 2))
            self._remember(key, _Leg(given, used, blocks, rows, points))
        if points is None:
            return None
        if self._cache is not None:
            self._cache[key] = (points, blocks + rows)
        avoided.extend(blocks + rows)
        return list(points)

    def _descend(
        self, chain: list[str], point: Point, leaving: int, avoided: list[Rect]
    ) -> Steps[list[Point]]:
        """The route from ``chain[0]`` out to ``point`` on the border of ``chain[-1]``
        (which holds it), leaving in direction ``leaving``."""
        if len(chain) == 1:
            return [point]
        holder, inner = chain[-1], chain[-2]
        leg = yield from self._out_of(holder, inner, point, leaving, avoided)
        first = routing.direction(leg[0], leg[1]) if len(leg) > 1 else leaving
        inner_part = yield from self._descend(chain[:-1], leg[0], first, avoided)
        return [*inner_part[:-1], *leg]

    def _out_of(
        self, holder: str, inner: str, point: Point, leaving: int, avoided: list[Rect]
    ) -> Steps[list[Point]]:
        key = ("out", holder, inner, point, leaving)
        self._used.append(key)
        cached = self._cache.get(key) if self._cache is not None else None
        if cached is not None:
            avoided.extend(cached[1])
            return list(cached[0])
        tree = self.tree
        rect = self._rect(inner)
        assert rect is not None
        region = self._at_least_holder(
            holder, _grow(_union(rect, (point[0], point[1], 0.0, 0.0)), REACH)
        )
        walls = self._walls(holder)
        given = (tree.box_end(inner), tuple(walls), self._clearance(holder))
        yield
        known = self._recall(key, given, holder, (inner,))
        if known is not None and known[0] is not None:
            points, blocks, rows = known[0], known[1], known[2]
        else:
            points = []
            seen: tuple[list[Rect], list[Rect]] | None = None
            for _ in range(3):
                used = region
                yield
                blocks, rows = self._level(holder, (inner,), region)
                if seen != (blocks, rows):  # else the same boxes: the same route
                    seen = (blocks, rows)
                    points = yield from routing.route_out_steps(
                        given[0],
                        point,
                        leaving,
                        blocks,
                        tight=rows,
                        walls=walls,
                        clearance=self._clearance(holder),
                    )
                wider = _grow(_bounds(points), routing.CLEARANCE + 1)
                if _contains(region, wider):
                    break
                region = _union(region, _grow(wider, REACH / 2))
            self._remember(key, _Leg(given, used, blocks, rows, points))
        if self._cache is not None:
            self._cache[key] = (points, blocks + rows)
        avoided.extend(blocks + rows)
        return list(points)

    def _recall(
        self,
        key: tuple[object, ...],
        given: tuple[object, ...],
        level: str | None,
        skip: tuple[str, ...],
    ) -> tuple[list[Point] | None, list[Rect], list[Rect]] | None:
        """A leg routed before from the same ends and walls among the same boxes (those
        in the region its search last looked at: the earlier, smaller regions are part
        of it, so the search would go the same way)."""
        leg = self._memo.get(key)
        if leg is None or leg.given != given:
            return None
        if self._level(level, skip, leg.region) != (leg.blocks, leg.rows):
            return None
        return (list(leg.points) if leg.points is not None else None), leg.blocks, leg.rows

    def _remember(self, key: tuple[object, ...], leg: _Leg) -> None:
        if len(self._memo) >= MEMO_LEGS:
            self._memo.clear()  # the keys hold points: a long session makes new ones
        self._memo[key] = leg

    def _level(
        self, level: str | None, skip: tuple[str, ...], region: Rect
    ) -> tuple[list[Rect], list[Rect]]:
        """(boxes, rows) in ``level`` near ``region`` but ``skip``, and its title bar."""
        tree = self.tree
        blocks: list[Rect] = []
        rows: list[Rect] = []
        for box, rect, is_row in self._boxes_of(level):
            if box not in skip and _meets(rect, region):
                (rows if is_row else blocks).append(rect)
        if level is not None:
            header = tree.box_header(level)
            holder = self._rect(level)
            if header and holder is not None:
                blocks.append((holder[0], holder[1], holder[2], header))
        return blocks, rows

    def _boxes_of(self, level: str | None) -> list[tuple[str, Rect, bool]]:
        """(box, rect, is a row) of the boxes drawn in ``level``; asked once a batch."""
        cache = self._levels
        found = cache.get(level) if cache is not None else None
        if found is None:
            tree = self.tree
            found = []
            for box in tree.boxes_in(level):
                rect = self._rect(box)
                if rect is not None:
                    found.append((box, rect, tree.box_is_row(box)))
            if cache is not None:
                cache[level] = found
        return found

    def _at_least_holder(self, holder: str, region: Rect) -> Rect:
        """``region`` and, for a holder of few boxes, all of it: a leg out of it stays
        inside (its walls), and a search among all its boxes at once beats one that
        strays out of a narrower region and starts again (a host in a column of hosts
        leaving the cluster over their top)."""
        boxes = self._boxes_of(holder)
        rect = self._rect(holder)
        if rect is None or len(boxes) > WHOLE_HOLDER:
            return region
        return _union(region, _grow(rect, routing.CLEARANCE + 1))

    def _clearance(self, level: str | None) -> float:
        """The clearance of lines running among the boxes drawn in ``level``."""
        depth = 0
        while level is not None and depth < len(CLEARANCE_BY_DEPTH):
            depth += 1
            level = self.tree.box_container(level)
        return CLEARANCE_BY_DEPTH[depth] if depth < len(CLEARANCE_BY_DEPTH) else routing.CLEARANCE

    def _walls(self, level: str | None) -> list[Rect]:
        """Four rectangles just outside ``level``: a leg inside it stays inside."""
        rect = self._rect(level) if level is not None else None
        if rect is None:
            return []
        x, y, w, h = rect
        t = 40.0
        return [
            (x - t, y - t, t, h + 2 * t),
            (x + w, y - t, t, h + 2 * t),
            (x - t, y - t, w + 2 * t, t),
            (x - t, y + h, w + 2 * t, t),
        ]

    def _checked(self, key: str, points: list[Point]) -> list[Point]:
        """The nudged route ``points`` of ``key``, or its route as routed where nudging
        pushed a run into a box it had avoided (a narrow channel)."""
        self._checked_among[key] = self._avoided.get(key, [])
        return self._check(key, points)

    def _check(self, key: str, points: list[Point]) -> list[Point]:
        """:meth:`_checked` without noting the boxes it was checked among."""
        raw = self.raw[key]
        if points == raw:
            return points
        moved = [
            (points[i], points[i + 1])
            for i in range(len(points) - 1)
            if points[i] != raw[i] or points[i + 1] != raw[i + 1]
        ]
        # The boxes near the moved runs only (a line may have avoided hundreds).
        bx0, by0, bw0, bh0 = _grow(_bounds([p for run in moved for p in run]), 1.0)
        avoided = [
            box
            for box in self._avoided.get(key, ())
            if box[0] <= bx0 + bw0
            and bx0 <= box[0] + box[2]
            and box[1] <= by0 + bh0
            and by0 <= box[1] + box[3]
        ]
        for p, q in moved:
            x0, x1 = min(p[0], q[0]) - 1, max(p[0], q[0]) + 1
            y0, y1 = min(p[1], q[1]) - 1, max(p[1], q[1]) + 1
            if any(
                bx <= x1
                and x0 <= bx + bw
                and by <= y1
                and y0 <= by + bh
                and routing.route_crosses((p, q), (bx, by, bw, bh))
                for bx, by, bw, bh in avoided
            ):
                return list(raw)
        return points

    def settle(self, keys: Iterable[str]) -> dict[str, list[Point]]:
        """Spread the lines ``keys`` (freshly routed), every line routed or forgotten
        since the last spreading, and the lines sharing a channel with them; returns
        every line whose drawn points changed (and ``keys``), in the order of their
        keys (then ``keys`` not among them). Only the channels those lines left or
        entered are spread again: the same as :meth:`settle_all`."""
        self.interrupt()
        return routing.run(self._settle([k for k in keys if k in self.raw], 0))

    def settle_steps(
        self, keys: Iterable[str]
    ) -> Generator[dict[str, list[Point]] | None, None, None]:
        """:meth:`settle` in steps (Select All's thousands of lines spread in one turn
        took seconds at 10,000 elements): yields None after every
        :data:`SETTLE_STEP_LINES` lines filed or checked (or channels spread), and
        :meth:`settle`'s result once done; the lines' drawn points (:attr:`drawn`)
        change only then, all at once. Any other use of the router meanwhile ends it
        first (:meth:`interrupt`): it ends without its result, and the next settle
        spreads and returns what it had not (its lines are left unsettled)."""
        self.interrupt()
        steps = self._settle_steps([k for k in keys if k in self.raw])
        self._pending = steps
        return steps

    def _settle_steps(
        self, keys: list[str]
    ) -> Generator[dict[str, list[Point]] | None, None, None]:
        changed = yield from self._settle(keys, SETTLE_STEP_LINES)
        self._pending = None
        yield changed

    def _settle(self, keys: list[str], part: int) -> Steps[dict[str, list[Point]]]:
        fresh = self._unsettled | set(keys)
        self._unsettled = set()
        order: list[str] = []
        done = False
        try:
            channels = self._channels
            routes: dict[str, list[Point] | None] = {}
            bundles: dict[str, str] = {}
            for count, key in enumerate(fresh, 1):
                if part and not count % part:
                    yield
                points = self.raw.get(key) if key in self._lines else None
                if points is None:
                    if key in channels:
                        routes[key] = None
                    continue
                bundle = self._lines[key][3]
                if channels.filed(key) != (points, bundle):  # else routed again the same way
                    routes[key] = points
                    bundles[key] = bundle
            moved = yield from channels.update_steps(routes, bundles, part)
            # In the keys' order: the labels are placed in this order (a set's order
            # changed with the interpreter's string hashes).
            order = sorted(moved | {k for k in fresh if k in self.raw})
            # Noted apart and kept only at the end: ended before it, nothing changed.
            nudged: dict[str, list[Point]] = {}
            drawn: dict[str, list[Point]] = {}
            changed: dict[str, list[Point]] = {}
            for count, key in enumerate(order, 1):
                if part and not count % part:
                    yield
                spread = channels.spread(key)
                if self._nudged.get(key) == spread and (
                    key not in fresh
                    or (
                        key not in routes and self._checked_among.get(key) == self._avoided.get(key)
                    )
                ):
                    continue  # neither its route, its spreading nor its boxes changed
                nudged[key] = spread
                points = drawn[key] = self._check(key, spread)
                if self.drawn.get(key) != points:
                    changed[key] = points
            self._nudged.update(nudged)
            self.drawn.update(drawn)
            avoided = self._avoided
            for key in drawn:
                self._checked_among[key] = avoided.get(key, [])
            for key in keys:
                changed[key] = self.drawn[key]
            done = True
            return changed
        finally:
            if not done:  # ended by another use of the router: settled by the next settle
                self._unsettled |= fresh
                self._unsettled.update(order)

    def settle_all(self) -> dict[str, list[Point]]:
        """Spread every line afresh (after a whole drawing was routed)."""
        self.interrupt()
        self._unsettled = set()
        self._channels = routing.Channels(wide=self._wide)
        self._channels.update(self.raw, {k: self._lines[k][3] for k in self.raw})
        self._nudged = {k: self._channels.spread(k) for k in self.raw}
        self.drawn = {k: self._checked(k, points) for k, points in self._nudged.items()}
        return dict(self.drawn)

    def settle_all_steps(self) -> Generator[bool, None, None]:
        """:meth:`settle_all` in steps (the last step of a 25k design's routing spread
        every line in one turn, ~20 ms, and drew them, ~14 ms): yields False after every
        :data:`SETTLE_STEP_LINES` lines filed in their channels, then spread and
        checked, and True once it is done: the spreading (:attr:`drawn`, the channels)
        changes only then, all at once, to what :meth:`settle_all` makes of the routes.
        Any other use of the router meanwhile ends it first (:meth:`interrupt`): it
        ends without yielding True and the spreading is left as it was."""
        self.interrupt()
        steps = self._settle_all_steps()
        self._pending = steps
        return steps

    def _settle_all_steps(self) -> Generator[bool, None, None]:
        raw, lines, avoided = self.raw, self._lines, self._avoided
        keys = list(raw)  # (nothing else changes them meanwhile: it would interrupt)
        channels: routing.Channels[str] = routing.Channels(wide=self._wide)
        for start in range(0, len(keys), SETTLE_STEP_LINES):
            part = keys[start : start + SETTLE_STEP_LINES]
            # Filed a part at a time: the same spreading as all at once (Channels).
            channels.update({k: raw[k] for k in part}, {k: lines[k][3] for k in part})
            yield False
        nudged: dict[str, list[Point]] = {}
        drawn: dict[str, list[Point]] = {}
        for start in range(0, len(keys), SETTLE_STEP_LINES):
            for key in keys[start : start + SETTLE_STEP_LINES]:
                spread = nudged[key] = channels.spread(key)
                drawn[key] = self._check(key, spread)
            yield False
        self._pending = None
        self._unsettled = set()
        self._channels = channels
        self._nudged = nudged
        self.drawn = drawn
        for key in keys:
            self._checked_among[key] = avoided.get(key, [])
        yield True

    def _index(self, key: str, legs: list[tuple[object, tuple[object, ...], Rect | None]]) -> None:
        """File the legs of ``key``'s route (none: forget them) for :meth:`affected`."""
        for level, ends, _ in self._legs.pop(key, ()):
            for lv in level if isinstance(level, tuple) else (level,):
                filed = self._at_level.get(lv)
                if filed is not None:
                    filed.pop(key, None)
            for end in ends:
                self._at_end[end].discard(key)
        if not legs:
            return
        self._legs[key] = legs
        for level, ends, region in legs:
            # A line routed in one search (waypoints) looked at every level it is in.
            for lv in level if isinstance(level, tuple) else (level,):
                self._at_level[lv].setdefault(key, []).append(region)
            for end in ends:
                self._at_end[end].add(key)

    def affected(self, moves: dict[str, tuple[Rect | None, Rect | None]]) -> list[str]:
        """The lines whose route may change when the boxes ``moves`` (box → (where it
        was, where it is)) moved or were resized: those with a leg that ends at one of
        them, runs inside one of them (its walls and title bar), or whose search looked
        at a region one of them was or now is in, among the boxes of the leg's level.
        Every other line's legs would be remembered as they are (:meth:`_recall`): the
        same route a full routing of the moved drawing gives."""
        self.interrupt()
        out: dict[str, None] = {}
        for box, (old, new) in moves.items():
            out.update(dict.fromkeys(self._at_end.get(box, ())))
            out.update(dict.fromkeys(self._at_level.get(box, ())))
            places = [r for r in (old, new) if r is not None]
            for key, regions in self._at_level.get(self.tree.box_container(box), {}).items():
                if key not in out and any(
                    region is None or _meets(r, region) for region in regions for r in places
                ):
                    out[key] = None
        return list(out)

    def crossing(self, rects: Sequence[Rect]) -> list[str]:
        """Lines whose route runs through or near one of ``rects`` (a box that moved
        there, or left): they may need another way round. Near is a run within
        :data:`NEAR` of it, not a route whose bounds meet it (a line across the whole
        drawing would be routed afresh at every move)."""
        self.interrupt()
        out = []
        grown = _outermost([_grow(r, NEAR) for r in rects])
        for key, points in self.raw.items():
            box = self._extent[key]
            hit = [r for r in grown if _meets(box, r)]
            if hit and _runs_into(points, hit):
                out.append(key)
        return out


#: How many of the largest rectangles kept so far :func:`_outermost` looks in for one
#: that holds the next (a bound on its work when many rectangles lie apart).
OUTERMOST_LOOKS = 32


def _outermost(rects: list[Rect]) -> list[Rect]:
    """``rects`` without those inside another of them (the largest first): a line that
    meets a box inside a removed site meets the site's box too, so the site's 12,000
    boxes at 100k ask as much as the site's one (:meth:`Router.crossing` asked each line
    against each box: 1.2 s of a site's deletion, 2.6 s of its undo, under cProfile).
    Only a rectangle found inside one of the :data:`OUTERMOST_LOOKS` largest kept is
    dropped: the answer is exactly the one every rectangle gives.

    >>> _outermost([(1, 1, 2, 2), (0, 0, 10, 10), (20, 0, 5, 5), (0, 0, 10, 10)])
    [(0, 0, 10, 10), (20, 0, 5, 5)]
    """
    if len(rects) < 2:
        return rects
    kept: list[Rect] = []
    for rect in sorted(rects, key=lambda r: -r[2] * r[3]):
        x0, y0, x1, y1 = rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]
        for outer in kept[:OUTERMOST_LOOKS]:
            if (
                outer[0] <= x0
                and outer[1] <= y0
                and x1 <= outer[0] + outer[2]
                and y1 <= outer[1] + outer[3]
            ):
                break
        else:
            kept.append(rect)
    return kept


def _runs_into(points: Sequence[Point], rects: list[Rect]) -> bool:
    """Whether a run of the route ``points`` meets one of ``rects``: :func:`_meets` of
    each run's :func:`_bounds` with each rectangle, the same arithmetic written out (a
    site's deletion at 100k asks ~200,000 runs)."""
    for r in rects:
        r0, r1 = r[0], r[1]
        r_right, r_bottom = r[0] + r[2], r[1] + r[3]
        ax, ay = points[0]
        for bx, by in points[1:]:
            if ax < bx:
                left, width = ax, bx - ax
            else:
                left, width = bx, ax - bx
            if ay < by:
                top, height = ay, by - ay
            else:
                top, height = by, ay - by
            if left <= r_right and r0 <= left + width and top <= r_bottom and r1 <= top + height:
                return True
            ax, ay = bx, by
    return False


def _contains(outer: Rect, inner: Rect) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )
