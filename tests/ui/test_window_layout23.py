"""The window's layout is kept from one session to the next, and View > Reset Layout
puts the first one back (wave 23, ``ui23``).

Before: a bottom area's height dragged by hand was grown back at the next start (the
Databases panel, filling its rows for the design opened, asked for their room); a window
closed in simulation mode opened next time as the canvas alone (the mode's layout was
written, every editing dock hidden in it); an unreadable layout in the settings went to
Qt as it was. Through the user's doors: ``dr-designer gui FILE`` twice with the same
settings (the test's own home folder), the area's edge dragged with the mouse, F5, the
tabs clicked, View > Reset Layout by its Alt keys.

The windows are 780 x 760: the offscreen screen is 800 x 800, and a geometry kept from
a bigger window is brought back within the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu
from test_dock_heights22 import _click_tab, _drag_edge, _front, _imported, _steady

from designer.ui.main_window import MainWindow

SHOTS = Path("/tmp/ui23")
EDITING = ("PaletteDock", "OverviewDock", "InspectorDock", "ProblemsDock")


def _open(launch: Any, qtbot: Any, path: Path, size: tuple[int, int] | None = None) -> MainWindow:
    window: MainWindow = launch(path)
    if size is not None:
        window.resize(*size)
    QTest.qWaitForWindowExposed(window)
    _steady(qtbot, window)
    return window


def _shown(window: MainWindow) -> set[str]:
    """The docks the user sees (a tab behind another is not seen)."""
    return {
        d.objectName()
        for d in window.findChildren(QDockWidget)
        if d.isVisible() and not d.visibleRegion().isEmpty()
    }


def _sizes(window: MainWindow) -> dict[str, tuple[int, int]]:
    sizes = {name: window.findChild(QDockWidget, name).size().toTuple() for name in _shown(window)}
    sizes["canvas"] = window.view.size().toTuple()
    return sizes


def _first_layout(window: MainWindow, first: dict[str, tuple[int, int]]) -> bool:
    """Whether ``window`` shows the first layout (the docks at their first sizes) as a
    window of its size did at its first start (``first``). The Overview is 180 px tall
    under the Palette; the first start, 1600 x 1000 then made smaller, shrank both."""
    now = _sizes(window)
    column = ("PaletteDock", "OverviewDock")
    return (
        set(now) == set(first)
        and all(now[name] == first[name] for name in now if name not in column)
        and now["OverviewDock"] == (210, 180)
        and now["PaletteDock"][1] + 180 == first["PaletteDock"][1] + first["OverviewDock"][1]
    )


def _close(qtbot: Any, window: MainWindow) -> None:
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)


def test_the_docks_kept_as_the_user_left_them(qtbot: Any, launch: Any, tmp_path: Path) -> None:
    path = _imported(tmp_path)
    window = _open(launch, qtbot, path, (780, 760))
    _click_tab(window, qtbot, "Databases")  # grown for the DAG's copies
    grown = _steady(qtbot, window)
    _drag_edge(window, 120)  # the user wants more of the canvas
    qtbot.waitUntil(lambda: window.view.height() > grown, timeout=10_000)
    left = _steady(qtbot, window)
    assert _front(window).objectName() == "DatabasesDock"
    sizes = _sizes(window)
    window.grab().save(str(SHOTS / "kept-before.png"))
    _close(qtbot, window)

    again = _open(launch, qtbot, path)  # dr-designer gui FILE, the next day
    # The Databases panel filled its rows for the design: it grew the area back.
    assert again.size().toTuple() == (780, 760)
    assert _front(again).objectName() == "DatabasesDock"
    assert again.view.height() == left
    assert _sizes(again) == sizes
    again.grab().save(str(SHOTS / "kept-after.png"))
    # Raising the tabs keeps that height too (the area is still the user's).
    for name in ("Capacity", "Problems", "Databases"):
        _click_tab(again, qtbot, name)
        assert again.view.height() == left, name


def test_closed_in_simulation_mode_the_next_session_shows_the_editing_docks(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    path = _imported(tmp_path)
    window = _open(launch, qtbot, path, (780, 760))
    first = _sizes(window)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.simulation.controller.active, timeout=30_000)
    qtbot.waitUntil(lambda: "TimelineDock" in _shown(window), timeout=30_000)
    _close(qtbot, window)  # quit while simulating

    again = _open(launch, qtbot, path)
    # It opened as the canvas alone: every editing dock hidden, no way back but the
    # View menu, dock by dock.
    assert set(EDITING) <= _shown(again)
    assert "TimelineDock" not in _shown(again)
    assert _front(again).objectName() == "ProblemsDock"
    # The editing layout kept (the mode left the window a few px wider offscreen).
    sizes = _sizes(again)
    for name in EDITING:
        assert abs(sizes[name][0] - first[name][0]) <= 20, name
        assert abs(sizes[name][1] - first[name][1]) <= 12, name
    again.grab().save(str(SHOTS / "after-simulation.png"))
    # F5 still swaps the docks, and leaving gives the editing ones back.
    again.view.setFocus()
    QTest.keyClick(again.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "TimelineDock" in _shown(again), timeout=30_000)
    assert not set(EDITING) & _shown(again)
    QTest.keyClick(again.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: set(EDITING) <= _shown(again), timeout=30_000)


def _in_popup(act: Callable[[QMenu], None], seen: list[QMenu]) -> Callable[[], None]:
    """A timer callback that acts on the open popup menu (it runs its own loop)."""

    def run() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, run)
            return
        seen.append(menu)
        menu.grab().save(str(SHOTS / "view-menu.png"))
        act(menu)

    return run


def _reset_by_keys(qtbot: Any, window: MainWindow) -> None:
    """Alt+V, R: View > Reset Layout."""
    seen: list[QMenu] = []
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    QTimer.singleShot(50, _in_popup(lambda m: QTest.keyClick(m, Qt.Key.Key_R), seen))
    QTest.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert seen[0] is window.view_menu
    # The panels' entries name them (the Problems one said "Problems — none", the
    # title at the window's start, beside hundreds of findings).
    names = [a.text() for a in seen[0].actions() if not a.isSeparator()]
    assert "Problems" in names and not [n for n in names if " — " in n]
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5_000)


def test_reset_layout_puts_the_first_layout_back(qtbot: Any, launch: Any, tmp_path: Path) -> None:
    path = _imported(tmp_path)
    window = _open(launch, qtbot, path, (780, 760))
    first, first_shown = _sizes(window), _shown(window)
    # The user drags the bottom area's edge, hides the Palette, floats the Overview and
    # raises Capacity; then closes and opens the design again.
    _drag_edge(window, -100)
    qtbot.waitUntil(lambda: window.view.height() < first["canvas"][1], timeout=10_000)
    window.findChild(QDockWidget, "PaletteDock").hide()
    window.findChild(QDockWidget, "OverviewDock").setFloating(True)
    _click_tab(window, qtbot, "Capacity")
    _close(qtbot, window)
    again = _open(launch, qtbot, path)
    assert "PaletteDock" not in _shown(again)
    assert again.findChild(QDockWidget, "OverviewDock").isFloating()
    assert _front(again).objectName() == "CapacityDock"

    _reset_by_keys(qtbot, again)
    qtbot.waitUntil(lambda: _shown(again) == first_shown, timeout=10_000)
    assert not again.findChild(QDockWidget, "OverviewDock").isFloating()
    assert _front(again).objectName() == "ProblemsDock"
    qtbot.waitUntil(lambda: _first_layout(again, first), timeout=10_000)
    assert again.dock_heights.by_hand == set()
    again.grab().save(str(SHOTS / "reset.png"))
    # A tab raised grows the area for its panel again, as at the first start.
    before = again.view.height()
    _click_tab(again, qtbot, "Databases")
    qtbot.waitUntil(lambda: again.view.height() < before, timeout=10_000)


def _older_simulation_layout(qtbot: Any, window: MainWindow) -> QByteArray:
    """What the window wrote before wave 23 when it closed in simulation mode: Qt's
    layout of version 0 with the editing docks hidden."""
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "TimelineDock" in _shown(window), timeout=30_000)
    return window.saveState()


@pytest.mark.parametrize("kept", ["older simulation layout", "not a layout", "a word"])
def test_a_layout_the_window_cannot_use_gives_the_first_one(
    qtbot: Any, launch: Any, tmp_path: Path, kept: str
) -> None:
    path = _imported(tmp_path)
    window = _open(launch, qtbot, path, (780, 760))
    first = _sizes(window)
    geometry = window.saveGeometry()  # (F5 widens a 780 px window offscreen)
    values: dict[str, object] = {
        "not a layout": QByteArray(b"\x00\x00\x00\xffnot a layout at all"),
        "a word": "tabbed",
    }
    value = values.get(kept) or _older_simulation_layout(qtbot, window)
    _close(qtbot, window)
    settings = QSettings()  # the user's own, which the window wrote
    settings.setValue("window/geometry", geometry)
    settings.setValue("window/state", value)
    settings.setValue("window/dock_areas_sized_by_hand", "8,x,99")
    settings.sync()

    again = _open(launch, qtbot, path)
    assert set(EDITING) <= _shown(again)
    assert _front(again).objectName() == "ProblemsDock"
    assert _first_layout(again, first), (_sizes(again), first)
    assert again.dock_heights.by_hand == set()


def test_an_older_versions_layout_is_kept(qtbot: Any, launch: Any, tmp_path: Path) -> None:
    """A layout written before wave 23 (version 0) that shows the editing docks: the
    user's places stay across the update."""
    path = _imported(tmp_path)
    window = _open(launch, qtbot, path, (780, 760))
    _click_tab(window, qtbot, "Capacity")
    older = window.saveState()
    _close(qtbot, window)
    QSettings().setValue("window/state", older)
    again = _open(launch, qtbot, path)
    assert _front(again).objectName() == "CapacityDock"
    assert set(EDITING) - {"ProblemsDock"} <= _shown(again)
