"""Boxes keep their picture between paints of the canvas (``DeviceCoordinateCache``,
set as the view first paints them; issue 10: a repaint copies what did not change).
Whatever the user changes shows in the kept pictures exactly as a paint of every box
anew shows it: a rename (and the neighbours whose shortened names depend on it), a
selection in a box that says what it holds ("4 VMs"). Opened with ``dr-designer gui
FILE``; real clicks and keys on the view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsItem, QLineEdit
from test_canvas_support import click, small_design, with_names

from designer.persistence import load, save

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
KEPT = QGraphicsItem.CacheMode.DeviceCoordinateCache


def _shown(view) -> QImage:  # type: ignore[no-untyped-def]
    """What the canvas shows now (its pending repaints done)."""
    QApplication.processEvents()
    return view.viewport().grab().toImage()


def _fresh(view) -> QImage:  # type: ignore[no-untyped-def]
    """The canvas as a paint of every box anew shows it (no picture kept before)."""
    for node in view.design_scene.nodes.values():
        node.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    return view.viewport().grab().toImage()


def _rename(window, element_id: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click the box, F2, type the name, Enter."""
    view = window.view
    centre = view.design_scene.nodes[element_id].scene_rect().center()
    click(view, (centre.x(), centre.y()))
    assert window.session.selection == [element_id]
    QTest.keyClick(view, Qt.Key.Key_F2)
    (field,) = [
        f for f in view.viewport().findChildren(QLineEdit, "CanvasNameField") if f.isVisible()
    ]
    field.selectAll()
    QTest.keyClicks(field, name)
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.session.document.get(element_id).name == name


def test_a_renamed_box_and_its_neighbours_show_their_new_names(launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Two LUNs whose names share words: each is shortened by what the other shares.
    design = small_design()
    names = {
        "lun-b1": "BOSTON-EXCHANGE01 StorageGroup1 LUN",
        "lun-b2": "BOSTON-EXCHANGE01 StorageGroup2 LUN",
    }
    design = with_names(design, names)
    path = tmp_path / "two-luns.json"
    save(design, path)
    window = launch(path)
    view, scene = window.view, window.view.design_scene
    view.set_zoom(1.0)
    view.centerOn(scene.nodes["lun-b1"].scene_rect().center())
    before = _shown(view)
    assert scene.nodes["lun-b1"].cacheMode() == KEPT  # pictures are kept
    assert scene.nodes["lun-b2"].cacheMode() == KEPT
    assert _shown(view) == before  # a repaint from the kept pictures draws the same

    _rename(window, "lun-b2", "Spare")  # lun-b1 no longer shares its words
    after = _shown(view)
    assert after != before
    assert after == _fresh(view)

    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    undone = _shown(view)
    assert undone == _fresh(view)
    assert undone != after


def test_a_row_selected_where_its_box_summarises_its_rows_stays_unnamed(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    view, scene = window.view, window.view.design_scene
    vm = next(e.id for e in load(SAMPLES / "dag_with_ha.json").elements if e.kind == "vm")
    host = scene.box_container(vm)
    assert host is not None
    # Zoomed out until the host says what it holds ("4 VMs") but still shows its rows.
    for zoom in (0.5, 0.45, 0.4, 0.36, 0.32):
        view.set_zoom(zoom)
        view.centerOn(scene.nodes[vm].scene_rect().center())
        _shown(view)
        scene.labels.record = []  # every box painted in the next pass
        view.viewport().grab()
        if host in scene.labels.summarised:
            break
    scene.labels.record = None
    assert host in scene.labels.summarised
    assert scene.detail_visible and scene.nodes[vm].isVisible()
    before = _shown(view)
    assert scene.nodes[vm].cacheMode() == KEPT and scene.nodes[host].cacheMode() == KEPT

    centre = scene.nodes[vm].scene_rect().center()
    click(view, (centre.x(), centre.y()))  # only the row is painted again
    assert window.session.selection == [vm]
    after = _shown(view)
    assert after != before  # its outline
    fresh = _fresh(view)
    assert after == fresh  # and, as in a full paint, no name over "4 VMs"


def test_a_selected_box_shows_its_handles_past_its_bounds(launch) -> None:  # type: ignore[no-untyped-def]
    """The resize handles straddle the box's corners: a selected box is painted
    directly, its kept picture (cut at its bounds) would lose their outer halves."""
    window = launch(SAMPLES / "dag_with_ha.json")
    view, scene = window.view, window.view.design_scene
    vm = next(e.id for e in load(SAMPLES / "dag_with_ha.json").elements if e.kind == "vm")
    node = scene.nodes[vm]
    view.set_zoom(1.0)
    view.centerOn(node.scene_rect().center())
    _shown(view)
    assert node.cacheMode() == KEPT
    centre = node.scene_rect().center()
    click(view, (centre.x(), centre.y()))
    assert window.session.selection == [vm]
    image = _shown(view)
    corner = view.mapFromScene(node.scene_rect().topLeft())
    # Just outside the corner, inside the handle: the handle's fill (the canvas colour).
    assert image.pixelColor(corner.x() - 2, corner.y() - 2) == scene.theme.background
    click(view, (centre.x(), centre.y() + 3000))  # away: deselected, kept again
    QApplication.processEvents()
    _shown(view)
    assert not node.selected and node.cacheMode() == KEPT


def test_an_export_after_the_canvas_painted_draws_every_box_anew(launch) -> None:  # type: ignore[no-untyped-def]
    """Kept pictures are the canvas view's: an export (and the Overview's picture)
    paints every box, with its names, as if none had been kept."""
    from designer.ui.export import render_bytes

    window = launch(SAMPLES / "dag_with_ha.json")
    view, scene = window.view, window.view.design_scene
    view.set_zoom(1.0)
    _shown(view)
    assert any(node.cacheMode() == KEPT for node in scene.nodes.values())
    exported = render_bytes(scene, "png")
    assert any(node.cacheMode() == KEPT for node in scene.nodes.values())  # kept again
    for node in scene.nodes.values():
        node.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    assert exported == render_bytes(scene, "png")
