"""A plain click in simulation mode starts a new scenario; when that drops steps the
user made, the status bar says so (eyes19: BOS-WOR dark fiber cut to 5 % from its
menu, then a click on Boston — the degrade vanished from the scenario bar without a
word). Through the door: ``dr-designer gui three_site_stretched_dag.json``, F5."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import degrade_from_menu, simulate

from designer.ui.main_window import MainWindow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _click_header(
    window: MainWindow,
    element_id: str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None, element_id
    view.ensureVisible(rect.adjusted(0, 0, 0, -rect.height() + 40), 10, 10)
    QApplication.processEvents()
    point = view.mapFromScene(rect.topLeft()) + QPoint(60, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def test_a_click_that_replaces_the_scenario_says_so(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = launch(SAMPLES / "three_site_stretched_dag.json")
    simulate(window, qtbot)
    controller = window.simulation.controller
    chosen = degrade_from_menu(window, "wan-bos-wor", ["Degrade", "Bandwidth to 5 %"])
    assert chosen == ["Degrade", "Bandwidth to 5 % (500 Mbit/s)"]
    assert [s.action for s in controller.steps] == ["degrade"]
    _click_header(window, "site-bos")
    assert [(s.action, s.target) for s in controller.steps] == [("fail", "site-bos")]
    message = window.statusBar().currentMessage()
    assert message == (
        "New scenario: fail Boston (the previous one's 1 step cleared; "
        "Shift-click adds to a scenario)"
    )
    # Shift-click adds, and says nothing of the kind.
    window.statusBar().clearMessage()
    _click_header(window, "site-hfd", Qt.KeyboardModifier.ShiftModifier)
    assert [s.target for s in controller.steps] == ["site-bos", "site-hfd"]
    assert "New scenario" not in window.statusBar().currentMessage()
