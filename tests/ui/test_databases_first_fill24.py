"""A big design's Databases panel, a tab behind another, fills in the idle slices
(idle24, wave 24).

After a 100k design's first frame, the panel filled itself in the next turn of the event
loop beside the background import of simulation mode (and soon the first check's
worker): 13 ms of CPU (the index's databases grouped by DAG, then the table) waited for
the interpreter lock at its calls into Qt, 30-85 ms of wall time, the worst idle turn
after opening. Behind the Problems tab (as by default), nothing of it is shown, so its
first fill now waits in the idle slices, which wait for the first check; raising its
tab, or anything that needs the table, fills it at once. These tests count what was
made, never time it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget, QTabBar
from test_first_check_hold import _big  # a design opened as a big one, its check gated
from turns import turns

from designer.ui import slices
from designer.ui.main_window import MainWindow
from designer.ui.panels import DatabasesPanel
from designer.ui.panels import databases as databases_module
from designer.ui.session import EditorSession


def _shown(panel: DatabasesPanel) -> dict[str, Any]:
    """What the panel shows: its DAGs, the table's headers and cells, the summary."""
    t = panel.table
    rows, columns = t.rowCount(), t.columnCount()
    return {
        "dags": [panel.dag_combo.itemText(i) for i in range(panel.dag_combo.count())],
        "rows": [t.verticalHeaderItem(r).text() for r in range(rows)],
        "columns": [t.horizontalHeaderItem(c).text() for c in range(columns)],
        "cells": [[(t.item(r, c) or _none).text() for c in range(columns)] for r in range(rows)],
        "summary": panel.summary.text(),
    }


class _NoItem:
    @staticmethod
    def text() -> str:
        return "<not made>"


_none = _NoItem()


def _at_once(session: EditorSession, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The same design's panel filled at once (no window, no slices)."""
    monkeypatch.setattr(databases_module, "FILL_AT_ONCE_CELLS", 10**9)
    panel = DatabasesPanel(session)
    try:
        return _shown(panel)
    finally:
        panel.deleteLater()


def _click_tab(window: MainWindow, title: str) -> None:
    """A click on the bottom docks' tab ``title``."""
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for i in range(bar.count()):
                if bar.tabText(i).startswith(title):
                    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
                    return
    raise AssertionError(f"no visible tab {title!r}")


def _opened(launch: Any, path: Path, qtbot: Any) -> tuple[MainWindow, DatabasesPanel]:
    window = launch(path)  # dr-designer gui FILE
    panel = window.findChild(DatabasesPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: not window.session.holding, timeout=20000)  # first frame
    turns(qtbot)  # the turns after it (the held work ran in them)
    return window, panel


def test_a_tab_behind_fills_only_after_the_first_check(
    qtbot, launch, tmp_path, monkeypatch, gates
) -> None:
    path, gate = _big(tmp_path, monkeypatch, gates)
    window, panel = _opened(launch, path, qtbot)
    dock = window.findChild(QDockWidget, "DatabasesDock")
    assert dock is not None
    try:
        assert window.session.checking  # the check waits for the gate
        assert dock.visibleRegion().isEmpty()  # behind the Problems tab
        # Nothing of the panel was made beside the check (and the import): the old
        # panel filled its DAGs and headers in the first turn after the first frame.
        assert panel.dag_combo.count() == 0 and panel.table.columnCount() == 0
        assert panel.fill_pending and panel.rows_pending
        assert panel.summary.text().startswith("Reading the DAGs")
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not window.session.checking, timeout=20000)
    qtbot.waitUntil(lambda: not panel.rows_pending, timeout=30000)
    assert not panel.fill_pending
    assert panel.dag_combo.count() > 0 and panel.table.rowCount() > 0
    assert _shown(panel) == _at_once(window.session, monkeypatch)


def test_raising_its_tab_fills_it_at_once(qtbot, launch, tmp_path, monkeypatch, gates) -> None:
    path, gate = _big(tmp_path, monkeypatch, gates)
    window, panel = _opened(launch, path, qtbot)
    try:
        assert panel.fill_pending and panel.dag_combo.count() == 0
        _click_tab(window, "Databases")
        # In the click's own turn: the slices are still held by the check.
        assert slices.shared().held and window.session.checking
        assert not panel.fill_pending
        assert panel.dag_combo.count() > 0 and panel.table.columnCount() > 0
        assert not panel.visibleRegion().isEmpty()
        panel.finish_rows()
        assert _shown(panel) == _at_once(window.session, monkeypatch)
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not window.session.checking, timeout=20000)


def test_selecting_a_database_fills_it_at_once(qtbot, launch, tmp_path, monkeypatch, gates) -> None:
    path, gate = _big(tmp_path, monkeypatch, gates)
    window, panel = _opened(launch, path, qtbot)
    session = window.session
    try:
        assert panel.fill_pending
        db = next(e for e in session.design.elements if e.kind == "mailbox_database")
        # Selecting a database on the canvas (as a click does) shows its DAG.
        session.set_selection([db.id])
        assert not panel.fill_pending
        assert panel.dag_id == db.dag and db.id in panel.database_ids
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not session.checking, timeout=20000)


def test_a_small_design_fills_at_once_behind_its_tab(qtbot, launch) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json"
    window = launch(sample)  # dr-designer gui FILE: not held for its first frame
    panel = window.findChild(DatabasesPanel)
    dock = window.findChild(QDockWidget, "DatabasesDock")
    assert panel is not None and dock is not None
    assert dock.visibleRegion().isEmpty()  # behind the Problems tab
    assert not panel.fill_pending and not panel.rows_pending
    assert panel.dag_combo.count() > 0 and panel.table.rowCount() > 0
