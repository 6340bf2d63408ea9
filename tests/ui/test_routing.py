"""Line routing is pure geometry (no QApplication, no scene): orthogonal routes around
the boxes in the way, through waypoints, parallel lines in lanes and channels."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from designer.ui.canvas.router import Router
from designer.ui.canvas.routing import (
    CLEARANCE,
    Channels,
    End,
    Rect,
    _meeting,
    clip_to_rect,
    nudge,
    overlaps,
    route,
    route_crosses,
    straight,
    tidy,
)


def _orthogonal(points) -> bool:
    return all(abs(p[0] - q[0]) < 1e-6 or abs(p[1] - q[1]) < 1e-6 for p, q in pairwise(points))


def _on_border(p, r: Rect) -> bool:
    x, y, w, h = r
    inside = x - 1e-6 <= p[0] <= x + w + 1e-6 and y - 1e-6 <= p[1] <= y + h + 1e-6
    edge = min(abs(p[0] - x), abs(p[0] - x - w), abs(p[1] - y), abs(p[1] - y - h)) < 1e-6
    return inside and edge


def test_straight_lines_run_border_to_border_and_nested_boxes_drop_down() -> None:
    assert straight((0, 0, 100, 100), (300, 0, 100, 100)) == [(100.0, 50.0), (300.0, 50.0)]
    assert straight((40, 40, 10, 10), (0, 0, 200, 200)) == [(45.0, 45.0), (100.0, 0)]
    assert clip_to_rect((50, 50), (50, 500), (0, 0, 100, 100)) == (50.0, 100.0)


def test_aligned_boxes_get_a_straight_line_and_others_one_bend() -> None:
    assert route((0, 0, 100, 100), (300, 20, 100, 200)) == [(100.0, 60.0), (300.0, 60.0)]
    bent = route((0, 0, 100, 100), (400, 300, 100, 100))
    assert len(bent) == 3 and _orthogonal(bent)


def test_a_line_goes_around_a_box_in_its_way_keeping_clear_of_it() -> None:
    wall = (180, -50, 100, 200)
    path = route((0, 0, 100, 100), (400, 0, 100, 100), [wall])
    assert _orthogonal(path) and not route_crosses(path, wall)
    grown = (wall[0] - CLEARANCE + 1, wall[1] - CLEARANCE + 1, 100 + 2 * CLEARANCE - 2, 200)
    assert not route_crosses(path, grown)  # keeps its distance, not just off the box


def test_a_row_is_left_by_its_sides_and_a_container_not_through_its_title_bar() -> None:
    row = End((0, 0, 160, 24), sides="lr")
    below = (0, 200, 160, 24)
    path = route(row, below)
    assert path[0][1] == 12.0 and path[0][0] in (0.0, 160.0)
    site = End((0, 0, 400, 300), header=26)
    up = route(site, (500, -200, 100, 20))
    assert not route_crosses(up, (0, 0, 400, 26))
    assert up[0][1] >= 26 or up[0][0] not in (0.0, 400.0)


def test_a_route_passes_through_its_waypoints_in_order() -> None:
    path = route((0, 0, 100, 100), (400, 0, 100, 100), waypoints=[(250, -100)])
    assert (250.0, -100.0) in path and _orthogonal(path)


def test_lines_between_the_same_boxes_run_in_lanes() -> None:
    a, b = (0, 0, 100, 100), (300, 0, 100, 100)
    one, two = route(a, b, lane=-5), route(a, b, lane=5)
    assert one[0][1] == one[-1][1] == 45.0 and two[0][1] == two[-1][1] == 55.0


def test_runs_sharing_a_channel_spread_apart_and_a_bundle_stays_one_trunk() -> None:
    routes = {
        "dag|members|a": [(0, 0), (50, 0), (50, 100), (100, 100)],
        "dag|members|b": [(0, 0), (50, 0), (50, 80), (100, 80)],
        "mirror": [(0, 10), (50, 10), (50, 90), (120, 90)],
    }
    bundles = {k: "dag|members" if k.startswith("dag") else k for k in routes}
    out = nudge(routes, bundles)
    assert out["dag|members|a"][1][0] == out["dag|members|b"][1][0]  # one trunk
    assert out["mirror"][1][0] != out["dag|members|a"][1][0]  # apart from it
    assert all(_orthogonal(p) for p in out.values())


_box = st.tuples(
    st.integers(-400, 400), st.integers(-400, 400), st.integers(20, 160), st.integers(20, 160)
)


@given(st.lists(_box, min_size=2, max_size=9))
def test_a_route_never_crosses_a_box_it_can_go_round(boxes: list[Rect]) -> None:
    """Random boxes, none overlapping (grown by the clearance): the line from the first
    to the second is orthogonal, starts and ends on their borders and crosses none of
    the others."""
    placed: list[Rect] = []
    for box in boxes:
        grown = (box[0] - 20, box[1] - 20, box[2] + 40, box[3] + 40)
        if not any(overlaps(grown, other) for other in placed):
            placed.append(box)
    if len(placed) < 2:
        return
    a, b, *others = placed
    path = route(a, b, others)
    assert _orthogonal(path)
    assert _on_border(path[0], a) and _on_border(path[-1], b)
    assert [o for o in others if route_crosses(path, o)] == []


class _Tree:
    """Site S holding host H (VMs v1, v2, v3) and host H2; a DAG box outside."""

    def __init__(self) -> None:
        self.rects: dict[str, Rect] = {
            "S": (0, 0, 600, 400),
            "H": (20, 40, 200, 120),
            "v1": (30, 70, 170, 24),
            "v2": (30, 98, 170, 24),
            "v3": (30, 126, 170, 24),
            "H2": (260, 40, 200, 120),
            "dag": (800, 100, 200, 80),
        }
        self.parent = {"H": "S", "H2": "S", "v1": "H", "v2": "H", "v3": "H"}

    def box_rect(self, box: str) -> Rect | None:
        return self.rects.get(box)

    def box_container(self, box: str) -> str | None:
        return self.parent.get(box)

    def boxes_in(self, box: str | None) -> Iterable[str]:
        return [b for b in self.rects if self.parent.get(b) == box]

    def box_end(self, box: str) -> End:
        return End(self.rects[box], "lr" if box.startswith("v") else "lrtb", self.box_header(box))

    def box_header(self, box: str) -> float:
        return 26.0 if box in ("S", "H", "H2", "dag") else 0.0

    def box_is_row(self, box: str) -> bool:
        return box.startswith("v")


def test_the_router_avoids_everything_but_the_ends_and_what_holds_them() -> None:
    tree = _Tree()
    router = Router(tree)
    router.add("dag|members|v2", "dag", "v2", bundle="dag|members")
    path = router.route("dag|members|v2")
    assert path is not None
    rows: list[Rect] = []
    obstacles = router.obstacles("dag", "v2", (-1000, -1000, 3000, 3000), rows)
    assert tree.rects["H2"] in obstacles and tree.rects["v1"] in rows
    assert tree.rects["S"] not in obstacles and tree.rects["H"] not in obstacles
    for box in ("H2", "v1", "v3"):
        assert not route_crosses(path, tree.rects[box]), box
    for holder in ("S", "H"):  # enters them, but not through their title bars
        x, y, w, _ = tree.rects[holder]
        assert not route_crosses(path, (x, y, w, 26.0)), holder


def test_a_moved_box_reroutes_only_the_lines_that_run_near_it() -> None:
    """Not every line whose route's bounds meet it: a line across the drawing would be
    routed afresh at every move (issue 13: a move with routing within a frame)."""
    tree = _Tree()
    tree.rects["far"] = (1200, 700, 100, 60)
    router = Router(tree)
    router.add("long", "v1", "far")
    router.add("dag|members|v2", "dag", "v2", bundle="dag|members")
    router.route_many(["long", "dag|members|v2"])
    path = router.raw["long"]
    # A box in the middle of the long line's bounds, far from its runs.
    xs = sorted(p[0] for p in path)
    ys = sorted(p[1] for p in path)
    inside = [
        (x, y, 10.0, 10.0)
        for x in range(int(xs[0]) + 5, int(xs[-1]) - 15, 10)
        for y in range(int(ys[0]) + 5, int(ys[-1]) - 15, 10)
        if not route_crosses(path, (x - 60, y - 60, 130, 130))
    ]
    assert inside, path
    assert "long" not in router.crossing(inside[:1])
    # A box put on one of its runs, or just beside it, does reroute it.
    (x0, y0), (x1, y1) = path[1], path[2]
    on_run = ((x0 + x1) / 2 - 5, (y0 + y1) / 2 - 5, 10.0, 10.0)
    beside = (on_run[0] + 25, on_run[1] + 25, 10.0, 10.0)
    assert "long" in router.crossing([on_run])
    assert "long" in router.crossing([beside])


def test_a_leg_is_searched_again_only_when_what_it_ran_among_changed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from designer.ui.canvas import routing

    tree = _Tree()
    router = Router(tree)
    router.add("dag|members|v2", "dag", "v2", bundle="dag|members")
    router.route_many(["dag|members|v2"])
    first = list(router.raw["dag|members|v2"])
    searched: list[str] = []
    for name in ("route_between_steps", "route_out_steps"):  # what the router searches by
        real = getattr(routing, name)

        def counted(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            searched.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(routing, name, counted)
    router.route_many(["dag|members|v2"])  # nothing moved: every leg remembered
    assert searched == [] and router.raw["dag|members|v2"] == first
    tree.rects["H2"] = (260, 200, 200, 120)  # a box in the site moves into the way
    router.route_many(["dag|members|v2"])
    assert searched
    assert not route_crosses(router.raw["dag|members|v2"], tree.rects["H2"])


#: A wide line among the keys (a WAN link: the others' runs keep a band off its runs).
WIDE = frozenset("e")
_run_route = st.lists(
    st.tuples(st.sampled_from([0, 10, 20, 30, 40]), st.sampled_from([0, 10, 20, 30, 40])),
    min_size=2,
    max_size=6,
)


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.one_of(st.none(), _run_route)),
        min_size=1,
        max_size=12,
    )
)
def test_channels_kept_in_step_spread_as_nudging_every_route_afresh(changes) -> None:  # type: ignore[no-untyped-def]
    """Routes replaced and forgotten one change at a time: the channels spread again
    only where routes came or went, and every route ends up spread exactly as nudging
    all of them afresh spreads it; the keys said to move are the ones that did."""
    channels: Channels[str] = Channels(wide=WIDE)
    current: dict[str, list[tuple[float, float]]] = {}
    bundles = {k: "dag" if k in "ab" else k for k in "abcdef"}
    for key, corners in changes:
        before = {k: channels.spread(k) for k in current}
        # A staircase through the corners: orthogonal, with shared channels.
        points = None
        if corners is not None:
            points = [(float(corners[0][0]), float(corners[0][1]))]
            for x, y in corners[1:]:
                points += [(float(x), points[-1][1]), (float(x), float(y))]
            points = tidy(points)
            if len(points) < 2:
                points = None
        if points is None and key not in current:
            continue
        moved = channels.update({key: points}, bundles)
        if points is None:
            current.pop(key)
        else:
            current[key] = points
        fresh = nudge(current, {k: bundles[k] for k in current}, wide=WIDE)
        assert {k: channels.spread(k) for k in current} == fresh
        assert {k for k in current if before.get(k) != fresh[k]} <= moved | {key}


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 10.0, 20.0]), st.sampled_from([0.0, 10.0])),
        min_size=2,
        max_size=6,
    )
)
def test_a_tidied_route_keeps_both_ends_even_where_they_coincide(points) -> None:  # type: ignore[no-untyped-def]
    """A line whose legs met at one point was tidied to a single point, and drawing it
    raised IndexError in a routing slice of a 100k design (EdgeItem.set_route)."""
    tidied = tidy(points)
    assert len(tidied) >= 2
    assert tidied[0] == points[0] and tidied[-1] == points[-1]


def test_a_line_through_one_point_is_drawn_without_an_error(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The canvas item, given a degenerate route, draws a dot-long line."""
    from PySide6.QtCore import QPointF

    from designer.ui.canvas.items.edge import EdgeItem
    from designer.ui.canvas.theme import Theme

    edge = EdgeItem(Theme(), "l1", "lun", "a", "b")
    edge.set_route([QPointF(40, 40)])
    assert edge.path().currentPosition() == QPointF(40, 40)


def _channel_batch(corners_by_key):  # type: ignore[no-untyped-def]
    """A staircase route through each key's corners (None: forget the key)."""
    out = {}
    for key, corners in corners_by_key.items():
        points = None
        if corners is not None:
            points = [(float(corners[0][0]), float(corners[0][1]))]
            for x, y in corners[1:]:
                points += [(float(x), points[-1][1]), (float(x), float(y))]
            points = tidy(points)
            if len(points) < 2:
                points = None
        out[key] = points
    return out


@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from("abcdef"), st.one_of(st.none(), _run_route)),
            st.integers(min_value=0, max_value=12),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_channels_updated_in_steps_and_ended_early_catch_up_at_the_next_update(batches) -> None:  # type: ignore[no-untyped-def]
    """An update in steps ended after a few of them (Select All's spreading, ended by
    an edit's): the next update finishes its work; every route is then spread as
    nudging all of them afresh spreads it, and the keys that update says moved cover
    every route that moved since the last update that ran to its end."""
    channels: Channels[str] = Channels(wide=WIDE)
    current: dict[str, list[tuple[float, float]]] = {}
    bundles = {k: "dag" if k in "ab" else k for k in "abcdef"}
    before: dict[str, list[tuple[float, float]]] = {}
    said: set[str] = set()
    ended: set[str] = set()

    def unfiled() -> dict[str, list[tuple[float, float]] | None]:
        # What an update ended early had not filed yet is given again (as the router
        # does: its lines stay unsettled, and it files those not filed as routed).
        out = {}
        for k in ended:
            filed = channels.filed(k)
            if (filed[0] if filed is not None else None) != current.get(k):
                out[k] = current.get(k)
        return out

    for corners, stop in batches:
        routes = {k: p for k, p in _channel_batch(corners).items() if p is not None or k in current}
        routes = {**unfiled(), **routes}
        for key, points in routes.items():
            if points is None:
                current.pop(key, None)
            else:
                current[key] = points
        steps = channels.update_steps(routes, bundles, part=1)
        moved = None
        for _ in range(stop + 1):
            try:
                next(steps)
            except StopIteration as end:
                moved = end.value
                break
        else:
            steps.close()  # ended early: its work waits for the next update
            said.update(routes)
            ended.update(routes)
            continue
        ended = set()
        said.update(moved | set(routes))
        fresh = nudge(current, {k: bundles[k] for k in current}, wide=WIDE)
        assert {k: channels.spread(k) for k in current} == fresh
        assert {k for k in current if before.get(k) != fresh[k]} <= said
        before, said = fresh, set()
    channels.update(unfiled(), bundles)
    assert {k: channels.spread(k) for k in current} == nudge(
        current, {k: bundles[k] for k in current}, wide=WIDE
    )


def _busy_tree() -> _Tree:
    """_Tree with more VMs, so that many lines share channels."""
    tree = _Tree()
    for n in range(4, 8):
        tree.rects[f"v{n}"] = (290, 70 + 28 * (n - 4), 150, 24)
        tree.parent[f"v{n}"] = "H2"
    tree.rects["H2"] = (260, 40, 200, 200)
    tree.rects["S"] = (0, 0, 600, 400)
    return tree


def _busy_router(tree: _Tree) -> tuple[Router, list[str]]:
    router = Router(tree)
    keys = []
    for n in range(1, 8):
        key = f"dag|members|v{n}"
        router.add(key, "dag", f"v{n}", bundle="dag|members")
        keys.append(key)
    for a, b in (("v1", "v5"), ("v2", "v6"), ("v3", "v7"), ("v1", "v4"), ("H", "dag")):
        router.add(f"{a}|{b}", a, b)
        keys.append(f"{a}|{b}")
    return router, keys


def test_a_settle_in_steps_gives_the_settle_and_one_ended_early_is_caught_up(  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    """:meth:`Router.settle_steps` run to its end returns what :meth:`Router.settle`
    returns (the same lines in the same order: their labels are placed in it); ended
    after any of its steps by another use of the router, the next settle draws every
    line as one settle would have, and returns every line it moved."""
    from designer.ui.canvas import router as router_module

    monkeypatch.setattr(router_module, "SETTLE_STEP_LINES", 1)
    tree = _busy_tree()
    whole, keys = _busy_router(tree)
    whole.route_many(keys)
    expected = whole.settle(keys[:3])
    assert list(expected) == sorted(keys)  # every line, freshly routed, in their keys' order
    first = dict(whole.drawn)
    # A second round: lines gone and come, spread again.
    whole.remove("v1|v5")
    whole.add("v2|v7", "v2", "v7")
    whole.route_many(["v2|v7"])
    drawn_before = dict(whole.drawn)
    expected2 = whole.settle(["v2|v7"])
    moved2 = {k for k, p in whole.drawn.items() if drawn_before.get(k) != p}
    assert moved2 <= set(expected2)
    stops = 0
    while True:
        router, _ = _busy_router(tree)
        router.route_many(keys)
        steps = router.settle_steps(keys[:3])
        result = None
        for n, result in enumerate(steps):
            if result is not None or n == stops:
                break
        if result is not None:
            assert result == expected and list(result) == list(expected)
        else:
            router.route_many([])  # another use of the router ends the steps
            assert router.settle([]) == expected  # the next settle catches up
        assert router.drawn == first
        # The second round ended early at the same step.
        router.remove("v1|v5")
        router.add("v2|v7", "v2", "v7")
        router.route_many(["v2|v7"])
        steps = router.settle_steps(["v2|v7"])
        second = None
        for n, second in enumerate(steps):
            if second is not None or n == stops:
                break
        if second is None:
            router.add("v3|v4", "v3", "v4")  # an edit meanwhile
            router.route_many(["v3|v4"])
            second = router.settle(["v3|v4"])
            ref, _ = _busy_router(tree)
            ref.remove("v1|v5")
            ref.add("v2|v7", "v2", "v7")
            ref.add("v3|v4", "v3", "v4")
            ref.route_many([*ref.keys()])
            assert router.drawn == ref.settle_all()
            moved = {k for k, p in router.drawn.items() if drawn_before.get(k) != p}
            assert moved <= set(second)
        else:
            assert second == expected2 and list(second) == list(expected2)
            assert router.drawn == whole.drawn
            break
        stops += 1
    assert stops > 5  # it did end early at many places


_coordinate = st.one_of(
    st.sampled_from([-1.0, 0.0, 1.0, 9.0, 10.0, 11.0, 12.0]),
    st.floats(min_value=-100, max_value=100, allow_nan=False),
)


@given(
    st.lists(st.tuples(_coordinate, _coordinate), max_size=8),
    st.lists(st.tuples(_coordinate, _coordinate), min_size=1, max_size=8),
)
def test_a_channels_groups_met_by_the_stretches_changed_are_found_by_bisection(  # type: ignore[no-untyped-def]
    stretches, spans
) -> None:
    """The groups of a channel spread again are those within 1 of a stretch where a run
    came or went: found by bisection, the same as asking every stretch."""
    meets = _meeting(stretches)
    for lo, hi in spans:
        assert meets(lo, hi) == any(a <= hi + 1.0 and b >= lo - 1.0 for a, b in stretches)
