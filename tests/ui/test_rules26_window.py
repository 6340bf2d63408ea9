"""rules26 through the window (``dr-designer gui FILE``, real widgets): the simulation's
degrade menu and words write bandwidths with the thousands separator the Capacity dock
uses; the Problems list shows a gathered finding's elements as a count and the first
few; a database is waived out of a gathered finding from its context menu, saved in the
design file, undone with Ctrl+Z."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_door import console_main
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QToolButton,
)
from test_capacity_window import degrade_from_menu, open_tab, pick_from_menus, simulate
from test_window_leftovers20 import _twelve_empty_databases

from designer.ui.panels.problems import FINDING_ROLE, ProblemsPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/rules26-shots"))


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


# -- the thousands separator in simulation mode --------------------------------------------
def test_the_degrade_menu_and_the_scenarios_words_write_5_000_mbit_s(
    launch: Any, qtbot: Any
) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    simulate(window, qtbot)
    # BOS-WOR dark fiber: 10,000 Mbit/s (the menu read "Bandwidth to 50 % (5000 Mbit/s)").
    chosen = degrade_from_menu(window, "wan-bos-wor", ["Degrade", "Bandwidth to 50 %"])
    assert chosen == ["Degrade", "Bandwidth to 50 % (5,000 Mbit/s)"], chosen
    controller = window.simulation.controller
    assert [s.bandwidth_mbps for s in controller.steps] == [5000.0]
    # The scenario bar's chip and the simulator's event say it the same way.
    chips = [
        b.text() for b in window.simulation.bar.findChildren(QToolButton) if "degrade" in b.text()
    ]
    assert any("(5,000 Mbit/s)" in c for c in chips), chips
    result = controller.result
    assert result is not None
    (event,) = [e for e in result.events if e.kind == "link_degraded"]
    assert "bandwidth 5,000 Mbit/s (designed 10,000)" in event.text, event.text
    _shot(window.simulation.bar, "scenario-bar-5000")


# -- a gathered finding in the Problems list -----------------------------------------------
def _row_of(model: Any, code: str) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, 1).data() == code)


def _bk001(window: Any, *, waived: bool = False) -> list[Any]:
    return [f for f in window.session.findings.findings if f.code == "BK001" and f.waived is waived]


def _answer_waive_one(pick: str, reason: str, seen: dict[str, Any]) -> Callable[[], None]:
    """A timer callback that answers the dialog of Waive one of its … as a user: the
    element typed into the list (keyboard search), the reason typed, Waive clicked."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or dialog.objectName() != "choiceReasonDialog":
            QTimer.singleShot(20, answer)
            return
        combo = dialog.findChild(QComboBox, "choice")
        edit = dialog.findChild(QLineEdit, "reason")
        buttons = dialog.findChild(QDialogButtonBox)
        assert combo is not None and edit is not None and buttons is not None
        seen["choices"] = [combo.itemText(i) for i in range(combo.count())]
        seen["title"] = dialog.windowTitle()
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["enabled before the reason"] = ok.isEnabled()
        QTest.keyClicks(combo, pick)
        seen["picked"] = combo.currentText()
        QTest.keyClicks(edit, reason)
        _shot(dialog, "waive-one-dialog")
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)

    return answer


def test_a_gathered_finding_reads_well_and_one_database_is_waived_out_of_it(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = _twelve_empty_databases(tmp_path)
    window = launch(path)  # dr-designer gui twelve.drd.json
    window.resize(1280, 800)
    panel = window.findChild(ProblemsPanel)
    assert isinstance(panel, ProblemsPanel)
    open_tab(window, "Problems")
    table, model = panel.table, panel.table.model()
    qtbot.waitUntil(
        lambda: any(model.index(r, 1).data() == "BK001" for r in range(model.rowCount()))
    )
    # The Elements column: how many and the first three (it listed all twelve names);
    # the tooltip lists them all.
    row = _row_of(model, "BK001")
    assert model.index(row, 3).data() == "12 elements: DB-X01, DB-X02, DB-X03 and 9 more"
    tip = model.index(row, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert all(f"DB-X{n:02d}" in tip for n in range(1, 13)), tip
    assert tip.startswith("<p><b>12 elements:</b>")
    # A finding of few elements still shows them all.
    few = _row_of(model, "DAG013")
    assert model.index(few, 3).data() == "DAG01, Worcester"
    _shot(panel, "problems-gathered-bk001")
    # Explain (the details) lists them all too.
    at = table.visualRect(model.index(row, 2)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    QTest.mouseClick(panel.explain_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Its 12 elements:" in panel.explain_view.toPlainText())
    assert "DB-X11, DB-X12" in panel.explain_view.toPlainText()
    _shot(panel, "problems-explain-elements")
    row = _row_of(model, "BK001")

    # Right click → Waive one of its 12 mailbox databases… → DB-X07, a reason, Waive.
    seen: dict[str, Any] = {}
    chosen: list[str] = []
    QTimer.singleShot(0, _answer_waive_one("DB-X07", "journaling database", seen))
    QTimer.singleShot(50, pick_from_menus(["Waive one of its"], chosen))
    table.scrollTo(model.index(row, 2))
    at = table.visualRect(model.index(row, 2)).center()
    # A right-click on the row: the viewport gets the mouse's context menu event (QTest's
    # right click sends none offscreen).
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, table.viewport().mapToGlobal(at))
    QApplication.sendEvent(table.viewport(), event)
    qtbot.waitUntil(lambda: bool(_bk001(window, waived=True)), timeout=10_000)
    assert chosen == ["Waive one of its 12 mailbox databases…"], chosen
    assert seen["choices"] == [f"DB-X{n:02d}" for n in range(1, 13)]
    assert seen["picked"] == "DB-X07" and seen["enabled before the reason"] is False
    (waived,) = _bk001(window, waived=True)
    assert waived.elements == ("x07",) and waived.waiver_reason == "journaling database"
    # The finding stays for the other eleven.
    (active,) = _bk001(window)
    assert "x07" not in active.elements and len(active.elements) == 11
    assert active.message.startswith("11 mailbox databases (DB-X01, DB-X02, DB-X03 and 8 more)")
    qtbot.waitUntil(
        lambda: (
            model.index(_row_of(model, "BK001"), 3).data()
            == "11 elements: DB-X01, DB-X02, DB-X03 and 8 more"
        )
    )
    _shot(panel, "problems-one-waived")

    # Saved (Ctrl+S): the waiver names the one database, with its reason.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.session.dirty, timeout=10_000)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["design"]["rules"]["waivers"] == [
        {"code": "BK001", "elements": ["x07"], "reason": "journaling database"}
    ]
    # The review report lists it under the waived findings, with its reason.
    report = tmp_path / "review.html"
    assert console_main()(["report", str(path), "-o", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    waived_part = page[page.index("Waived findings") :]
    assert "mailbox database DB-X07 has no backup" in waived_part
    assert "journaling database" in waived_part

    # Ctrl+Z takes the waiver back: one finding about the twelve again.
    table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not _bk001(window, waived=True), timeout=10_000)
    (active,) = _bk001(window)
    assert len(active.elements) == 12
    assert window.session.design.rules.waivers == []

    # DAG014's finding of a member: the waiver names the database and that member (the
    # copy), and the member's finding stays for its other copies.
    member_row = next(
        r
        for r in range(model.rowCount())
        if model.index(r, 1).data() == "DAG014"
        and str(model.index(r, 3).data()).startswith("14 elements: BOS-MBX2")
    )
    member = model.index(member_row, 0).data(FINDING_ROLE).elements[0]
    seen.clear()
    QTimer.singleShot(0, _answer_waive_one("DB-X03", "seeded after the migration", seen))
    table.scrollTo(model.index(member_row, 2))
    at = table.visualRect(model.index(member_row, 2)).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, table.viewport().mapToGlobal(at))
    chosen.clear()
    QTimer.singleShot(50, pick_from_menus(["Waive one of its"], chosen))
    QApplication.sendEvent(table.viewport(), event)
    qtbot.waitUntil(lambda: bool(window.session.design.rules.waivers), timeout=10_000)
    assert chosen == ["Waive one of its 13 mailbox databases…"], chosen
    (waiver,) = window.session.design.rules.waivers
    assert waiver.code == "DAG014" and waiver.elements == ["x03", member]
    qtbot.waitUntil(
        lambda: any(f.code == "DAG014" and f.waived for f in window.session.findings.findings)
    )
    (kept,) = [
        f for f in window.session.findings.active if f.code == "DAG014" and f.elements[0] == member
    ]
    assert len(kept.elements) == 13 and "x03" not in kept.elements
