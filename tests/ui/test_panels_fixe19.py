"""fixe19 (wave 19): eyes19's panel items, driven like a user through the real window
(``dr-designer gui`` / ``dr-designer gui FILE``, tests/gui_door.py).

- Saving a scenario under a name the design already has replaces that one in its place
  and says so, with the undo that brings it back (it went without a word).
- The Availability dock says "no failure figures" once (#12: twice, in two wordings).
- The Capacity dock's server counts name their unit, and a link's chart whose bars are
  too low to see says their peak (#14).
- File > Design Review Report… offers to open the file it wrote (#13).
"""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QToolButton
from test_availability_panel import SAMPLES
from test_canvas_support import click
from test_capacity_window import capacity_panel, stacked
from test_interop_menus import _menu_action
from test_window_leftovers19 import CTRL, _shot, _simulating, _two_site_dag

from designer.ui import dialogs


def _fail(window: Any, name: str) -> None:
    """A plain click in the header of the element named ``name`` (a new scenario)."""
    view = window.view
    element = next(e for e in window.session.design.elements if e.name == name)
    rect = view.design_scene.rect_of(element.id)
    view.ensureVisible(rect.left(), rect.top(), 60, 20)
    click(view, (rect.left() + 40, rect.top() + 8))


def test_saving_over_a_scenario_of_the_same_name_says_so_and_undoes(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _two_site_dag(launch, qtbot)
    controller = _simulating(window, qtbot)
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: ("site lost", True))
    save = next(
        b
        for b in window.simulation.bar.findChildren(QToolButton)
        if b.text().startswith("Save scenario")
    )
    _fail(window, "Production")
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    first = window.session.design.scenarios
    assert [s.name for s in first] == ["site lost"]
    assert window.statusBar().currentMessage() == "Scenario 'site lost' saved in the design"

    _fail(window, "Recovery")  # another scenario, saved under the same name
    assert [s.target for s in controller.steps] != [s.target for s in first[0].steps]
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    second = window.session.design.scenarios
    assert [s.name for s in second] == ["site lost"]  # one of that name, the new one
    assert second[0].steps == list(controller.steps)
    assert window.statusBar().currentMessage() == (
        "Scenario 'site lost' saved in the design, in place of the one of that name "
        "(Ctrl+Z brings it back)"
    )
    _shot(window, "scenario-saved-over")
    QTest.keyClick(window, Qt.Key.Key_Z, CTRL)  # as the message says
    assert window.session.design.scenarios == first


def test_the_availability_dock_says_no_failure_figures_once(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1400, 900)
    feature = window.availability
    qtbot.waitUntil(lambda: feature.building.done, timeout=10_000)
    window.view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F9)  # Simulate > Compute availability
    qtbot.waitUntil(lambda: feature.model.current and not feature.model.running, timeout=60_000)
    panel = feature.panel
    assert panel.table.rowCount() > 0  # the cut sets
    said = panel.figures_label.text()
    assert said.startswith("No failure figures yet: cut sets only.")
    status = panel.status.text()
    assert "figures" not in status.lower()
    assert status == "Cut sets up to order 3; settled states, no administrator action"
    _shot(panel, "availability-no-figures")


def test_the_capacity_dock_names_its_units_and_a_low_charts_peak(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    window.resize(1600, 1000)
    panel = capacity_panel(window)
    table = panel.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[2:4] == ["normal\nDBs / mailboxes", "worst\nDBs / mailboxes"]
    assert " / " in table.item(0, 2).text()  # "1 / 2,000": what each figure counts is above
    combo = panel.link_combo
    combo.setCurrentIndex(combo.findText("BOS-WOR dark fiber"))  # 10,000 Mbit/s
    qtbot.waitUntil(lambda: panel.peak_note is not None, timeout=3000)
    note = panel.peak_note
    assert note.textItem.toPlainText() == "peak 69.9 Mbit/s (1 % of 10,000)"
    tops = [stacked(panel, i) for i in range(len(panel.modes_shown()))]
    assert note.pos().x() == tops.index(max(tops)) and note.pos().y() == max(tops)
    assert note in panel.plot.items
    _shot(panel, "capacity-peak-note")
    combo.setCurrentIndex(combo.findText("BOS-HFD MPLS (carrier 1)"))  # 7 % of 1,000: seen
    qtbot.waitUntil(lambda: panel._heights == (max(tops), 1000.0), timeout=3000)
    assert panel.peak_note is None and note not in panel.plot.items


def test_a_written_review_report_is_offered_to_open(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    window = launch(SAMPLES / "dag_with_ha.json")
    target = tmp_path / "review.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    _menu_action(window, "File", "Design Review Report…").trigger()
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert target.exists()
    box = window.interop.written_box
    assert box is not None and box.isVisible() and not box.isModal()
    assert box.text() == f"Review report written to {target}"
    _shot(box, "review-written-open")
    (opener,) = [b for b in box.buttons() if b.text() == "Open"]
    assert box.defaultButton() is opener
    qtbot.mouseClick(opener, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(target))]
    qtbot.waitUntil(lambda: not shiboken6.isValid(box) or not box.isVisible(), timeout=3000)
