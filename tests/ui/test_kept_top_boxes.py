"""The canvas keeps its list of top-level boxes across edits (a box added, removed,
moved into or out of another, renamed, undone, redone) instead of walking every box
again after each (3–8 ms of the paint after every edit at 100,000 elements, most of it
in the loose rows' summary of ``drawBackground``). What is kept is what a walk gives,
and the loose rows' columns and their summary in a paint are those of a scene that
kept nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.document import MoveElements, RemoveElements, SetProperty
from designer.persistence import dumps
from designer.ui.main_window import MainWindow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _walked(scene) -> list[str]:  # type: ignore[no-untyped-def]
    return [i for i in scene.nodes if scene.box_parent.get(i) is None]


def _summary(window: MainWindow) -> tuple[list[list[str]], set[str]]:
    scene = window.view.design_scene
    window.view.viewport().repaint()
    return [list(c) for c in scene._loose_summaries], set(scene._loose_summarised)


def _same_as_kept_nothing(window: MainWindow) -> None:
    scene = window.view.design_scene
    assert scene._top_level() == _walked(scene)
    columns = scene.loose_columns()
    summary = _summary(window)
    scene._top_boxes = None  # what a scene that kept nothing does
    assert scene.loose_columns() == columns
    assert _summary(window) == summary


def _empty_spot(window: MainWindow) -> QPointF:
    """A point right of every box (a drop there is at the top level)."""
    rect = window.view.design_scene.itemsBoundingRect()
    return QPointF(rect.right() + 400, rect.top() + 40)


@pytest.mark.parametrize("design", ["double_take", "dag_with_ha", "generated"])
def test_the_top_level_boxes_kept_across_edits_are_what_a_walk_finds(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, design: str
):
    if design == "generated":
        path = tmp_path / "generated.json"
        path.write_text(dumps(generate_design(300, seed=1)), encoding="utf-8")
    else:
        path = SAMPLES / f"{design}.json"
    window = launch(path)
    session, scene = window.session, window.view.design_scene
    editor = getattr(window.view, "editor", window.view)
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # fit
    stack = session.undo_stack
    elements = session.design.elements
    _same_as_kept_nothing(window)

    # A rename: the list is kept as it is (not made again).
    kept = scene._top_level()
    vm = next(e for e in elements if e.kind == "vm")
    session.push(SetProperty(vm.id, "name", vm.name + "-renamed"))
    assert scene._top_boxes is kept
    _same_as_kept_nothing(window)
    kept = scene._top_level()

    # A loose database added at the top level (dropped right of every box) and a VM
    # into a host: the first joins the list, the second does not; the list is kept.
    added_db = editor.add_element_at("mailbox_database", _empty_spot(window))
    assert added_db is not None and scene.box_parent.get(added_db) is None
    assert scene._top_boxes is kept and kept[-1] == added_db
    _same_as_kept_nothing(window)
    host = next(e for e in elements if e.kind == "esxi_host")
    entry = session.design.layout[host.id]
    inside = QPointF(entry.x + (entry.w or 180) / 2, entry.y + (entry.h or 110) / 2)
    added_vm = editor.add_element_at("vm", inside)
    assert added_vm is not None and scene.box_parent.get(added_vm) is not None
    _same_as_kept_nothing(window)

    # A VM to another host (out of one box into another), a box moved, a top-level box
    # and a row removed; each undone and redone.
    hosts = [e for e in session.design.elements if e.kind == "esxi_host"]
    other = next(h for h in hosts if h.id != getattr(vm, "host", None))
    loose = [i for column in scene.loose_columns() for i in column]
    top_box = next(i for i in _walked(scene) if i not in loose and i != added_db)
    moved = session.design.layout[top_box]
    in_dag = [
        e
        for e in session.design.elements
        if e.kind == "mailbox_database" and scene.box_parent.get(e.id) is not None
    ]
    out_of_dag: list[SetProperty] = []
    if in_dag:  # out of its DAG's box to the top level (a loose row), and back
        db = in_dag[0]
        out_of_dag = [SetProperty(db.id, "dag", None), SetProperty(db.id, "dag", db.dag)]
    edits = [
        *out_of_dag[:1],
        SetProperty(vm.id, "host", other.id),  # (between the two: they would merge)
        *out_of_dag[1:],
        MoveElements({top_box: moved.model_copy(update={"x": moved.x + 40})}),
        RemoveElements([added_db]),
        RemoveElements([loose[0]] if loose else [top_box]),
        RemoveElements([top_box]),
        RemoveElements([added_vm]),
    ]
    for edit in edits:
        session.push(edit)
        _same_as_kept_nothing(window)
        if out_of_dag and edit is edits[0]:
            assert scene.box_parent.get(out_of_dag[0].element_id) is None
    for _ in edits:
        stack.undo()
        _same_as_kept_nothing(window)
    for _ in edits:
        stack.redo()
        _same_as_kept_nothing(window)
    assert added_db not in scene.nodes and top_box not in scene.nodes
    for _ in range(len(edits) + 2):  # back to the file as opened
        stack.undo()
        _same_as_kept_nothing(window)
    assert added_db not in scene.nodes and top_box in scene.nodes
