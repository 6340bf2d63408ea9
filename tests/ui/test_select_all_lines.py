"""Select All (Ctrl+A) shows every selected box's part and member lines; they are added
together and routed once (one by one, each was routed and its channel spread again:
~20 s of CPU for a generated 1k design). The drawing is the one-by-one drawing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.scene import DesignScene
from designer.ui.main_window import MainWindow


def _one_by_one(self: DesignScene) -> None:
    """``DesignScene._on_selection`` as it was: each line routed as it is added."""
    new = set(self.session.selection)
    if new:
        self.finish_build()
    for element_id in self._selected ^ new:
        self._restyle([element_id], selected=new)
    self._selected = new
    self._show_part_lines(new)
    self._show_member_lines(new)
    if self.layers.dim_unrelated:
        self.layers.refocus()


def _at_once(self: DesignScene) -> None:
    """``DesignScene._on_selection`` as wave 10 left it: the selection's lines added
    together and routed, spread and drawn at once, in the key event."""
    new = set(self.session.selection)
    if new:
        self.finish_build()
    for element_id in self._selected ^ new:
        self._restyle([element_id], selected=new)
    self._selected = new
    batch: list[str] = []
    self._lines_batch = batch
    try:
        self._show_part_lines(new)
        self._show_member_lines(new)
    finally:
        self._lines_batch = None
    if batch:
        self.reroute(batch)
    if self.layers.dim_unrelated:
        self.layers.refocus()


def _drawing(scene: DesignScene) -> dict[str, tuple[object, ...]]:
    """Every line's path (its elements) and its label's place."""
    out: dict[str, tuple[object, ...]] = {}
    for key, edge in scene.edges.items():
        path = edge.path()
        points = tuple(
            (round(path.elementAt(i).x, 3), round(path.elementAt(i).y, 3))
            for i in range(path.elementCount())
        )
        label = edge.label_scene_rect() if edge.has_label else None
        place = None if label is None else (label.x(), label.y(), label.width(), label.height())
        out[key] = (points, place, edge.zValue(), edge.isVisible())
    return out


def _select_all(qtbot: Any, window: MainWindow) -> dict[str, tuple[object, ...]]:
    scene = window.view.design_scene
    scene.finish_build()
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=30000)
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    # Hundreds of lines are routed in the idle slices (each drawn once routed and spread).
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60000)
    assert len(window.session.selection) > 100  # every box and line drawn
    return _drawing(scene)


def test_select_all_routes_the_selections_lines_once_as_one_by_one_would(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    window = launch(path)  # dr-designer gui FILE
    before = set(window.view.design_scene.edges)
    calls: list[int] = []
    reroute = DesignScene.reroute

    def counted(self: DesignScene, keys: Any, **kw: Any) -> None:
        calls.append(1)
        reroute(self, keys, **kw)

    monkeypatch.setattr(DesignScene, "reroute", counted)
    batched = _select_all(qtbot, window)
    shown = set(batched) - before
    assert len(shown) > 50  # the disks' and databases' lines the selection shows
    assert len(calls) <= 3  # once for the selection's lines (not once per line)
    monkeypatch.setattr(DesignScene, "_on_selection", _at_once)
    assert _select_all(qtbot, launch(path)) == batched  # paths and labels
    monkeypatch.setattr(DesignScene, "_on_selection", _one_by_one)
    one_by_one = _select_all(qtbot, launch(path))
    assert {k: v[0] for k, v in one_by_one.items()} == {k: v[0] for k, v in batched.items()}


def _settled(qtbot: Any, scene: DesignScene) -> None:
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60000)


def test_escape_after_select_all_draws_what_was_drawn_before_with_one_reroute(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
) -> None:
    """Escape takes the selection's lines away together and spreads the channels they
    left once: one by one, each removal rerouted its neighbours (~15 s at 1k), and the
    lines it left were not all spread again (some stayed where the removed ones had
    pushed them)."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    window = launch(path)  # dr-designer gui FILE
    scene = window.view.design_scene
    scene.finish_build()
    _settled(qtbot, scene)
    before = _drawing(scene)
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _settled(qtbot, scene)
    assert len(scene.edges) > len(before) + 50
    calls: list[int] = []
    reroute = DesignScene.reroute

    def counted(self: DesignScene, keys: Any, **kw: Any) -> None:
        calls.append(1)
        reroute(self, keys, **kw)

    monkeypatch.setattr(DesignScene, "reroute", counted)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    _settled(qtbot, scene)
    assert not window.session.selection
    assert len(calls) <= 1
    assert _drawing(scene) == before
    # The lines taken away have left the scene (in the idle slices past a few hundred).
    assert sum(isinstance(item, EdgeItem) for item in scene.items()) == len(scene.edges)


def test_select_all_places_labels_from_its_grids_as_from_scans(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
) -> None:
    """Placing the labels of hundreds of lines asks grids of the labels and boxes
    (spots.RectGrid) past the first spots: the same places as scanning every label
    and asking the scene's index for every spot."""
    import designer.ui.canvas.scene as scene_module

    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    drawings = []
    for scan_spots in (scene_module.SCAN_SPOTS, 10**9):
        monkeypatch.setattr(scene_module, "SCAN_SPOTS", scan_spots)
        window = launch(path)
        scene = window.view.design_scene
        scene.finish_build()
        _settled(qtbot, scene)
        window.view.setFocus()
        qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        _settled(qtbot, scene)
        drawings.append(_drawing(scene))
    grids, scans = drawings
    assert sum(1 for d in grids.values() if d[1] is not None) > 100  # labels placed
    assert grids == scans


def test_select_alls_lines_are_made_and_routed_with_the_collector_paused_then_frozen(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
) -> None:
    """The lines a big selection shows stay while it does: they are made and routed
    with the cyclic collector off, and frozen out of its reach at the end (its full
    collections, each over every object made since the design opened, took 8 s of a
    10k Select All's routing slices, one turn of up to a second each)."""
    import gc

    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    window = launch(path)
    scene = window.view.design_scene
    scene.finish_build()
    _settled(qtbot, scene)
    qtbot.waitUntil(gc.isenabled, timeout=30000)  # (the check, the findings' marks)
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(scene.edges)))
    enabled_while_made: list[bool] = []
    add_edge = DesignScene._add_edge

    def noted(self: DesignScene, *args: Any, **kw: Any) -> bool:
        enabled_while_made.append(gc.isenabled())
        return add_edge(self, *args, **kw)

    monkeypatch.setattr(DesignScene, "_add_edge", noted)
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(enabled_while_made) > 100 and not any(enabled_while_made)
    assert scene.routing_pending and not gc.isenabled()  # routed in the slices, paused
    _settled(qtbot, scene)
    assert gc.isenabled()
    assert frozen and frozen[-1] == len(scene.edges)  # every line made, then frozen


def test_escape_while_select_alls_lines_are_still_being_made_gives_back_the_drawing(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path
) -> None:
    """Hundreds of lines are made (and taken away) in the idle slices, not in the key
    event; Escape before they are all made finishes them first, then takes them away:
    the drawing before Ctrl+A comes back, with no line item left behind."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    window = launch(path)
    scene = window.view.design_scene
    scene.finish_build()
    _settled(qtbot, scene)
    before = _drawing(scene)
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(scene.edges) == len(before)  # none made in the key event
    assert scene.routing_pending
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    _settled(qtbot, scene)
    assert _drawing(scene) == before
    assert sum(isinstance(item, EdgeItem) for item in scene.items()) == len(scene.edges)
    # Ctrl+A again, settled: every line the selection shows, drawn as at once.
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _settled(qtbot, scene)
    assert len(scene.edges) > len(before) + 50
    again = _drawing(scene)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    _settled(qtbot, scene)
    assert _drawing(scene) == before
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _settled(qtbot, scene)
    assert _drawing(scene) == again


def _click_lun_then_select_all(qtbot: Any, window: MainWindow) -> dict[str, tuple[object, ...]]:
    """Click the LUN with most disks (its disks' lines and labels drawn at once), then
    Ctrl+A: the labels Select All places keep clear of those already there."""
    scene = window.view.design_scene
    scene.finish_build()
    _settled(qtbot, scene)
    luns = [n for n in scene.nodes.values() if n.kind == "lun"]
    lun = max(luns, key=lambda n: (len(scene._parts_naming(n.element_id)), n.element_id))
    view = window.view
    rect = lun.sceneBoundingRect()
    view.ensureVisible(rect, 10, 10)
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        view.mapFromScene(rect.center()),
    )
    assert window.session.selection == [lun.element_id]
    _settled(qtbot, scene)
    labels = [e for e in scene.edges.values() if e.has_label and e.label_scene_rect() is not None]
    assert len(labels) >= 3  # the LUN's disks' lines, labelled
    return _select_all(qtbot, window)


def test_select_all_after_a_click_places_its_labels_as_at_once(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch
) -> None:
    """Drawn in the idle slices, the label rectangles (and their grids) made in steps
    before the first line is drawn: the same places as drawing every line at once."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    sliced = _click_lun_then_select_all(qtbot, launch(path))
    monkeypatch.setattr(DesignScene, "_on_selection", _at_once)
    assert _click_lun_then_select_all(qtbot, launch(path)) == sliced
