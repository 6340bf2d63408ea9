"""Plan copies… on a DAG whose databases state no mailboxes says plainly what to do
(wave 23, ``ui23``).

The Role Requirements Calculator's exports carry no mailbox counts: the imported
databases hold 0. Planning more databases then said, on the preview's first line,
"8 cells change, 8 new databases sharing DAG-nn-DB73, DAG-nn-DB74, … (all eight) hold
no mailboxes: no database states any for the DAG" (the note was taken for the mailboxes'
share), and ``plan-copies`` "note: the databases share DAG-nn-DB73, … hold no
mailboxes: …": neither said where mailboxes are stated. It is now a note of its own that
names at most three databases and says what to do. Through the doors: the calculator's
CSVs imported by ``dr-designer import calculator``, the file opened by ``dr-designer gui
FILE``, the Databases tab clicked, Plan copies… clicked, 80 typed; ``dr-designer
plan-copies``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_plan, type_into
from test_dock_heights22 import _imported

SAID = (
    "DAG-nn-DB73, DAG-nn-DB74, DAG-nn-DB75 and 5 more get no mailboxes: no database of "
    "DAG-nn states how many it holds; to share the users' mailboxes among all its "
    "databases, first state the mailboxes of DAG-nn's databases (Inspector: Mailboxes), "
    "then plan the copies again"
)


def test_the_preview_says_what_to_do_when_no_database_states_mailboxes(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    window, panel = open_plan(launch, _imported(tmp_path))
    type_into(panel.plan.databases, "80")
    qtbot.waitUntil(lambda: "8 new databases" in panel.plan.notes.text(), timeout=20_000)
    lines = panel.plan.notes.text().split("\n")
    # No "sharing" of mailboxes nobody states.
    assert lines[0].startswith("400 cells change, 8 new databases;"), lines[0]
    assert "shar" not in lines[0]
    assert SAID in lines
    assert panel.plan.notes.isVisible()
    QApplication.processEvents()
    Path("/tmp/ui23").mkdir(exist_ok=True)
    window.grab().save("/tmp/ui23/plan-copies-no-mailboxes.png")
    # Applied, the new databases hold no mailboxes (as the note said).
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    design = window.session.design
    new = [e for e in design.elements if getattr(e, "name", "") == "DAG-nn-DB80"]
    assert [e.mailboxes for e in new] == [0]  # type: ignore[attr-defined]


def test_plan_copies_on_the_command_line_says_it_too(tmp_path: Path, capsys: Any) -> None:
    path = _imported(tmp_path)
    capsys.readouterr()
    args = ["plan-copies", str(path), "--dag", "DAG-nn", "--databases", "80"]
    assert console_main()(args) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")]
    assert f"note: {SAID}" in notes
    assert not [n for n in notes if "share" in n and "hold no mailboxes" in n]
