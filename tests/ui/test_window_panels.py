"""The window's panels sized to their content (issue 13), opened the user's way
(``dr-designer gui FILE``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from designer.ui.panels import DatabasesPanel

SAMPLES = Path(__file__).parents[2] / "sample_designs"


def test_the_databases_panel_shows_its_dags_databases_whole(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    dock = next(d for d in window.docks if d.objectName() == "DatabasesDock")
    panel = dock.widget()
    assert isinstance(panel, DatabasesPanel)
    dock.raise_()
    QApplication.processEvents()
    QApplication.processEvents()
    table = panel.table
    rows = table.rowCount()
    assert rows == 4
    needed = rows * table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() >= needed, (table.viewport().height(), needed)
