"""A site deleted costs what the site holds, not that times the drawing's lines (issue 10,
wave 26, ``group26``).

Deleting a site at 100k took 2.0–2.7 s of the UI thread; its undo 1.9 s. Two parts grew
with the product of two sizes:

* the canvas asked every line of the drawing against every box that left (or came
  back), to find the lines that may run another way now (``Router.crossing``: the
  site's ~4,000 boxes × the drawing's lines); a line that meets a box inside the site
  meets the site's box, so only the outermost boxes are asked;
* the removal's plan dumped and fixed each surviving element again each time one more
  of the elements it refers to was found doomed (a database with copies on several of
  the site's VMs); whether it goes can change only by the element just doomed, so that
  one reference is looked at, and each survivor is fixed once.

Counted here, not timed, through ``dr-designer gui FILE``: a click on the site's title,
the Delete key, then Ctrl+Z. The design after the deletion is the one the Document
makes headless (saved byte for byte alike), the canvas the one a fresh window draws of
it, and Ctrl+Z gives back the design and the drawing as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title as _click_title
from generated import open_settled
from generated import settled as _settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import designer.document.commands as commands
import designer.ui.canvas.router as router_module
from benchmarks.generate import generate_design
from designer.document import Document, RemoveElements
from designer.domain.design import Design
from designer.persistence import dumps
from designer.ui.canvas.scene import DesignScene


def _drawing(scene: DesignScene) -> tuple[dict[str, tuple[float, ...]], dict[str, bool]]:
    """Each box's place, and each line drawn (whether shown)."""
    boxes = {i: tuple(node.box()) for i, node in scene.nodes.items()}
    return boxes, {k: e.isVisible() for k, e in scene.edges.items()}


def _routes(scene: DesignScene) -> dict[str, Any]:
    """The route each line is drawn along."""
    return {k: e.drawn_from for k, e in scene.edges.items()}


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.fixture
def opened(design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    """``dr-designer gui FILE`` on the generated design, checked and every line routed.
    Its site's deletion (593 elements) made in the key's turn, as the counts here pin
    it: run in steps, as a big edit is by default (wave 27), in
    tests/ui/test_big_edit_steps27.py."""
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100000")
    return open_settled(design, launch, qtbot, tmp_path)


def test_deleting_a_site_asks_the_lines_once_and_fixes_each_survivor_once(
    opened: Any, design: Design, launch: Any, qtbot: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    window = opened
    session = window.session
    scene = window.view.design_scene
    document = session.document
    site = next(e for e in document.design.elements if e.kind == "site")
    before = _drawing(scene)
    routes = _routes(scene)
    lines = len(scene.router.raw)
    inside = {i for i in scene.nodes if _within(scene, i, site.id)}
    assert len(inside) > 50 and lines > 10, (len(inside), lines)

    meets: list[int] = []  # the boxes the lines were asked against, in ``crossing``
    real_meets = router_module._meets
    real_crossing = router_module.Router.crossing
    asking: list[bool] = []

    def counted_meets(a: Any, b: Any) -> bool:
        if asking:
            meets.append(1)
        return real_meets(a, b)

    def crossing(router: Any, rects: Any) -> list[str]:
        asking.append(True)
        try:
            return real_crossing(router, rects)
        finally:
            asking.pop()

    fixes: list[str] = []
    real_drop = commands.drop_refs

    def counted_drop(element: Any, doomed: Any) -> Any:
        fixes.append(element.id)
        return real_drop(element, doomed)

    monkeypatch.setattr(router_module, "_meets", counted_meets)
    monkeypatch.setattr(router_module.Router, "crossing", crossing)
    monkeypatch.setattr(commands, "drop_refs", counted_drop)
    changed: set[str] = set()
    unsubscribe = document.subscribe(
        lambda event: changed.add(event.id) if hasattr(event, "field") else None
    )

    # The user clicks the site's title and presses Delete.
    _click_title(window, site.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    unsubscribe()
    assert document.get(site.id) is None, "deleted"
    # Each survivor that loses a reference is fixed once (the old plan: again for each
    # of its targets found doomed, 2.5 × as many at this size).
    assert changed and sorted(fixes) == sorted(changed), (len(fixes), len(changed))
    # Each line asked against the site's box, not against each of the boxes in it
    # (the old code: lines × boxes, here 70 ×).
    assert len(meets) <= 4 * lines, (len(meets), lines)

    # The design is the one the Document makes headless; the window saves it so.
    expected = Document(design)
    RemoveElements([site.id]).redo(expected)
    saved = tmp_path / "after.json"
    assert window.save_to(saved)
    assert saved.read_text(encoding="utf-8") == dumps(expected.design)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    after = _drawing(scene)
    assert site.id not in after[0] and all(expected.get(i) for i in after[0])
    assert inside - set(after[0]), "the site's hosts and VMs left the canvas"
    # A fresh window on the saved file draws the same boxes and lines.
    fresh = launch(saved)
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    assert _drawing(fresh.view.design_scene) == after

    # Ctrl+Z brings the site and all in it back where they were.
    fresh.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.get(site.id) is not None
    assert dumps(document.design) == dumps(design)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == before
    assert _routes(scene) == routes, "each line along the route it had"


def _within(scene: DesignScene, element_id: str, container: str) -> bool:
    parent = scene.box_parent.get(element_id)
    while parent is not None:
        if parent == container:
            return True
        parent = scene.box_parent.get(parent)
    return False


def test_outermost_boxes_give_the_lines_every_box_gives(opened: Any) -> None:
    """The lines near any of a site's boxes are exactly the lines near the outermost of
    them (the answer of the old search, written out here), for the boxes of each site,
    of each host, and of boxes taken here and there."""
    scene = opened.view.design_scene
    router = scene.router

    def every_box(rects: list[tuple[float, float, float, float]]) -> list[str]:
        grown = [router_module._grow(r, router_module.NEAR) for r in rects]
        out = []
        for key, points in router.raw.items():
            box = router._extent[key]
            hit = [r for r in grown if router_module._meets(box, r)]
            if hit and any(
                router_module._meets(router_module._bounds((points[i], points[i + 1])), r)
                for r in hit
                for i in range(len(points) - 1)
            ):
                out.append(key)
        return out

    def rect(i: str) -> tuple[float, float, float, float]:
        r = scene.nodes[i].scene_rect()
        return (r.x(), r.y(), r.width(), r.height())

    elements = opened.session.design.elements
    groups = [
        [i for i in scene.nodes if i == e.id or _within(scene, i, e.id)]
        for e in elements
        if e.kind in ("site", "esxi_host")
    ][:12]
    groups.append(list(scene.nodes)[::37])
    for ids in groups:
        rects = [rect(i) for i in ids]
        assert router.crossing(rects) == every_box(rects)


def test_undoing_a_dags_deletion_routes_its_lines_after_the_key(
    opened: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """Ctrl+Z of a DAG's deletion gives 160 events (its databases get their DAG back):
    the lines it brings back are drawn straight in the key's turn and routed in the
    idle slices after it (at 100k their searches were ~45 ms of that turn), each then
    along the route it had before the deletion."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    document = session.document
    dag: Any = next(e for e in document.design.elements if e.kind == "dag")
    before, routes = _drawing(scene), _routes(scene)
    _click_title(window, dag.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert document.get(dag.id) is None
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)

    routed: list[str] = []
    real_route_many = router_module.Router.route_many

    def route_many(router: Any, keys: Any) -> None:
        keys = list(keys)
        routed.extend(keys)
        real_route_many(router, keys)

    monkeypatch.setattr(router_module.Router, "route_many", route_many)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.get(dag.id) is not None
    assert len(routed) <= 4, routed  # (the rest in the idle slices)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == before
    assert _routes(scene) == routes, "each line along the route it had"
