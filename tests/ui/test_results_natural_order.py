"""Simulation mode's Results sort "Database" in natural order (DB2 before DB10), as
``simulate`` and the review report list them: Qt's sort compared the names as text
(DB1, DB10, DB11, DB2 ...). The panel places the rows in the names' natural order as it
makes them (no sort column, no Python per comparison; wave 17's hidden column of keys
cost F5 12-18 ms at 25k); the other columns sort by Qt's sort of their texts, ties in
that order. Opened as ``dr-designer gui FILE``, F5, the headers clicked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from test_capacity_window import simulate

from designer.domain.elements import MailboxDatabase
from designer.persistence import load, save
from designer.ui.simulation import results_table
from designer.ui.simulation.results_table import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/ui18-shots"))
NAME = COLUMNS.index("Database")
STATE = COLUMNS.index("State")


def _numbered(tmp_path: Path) -> tuple[Path, list[str]]:
    """The bidirectional MirrorView sample with its databases named DB1 … DBn, in the file's order
    (their ids' order, which the simulator keeps), and those names in natural order."""
    design = load(ROOT / "sample_designs" / "bidirectional_mirroring.json")
    numbered = iter(range(1, 100))
    renamed = [
        e.model_copy(update={"name": f"DB{next(numbered)}"})
        if isinstance(e, MailboxDatabase)
        else e
        for e in design.elements
    ]
    path = tmp_path / "numbered.drd.json"
    save(design.model_copy(update={"elements": renamed}), path)
    count = sum(isinstance(e, MailboxDatabase) for e in renamed)
    assert count >= 10
    return path, [f"DB{n}" for n in range(1, count + 1)]


def _names(table: Any) -> list[str]:
    return [table.item(r, NAME).text() for r in range(table.rowCount())]


def _click(table: Any, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_the_database_column_sorts_in_natural_order(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    path, natural = _numbered(tmp_path)
    count = len(natural)
    window = launch(path)
    window.resize(1280, 800)
    simulate(window, qtbot)
    panel = window.simulation.results
    table = panel.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: panel._pending is None and table.rowCount() == count)
    # The first order (wave 25, fid25): the affected first, none here, the rest by name.
    assert _names(table) == natural
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == -1
    _click(table, NAME)  # by name, first to last
    assert header.sortIndicatorSection() == NAME
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert _names(table) == natural
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "results-natural-order.png"))

    _click(table, NAME)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _names(table) == natural[::-1]

    # Fail a mailbox server: half the databases are down. By State (Qt's sort of the texts), its
    # ties in the names' order; back to Database with a row selected: natural again,
    # the same database still selected.
    _click(table, NAME)  # (the third click: the first order)
    _click(table, NAME)
    assert _names(table) == natural
    controller = window.simulation.controller
    controller.click("vm-chi-mbx01")  # (as a click on the site on the canvas does)
    controller.pause()
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: panel._pending is None and table.rowCount() == count)
    _click(table, STATE)
    assert header.sortIndicatorSection() == STATE
    states = [table.item(r, STATE).text() for r in range(count)]
    assert states == sorted(states) and len(set(states)) > 1
    for state in set(states):
        tied = [n for n, s in zip(_names(table), states, strict=True) if s == state]
        assert tied == [n for n in natural if n in tied]
    table.selectRow(count - 1)
    chosen = table.item(count - 1, NAME).text()
    _click(table, NAME)
    assert header.sortIndicatorSection() == NAME
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert _names(table) == natural
    assert [i.text() for i in table.selectedItems() if i.column() == NAME] == [chosen]

    # A playback tick updates the cells in place: the order stays.
    controller.set_time(0.0)
    qtbot.wait(50)
    assert _names(table) == natural


@pytest.mark.parametrize("lazy_rows", [2])
def test_a_big_table_places_its_rows_in_natural_order_in_slices(
    qtbot: Any, launch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lazy_rows: int
) -> None:
    # A table past LAZY_ROWS is made in slices: its names' keys first (a slice of
    # their own when the clock runs out: KEYS_PER_LOOK of 1 and no time at all), then
    # the rows in sight.
    monkeypatch.setattr(results_table, "LAZY_ROWS", lazy_rows)
    monkeypatch.setattr(results_table, "KEYS_PER_LOOK", 1)
    monkeypatch.setattr(results_table, "FILL_SLICE_S", 0.0)
    path, natural = _numbered(tmp_path)
    window = launch(path)
    window.resize(1280, 800)
    simulate(window, qtbot)
    panel = window.simulation.results
    table = panel.table
    qtbot.waitUntil(lambda: panel._pending is None and table.rowCount() == len(natural))
    assert _names(table) == natural
    _click(table, NAME)
    _click(table, NAME)
    qtbot.waitUntil(lambda: panel._pending is None)
    assert _names(table) == natural[::-1]
