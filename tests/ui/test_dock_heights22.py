"""The bottom docks' tabs keep one height (wave 22, ``ui22``; eyes21 #6: "tabbing between
the bottom docks changes the canvas's height: the canvas jumps and its view scrolls each
time"). A tab raised grows the area for what its panel shows (Databases: a DAG's copies
whole), never shrinks it: F9 (Availability) set it to 330 px, so at 1280 x 800 the canvas
went 256 → 384 → 256 px between F9 and the Databases tab; and once the user drags the
area's edge, raising a tab keeps that height (Databases grew it back each time).

Through the doors: the Role Requirements Calculator's CSVs imported by ``dr-designer
import calculator``, the file opened by ``dr-designer gui FILE``; tabs clicked, F9
pressed, the area's edge dragged with the mouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_door import console_main
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar

from designer.ui import slices
from designer.ui.main_window import MainWindow

CALCULATOR = Path(__file__).parents[1] / "interop" / "data" / "calculator-prod"
SOURCES = ("MailboxDatabases.csv", "MailboxDatabaseCopies.csv", "Servers.csv")
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def _imported(tmp_path: Path) -> Path:
    out = tmp_path / "existing.drd.json"
    args = ["import", "calculator", *(str(CALCULATOR / s) for s in SOURCES), "-o", str(out)]
    assert console_main()(args) == 0
    return out


def _front(window: MainWindow) -> QDockWidget:
    """The bottom dock in front (its tab raised)."""
    (dock,) = [
        d
        for d in window.findChildren(QDockWidget)
        if window.dockWidgetArea(d) == BOTTOM and d.isVisible() and not d.visibleRegion().isEmpty()
    ]
    return dock


def _click_tab(window: MainWindow, qtbot: Any, name: str) -> None:
    for bar in window.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        for i in range(bar.count()):
            if bar.tabText(i).split(" —")[0] == name:
                QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
                qtbot.waitUntil(
                    lambda: _front(window).windowTitle().split(" —")[0] == name, timeout=10_000
                )
                qtbot.wait(100)  # a fit comes in the turn after the switch
                return
    raise AssertionError(f"no tab {name}")


def _steady(qtbot: Any, window: MainWindow) -> int:
    """The canvas's height once the window's layout has settled (a fit comes in a later
    turn: under load the edge was dragged before it and the press missed the edge)."""
    # The check's findings and the lines' routing land in the status bar and the canvas:
    # a relayout then resets a separator being moved.
    scene = window.view.design_scene
    qtbot.waitUntil(
        lambda: not window.session.checking and not scene.routing_pending, timeout=30_000
    )
    qtbot.waitUntil(lambda: not slices.shared()._jobs, timeout=30_000)
    seen: list[int] = []

    def same_thrice() -> bool:
        seen.append(window.view.height())
        return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

    qtbot.waitUntil(same_thrice, timeout=10_000)
    qtbot.wait(50)
    return window.view.height()


def _drag_edge(window: MainWindow, by: int) -> None:
    """The mouse drags the edge between the canvas and the bottom docks ``by`` px down
    (the window's own surface: QMainWindow moves its separator, a timer applying each
    move)."""
    top = _front(window).mapTo(window, QPoint(0, 0)).y()
    x, y = window.width() // 2, top - 3
    assert window.childAt(QPoint(x, y)) is None  # the separator, not a dock or the canvas

    def send(kind: QEvent.Type, at: int, button: Qt.MouseButton, held: Qt.MouseButton) -> None:
        point = QPointF(x, at)
        event = QMouseEvent(
            kind,
            point,
            point,
            window.mapToGlobal(point),
            button,
            held,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(window, event)
        QTest.qWait(30)

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseMove, y, none, none)
    send(QEvent.Type.MouseButtonPress, y, left, left)
    for step in range(1, 6):
        send(QEvent.Type.MouseMove, y + by * step // 5, none, left)
    send(QEvent.Type.MouseButtonRelease, y + by, left, none)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_the_bottom_tabs_keep_one_height(
    qtbot: Any, launch: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    window = launch(_imported(tmp_path))
    window.resize(*size)
    QTest.qWaitForWindowExposed(window)
    canvas = window.view
    # Databases: the area grows once for the DAG's copies.
    before = canvas.height()
    _click_tab(window, qtbot, "Databases")
    qtbot.waitUntil(lambda: canvas.height() < before, timeout=10_000)
    grown = canvas.height()
    # F9 raises Availability beside it: taller than its chart needs, kept.
    canvas.setFocus()
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: _front(window).objectName() == "AvailabilityDock", timeout=10_000)
    qtbot.wait(200)
    assert canvas.height() == grown  # it was set to 330 px: the canvas jumped
    for name in ("Capacity", "Problems", "Databases", "Availability", "Databases"):
        _click_tab(window, qtbot, name)
        assert canvas.height() == grown, name
    # The user drags the area's edge 100 px down: that height stays at every tab.
    assert _steady(qtbot, window) == grown
    _drag_edge(window, 100)
    qtbot.waitUntil(lambda: canvas.height() > grown, timeout=10_000)
    by_hand = canvas.height()
    assert window.dock_heights.by_hand >= {BOTTOM}
    for name in ("Capacity", "Databases", "Problems", "Databases"):
        _click_tab(window, qtbot, name)
        assert canvas.height() == by_hand, name  # Databases grew it back each time
    QTest.keyClick(canvas.viewport(), Qt.Key.Key_F9)
    qtbot.wait(200)
    assert canvas.height() == by_hand
    window.grab().save(str(tmp_path / f"tabs-{size[0]}.png"))


def test_a_panel_asking_for_room_still_grows_an_area_sized_by_hand(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    """The copy plan's preview (Plan copies… in the Databases panel) asks for its rows'
    room: something the user opened, so it grows the area even after a drag."""
    window = launch(_imported(tmp_path))
    window.resize(1280, 800)
    QTest.qWaitForWindowExposed(window)
    canvas = window.view
    before = canvas.height()
    _click_tab(window, qtbot, "Databases")
    qtbot.waitUntil(lambda: canvas.height() < before, timeout=10_000)  # grown for its rows
    grown = _steady(qtbot, window)
    _drag_edge(window, 160)
    qtbot.waitUntil(lambda: canvas.height() > grown, timeout=10_000)
    by_hand = canvas.height()
    panel = _front(window).widget()
    QTest.mouseClick(panel.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: canvas.height() < by_hand, timeout=10_000)
