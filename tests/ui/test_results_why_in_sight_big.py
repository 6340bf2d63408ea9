"""A big Results table (more rows than LAZY_ROWS) shows every reason in full too: the
rows in sight are as tall as their reasons, wrapped, and the rows scrolled into sight
become so (fixa15 left them one line each, elided, past 500 rows: only each row's
tooltip said why). Only a screenful is measured per pass, however many rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication
from test_results_why_in_sight import _fail_on_the_canvas

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui.simulation import results_table
from designer.ui.simulation.results_table import COLUMNS

SHOTS = Path("/tmp/uib16-shots")
WHY = COLUMNS.index("Why")


def _rows_in_sight(table: Any) -> range:
    top, bottom = table.rowAt(0), table.rowAt(table.viewport().height() - 1)
    return range(max(top, 0), table.rowCount() if bottom < 0 else bottom + 1)


def _cut_reasons(table: Any, rows: range) -> list[tuple[int, str]]:
    """The rows of ``rows`` whose reason is not whole in its cell, wrapped at words."""
    metrics = table.fontMetrics()
    cut = []
    for row in rows:
        text = table.item(row, WHY).text()
        cell = table.visualRect(table.model().index(row, WHY))
        room = QRect(0, 0, cell.width() - 8, 10_000)
        need = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
        if need.width() > room.width() or need.height() > cell.height():
            cut.append((row, text))
    return cut


def test_a_big_tables_reasons_are_whole_in_sight(
    launch: Any, qtbot: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    monkeypatch.setattr(results_table, "LAZY_ROWS", 20)  # 160 rows: a big table
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")
    window = launch(path)  # dr-designer gui FILE
    window.resize(1600, 1000)
    # F5, site DC01 failed with a click on the canvas (its databases fail over: long
    # reasons), played to the end.
    _fail_on_the_canvas(window, qtbot, "site-01")
    panel = window.simulation.results
    table = panel.table
    assert panel._pending is None and table.rowCount() == 160
    room = table.columnWidth(WHY) - 10
    long = [
        r
        for r in range(160)
        if table.fontMetrics().horizontalAdvance(table.item(r, WHY).text()) > room
    ]
    assert len(long) > 20, "reasons longer than a line in the table"
    assert _cut_reasons(table, _rows_in_sight(table)) == []
    # Rows far out of sight are left one line (never measured): a pass costs about a
    # screenful, whatever the table's length. (Read before scrolling: the rows a page
    # step skips were a few, some measured in passing, as the columns' widths had it.)
    one_line = table.verticalHeader().defaultSectionSize()
    # (the last screenful excepted: fitted first, it keeps the scroll bar's range)
    far = [r for r in long if _rows_in_sight(table).stop + 40 < r < table.rowCount() - 40]
    assert far and all(table.rowHeight(r) == one_line for r in far)
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "results-big-table-top.png"))
    # Scrolled down as a user would (a page at a time with the scroll bar, then a row
    # at a time with its arrow): each screenful whole once shown.
    scroll = table.verticalScrollBar()
    seen: set[int] = set(_rows_in_sight(table))
    for action in [scroll.SliderAction.SliderPageStepAdd] * 3 + [
        scroll.SliderAction.SliderSingleStepAdd
    ] * 400:
        scroll.triggerAction(action)
        QApplication.processEvents()
        rows = _rows_in_sight(table)
        assert _cut_reasons(table, rows) == [], rows
        seen.update(rows)
        if scroll.value() == scroll.maximum():
            break
    assert 159 in seen, "scrolled to the end"
    window.grab().save(str(SHOTS / "results-big-table-end.png"))
