"""The window shows what ``simulate`` says of fid24's simulator fidelity (wave 24):
``dr-designer gui`` on the DAG-with-HA sample, F5, a click on host esx-den-01 and, once
its failover has settled, a Shift-click on host esx-den-02.

esx-den-01's failure restarts DEN-MBX01 on esx-den-02 and moves DEN-DB01 to DEN-MBX02.
esx-den-02's failure then takes DEN-MBX01 down again with DEN-MBX02 and the witness
server DEN-FS01: vSphere HA restarts all three, and the DAG has no quorum until their
OS runs (DEN-MBX01 moved silently and voted all along). DEN-DB01's RTO is its second
outage's, timed from that outage's start (it was timed from the first's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from test_sim_fidelity_window23 import _row
from test_simulation_mode import SimWindow


def test_a_second_restart_counts_for_quorum_and_rto_is_per_outage(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    w = SimWindow(qtbot, launch, "dag_with_ha")
    w.enter()
    w.click("esx-den-01")
    w.end()
    assert _row(w, "DEN-DB01")[4] == "1:09"
    second = w.controller.duration  # the first failure's last event: its copies healthy
    assert second >= 182.0
    w.click("esx-den-02", Qt.KeyboardModifier.ShiftModifier)
    assert [(s.target, s.at_s) for s in w.controller.steps] == [
        ("esx-den-01", 0.0),
        ("esx-den-02", second),
    ]
    w.end()
    dots = {(round(p.pos().x() - second), p.data().kind) for p in w.mode.timeline.scatter.points()}
    for dot in ((40, "vm_failed"), (40, "witness_away"), (60, "quorum_lost"), (93, "quorum_kept")):
        assert dot in dots, sorted(dots)
    said = {(round(p.pos().x() - second), p.data().text) for p in w.mode.timeline.scatter.points()}
    assert (40, "VM DEN-MBX01 fails") in said, sorted(said)  # with esx-den-02 this time
    assert _row(w, "DEN-DB01")[4] == "1:42"  # from the second outage's start
    assert _row(w, "DEN-DB01")[6].endswith("; down again from T+3:02, back in 102 s")
    w.controller.set_time(second + 70.0)
    qtbot.waitUntil(lambda: not w.controller.state().dag("dag-den").quorum, timeout=3000)
    assert w.controller.state().mailboxes_available == 0
    qtbot.waitUntil(lambda: not w.mode.timeline.held, timeout=3000)
    w.window.grab().save(str(tmp_path / "second-restart.png"))
    w.controller.set_time(w.controller.duration)
    qtbot.waitUntil(lambda: _row(w, "DEN-DB01")[1] == "active", timeout=3000)
    w.window.grab().save(str(tmp_path / "second-restart-end.png"))
