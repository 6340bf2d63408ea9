"""Simulation mode's leftovers of wave 24 (wave 25, fid25), through ``dr-designer gui
FILE``, F5 and clicks on the canvas and the Results' headers:

1. Log shipping going round a failed link (BOS-WOR, by Hartford) that then loses every
   route (BOS-HFD too) was forgotten: the timeline still had it going round and the
   copies cut off in Boston read current. The timeline says they are cut off and the
   Results' Why that the copies fall behind.
2. A database down again after an earlier outage took ~5 lines of the Why column for
   its RTO clause: one short line now, the full reason in the cell's tooltip.
3. The Results listed the databases by name: the affected come first now (the longest
   RTO, then RPO, first), the user's sort by a header click kept, and its third click
   brings the first order back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_capacity_window import point_on, simulate
from test_simulation_mode import SimWindow

from designer.ui.simulation.results_table import COLUMNS, WHY

ROOT = Path(__file__).resolve().parents[2]
THREE_SITE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/fid25-shots"))
NAME = COLUMNS.index("Database")


def _names(table: Any) -> list[str]:
    return [table.item(r, NAME).text() for r in range(table.rowCount())]


def _row(table: Any, name: str) -> list[Any]:
    for r in range(table.rowCount()):
        if table.item(r, NAME).text() == name:
            return [table.item(r, c) for c in range(table.columnCount())]
    raise AssertionError(name)


def _click_header(table: Any, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def _end(window: Any, qtbot: Any) -> None:
    controller = window.simulation.controller
    controller.wait_until_ready()
    controller.pause()
    controller.set_time(controller.duration)
    qtbot.waitUntil(lambda: not window.simulation.overlay.gliding, timeout=3000)
    panel = window.simulation.results
    qtbot.waitUntil(lambda: panel._pending is None and panel._state is controller.state())


def test_a_detour_that_loses_every_route_says_its_copies_are_cut_off(
    qtbot: Any, launch: Any
) -> None:
    window = launch(THREE_SITE)
    window.resize(1280, 800)
    simulate(window, qtbot)
    controller = window.simulation.controller
    view = window.view.viewport()
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, pos=point_on(window, "wan-bos-wor"))
    _end(window, qtbot)
    second = controller.duration
    QTest.mouseClick(
        view,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        point_on(window, "wan-bos-hfd"),
    )
    assert [(s.target, s.at_s) for s in controller.steps] == [
        ("wan-bos-wor", 0.0),
        ("wan-bos-hfd", second),
    ]
    _end(window, qtbot)
    timeline = window.simulation.timeline
    said = [(e.t, e.kind, e.text) for e in timeline._events]
    assert (
        second,
        "copy_cut_off",
        "log shipping from Worcester to Boston (8 database copies) has no route left (WAN "
        "links BOS-WOR dark fiber and BOS-HFD MPLS (carrier 1) down): its copies in Boston "
        "are cut off, receive no logs and fall further behind each second (a failover to "
        "one loses what it missed)",
    ) in said, said
    table = window.simulation.results.table
    # DB03 stayed on WOR-MBX01; its copies in Boston fall behind from the cut.
    db03 = [item.text() for item in _row(table, "DB03")]
    assert db03[1:3] == ["active", "WOR-MBX01"]
    assert db03[WHY].startswith("copies behind "), db03
    controller.set_time(second + 600.0)
    qtbot.waitUntil(lambda: _row(table, "DB03")[WHY].text() == "copies behind 10 min")
    qtbot.waitUntil(lambda: not timeline.held, timeout=3000)
    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "detour-cut-off.png"))


def test_an_earlier_outage_is_one_short_line_of_why(qtbot: Any, launch: Any) -> None:
    w = SimWindow(qtbot, launch, "dag_with_ha")
    w.window.resize(1280, 800)
    w.enter()
    w.click("esx-den-01")
    w.end()
    w.click("esx-den-02", Qt.KeyboardModifier.ShiftModifier)
    w.end()
    panel = w.mode.results
    table = panel.table
    qtbot.waitUntil(lambda: panel._pending is None and panel._state is w.controller.state())
    item = _row(table, "DEN-DB01")[WHY]
    assert item.text() == (
        "mailbox database DEN-DB01 mounts on DAG member DEN-MBX03 once its DAG regains "
        "quorum; down again from T+3:02, back in 102 s"
    )
    assert "each outage is timed from its own start" in item.toolTip()
    assert "an earlier one" in item.toolTip()
    # The clause takes at most a line more than DEN-DB02's reason, the same but for it
    # (it took five more in this window's Why column).
    other = _row(table, "DEN-DB02")[WHY]
    assert other.text().endswith("once its DAG regains quorum")
    spacing = table.fontMetrics().lineSpacing()
    qtbot.waitUntil(
        lambda: 0 < table.rowHeight(item.row()) - table.rowHeight(other.row()) <= spacing + 1
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    w.window.grab().save(str(SHOTS / "rto-clause-brief.png"))


def test_the_affected_databases_come_first(qtbot: Any, launch: Any) -> None:
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.window.resize(1280, 800)
    w.enter()
    panel = w.mode.results
    table = panel.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: panel._pending is None and table.rowCount() == 4)
    assert _names(table) == ["DB01", "DB02", "DB03", "DB04"]  # none affected: by name
    assert header.sortIndicatorSection() == -1
    w.click("vm-wor-mbx01")
    w.end()
    qtbot.waitUntil(lambda: panel._pending is None and panel._state is w.controller.state())
    assert _names(table) == ["DB03", "DB01", "DB02", "DB04"]  # DB03 moved: RTO 1:09
    assert header.sortIndicatorSection() == -1
    # The user's sort: by name (first to last, then last to first), kept while the
    # playhead moves; the third click brings the affected first again.
    _click_header(table, NAME)
    qtbot.waitUntil(lambda: panel._pending is None)
    assert _names(table) == ["DB01", "DB02", "DB03", "DB04"]
    w.controller.set_time(30.0)
    qtbot.waitUntil(lambda: panel._state is w.controller.state())
    assert _names(table) == ["DB01", "DB02", "DB03", "DB04"]
    _click_header(table, NAME)
    qtbot.waitUntil(lambda: panel._pending is None)
    assert _names(table) == ["DB04", "DB03", "DB02", "DB01"]
    _click_header(table, NAME)
    qtbot.waitUntil(lambda: panel._pending is None)
    assert header.sortIndicatorSection() == -1
    # At 0:30 DB03 is not back yet (no RTO: the worst), first still.
    assert _names(table) == ["DB03", "DB01", "DB02", "DB04"]
    # RTO's sort (Qt's of its texts) too.
    _click_header(table, COLUMNS.index("RTO"))
    assert header.sortIndicatorSection() == COLUMNS.index("RTO")
    w.end()
    qtbot.waitUntil(lambda: panel._state is w.controller.state())
    rtos = [_row(table, n)[4].text() for n in _names(table)]
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert rtos == sorted(rtos, reverse=descending) and "1:09" in rtos
    SHOTS.mkdir(parents=True, exist_ok=True)
    w.window.grab().save(str(SHOTS / "affected-first.png"))
