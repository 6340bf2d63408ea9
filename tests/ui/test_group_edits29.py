"""What the canvas redoes for an edit of many elements: the lines and the names it
changed, not the ones beside them (issue 10, wave 29, ``groups29``).

At 100k, deleting 50 VMs across the design (its undo, its redo) had a UI turn of
56–78 ms: the step that took the deleted mailbox servers out of their DAGs took every
line of those DAGs away and drew them again (~100 lines, their routes made again), when
only the lost members' lines went. Replace in Names had turns of 47–64 ms: each step's
repaint fitted again every name in view, those that had not changed and were drawn
whole too (a whole name is drawn so whatever its neighbours are called).

Counted, not timed, through ``dr-designer gui FILE``: Ctrl+clicks on two member servers
of a DAG, Delete, Ctrl+Z; Ctrl+H, a name typed, Replace All. The drawing after each is
the one a fresh window draws of the saved result, and Ctrl+Z gives it back as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from check_lists import list_rows
from generated import click_title, open_settled
from generated import settled as _settled
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_canvas_support import click

from benchmarks.generate import generate_design
from designer.domain.design import Design
from designer.persistence import dumps
from designer.ui import session as session_module
from designer.ui.canvas import labels as labels_module
from designer.ui.canvas.scene import DesignScene
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.replace_names import ReplaceNamesDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def _drawing(scene: DesignScene) -> tuple[dict[str, tuple[float, ...]], dict[str, bool]]:
    """Each box's place, and each line drawn (whether shown)."""
    boxes = {i: tuple(node.box()) for i, node in scene.nodes.items()}
    return boxes, {k: e.isVisible() for k, e in scene.edges.items()}


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.mark.parametrize("step_above", ["100000", "5"], ids=["one turn", "in steps"])
def test_deleting_members_of_a_dag_takes_their_lines_only(
    design: Design,
    launch: Any,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: Any,
    step_above: str,
) -> None:
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", step_above)
    window = open_settled(design, launch, qtbot, tmp_path)
    session, view = window.session, window.view
    scene = view.design_scene
    dag = next(e for e in design.elements if e.kind == "dag")
    gone = dag.members[:2]
    kept = [m for m in dag.members if m not in gone]
    assert len(kept) >= 4
    dag_lines = [k for k in scene.edges if k.startswith(f"{dag.id}|")]
    assert len(dag_lines) > len(gone), dag_lines
    before = _drawing(scene)
    routes = {k: e.drawn_from for k, e in scene.edges.items()}

    drawn: list[str] = []  # the lines drawn anew (each made, added, routed)
    add_edge = DesignScene._add_edge

    def counted(self: DesignScene, key: str, *args: Any, **kwargs: Any) -> bool:
        made = add_edge(self, key, *args, **kwargs)
        if made:
            drawn.append(key)
        return made

    monkeypatch.setattr(DesignScene, "_add_edge", counted)

    # The user clicks one member server, Ctrl+clicks the other, and presses Delete.
    view.set_zoom(1.0)
    for n, member in enumerate(gone):
        rect = scene.nodes[member].scene_rect()
        spot = QPointF(rect.center().x(), rect.top() + 8)
        view.centerOn(spot)
        click(view, (spot.x(), spot.y()), CTRL if n else Qt.KeyboardModifier.NoModifier)
    assert sorted(session.selection) == sorted(gone)
    drawn.clear()  # (the selection draws its disks' lines: not the edit's)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert all(session.document.get(m) is None for m in gone)
    # Nothing is drawn anew: the DAG's other lines stay as they were (the old code took
    # all of them away and drew them again).
    assert [k for k in drawn if k.startswith(f"{dag.id}|")] == [], drawn
    after = _drawing(scene)
    assert not [k for k in after[1] if any(k.endswith(f"|{m}") for m in gone)]
    assert [k for k in after[1] if k.startswith(f"{dag.id}|members|")] == [
        f"{dag.id}|members|{m}" for m in kept
    ]
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    # A fresh window on the saved design draws the same boxes and lines.
    saved = tmp_path / "after.json"
    assert window.save_to(saved)
    fresh = launch(saved)
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    assert _drawing(fresh.view.design_scene) == _drawing(scene)
    fresh.close()

    # Ctrl+Z: the two servers and their lines come back; the DAG's others stay.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.setFocus()
    drawn.clear()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert not [k for k in drawn if k.startswith(f"{dag.id}|") and k.split("|")[2] in kept]
    assert dumps(session.document.design) == dumps(design)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert _drawing(scene) == before
    assert {k: e.drawn_from for k, e in scene.edges.items()} == routes


def _open_dialog(qtbot: Any, window: Any) -> ReplaceNamesDialog:
    QTest.keyClick(window, Qt.Key.Key_H, CTRL)
    dialog = window.findChild(ReplaceNamesDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    return dialog


def _other(element: Any, vm: Any) -> bool:
    """Whether ``element`` is a box other than ``vm`` (its disks are drawn in its box)."""
    return element.id != vm.id and not (element.kind == "virtual_disk" and element.vm == vm.id)


def test_replace_in_names_fits_again_only_the_names_it_changed_or_cut(
    design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Ctrl+H on a host's first VM's name, Replace All: the host's rows are painted
    again (a name's shortening depends on its neighbours'), but a neighbour's name that
    was drawn whole is not measured again; the renamed VM shows its new name."""
    window = open_settled(design, launch, qtbot, tmp_path)
    session, view = window.session, window.view
    scene = view.design_scene
    host = next(e for e in design.elements if e.kind == "esxi_host")
    vms = [e for e in design.elements if e.kind == "vm" and e.host == host.id]
    view.set_zoom(0.9)
    fitted: list[tuple[str, str]] = []  # (text, shown) of each text measured
    real_fit = labels_module.Labels._fit

    def counted_fit(self: Any, painter: Any, rect: Any, text: str, *args: Any) -> Any:
        fit = real_fit(self, painter, rect, text, *args)
        fitted.append((text, fit[2] if fit is not None else ""))
        return fit

    monkeypatch.setattr(labels_module.Labels, "_fit", counted_fit)
    view.set_zoom(1.0)  # (at a zoom not painted yet: every name in view fitted)
    view.centerOn(scene.nodes[host.id].scene_rect().center())
    view.viewport().repaint()
    whole = {t for t, shown in fitted if t == shown}
    # A VM whose name is in no other box's name (Replace All renames it and its disks)
    # beside one whose name is drawn whole.
    first = next(
        v
        for v in vms
        if v.name not in whole
        and not any(v.name in e.name for e in design.elements if _other(e, v))
    )
    vms = [first, *(v for v in vms if v is not first)]
    neighbours = {v.name for v in vms[1:]} & whole
    assert neighbours, fitted
    painted: list[str] = []
    real_paint = type(scene.nodes[first.id])._paint

    def counted_paint(node: Any, painter: Any, option: Any) -> None:
        painted.append(node.element_id)
        real_paint(node, painter, option)

    monkeypatch.setattr(type(scene.nodes[first.id]), "_paint", counted_paint)

    dialog = _open_dialog(qtbot, window)
    QTest.keyClicks(dialog.find_edit, first.name)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, first.name + "-NEW")
    qtbot.waitUntil(lambda: dialog.summary.text().endswith("would change"))
    fitted.clear()
    painted.clear()
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.document.get(first.id).name == first.name + "-NEW")
    view.viewport().repaint()
    # The host's rows were painted again; of their names only the new one is measured.
    assert {v.id for v in vms[1:]} <= set(painted), painted
    again = [t for t, _ in fitted if t in neighbours]
    assert again == [], again
    assert first.name + "-NEW" in {t for t, _ in fitted}, "the new name measured"
    # What the canvas draws is what it draws afresh (every box painted anew).
    scene.labels.record = []
    view.viewport().repaint()
    drawn = {(d.owner, d.text) for d in scene.labels.record}
    assert any(owner == first.id and text.endswith("NEW") for owner, text in drawn), drawn
    for vm in vms[1:]:
        if vm.name in neighbours:
            assert (vm.id, vm.name) in drawn


def test_a_big_renamings_steps_repaint_the_renamed_boxes_and_the_rest_once_done(
    design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Ctrl+H, the first site's name replaced in every name, Replace All, in steps (the
    size above which an edit is stepped lowered): while the steps run, the canvas paints
    only boxes whose own name changed (the old code painted every row of their boxes at
    each step: at 100k each step repainted the whole view); once done, the view is what a
    fresh window on the saved design shows, pixel for pixel."""
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "20")
    window = open_settled(design, launch, qtbot, tmp_path)
    session, view = window.session, window.view
    scene = view.design_scene
    site = next(e for e in design.elements if e.kind == "site")
    # A host whose VMs the plan renames in several parts (in design order).
    host = next(e for e in design.elements if e.kind == "esxi_host")
    view.set_zoom(1.0)
    centre = scene.nodes[host.id].scene_rect().center()
    view.centerOn(centre)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    renamed = {e.id for e in design.elements if site.name in e.name}
    node_type = type(scene.nodes[host.id])
    real_paint = node_type._paint
    while_busy: list[str] = []
    painted: list[str] = []
    steps: list[bool] = []  # (the steps run after the key's turn)

    def counted_paint(node: Any, painter: Any, option: Any) -> None:
        if scene.painting_view is view:
            painted.append(node.element_id)
            if session.busy and len(steps) > 1:  # (the first part's: as any edit's)
                while_busy.append(node.element_id)
        real_paint(node, painter, option)

    monkeypatch.setattr(node_type, "_paint", counted_paint)
    dialog = _open_dialog(qtbot, window)
    QTest.keyClicks(dialog.find_edit, site.name)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, site.name + "X")
    qtbot.waitUntil(lambda: dialog.summary.text().endswith("would change"))
    step = type(session)._step

    def counted_step(self: Any, job: Any) -> bool:
        steps.append(True)
        return bool(step(self, job))

    monkeypatch.setattr(type(session), "_step", counted_step)
    # Steps of 8 names, one a turn (as at 100k, where a step fills its turn).
    monkeypatch.setattr(session_module, "STEP_FIRST_SIZE", 8)
    monkeypatch.setattr(session_module, "_sized", lambda *args: session_module.TURN_S)
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.busy or len(steps) > 0, timeout=60_000)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert len(steps) > 2, "the renaming ran in steps"
    assert while_busy, "the canvas painted between the steps"
    # Each box at most once, and only for its own new name: not its box nor its rows at
    # each step that renamed some of them.
    assert set(while_busy) <= renamed, sorted(set(while_busy) - renamed)
    twice = sorted({i for i in while_busy if while_busy.count(i) > 1})
    assert not twice, twice
    # Once done, their boxes too (the host's title bar and its rows as they are now).
    assert host.id not in while_busy
    neighbours = {host.id}
    qtbot.waitUntil(lambda: neighbours <= set(painted), timeout=60_000)
    dialog.close()
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    saved = tmp_path / "renamed.json"
    assert window.save_to(saved)
    fresh = launch(saved)
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    for w in (window, fresh):
        w.resize(1600, 1000)
        w.session.set_selection([])
        w.view.set_zoom(1.0)
        w.view.centerOn(centre)
    QApplication.processEvents()
    shown = view.viewport().grab().toImage()
    again = fresh.view.viewport().grab().toImage()
    shown.save(str(tmp_path / "renamed-window.png"))
    again.save(str(tmp_path / "renamed-fresh.png"))
    assert shown == again


def test_the_inspector_follows_a_big_renaming_once_it_is_done(
    design: Design, launch: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A DAG clicked (the Inspector shows it: its members and witness among the names
    to choose from), then Ctrl+H, the site's name replaced in every name, Replace All in
    steps: the Inspector does not refill the DAG's form at each step (at 100k ~300 ms a
    step, 330 steps), but once the renaming is done; then it shows what it shows when
    the DAG is clicked afresh."""
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "20")
    window = open_settled(design, launch, qtbot, tmp_path)
    session = window.session
    site = next(e for e in design.elements if e.kind == "site")
    dag = next(e for e in design.elements if e.kind == "dag")
    click_title(window, dag.id)
    inspector = window.findChild(InspectorPanel)
    qtbot.waitUntil(lambda: inspector.element_id == dag.id)
    steps: list[bool] = []
    synced: list[tuple[bool, int]] = []  # (busy, steps run) at each sync of the form
    sync = InspectorPanel._sync_element

    def counted_sync(panel: InspectorPanel, element: Any) -> None:
        synced.append((session.busy, len(steps)))
        sync(panel, element)

    step = type(session)._step

    def counted_step(self: Any, job: Any) -> bool:
        steps.append(True)
        return bool(step(self, job))

    monkeypatch.setattr(InspectorPanel, "_sync_element", counted_sync)

    monkeypatch.setattr(type(session), "_step", counted_step)
    monkeypatch.setattr(session_module, "STEP_FIRST_SIZE", 8)
    monkeypatch.setattr(session_module, "_sized", lambda *args: session_module.TURN_S)
    dialog = _open_dialog(qtbot, window)
    QTest.keyClicks(dialog.find_edit, site.name)
    QTest.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.replace_edit, site.name + "X")
    qtbot.waitUntil(lambda: dialog.summary.text().endswith("would change"))
    synced.clear()
    QTest.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(steps) > 0, timeout=60_000)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    assert len(steps) > 2, "the renaming ran in steps"
    assert not [s for s in synced if s[0] and s[1] > 0], synced
    # Once done, the members' rows name the servers as they are called now.
    renamed = {e.name.replace(site.name, site.name + "X") for e in design.elements}
    members = inspector.editors["members"]

    def texts() -> list[str]:
        return [row.text() for row in list_rows(members.editor)]

    qtbot.waitUntil(lambda: bool(texts()) and all(t in renamed for t in texts()))
    assert synced[-1] == (False, len(steps)), synced
    dialog.close()
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    shown = texts()
    inspector.scroll_area.verticalScrollBar().setValue(0)
    followed = inspector.grab().toImage()
    # The DAG clicked afresh: the same form.
    host = next(e for e in design.elements if e.kind == "esxi_host")
    click_title(window, host.id)
    qtbot.waitUntil(lambda: inspector.element_id == host.id)
    click_title(window, dag.id)
    qtbot.waitUntil(lambda: inspector.element_id == dag.id)
    inspector.scroll_area.verticalScrollBar().setValue(0)
    afresh = inspector.grab().toImage()
    assert [row.text() for row in list_rows(inspector.editors["members"].editor)] == shown
    followed.save(str(tmp_path / "inspector-followed.png"))
    afresh.save(str(tmp_path / "inspector-afresh.png"))
    assert followed == afresh
