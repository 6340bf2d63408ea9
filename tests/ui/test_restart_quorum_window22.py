"""The window says what `simulate` says of a DAG member vSphere HA restarts (fidq22):
``dr-designer gui`` on the three-site sample, F5, a click on site Worcester, then a
Shift-click on Boston's host esx-bos-02 at 0:00. The DAG loses quorum at 1:00 (BOS-MBX02
boots until 1:33: 2 of 5 votes), regains it at 1:33, and its databases mount at 1:42:
the timeline shows both quorum events, the results table RTO 1:42 (it said 1:09, DB01
0:00, the DAG "keeping quorum with 3 of 5 votes")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from test_simulation_mode import SimWindow


def test_the_window_shows_quorum_lost_until_the_restarted_member_runs(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    w.click("site-wor")
    w.controller.pause()
    w.controller.set_time(0.0)
    w.click("esx-bos-02", Qt.KeyboardModifier.ShiftModifier)
    assert [(s.action, s.target, s.at_s) for s in w.controller.steps] == [
        ("fail", "site-wor", 0.0),
        ("fail", "esx-bos-02", 0.0),
    ]
    w.end()
    kinds = {(round(p.pos().x()), p.data().kind) for p in w.mode.timeline.scatter.points()}
    assert (60, "quorum_lost") in kinds and (93, "quorum_kept") in kinds, sorted(kinds)
    assert (60, "quorum_kept") not in kinds
    table = w.mode.results.table
    assert sorted(table.item(r, 0).text() for r in range(table.rowCount())) == [
        "DB01",
        "DB02",
        "DB03",
        "DB04",
    ]
    for r in range(table.rowCount()):
        assert table.item(r, 2).text() == "BOS-MBX01", table.item(r, 2).text()
        # DB01, mounted until the DAG loses quorum at 1:00, is down 42 s (wave 23, fid23).
        rto = "0:42" if table.item(r, 0).text() == "DB01" else "1:42"
        assert table.item(r, 4).text() == rto, table.item(r, 4).text()
    w.window.grab().save(str(tmp_path / "restart-quorum.png"))
    # Between the loss and the mount no database is served; from 1:42 all are.
    w.controller.set_time(80.0)
    assert all(db.state != "active" for db in w.controller.state().databases)
    qtbot.wait(50)
    w.window.grab().save(str(tmp_path / "restart-quorum-1m20.png"))
    w.controller.set_time(110.0)
    assert all(db.active_on == "vm-bos-mbx01" for db in w.controller.state().databases)
