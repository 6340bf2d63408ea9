"""Planning more databases spreads the DAG's mailboxes over them; the users do not grow
(eyes17: File > New > Two-site DAG, Plan copies… with 4 databases: DB03 and DB04 came
with DB02's 2,000 mailboxes each, 8,000 mailboxes for the 4,000 users Production
states, and CAP003 after Apply). As Microsoft's calculator spreads a fixed mailbox
count over the databases, each of the four now holds 1,000 (and half the GB), the
preview says so before Apply, and the check finds nothing new."""

from __future__ import annotations

from pathlib import Path

from gui_door import console_main
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_tab, type_into

from designer.document.templates import template
from designer.domain.elements import MailboxDatabase, Site
from designer.persistence import load, save
from designer.rules import check
from designer.ui.panels.databases import DatabasesPanel

SPREAD = "Production's 4,000 mailboxes, 1,000 each (was 2,000)"


def _mailboxes(design) -> dict[str, tuple[int, float]]:  # type: ignore[no-untyped-def]
    return {
        e.name: (e.mailboxes, e.size_gb) for e in design.elements if isinstance(e, MailboxDatabase)
    }


def _codes(design) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.code for f in check(design).findings}


def test_the_windows_plan_spreads_the_mailboxes_over_the_databases(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window = launch()
    (action,) = [a for a in window.new_menu.actions() if a.text().startswith("Two-site DAG")]
    action.trigger()
    QApplication.processEvents()
    document = window.session.document
    before = _mailboxes(document.design)
    assert before == {"DB01": (2000, 500.0), "DB02": (2000, 500.0)}
    (production,) = [e for e in document.design.elements if isinstance(e, Site) and e.users]
    assert production.users == 4000
    codes_before = _codes(document.design)
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    type_into(panel.plan.databases, "4")
    assert f"2 new databases sharing {SPREAD}" in panel.plan.notes.text()  # before Apply
    window.resize(1280, 800)
    QApplication.processEvents()
    Path("/tmp/fixd17-shots").mkdir(exist_ok=True)
    window.grab().save("/tmp/fixd17-shots/3-plan-copies-mailboxes.png")
    QTest.mouseClick(panel.plan.apply_button, Qt.MouseButton.LeftButton)
    after = _mailboxes(document.design)
    assert after == {name: (1000, 250.0) for name in ("DB01", "DB02", "DB03", "DB04")}
    assert sum(m for m, _gb in after.values()) == production.users
    assert "CAP003" not in _codes(document.design)
    assert _codes(document.design) <= codes_before
    # One undo step puts the mailboxes back.
    window.session.undo_stack.undo()
    assert _mailboxes(document.design) == before


def test_plan_copies_on_the_command_line_keeps_the_mailboxes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = tmp_path / "before.drd.json"
    save(template("two_site_dag"), before)
    out = tmp_path / "planned.drd.json"
    args = ["plan-copies", str(before), "--dag", "DAG01", "--databases", "4", "-o", str(out)]
    assert console_main()(args) == 0
    assert f"note: the databases share {SPREAD}" in capsys.readouterr().out
    planned = _mailboxes(load(out))
    assert sorted(planned.values()) == [(1000, 250.0)] * 4
