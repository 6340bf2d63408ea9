"""Lines drawn straight during a move are drawn routed once the moves are done
(wave 21, fixn21; eyes21 #5 and #12: after dragging boxes on a loaded machine, member
lines stayed slanted straight lines until the file was reopened).

The path, driven through two real drags (``dr-designer gui FILE``, mouse on the
canvas): a move of many lines (here any move of more than one line: REROUTE_AT_ONCE
made 1) draws its lines straight and routes them in the idle slices; once spread, they
are drawn a few per slice (``_drawing``). On a busy machine the user's next drag drops
before they all are: that move's lines are routed later too, and its spreading's list
of lines to draw replaced the first move's, whose lines still straight stayed straight
for good (the router had their routes, so nothing drew them again). The slices are run
by hand below, as a loaded machine's idle loop reaches them: a slice whose time is up
once the lines are spread, then one line drawn per slice.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from test_canvas_support import click, drag

from designer.ui import slices
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.scene import DesignScene

SHOTS = Path("/tmp/fixn21-shots")
SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def _stale(scene: DesignScene) -> list[str]:
    """The lines not drawn as the router has them (straight, or routed unspread)."""
    drawn = scene.router.drawn
    return [
        key
        for key, edge in scene.edges.items()
        if not edge.waiting
        and (
            edge.drawn_from is None
            or key not in drawn
            or tuple(edge.drawn_from[0]) != tuple(drawn[key])  # type: ignore[index]
        )
    ]


def _title(window: Any, element_id: str) -> QPointF:
    """A point on the box's title, in view (a container's body starts a rubber band)."""
    view = window.view
    rect = view.design_scene.nodes[element_id].scene_rect()
    view.centerOn(rect.center())
    return QPointF(rect.left() + 12, rect.top() + 6)


def _drag_box(window: Any, element_id: str, by: QPointF) -> None:
    start = _title(window, element_id)
    drag(window.view, (start.x(), start.y()), (start.x() + by.x(), start.y() + by.y()), steps=6)


def _align_left(window: Any, first: str, second: str) -> None:
    """Click one box, Ctrl-click the other, Arrange > Align Left Edges."""
    a = _title(window, first)
    click(window.view, (a.x(), a.y()))
    b = _title(window, second)
    click(window.view, (b.x(), b.y()), Qt.KeyboardModifier.ControlModifier)
    assert set(window.session.selection) == {first, second}
    window.act_align["left"].trigger()


@pytest.mark.parametrize("first", ["drag", "align"])
def test_a_moves_lines_still_to_draw_are_drawn_after_the_next_drag(
    first: str, launch: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """A drag (eyes21 #5: a site widened, then hosts moved into it) or Arrange > Align
    Left Edges (#12: databases aligned, then dragged) moves the DAG's box; the load
    balancer is dragged before the DAG's member lines are all drawn."""
    monkeypatch.setattr(scene_module, "REROUTE_AT_ONCE", 1)
    monkeypatch.setattr(scene_module, "DRAW_STEP_LINES", 1)
    window = launch(SAMPLE)
    window.resize(1600, 1000)
    window.view.set_zoom(0.6)  # the drags' distances as at 60 % (it opens whole at 34 %)
    scene = window.view.design_scene
    qtbot.waitUntil(
        lambda: not scene.routing_pending and not window.session.preparing_edits_now,
        timeout=60_000,
    )
    assert _stale(scene) == []
    # No idle slice runs while the first move is made; then its routing is the test's
    # to run (the edits' lookups prepared first: the routing slices wait for those).
    shared = slices.shared()
    shared.hold("fixn21", window, max_ms=60_000)
    try:
        before = scene.nodes["dag-01"].scene_rect().topLeft()
        if first == "drag":
            _drag_box(window, "dag-01", QPointF(0, 60))
        else:
            _align_left(window, "gslb-mail", "dag-01")
        assert scene.nodes["dag-01"].scene_rect().topLeft() != before, "the DAG moved"
        assert scene.routing_pending, "its lines routed in the slices"
        shared.cancel(scene._routing_key)
    finally:
        shared.release("fixn21")
    qtbot.waitUntil(lambda: not window.session.preparing_edits_now, timeout=60_000)
    # One slice routes and spreads the move's lines, and its time is up before it
    # draws them (a loaded machine): they wait to be drawn, straight meanwhile.
    monkeypatch.setattr(scene_module, "ROUTE_SLICE_S", 60.0)
    scene._placing_ready = lambda deadline: False
    try:
        assert scene._route_slice(math.inf) is False
    finally:
        del scene._placing_ready
    waiting = [k for k in scene._drawing if k in _stale(scene)]
    assert waiting and any(not scene.edges[k]._routed for k in waiting), "some straight"
    # The next drag before they are drawn: the load balancer's lines.
    _drag_box(window, "lb-bos", QPointF(0, 40))
    assert window.session.undo_stack.count() == 2, "both moves made"
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60_000)
    SHOTS.mkdir(exist_ok=True)
    window.view.fitInView(scene.content_rect(), Qt.AspectRatioMode.KeepAspectRatio)
    window.view.viewport().grab().save(str(SHOTS / f"after-{first}.png"))
    assert [k for k in waiting if k in _stale(scene)] == []
    assert _stale(scene) == []


def test_a_selections_lines_made_while_a_load_routes_are_shown(
    launch: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """A selection showing more lines than are routed at once (Select Same Kind of 72
    databases: 288 member lines; here any, ROUTE_AT_ONCE made 1) holds them hidden until
    they are routed and spread. Made while an opening's lines were still routed in the
    idle slices (a big design just opened), they were routed and spread with those, but
    never shown: the selected database had no member lines, for good."""
    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 1)
    window = launch(SAMPLE)
    scene = window.view.design_scene
    shared = slices.shared()
    shared.hold("fixn21", window, max_ms=60_000)
    try:
        assert scene.routing_pending, "the opening's lines still routed in the slices"
        p = _title(window, "db-db01")
        click(window.view, (p.x(), p.y()))
        assert window.session.selection == ["db-db01"]
        assert scene.routing_pending
    finally:
        shared.release("fixn21")
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60_000)
    keys = scene.member_lines_of("db-db01")
    SHOTS.mkdir(exist_ok=True)
    window.view.fitInView(scene.content_rect(), Qt.AspectRatioMode.KeepAspectRatio)
    window.view.viewport().grab().save(str(SHOTS / "selected-while-loading.png"))
    assert len(keys) == 4, keys  # its four copies' servers
    assert [k for k in keys if scene.edges[k].waiting or not scene.edges[k].isVisible()] == []
    assert _stale(scene) == []
