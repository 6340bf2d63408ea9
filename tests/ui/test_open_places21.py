"""A big design's boxes in boxes have their places read when a view reaches them, not
before its first frame (open21a, issue 10): the first view is found from the top-level
boxes down; the slices after the first frame read the rest, then build. Boxes laid out
outside their container, or past every top-level box, are found once every place is
read; a box in a box without a layout entry makes the build read every place at once.
Every case ends as the scene built at once (test_open_first_view's comparison)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF

from benchmarks.generate import generate_design
from designer.domain.design import LayoutEntry
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.canvas import scene as scene_module
from tests.ui.test_open_first_view import (  # noqa: F401  (big: a fixture)
    _same_as_built_at_once,
    _settle,
    big,
)

pytestmark = pytest.mark.usefixtures("big")  # designs over 20 elements open as big ones


def _design_with(tmp_path: Path, change) -> tuple[Path, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A generated design with its layout changed by ``change(design, layout)`` (which
    returns the ids it names by role)."""
    design = generate_design(600, seed=3)
    layout = dict(design.layout)
    named = change(design, layout)
    design = design.model_copy(update={"layout": layout})
    path = tmp_path / "changed.json"
    path.write_text(dumps(design), encoding="utf-8")
    return path, named


def _top_left(design, layout) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    sites = [layout[e.id] for e in design.elements if e.kind == "site"]
    return min(s.x for s in sites), min(s.y for s in sites)


def test_the_first_view_reads_only_the_places_of_the_boxes_it_reaches(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path
):
    path, _ = _design_with(tmp_path, lambda design, layout: {})
    window = launch(path)  # dr-designer gui FILE
    scene = window.view.design_scene
    assert window.session.holding or scene.building
    in_view = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    built = scene.boxes_built
    assert any(scene.boxes_parent.get(i) for i in built), "boxes in boxes of the view built"
    unread = set(scene._unread)
    assert unread, "boxes away from the first view have no place read yet"
    assert not unread & set(built)
    # Every box in view is built: the places not read are of boxes outside it.
    waiting = scene.boxes_waiting
    for element_id in list(waiting):
        x, y, w, h = waiting[element_id][1:5]  # (asking reads it)
        assert not QRectF(x, y, w, h).intersects(in_view)
    scene = _settle(qtbot, window)
    assert not scene._unread and not scene.boxes_waiting
    _same_as_built_at_once(window, scene)


def test_boxes_laid_out_outside_their_container_are_built_once_every_place_is_read(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path, monkeypatch
):
    """A VM moved into the first view away from its host (far from it), and another
    past every site: the one in view is built as soon as the slices have read every
    place (before the rest is built), the scene's rectangle then takes in the other."""
    monkeypatch.setattr(scene_module, "READ_CHUNK", 8)
    monkeypatch.setattr(scene_module, "BUILD_CHUNK", 1)
    monkeypatch.setattr(slices, "TURN_BUDGET_S", 0.0)  # one slice of each job per turn

    def stray(design, layout):  # type: ignore[no-untyped-def]
        vms = [e for e in design.elements if e.kind == "vm" and e.host]
        left, top = _top_left(design, layout)
        near, far = vms[-1], vms[-2]
        layout[near.id] = LayoutEntry(x=left + 60, y=top + 60, w=160, h=24)
        right = max(entry.x + (entry.w or 0) for entry in layout.values())
        layout[far.id] = LayoutEntry(x=right + 5000, y=top, w=160, h=24)
        return {
            "near": near.id,
            "far": far.id,
            "near rect": (left + 60, top + 60, 160, 24),
            "far rect": (right + 5000, top, 160, 24),
        }

    path, named = _design_with(tmp_path, stray)
    window = launch()
    assert window.open_file(path, ask=False)  # File > Open
    scene = window.view.design_scene
    near = QRectF(*named["near rect"])
    far = QRectF(*named["far rect"])
    in_view = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert in_view.intersects(near), "the moved VM is in the first view"
    # Its host is not: the first view, found from the top-level boxes down, has not
    # reached it, nor has the union of the boxes (the scroll bars) the far one.
    assert named["near"] not in scene.boxes_built
    assert not scene.content_rect().contains(far)
    qtbot.waitUntil(lambda: not scene._unread, timeout=20000)
    assert scene.building, "every place read before the rest is built"
    assert named["near"] in scene.boxes_built, "built once every place is read"
    assert scene.content_rect().contains(far)
    assert scene.sceneRect().contains(far)
    scene = _settle(qtbot, window)
    _same_as_built_at_once(window, scene)


def test_a_box_in_a_box_without_a_place_reads_every_place_at_once(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path
):
    """A LUN with no layout entry is placed after its laid-out siblings, as a build at
    once places it (every box built then)."""

    def unplaced(design, layout):  # type: ignore[no-untyped-def]
        lun = next(e for e in design.elements if e.kind == "lun")
        del layout[lun.id]
        return {"lun": lun.id}

    path, named = _design_with(tmp_path, unplaced)
    window = launch(path)  # dr-designer gui FILE
    scene = window.view.design_scene
    assert not scene._unread
    scene = _settle(qtbot, window)
    assert scene.nodes[named["lun"]].auto_placed
    _same_as_built_at_once(window, scene)
