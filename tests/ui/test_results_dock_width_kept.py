"""Simulation mode's Results dock keeps the width the user gave it (fixa15: each F5
sized it afresh to 38 % of the window, so a dock dragged wider or narrower came back at
608 px at 1600 and the canvas beside it changed with every mode switch). The edit
mode's canvas is as it was after each visit; the first visit's sizes are unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.ui.simulation.mode import MAX_RESULTS_WIDTH, RESULTS_SHARE

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path("/tmp/uib16-shots")


def _f5(window: Any, qtbot: Any) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    qtbot.wait(50)
    QApplication.processEvents()


def _drag_separator(window: Any, qtbot: Any, dx: int) -> None:
    """Drag the separator left of the Results dock ``dx`` pixels with the mouse."""
    results = window.simulation.docks[1]
    left = results.geometry().left()
    # The separator lies between the canvas's column and the dock, a few pixels wide.
    point = QPoint(left - 2, results.geometry().center().y())
    assert window.childAt(point) is None or window.childAt(point) is window
    QTest.mousePress(window, Qt.MouseButton.LeftButton, pos=point)
    for step in range(1, 11):
        QTest.mouseMove(window, point + QPoint(dx * step // 10, 0))
        qtbot.wait(5)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, pos=point + QPoint(dx, 0))
    qtbot.wait(50)
    QApplication.processEvents()


def test_the_results_dock_keeps_the_width_the_user_set(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLES / "dag_with_ha.json")  # dr-designer gui FILE
    window.resize(1600, 1000)
    qtbot.wait(100)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    editing = window.view.width()
    results = window.simulation.docks[1]

    _f5(window, qtbot)
    assert window.simulation.controller.active and results.isVisible()
    first = results.width()
    assert abs(first - min(MAX_RESULTS_WIDTH, round(1600 * RESULTS_SHARE))) <= 2
    _drag_separator(window, qtbot, -200)  # wider
    wider = results.width()
    assert wider >= first + 150, (first, wider)
    canvas = window.view.width()

    _f5(window, qtbot)  # back to editing: the canvas as it was
    assert not window.simulation.controller.active
    assert window.view.width() == editing
    _f5(window, qtbot)  # and simulating again: the dock as the user left it
    assert results.width() == wider and window.view.width() == canvas
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "results-dock-kept-wider.png"))

    _drag_separator(window, qtbot, 350)  # narrower than the first width
    narrower = results.width()
    assert narrower < first - 100, (first, narrower)
    _f5(window, qtbot)
    _f5(window, qtbot)
    assert results.width() == narrower
    window.grab().save(str(SHOTS / "results-dock-kept-narrower.png"))
