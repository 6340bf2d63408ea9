"""An edit costs what it changes at any size (issue 10, wave 24, ``edit24``).

Two things grew with the design, found in ``bench_scale.py --parts window`` at 100k (a
host's move 35 ms against 8 at 1k; F5 after the edits 136 ms against 23–38 fresh):

* an edit while a big design's lines were still routed in the idle slices spread, with
  its own lines, every line the slices had routed since the last edit (hundreds at
  100k, each checked against the hundreds of boxes it avoids);
* the union of the boxes (``DesignScene.content_rect``), which F5 asks to keep the
  drawing in view, was kept for one design only: after any edit it walked every box
  (30,000 at 100k).

Both counted here, not timed: the lines an edit spreads, the walks F5 makes. Through
``dr-designer gui FILE`` and real mouse and key events on the canvas."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from generated import generated_file as _generated
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtTest import QTest
from test_canvas_support import drag

from designer.ui import slices
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.scene import DesignScene


def _title(window: Any, element_id: str) -> QPointF:
    """A point on the box's title bar, shown in the view."""
    view = window.view
    rect = view.design_scene.nodes[element_id].scene_rect()
    view.centerOn(rect.center())
    return QPointF(rect.left() + 12, rect.top() + 6)


def _drag_box(window: Any, element_id: str, by: QPointF) -> None:
    start = _title(window, element_id)
    drag(window.view, (start.x(), start.y()), (start.x() + by.x(), start.y() + by.y()), steps=6)


def _walked(scene: DesignScene) -> QRectF:
    left, top, right, bottom = scene._boxes_edges()
    return QRectF(left, top, right - left, bottom - top)


@pytest.mark.parametrize("size", [300, 1000])
def test_an_edit_while_the_lines_are_routed_spreads_its_own_lines_only(
    size: int, launch: Any, qtbot: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    """Half the design's lines routed by the idle slices, not spread yet; the user
    drags the host of a DAG member: the drop spreads the lines it routed again (the
    member's, and those that ran by the host), none of the slices' others; once the
    slices are done, every line is drawn as one spreading of all of them gives."""
    monkeypatch.setattr(scene_module, "ROUTE_AT_ONCE", 10)  # its lines in the slices
    slice_s = scene_module.ROUTE_SLICE_S
    monkeypatch.setattr(scene_module, "ROUTE_SLICE_S", 0.0)  # one step a slice, by hand
    window = launch(_generated(tmp_path, size))
    window.resize(1600, 1000)
    scene = window.view.design_scene
    router = scene.router
    shared = slices.shared()
    qtbot.waitUntil(lambda: shared.running(scene._routing_key), timeout=60_000)
    shared.cancel(scene._routing_key)  # the test runs the routing's slices itself
    qtbot.waitUntil(lambda: not window.session.preparing_edits_now, timeout=60_000)
    lines = len(scene.edges)
    while len(router.raw) < lines // 2:
        scene._route_slice(math.inf)
    assert scene._unrouted, "the load's routing is half done"
    routed = set(router.raw)

    spread: list[str] = []
    rerouted: list[str] = []
    check, route_many = router._check, router.route_many

    def checked(key: str, points: list[Any]) -> list[Any]:
        spread.append(key)
        return check(key, points)

    def routed_again(keys: Any) -> None:
        keys = list(keys)
        rerouted.extend(keys)
        route_many(keys)

    document = window.session.document
    dag: Any = next(e for e in document.design.elements if e.kind == "dag")
    host = document.get(dag.members[0]).host  # type: ignore[union-attr]
    before = scene.nodes[host].scene_rect().topLeft()
    router._check = checked  # type: ignore[method-assign]
    router.route_many = routed_again  # type: ignore[method-assign]
    try:
        _drag_box(window, host, QPointF(0, 20))
    finally:
        del router._check, router.route_many  # (the class's again)
    assert scene.nodes[host].scene_rect().topLeft() != before, "it moved"
    assert rerouted, "the drop routed the member's line again"
    # The lines the slices routed before it are not the drop's to spread (the old code
    # spread them all: half the design's lines, more the bigger the design).
    assert set(spread) <= set(rerouted), sorted(set(spread) - set(rerouted))[:5]
    assert len(routed - set(rerouted)) >= 4, "lines the slices routed stay theirs to spread"

    monkeypatch.setattr(scene_module, "ROUTE_SLICE_S", slice_s)
    scene._start_routing()
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=120_000)
    drawn = {key: list(points) for key, points in router.drawn.items()}
    assert set(drawn) == set(scene.edges)
    for key, edge in scene.edges.items():
        assert edge.drawn_from is not None
        assert list(edge.drawn_from[0]) == drawn[key], key
    assert router.settle_all() == drawn, "as one spreading of every line gives"


def test_f5_after_edits_keeps_the_union_of_the_boxes_without_a_walk(
    launch: Any, qtbot: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    """A box dragged inside the drawing, one dragged past its edge, both undone with
    Ctrl+Z: the union of the boxes F5 keeps in view is the walk's each time, and is
    walked again only when a box that held one of its edges moved in."""
    window = launch(_generated(tmp_path, 300))
    window.resize(1600, 1000)
    scene = window.view.design_scene
    session = window.session
    qtbot.waitUntil(
        lambda: (
            not session.holding
            and not session.preparing_edits
            and session.findings_revision == session.document.revision
            and not scene.routing_pending
        ),
        timeout=60_000,
    )
    walks: list[int] = []
    walk = scene._boxes_edges

    def counted() -> tuple[float, float, float, float]:
        walks.append(1)
        return walk()

    monkeypatch.setattr(scene, "_boxes_edges", counted)
    assert scene.content_rect() == _walked(scene)
    walks.clear()

    # A host inside its cluster, well off the drawing's edges.
    whole = scene.content_rect()
    host = next(
        e.id
        for e in session.design.elements
        if e.kind == "esxi_host"
        and whole.adjusted(200, 200, -200, -200).contains(scene.nodes[e.id].scene_rect())
    )
    _drag_box(window, host, QPointF(30, 20))
    assert session.undo_stack.count() == 1, "the drag moved it"
    controller = window.simulation.controller
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: controller.ready, timeout=60_000)
    assert controller.active
    assert walks == [], "F5 after the move walked every box"
    assert scene.content_rect() == _walked(scene)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not controller.active, timeout=60_000)

    # The rightmost top-level box dragged further right: the union grows with it.
    right = max(
        (i for i in scene.nodes if scene.box_parent.get(i) is None),
        key=lambda i: scene.nodes[i].scene_rect().right(),
    )
    _drag_box(window, right, QPointF(300, 0))
    assert session.undo_stack.count() == 2
    grown = scene.content_rect()
    assert grown.right() > whole.right()
    walks.clear()
    assert grown == _walked(scene)
    walks.clear()

    # Undone (Ctrl+Z twice): the union shrinks back, one walk (the box held its edge).
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.undo_stack.index() == 0
    assert scene.content_rect() == whole
    assert len(walks) == 1
