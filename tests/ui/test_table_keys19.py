"""Keys in a table are the table's (eyes19): with an element selected on the canvas, a
Delete on a Databases cell removed that element (the CAS array clicked earlier) and
left the cell's copy. Delete and Ctrl+X act on the canvas when it has the focus, as F2
does (Ctrl+A: ui19's select_all, which asks the focus widget first).
Through the door: ``dr-designer gui three_site_stretched_dag.json``, real clicks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import open_tab

from designer.ui.main_window import MainWindow
from designer.ui.panels.databases import DatabasesPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _click_element(window: MainWindow, element_id: str) -> None:
    view = window.view
    rect = view.design_scene.rect_of(element_id)
    assert rect is not None, element_id
    view.ensureVisible(rect, 10, 10)
    QApplication.processEvents()
    point = view.mapFromScene(rect.topLeft()) + QPoint(12, 6)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _click_cell(table, row: int, column: int) -> None:  # type: ignore[no-untyped-def]
    rect = table.visualRect(table.model().index(row, column))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_delete_on_a_databases_cell_clears_the_copy_not_the_canvas_selection(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    window: MainWindow = launch(SAMPLES / "three_site_stretched_dag.json")
    _click_element(window, "casarr-bos")
    assert window.session.selection == ["casarr-bos"]
    panel = open_tab(window, "Databases").widget()
    assert isinstance(panel, DatabasesPanel)
    panel.finish_rows()
    item = panel.cell_item("db-db01", "vm-bos-mbx02")
    assert item is not None and item.text() == "2"
    table = panel.table
    _click_cell(table, item.row(), item.column())
    assert table.hasFocus() and table.currentItem() is item
    QTest.keyClick(table, Qt.Key.Key_Delete)
    document = window.session.document
    assert document.get("casarr-bos") is not None, "Delete removed the canvas's selection"
    db01 = document.get("db-db01")
    assert [c.member for c in db01.copies].count("vm-bos-mbx02") == 0  # type: ignore[attr-defined]
    assert panel.cell_item("db-db01", "vm-bos-mbx02").text() == ""  # type: ignore[union-attr]
    # Ctrl+X there does not cut the canvas's selection either.
    _click_element(window, "casarr-bos")
    _click_cell(table, item.row(), item.column())
    QTest.keyClick(table, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert document.get("casarr-bos") is not None
    # On the canvas, Delete still deletes.
    _click_element(window, "casarr-bos")
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert document.get("casarr-bos") is None
