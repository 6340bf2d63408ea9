"""Simulation mode's Results say how many databases the scenario affects, over the
table: at 25k the few affected rows were buried among thousands reading "not affected"
(eyesq23). ``dr-designer gui FILE``, F5, a host clicked on the canvas: the line counts
the rows whose reason is not "not affected", at the end of the scenario and back at
0:00."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication
from test_simulation_doors import THREE_SITE, click_element, enter_simulation, settle

from designer.ui.simulation.results_table import COLUMNS, affected_line

SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/resq23-shots"))
WHY = COLUMNS.index("Why")


def _reasons(table: Any) -> list[str]:
    return [table.item(r, WHY).text() for r in range(table.rowCount())]


def test_the_results_say_how_many_databases_are_affected(qtbot: Any, launch: Any) -> None:
    window = launch(THREE_SITE)
    window.resize(1280, 800)
    enter_simulation(window, qtbot)
    panel = window.simulation.results
    table = panel.table
    qtbot.waitUntil(lambda: panel._pending is None and table.rowCount() > 0)
    total = table.rowCount()
    assert panel.summary.isVisible()
    assert panel.summary.text() == f"0 of {total} databases affected"

    click_element(window, "esx-bos-01")
    settle(window, qtbot)
    qtbot.waitUntil(lambda: panel._pending is None)
    affected = sum(why != "not affected" for why in _reasons(table))
    assert 0 < affected < total
    assert panel.summary.text() == affected_line(affected, total)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "results-affected-line.png"))

    window.simulation.controller.set_time(0.0)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: panel._pending is None)
    affected_at_0 = sum(why != "not affected" for why in _reasons(table))
    assert panel.summary.text() == affected_line(affected_at_0, total)
