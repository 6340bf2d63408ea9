"""Databases that *Plan copies…* adds are drawn in their DAG's box, as a palette drop
puts a database there (eyes17: File > New > Two-site DAG, Databases → Plan copies…,
Databases 4, Apply: DB03 and DB04 had no layout entries, and the canvas drew them over
the DAG01 box's edge and the backup box under it, DB04 outside DAG01; the box did not
grow). Each new database takes a free row under the others, the DAG box grows round
them pushing the backup box down, all in the plan's one undoable step, and the saved
file holds their places."""

from __future__ import annotations

import json
from pathlib import Path

from gui_door import console_main
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication
from test_link_fix_by_keyboard import plan_databases

from designer.document.templates import template
from designer.persistence import save

SHOTS = Path("/tmp/fixd17-shots")


def test_planned_databases_take_free_rows_in_their_dag_box(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    window.resize(1600, 1000)
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()
    QApplication.processEvents()
    session, scene = window.session, window.view.design_scene
    before = {k: scene.nodes[k].scene_rect() for k in ("dag-1", "db-01", "db-02", "backup-1")}
    plan_databases(window, 4)
    design = session.document.design
    new = [e.id for e in design.elements if e.kind == "mailbox_database"][2:]
    assert len(new) == 2
    assert all(k in design.layout for k in new), "the new databases have their places"
    dag = scene.nodes["dag-1"].scene_rect()
    rows = [scene.nodes[k].scene_rect() for k in ("db-01", "db-02", *new)]
    for row in rows:
        assert dag.contains(row), (row, dag)
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            assert not a.intersects(b), (a, b)
    # In the column of the others, each under the one before.
    assert {r.x() for r in rows} == {before["db-01"].x()}
    assert {r.width() for r in rows} == {before["db-01"].width()}
    assert [r.y() for r in rows] == sorted(r.y() for r in rows)
    # The box grew round them; the backup box under it was pushed down, clear of it.
    assert dag.height() > before["dag-1"].height()
    backup = scene.nodes["backup-1"].scene_rect()
    assert not backup.intersects(dag) and not any(backup.intersects(r) for r in rows)
    assert backup.y() > before["backup-1"].y()
    SHOTS.mkdir(exist_ok=True)
    window.view.centerOn(dag.center())
    QApplication.processEvents()
    window.view.viewport().grab().save(str(SHOTS / "2-plan-copies-rows.png"))
    # Saved, the file holds their places.
    path = tmp_path / "planned.drd.json"
    save(design, path)
    layout = json.loads(path.read_text())["design"]["layout"]
    assert all(k in layout for k in new)
    # `dr-designer plan-copies … -o OUT` draws them in the same places (one command).
    plain, out = tmp_path / "two-site.drd.json", tmp_path / "cli.drd.json"
    save(template("two_site_dag"), plain)
    args = ["plan-copies", str(plain), "--dag", "DAG01", "--databases", "4", "-o", str(out)]
    assert console_main()(args) == 0
    by_cli = json.loads(out.read_text())["design"]["layout"]
    for k in (*new, "dag-1", "backup-1"):
        assert by_cli[k] == layout[k], (k, by_cli[k], layout[k])
    # One undo step takes the databases away and puts the boxes back.
    assert session.undo_stack.undoText() == "Plan copies of DAG01"
    session.undo_stack.undo()
    QApplication.processEvents()
    assert not any(k in scene.nodes for k in new)
    after_undo = {k: scene.nodes[k].scene_rect() for k in before}
    assert after_undo == before
    assert isinstance(after_undo["dag-1"], QRectF)
