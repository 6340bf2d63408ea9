"""The timeline's lanes and its empty mailbox plot, through the real window (eyes16):
a site going down is a failure (it was plotted in the Clients lane), and before any
failure the mailbox plot reads 0 to the design's mailboxes with a note, not pyqtgraph's
empty 0.2–0.8 axis."""

from __future__ import annotations

from pathlib import Path

from test_simulation_mode import SimWindow

from designer.ui.simulation.timeline import LANES, lane_of

SHOTS = Path("/tmp/fixc16-shots")


def test_a_site_down_is_plotted_in_the_failures_lane(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    w.click("site-bos")
    w.end()
    lanes = {p.data().kind: LANES[round(p.pos().y())][0] for p in w.mode.timeline.scatter.points()}
    assert lanes["site_down"] == "Failures"
    assert lane_of("site_down") == 0
    # The clients' own events stay in their lane.
    assert LANES[lane_of("users_cut_off")][0] == "Clients"


def test_before_any_failure_the_mailbox_plot_reads_zero_to_the_designs_mailboxes(
    qtbot,
    launch,  # type: ignore[no-untyped-def]
) -> None:
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    timeline = w.mode.timeline
    assert w.controller.result is None
    (_x, (y0, y1)) = timeline.mailbox_plot.getViewBox().viewRange()
    assert y0 == 0 and 8000 <= y1 <= 8000 * 1.1, (y0, y1)
    assert "8,000 mailboxes" in timeline.empty_note.toPlainText()
    qtbot.waitUntil(lambda: not timeline.held, timeout=3000)
    # The note sits inside the plot's box, in its middle.
    box = timeline.mailbox_plot.getViewBox().boundingRect()
    assert box.contains(timeline.empty_note.pos()) and timeline.empty_note.isVisible()
    SHOTS.mkdir(exist_ok=True)
    timeline.grab().save(str(SHOTS / "timeline-before-any-failure.png"))
    w.click("site-bos")
    w.end()
    assert timeline.empty_note.toPlainText() == ""
