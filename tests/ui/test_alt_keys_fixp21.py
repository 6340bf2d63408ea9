"""Alt keys ui21 found missing or shared (wave 21, ``fixp21``): the Capacity dock's
``&Export`` took Alt+E, the Edit menu's (it is now E&xport: Alt+X), and the simulation
scenario bar's menus (Report…'s, a lagged copy's recovery points, Saved scenarios) had
none. An open menu's letters now run its entries before any shortcut of the window: the
canvas's C (the Connect Tool) took Alt+X's C (Copy Figures) and Alt+E's C (Copy).
Through the user's door (``dr-designer gui FILE``), the keys pressed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel, QMenu, QWidget
from test_capacity_window import capacity_panel
from test_simulation_actions import Window, lagged_copy_button

from designer.ui.alt_keys import alt_key

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_DESIGNER_SHOTS", "/tmp/fixp21-shots"))


def _window_keys(window: QWidget) -> dict[str, list[str]]:
    """The Alt keys the window answers to wherever its focus is: its menu bar's menus,
    and its visible buttons' and labels' (each key: who has it)."""
    keys: dict[str, list[str]] = {}
    texts = [a.text() for a in window.menuBar().actions() if a.isVisible()]  # type: ignore[attr-defined]
    texts += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.buddy()]
    for text in texts:
        if (key := alt_key(text)) is not None:
            keys.setdefault(key, []).append(text)
    return keys


def _in_popup(
    act: Callable[[QMenu], None], seen: list[QMenu], shot: str | None = None
) -> Callable[[], None]:
    """A timer callback that acts on the popup menu once it is open (a popup runs its own
    event loop, so the test acts from inside it); ``shot``: its picture saved first."""

    def run() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, run)
            return
        seen.append(menu)
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            menu.grab().save(str(SHOTS / f"{shot}.png"))
        act(menu)

    return run


def test_alt_x_opens_the_capacity_export_menu_and_alt_e_the_edit_menu(
    launch: Any, qtbot: Any
) -> None:
    window = launch(SAMPLE)
    window.resize(1400, 900)
    panel = capacity_panel(window)
    qtbot.waitUntil(lambda: panel.export_button.isEnabled(), timeout=20_000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    button = panel.export_button
    assert alt_key(button.text()) == "x"
    SHOTS.mkdir(parents=True, exist_ok=True)
    panel.grab().save(str(SHOTS / "capacity-export-alt-x.png"))
    # No other Alt key of the window is the Export button's (Alt+E was the Edit menu's too).
    keys = _window_keys(window)
    assert keys["x"] == [button.text()], keys
    assert not [k for k, who in keys.items() if len(who) > 1], keys

    # Alt+X, then C in its menu: the figures copied.
    QGuiApplication.clipboard().clear()
    seen: list[QMenu] = []
    QTimer.singleShot(50, _in_popup(lambda m: QTest.keyClick(m, Qt.Key.Key_C), seen))
    QTest.keyClick(window.view, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0] is button.menu()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "", timeout=5000)
    assert QGuiApplication.clipboard().text() == panel.figures_json()
    assert window.statusBar().currentMessage() == "Copied the capacity figures as JSON"

    assert not window.act_connect.isChecked()  # (C is the canvas's Connect Tool too)

    # Alt+E opens the Edit menu, not the Export button's; C there is its Copy (it toggled
    # the Connect Tool, whose shortcut is C).
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    window.session.set_selection([window.session.design.elements[0].id])
    copied: list[bool] = []
    window.act_copy.triggered.connect(lambda *_: copied.append(True))
    seen.clear()
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=3000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    QTimer.singleShot(50, _in_popup(lambda m: QTest.keyClick(m, Qt.Key.Key_C), seen))
    QTest.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0] is edit
    qtbot.waitUntil(lambda: bool(copied), timeout=5000)
    assert not window.act_connect.isChecked()


def test_the_report_buttons_menu_has_alt_keys(
    qtbot: Any, launch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = Window(qtbot, "three_site_stretched_dag", launch)
    w.enter()
    bar = w.mode.bar
    menu = bar.report_button.menu()
    assert [alt_key(a.text()) for a in menu.actions()] == ["s", "d"]
    # D in the open menu asks where to write the design review (cancelled here).
    asked: list[str] = []

    def cancel(*args: Any, **kwargs: Any) -> tuple[str, str]:
        asked.append(str(args[1]) if len(args) > 1 else "")
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(cancel))
    seen: list[QMenu] = []
    press_d = _in_popup(lambda m: QTest.keyClick(m, Qt.Key.Key_D), seen, shot="report-menu")
    QTimer.singleShot(50, press_d)
    bar.report_button.showMenu()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert seen[0] is menu
    assert len(asked) == 1 and "review" in asked[0].lower(), asked


def test_a_recovery_point_is_chosen_by_its_alt_key(qtbot: Any, launch: Any) -> None:
    w, button = lagged_copy_button(qtbot, launch)
    menu = button.menu()
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    letters = [alt_key(t) for t in texts]
    assert None not in letters and len(set(letters)) == len(letters), texts
    assert letters[:2] == ["l", "o"], texts  # latest clean point, one hour before
    seen: list[QMenu] = []
    press_o = _in_popup(lambda m: QTest.keyClick(m, Qt.Key.Key_O), seen, shot="points-menu")
    QTimer.singleShot(50, press_o)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.controller.steps[-1].action == "admin", timeout=3000)
    assert seen[0] is menu
    step = w.controller.steps[-1]
    assert step.admin_action == "activate_lagged_copy" and step.recovery_point_s == -3600.0


def test_saved_scenarios_have_alt_keys(qtbot: Any, launch: Any) -> None:
    w = Window(qtbot, "three_site_stretched_dag", launch)
    w.enter()
    bar = w.mode.bar
    bar._list_saved()
    texts = [a.text() for a in bar.saved_button.menu().actions()]
    letters = [alt_key(t) for t in texts]
    assert texts and None not in letters and len(set(letters)) == len(letters), texts
