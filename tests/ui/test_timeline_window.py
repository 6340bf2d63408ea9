"""Simulation mode's timeline spans the scenario's window (wave 18, fid18): it ended 20 s
after the last event, and a database that mounts again on its own server after vSphere
HA's restart and the services' start had no event: it was never shown mounted; and
a copy queue growing for hours was seen only for its first 20 s. Opened as
``dr-designer gui SAMPLE``; the time moved with the scenario bar's slider (End key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_capacity_window import lagged_sample_degraded
from test_simulation_mode import SimWindow

from designer.ui.simulation.results_table import COLUMNS


def _column(window: Any, name: str) -> dict[str, str]:
    table = window.simulation.results.table
    return {
        table.item(r, COLUMNS.index("Database")).text(): table.item(r, COLUMNS.index(name)).text()
        for r in range(table.rowCount())
    }


def _to_the_end(window: Any, qtbot: Any) -> None:
    """The scenario bar's slider to its end, by its End key, as a user would."""
    controller = window.simulation.controller
    controller.pause()
    slider = window.simulation.bar.slider
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: controller.time == controller.duration, timeout=3000)


def test_the_timeline_ends_after_the_last_database_mounts(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    """CX4 sample, esx-phl-01 failed: PHL-MBX01 is restarted by HA (0:50), its OS runs at
    1:33 and its six storage groups mount at 3:33 (services 120 s): no event said so,
    and the timeline ended at 1:53 with them "failing over" (the CLI's final state:
    active)."""
    w = SimWindow(qtbot, launch, "cx4_srm_mirrorview_s")
    w.enter()
    w.click("esx-phl-01")
    result = w.controller.result
    assert result is not None
    mounts = [e for e in result.events if e.kind == "db_active"]  # none before wave 18
    assert len(mounts) == 6 and {e.t for e in mounts} == {213.0}
    assert mounts[0].text == "mailbox database PHL-MBX01-SG1-DB mounts on PHL-MBX01"
    assert w.controller.duration == 213.0  # its horizon (ui22: it ran 20 s past)
    _to_the_end(w.window, qtbot)
    qtbot.waitUntil(lambda: _column(w.window, "State").get("PHL-MBX01-SG1-DB") == "active")
    states = _column(w.window, "State")
    assert {states[f"PHL-MBX01-SG{n}-DB"] for n in range(1, 7)} == {"active"}
    assert _column(w.window, "RTO")["PHL-MBX01-SG1-DB"] == "3:33"
    qtbot.wait(300)  # the plots follow the canvas's next frame
    w.window.grab().save(str(tmp_path / "mounted-at-the-end.png"))


def test_a_growing_copy_queue_is_seen_growing_for_an_hour(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    """ATL-CLT WAN at 5 % (50 of the 69.9 Mbit/s its copies need): the queue grows
    (1 − 50/69.9) s a second; the timeline showed its first 20 s (6 s behind), now the
    hour its event speaks of (17.1 min behind for each hour)."""
    window = lagged_sample_degraded(launch, qtbot)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.result is not None and bool(controller.steps))
    queued = [e for e in controller.result.events if e.kind == "copy_queue"]  # type: ignore[union-attr]
    assert queued and "17.1 min behind for each hour" in queued[0].text
    assert controller.duration == 3600.0  # its horizon (ui22: it ran 20 s past)
    _to_the_end(window, qtbot)
    qtbot.waitUntil(lambda: "copies behind 17.1 min" in _column(window, "Why").values())
    window.grab().save(str(tmp_path / "queue-after-an-hour.png"))
