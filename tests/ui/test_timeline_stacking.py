"""Events at one moment in one lane of the timeline each show (fidb17, wave 17): the SCR
copies' queue at 2:00 in the Exchange 2007 sample lay under the dots of the eight CCR
databases failing over at that moment, in simulation mode's DAG lane. Opened as
``dr-designer gui SAMPLE`` (tests/gui_door.py), the site clicked on the canvas."""

from __future__ import annotations

import os
from pathlib import Path

from test_simulation_mode import SimWindow

from designer.ui.simulation.timeline import lane_of

SHOTS = Path(os.environ.get("FIDB17_SHOTS", "/tmp/fidb17-shots"))


def test_the_scr_queue_has_a_dot_of_its_own_beside_the_failovers(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    w = SimWindow(qtbot, launch, "exchange2007_lcr_ccr_scr")
    w.enter()
    w.click("site-red")
    w.end()
    timeline = w.mode.timeline
    w.window.resize(1400, 900)
    qtbot.waitUntil(lambda: not timeline.held, timeout=3000)
    qtbot.wait(100)
    at_two = [p for p in timeline.scatter.points() if p.pos().x() == 120.0]
    failovers = [p for p in at_two if p.data().kind == "db_active"]
    (queue,) = [p for p in at_two if p.data().kind == "copy_queue"]
    assert len(failovers) == 8
    # Each still in its lane (the lane is the height rounded) ...
    assert {round(p.pos().y()) for p in at_two} == {lane_of("copy_queue")}
    # ... the failovers on one dot, the queue on its own, a whole dot apart on screen.
    assert len({p.pos().y() for p in failovers}) == 1
    view = timeline.events_plot.getViewBox()
    first = view.mapViewToDevice(failovers[0].pos())
    other = view.mapViewToDevice(queue.pos())
    assert abs(other.y() - first.y()) >= timeline.scatter.opts["size"] - 1, (first, other)
    # The failovers' label counts them; the queue has a label of its own.
    texts = [label.toPlainText() for label in timeline.labels]
    assert any(t.startswith("mailbox database RED-CCR-SG1") and t.endswith("(+7)") for t in texts)
    assert any(t.startswith("Exchange 2007 CCR/SCR log") for t in texts), texts
    SHOTS.mkdir(parents=True, exist_ok=True)
    timeline.grab().save(str(SHOTS / "timeline-stacked.png"))
