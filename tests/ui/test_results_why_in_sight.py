"""Simulation mode's Results: the Why column is read without scrolling sideways (eyes14:
at 1600 x 1000 it began at the dock's right edge, behind a horizontal scroll bar). The
figures' columns fit their texts, the reason takes the width they leave, wrapped over
as many lines as it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.ui.simulation.results_table import COLUMNS

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path("/tmp/fixa15-shots")


def _fail_on_the_canvas(window: Any, qtbot: Any, element_id: str) -> None:
    """F5, then a click in the title bar of the element's box; played to the end."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    view = window.view
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    assert controller.active
    qtbot.waitUntil(lambda: controller.ready, timeout=5000)
    rect = view.design_scene.rect_of(element_id)
    view.ensureVisible(rect, 10, 10)
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert element_id in controller.state().failed
    controller.pause()
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: not window.simulation.overlay.gliding, timeout=3000)
    QApplication.processEvents()
    wait_until_settled(qtbot, window)


def _settled(window: Any) -> bool:
    results = window.simulation.results
    return (
        results._pending is None
        and results.table.rowCount() == len(window.simulation.controller.state().databases)
        and not results._fill_timer.isActive()
        and not results._rows_timer.isActive()
        and not (results._canvas is not None and results._canvas.waiting)
    )


def wait_until_settled(qtbot: Any, window: Any) -> None:
    """The Results table's rows made and fitted to their reasons, each in a turn of its
    own (a fixed 50 ms wait ended before them on a loaded machine); so again after the
    events that turn posted (a layout can ask for another fit)."""
    qtbot.waitUntil(lambda: _settled(window), timeout=20_000)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: _settled(window), timeout=20_000)


def _assert_every_reason_in_sight(window: Any) -> None:
    table = window.simulation.results.table
    assert table.isVisible()
    why = COLUMNS.index("Why")
    viewport = table.viewport().rect()
    assert table.horizontalScrollBar().maximum() == 0, "the table scrolls sideways"
    metrics = table.fontMetrics()
    reasons = 0
    for row in range(table.rowCount()):
        text = table.item(row, why).text()
        cell = table.visualRect(table.model().index(row, why))
        assert cell.left() >= 0 and cell.right() <= viewport.right(), (text, cell, viewport)
        # The whole reason within its cell, wrapped at its words (a few pixels of margin).
        room = QRect(0, 0, cell.width() - 8, 10_000)
        need = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
        assert need.width() <= room.width() and need.height() <= cell.height(), (text, cell)
        reasons += bool(text)
    assert reasons == table.rowCount() > 0


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_the_why_column_is_read_without_scrolling(
    launch: Any, qtbot: Any, size: tuple[int, int]
) -> None:
    window = launch(SAMPLES / "dag_with_ha.json")  # dr-designer gui FILE
    window.resize(*size)
    qtbot.wait(100)
    _fail_on_the_canvas(window, qtbot, "site-den")  # every database says why
    table = window.simulation.results.table
    texts = [table.item(r, COLUMNS.index("Why")).text() for r in range(table.rowCount())]
    assert all(t.count(" is down") == 3 for t in texts), texts  # long reasons
    _assert_every_reason_in_sight(window)
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    window.grab().save(str(SHOTS / f"2-results-why-{size[0]}.png"))
