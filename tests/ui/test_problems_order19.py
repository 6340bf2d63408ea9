"""Findings in the natural order of their elements' ids (eyes19): a design imported from
the Exchange calculator's CSVs numbers its databases db-1 … db-72, and the Problems
panel (and `check`) listed DAG-nn-DB01, DB10, DB11 … DB19, DB02, DB20 …: the ids
compared as strings. Through the doors: `dr-designer import calculator`, then
`dr-designer check` and `dr-designer gui FILE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QSpinBox
from test_capacity_window import open_tab

from designer.entry import main
from designer.ui.main_window import MainWindow
from designer.ui.panels.inspector import InspectorPanel
from designer.ui.panels.problems import FINDING_ROLE, GROUP_ROLE, ProblemsPanel

CALCULATOR = Path(__file__).resolve().parents[1] / "interop" / "data" / "calculator-prod"
IN_ORDER = [f"DAG-nn-DB{n:02d}" for n in range(1, 73)]


@pytest.fixture
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "calc.drd.json"
    sources = [str(p) for p in sorted(CALCULATOR.glob("*.csv"))]
    assert main(["import", "calculator", *sources, "-o", str(out)]) == 0
    capsys.readouterr()
    return out


def _ids_to_names(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {e["id"]: e["name"] for e in data["design"]["elements"]}


def test_check_lists_the_imported_databases_in_order(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(imported), "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    # One CAP006 for the DAG's 72 databases since rules25 (72 findings before), naming
    # them in order.
    (cap006,) = [f for f in findings if f["code"] == "CAP006"]
    assert cap006["message"].startswith(
        "72 mailbox databases (DAG-nn-DB01, DAG-nn-DB02, DAG-nn-DB03 and 69 more) of DAG "
        "DAG-nn state 0 mailboxes"
    ), cap006["message"]
    names = _ids_to_names(imported)
    assert [names[e] for e in cap006["elements"]] == IN_ORDER


def test_the_problems_panel_lists_them_in_order(qtbot, launch, imported: Path) -> None:  # type: ignore[no-untyped-def]
    """The one CAP006 row; its menu's Select its 72 elements selects the databases, in
    order, and the Inspector sets their mailboxes at once: the finding goes."""
    window: MainWindow = launch(imported)
    session = window.session
    problems = window.findChild(ProblemsPanel)
    assert problems is not None
    open_tab(window, "Problems")
    table = problems.table
    model = table.model()

    def cap006() -> list[Any]:
        found = (model.index(r, 0).data(FINDING_ROLE) for r in range(model.rowCount()))
        return [f for f in found if f is not None and f.code == "CAP006"]

    qtbot.waitUntil(lambda: len(cap006()) == 1, timeout=20_000)
    assert not any(model.index(r, 0).data(GROUP_ROLE) for r in range(model.rowCount()))
    (finding,) = cap006()
    row = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data(FINDING_ROLE) == finding
    )
    seen: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        seen.extend(a.text().replace("&", "") for a in menu.actions() if a.text())
        action = next(a for a in menu.actions() if a.text().startswith("Se&lect its"))
        menu.close()
        action.trigger()

    table.scrollTo(model.index(row, 2))
    at = table.visualRect(model.index(row, 2)).center()
    QTimer.singleShot(20, choose)
    # A right-click on the row: the viewport gets the mouse's context menu event.
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, table.viewport().mapToGlobal(at))
    QApplication.sendEvent(table.viewport(), event)
    qtbot.waitUntil(lambda: len(session.selection) == 72, timeout=20_000)
    assert "Select its 72 elements" in seen, seen
    names = _ids_to_names(imported)
    assert [names[e] for e in session.selection] == IN_ORDER
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    qtbot.waitUntil(lambda: "mailboxes" in inspector.editors, timeout=10_000)
    spin = inspector.editors["mailboxes"].editor
    assert isinstance(spin, QSpinBox)
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, "500")
    QTest.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not cap006(), timeout=20_000)
    assert {session.document.get(e).mailboxes for e in finding.elements} == {500}
