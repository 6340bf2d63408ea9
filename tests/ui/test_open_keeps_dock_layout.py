"""Opening a design keeps the window's dock layout when the Databases tab is not shown
(idle18, wave 18).

The Databases panel fills its table from a big design after its first frame and asks
the window for the height its rows need (``height_wanted``, wave 16: the dock grows for
a design opened while it is shown). The window grew the dock even when its tab was
behind Problems: Qt says a tab behind another ``isVisible()``. The bottom dock area
then jumped from ~176 to ~446 px right after the first frame, the canvas shrank by as
much, and the whole window was laid out and painted again beside the first check's
worker and the background import: 15-20 ms of CPU that took 40-90 ms of wall time, the
idle turn over 50 ms after opening 100k. Shown, the dock still grows (its tab raised,
or a design opened while it is up: tests/ui/test_capacity_window.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QDockWidget
from test_capacity_window import open_tab

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import main_window as main_window_module
from designer.ui import session as session_module
from designer.ui.panels import DatabasesPanel


def _dock(window: Any, name: str) -> QDockWidget:
    dock = window.findChild(QDockWidget, name)
    assert dock is not None
    return dock


def _settle(qtbot: Any, n: int = 20) -> None:
    for _ in range(n):
        qtbot.wait(10)
        QApplication.processEvents()


def test_a_big_design_opened_with_problems_in_front_keeps_the_docks_heights(
    qtbot, launch, tmp_path: Path, monkeypatch: Any
) -> None:
    # A design checked on the worker, its panels filled after its first frame (as 100k).
    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", 20)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", 20)
    path = tmp_path / "big.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    window = launch(path)  # dr-designer gui big.json
    session = window.session
    panel = window.findChild(DatabasesPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: not session.holding and not session.checking, timeout=20000)
    qtbot.waitUntil(lambda: panel.table.rowCount() > 3, timeout=20000)
    _settle(qtbot)
    problems, databases = _dock(window, "ProblemsDock"), _dock(window, "DatabasesDock")
    # Problems is the tab in front; Databases (filled, asking for its rows) behind it.
    assert not problems.visibleRegion().isEmpty()
    assert databases.visibleRegion().isEmpty()
    # The heights the window gave its docks at its start (resizeDocks in showEvent):
    # Problems its first rows (problems.FIRST_ROWS) and its title, the canvas the rest.
    assert problems.height() < 260, problems.height()
    canvas = window.view.height()
    # Raised, the Databases tab grows to its rows, and the canvas gives the room.
    open_tab(window, "Databases")
    qtbot.waitUntil(lambda: databases.height() > 250, timeout=5000)
    assert window.view.height() < canvas
