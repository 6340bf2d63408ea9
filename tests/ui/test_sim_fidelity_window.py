"""Wave 16's simulator fidelity in the window (fida16): the copy queue the capacity
report names is on simulation mode's timeline, opened as ``dr-designer gui SAMPLE``."""

from __future__ import annotations

import os

from test_simulation_mode import SimWindow

from designer.ui.simulation.timeline import LANES, lane_of


def test_losing_redmond_puts_the_scr_copy_queue_on_the_timeline(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A click on site Redmond in the Exchange 2007 sample: the CCR databases mount on
    RED-CCR-N2 in Bellevue at 2:00 and their SCR copies queue on the 20 Mbit/s backup
    line to Portland; the DAG lane shows it, its tooltip the capacity report's figures."""
    w = SimWindow(qtbot, launch, "exchange2007_lcr_ccr_scr")
    w.enter()
    w.click("site-red")
    w.end()
    points = {p.data().kind: p for p in w.mode.timeline.scatter.points()}
    queue = points["copy_queue"]
    assert (queue.pos().x(), round(queue.pos().y())) == (120.0, lane_of("copy_queue"))
    assert LANES[lane_of("copy_queue")][0] == "DAG"
    assert "8 copies queue 6,417 logs an hour, 25.7 min behind" in queue.data().text
    shot = os.environ.get("FIDA16_SHOT")
    if shot:
        w.window.resize(1400, 900)
        qtbot.wait(200)
        w.window.grab().save(shot)
        w.mode.timeline.grab().save(shot.replace(".png", "-timeline.png"))
