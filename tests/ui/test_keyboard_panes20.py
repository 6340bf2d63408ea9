"""Moving around by keyboard (eyes20 #21, #2, #22, #4): F6 / Shift+F6 from pane to
pane, Escape back to the canvas, Ctrl+F the window's Find but in a panel's filter box,
the palette's type-ahead staying on a kind that matches, the WAN link's keyboard way.

Through the user's door (``dr-designer gui FILE``) with real key presses."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from designer.ui.main_window import MainWindow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SHOTS = Path(os.environ.get("DR_DESIGNER_SHOTS", "/tmp/fixk20-shots"))
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _open(launch: Any, qtbot: Any, path: Path | None = None) -> MainWindow:
    window: MainWindow = launch(path or SAMPLES / "three_site_stretched_dag.json")
    window.resize(1400, 900)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


def _press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key, modifier)
    QApplication.processEvents()


def _pane_of(window: MainWindow) -> str:
    """The pane holding the focus: "canvas" or the dock's object name."""
    focus = QApplication.focusWidget()
    assert focus is not None
    if focus is window.view or window.view.isAncestorOf(focus):
        return "canvas"
    widget: QWidget | None = focus
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget.objectName() if widget is not None else type(focus).__name__


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _palette(window: MainWindow) -> Any:
    dock = window.findChild(QDockWidget, "PaletteDock")
    assert dock is not None
    return dock.widget()


def test_f6_walks_the_panes_and_escape_returns_to_the_canvas(launch: Any, qtbot: Any) -> None:
    window = _open(launch, qtbot)
    window.find_element("esx-bos-01")  # the Inspector has fields
    assert _pane_of(window) == "canvas"
    walked = ["canvas"]
    for _ in range(len(window.pane_keys.panes()) - 1):
        _press(Qt.Key.Key_F6)
        walked.append(_pane_of(window))
    assert walked[:4] == ["canvas", "PaletteDock", "InspectorDock", "ProblemsDock"]
    # Only docks in sight: the ones tabbed away behind Problems are not stops.
    assert "DatabasesDock" not in walked and "CapacityDock" not in walked
    assert len(set(walked)) == len(walked)
    _press(Qt.Key.Key_F6)
    assert _pane_of(window) == "canvas"  # round
    _press(Qt.Key.Key_F6, SHIFT)
    assert _pane_of(window) == walked[-1]  # and back
    for _ in range(len(walked) - 3):
        _press(Qt.Key.Key_F6, SHIFT)
    assert _pane_of(window) == "InspectorDock"
    # In the Inspector: a field, not its scroll area, has the focus.
    inspector = window.findChild(QDockWidget, "InspectorDock").widget()  # type: ignore[union-attr]
    focus = QApplication.focusWidget()
    assert focus is not None and focus is not inspector.scroll_area
    _shot(window, "f6-inspector")
    _press(Qt.Key.Key_Escape)
    assert _pane_of(window) == "canvas"
    assert window.session.selection == ["esx-bos-01"]  # Escape left the canvas alone
    _press(Qt.Key.Key_F6)
    assert _pane_of(window) == "PaletteDock"
    _press(Qt.Key.Key_Escape)
    assert _pane_of(window) == "canvas"
    # The Find box too.
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)
    assert window.find_edit.hasFocus()
    _press(Qt.Key.Key_Escape)
    assert _pane_of(window) == "canvas"


def test_ctrl_f_is_find_element_but_in_a_panels_filter_box(launch: Any, qtbot: Any) -> None:
    window = _open(launch, qtbot)
    palette = _palette(window)
    palette.tree.setFocus()
    _press(Qt.Key.Key_F, CTRL)
    assert window.find_edit.hasFocus()  # Edit > Find Element, as the toolbar says
    assert palette.filter_edit.placeholderText() == "Filter kinds"
    palette.filter_edit.setFocus()
    QTest.keyClicks(palette.filter_edit, "lun")
    _press(Qt.Key.Key_F, CTRL)
    assert palette.filter_edit.hasFocus()  # in the filter box: its own text
    assert palette.filter_edit.selectedText() == "lun"
    problems = window.findChild(QDockWidget, "ProblemsDock").widget()  # type: ignore[union-attr]
    problems.table.setFocus()
    _press(Qt.Key.Key_F, CTRL)
    assert window.find_edit.hasFocus()
    problems.filter_edit.setFocus()
    _press(Qt.Key.Key_F, CTRL)
    assert problems.filter_edit.hasFocus()


def test_palette_type_ahead_stays_on_a_kind_that_matches(launch: Any, qtbot: Any) -> None:
    window = _open(launch, qtbot)
    tree = _palette(window).tree
    tree.setFocus()
    QTest.keyClicks(tree, "Virtual m")
    assert tree.currentItem().text(0) == "Virtual machine"
    QTest.qWait(QApplication.keyboardInputInterval() + 100)
    QTest.keyClicks(tree, "Virtual")  # again: the current kind still matches
    assert tree.currentItem().text(0) == "Virtual machine"
    QTest.qWait(QApplication.keyboardInputInterval() + 100)
    QTest.keyClicks(tree, "vv")  # the same letter again at once: the next one
    assert tree.currentItem().text(0) == "Virtual disk"


def test_the_wan_link_in_the_palette_says_the_keyboard_way(launch: Any, qtbot: Any) -> None:
    window = _open(launch, qtbot)
    palette = _palette(window)
    palette.tree.setFocus()
    palette.tree.setCurrentItem(palette.items["wan_link"])
    count = len(window.session.design.elements)
    _press(Qt.Key.Key_Return)
    assert len(window.session.design.elements) == count
    message = window.statusBar().currentMessage()
    assert "select a site and choose Connect To in its menu (Menu key" in message
    _shot(window, "wan-link-message")
