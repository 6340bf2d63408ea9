"""Databases that *Plan copies…* / ``plan-copies --databases`` adds join the backup that
covers the DAG's other databases (eyes16: right after planning, 2 × BK001 "no backup and
no lagged copy"), in the same undoable step."""

from __future__ import annotations

from pathlib import Path

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_tab, type_into

from designer.document.templates import template
from designer.domain.elements import Backup
from designer.persistence import load, save
from designer.rules import check
from designer.ui.panels.databases import DatabasesPanel


def _backup(design) -> Backup:  # type: ignore[no-untyped-def]
    (backup,) = [e for e in design.elements if isinstance(e, Backup)]
    return backup


def _bk001(design) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.message for f in check(design).findings if f.code == "BK001"]


def test_plan_copies_on_the_command_line_puts_new_databases_in_the_backup(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    before = tmp_path / "before.drd.json"
    save(template("three_site_dag"), before)
    assert _backup(load(before)).databases == ["db-01", "db-02"]
    out = tmp_path / "planned.drd.json"
    args = ["plan-copies", str(before), "--dag", "DAG01", "--databases", "4", "-o", str(out)]
    assert console_main()(args) == 0
    assert (
        "note: the new databases join backup Nightly database backup, which"
        in capsys.readouterr().out
    )
    planned = load(out)
    dbs = [e.id for e in planned.elements if e.kind == "mailbox_database"]
    assert len(dbs) == 4 and _backup(planned).databases == dbs
    assert _bk001(planned) == []


def test_a_backup_covering_only_some_databases_is_left_as_it_is(tmp_path: Path) -> None:
    from designer.capacity import plan_copies

    design = template("three_site_dag")
    only_one = [
        e.model_copy(update={"databases": ["db-01"]}) if isinstance(e, Backup) else e
        for e in design.elements
    ]
    design = design.model_copy(update={"elements": only_one})
    layout = plan_copies(design, "DAG01", databases=4)
    assert layout.backups == {}
    assert _backup(layout.apply(design)).databases == ["db-01"]


def test_the_windows_plan_adds_them_to_the_backup_in_one_undoable_step(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()
    QApplication.processEvents()
    document = window.session.document
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    type_into(panel.plan.databases, "4")
    assert "join backup Nightly database backup" in panel.plan.notes.text()
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    dbs = [e.id for e in document.design.elements if e.kind == "mailbox_database"]
    assert len(dbs) == 4 and _backup(document.design).databases == dbs
    assert _bk001(document.design) == []
    assert window.session.undo_stack.undoText() == "Plan copies of DAG01"
    window.view.setFocus()
    QTest.keySequence(window, "Ctrl+Z")
    assert _backup(document.design).databases == ["db-01", "db-02"]
    assert len([e for e in document.design.elements if e.kind == "mailbox_database"]) == 2


def test_the_spread_note_has_one_wording_in_the_window_and_on_the_command_line(
    qtbot,
    launch,
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    """eyes16: four databases read "with 4 members a single failure still sends 100 % of a
    member's databases to one other member" (the CLI's note), two "a member's failure
    sends at most 100 % of its active databases to one other member" (the window's own)."""
    before = tmp_path / "before.drd.json"
    save(template("two_site_dag"), before)
    assert console_main()(["plan-copies", str(before), "--dag", "DAG01", "--databases", "4"]) == 0
    wording = (
        "with 4 members a member's failure sends at most 100 % of its active databases "
        "to one other member"
    )
    notes = [n for n in capsys.readouterr().out.splitlines() if "failure sends" in n]
    assert notes == [f"note: {wording}"]
    window = launch(before)
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    # Two databases, one active on each production member: nothing to spread.
    assert "failure sends" not in panel.plan.notes.text()
    type_into(panel.plan.databases, "4")
    text = panel.plan.notes.text()
    assert text.count(wording) == 1, text
    assert "still sends" not in text and "single failure" not in text
    window.resize(1280, 800)
    qtbot.wait(50)
    window.grab().save("/tmp/fixc16-shots/plan-copies-4.png")
