"""The window shows what ``simulate`` says of fid23's simulator fidelity (wave 23):
``dr-designer gui`` on the three-site sample, F5, a click on site Worcester and a
Shift-click on a host at 0:00.

- esx-bos-02 (BOS-MBX02 restarted by vSphere HA): DB01, on BOS-MBX01 up all along, is
  served until the DAG loses quorum at 1:00 (000 Table 1's detection): the timeline's
  mailboxes curve holds its 2,000 mailboxes from 0:00 to 1:00 (it read 0 from 0:00), the
  Results at 0:30 show it active, and its RTO is 0:42 (1:42 before).
- esx-hfd-01 in a vSphere HA cluster (the witness server HFD-FS01 restarted): the DAG
  has no quorum from 1:00 until HFD-FS01's OS runs at 1:33 (it kept quorum, "3 of 5").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from design_variants import hartford_in_ha
from PySide6.QtCore import Qt
from test_simulation_mode import SimWindow


def _curve_at(w: SimWindow, t: float) -> float:
    """The mailboxes curve's value at ``t`` (a step series: the last point at or before)."""
    curve = w.mode.timeline.curve
    xs = [float(x) for x in curve.xData]
    ys = [float(y) for y in curve.yData]
    return next(y for x, y in reversed(list(zip(xs, ys, strict=True))) if x <= t)


def _row(w: SimWindow, name: str) -> list[str]:
    table = w.mode.results.table
    for r in range(table.rowCount()):
        if table.item(r, 0).text() == name:
            return [table.item(r, c).text() for c in range(table.columnCount())]
    raise AssertionError(name)


def test_a_database_up_all_along_is_served_until_its_dag_loses_quorum(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    w.click("site-wor")
    w.controller.pause()
    w.controller.set_time(0.0)
    w.click("esx-bos-02", Qt.KeyboardModifier.ShiftModifier)
    w.end()
    assert (_curve_at(w, 30.0), _curve_at(w, 61.0), _curve_at(w, 103.0)) == (2000, 0, 8000)
    assert _row(w, "DB01")[4] == "0:42"
    assert _row(w, "DB02")[4] == "1:42"
    w.controller.set_time(30.0)
    qtbot.waitUntil(lambda: _row(w, "DB01")[1] == "active", timeout=3000)
    assert _row(w, "DB02")[1] != "active"
    qtbot.waitUntil(lambda: not w.mode.timeline.held, timeout=3000)
    w.window.grab().save(str(tmp_path / "db01-at-0m30.png"))
    w.controller.set_time(70.0)
    qtbot.waitUntil(lambda: _row(w, "DB01")[1] != "active", timeout=3000)
    assert _row(w, "DB01")[6] == "DAG DAG01 has no quorum until T+1:33"
    w.window.grab().save(str(tmp_path / "db01-at-1m10.png"))


class _Hartford(SimWindow):
    """SimWindow on the three-site sample with HFD-FS01's host in a vSphere HA cluster."""

    def __init__(self, qtbot: Any, launch: Any, tmp_path: Path) -> None:
        path = hartford_in_ha(tmp_path)
        self.window = launch(path)
        self.session = self.window.session
        self.view = self.window.view
        self.scene = self.view.design_scene
        self.mode = self.window.simulation
        self.controller = self.mode.controller
        self.qtbot = qtbot


def test_the_window_shows_no_quorum_while_the_witness_server_restarts(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    w = _Hartford(qtbot, launch, tmp_path)
    w.enter()
    w.click("site-wor")
    w.controller.pause()
    w.controller.set_time(0.0)
    w.click("esx-hfd-01", Qt.KeyboardModifier.ShiftModifier)
    assert [(s.target, s.at_s) for s in w.controller.steps] == [
        ("site-wor", 0.0),
        ("esx-hfd-01", 0.0),
    ]
    w.end()
    kinds = {(round(p.pos().x()), p.data().kind) for p in w.mode.timeline.scatter.points()}
    for dot in ((40, "witness_away"), (60, "quorum_lost"), (93, "quorum_kept"), (93, "witness_up")):
        assert dot in kinds, sorted(kinds)
    assert (60, "quorum_kept") not in kinds
    assert {_row(w, db)[4] for db in ("DB03", "DB04")} == {"1:42"}  # 1:09 with its vote
    qtbot.waitUntil(lambda: not w.mode.timeline.held, timeout=3000)
    w.window.grab().save(str(tmp_path / "witness-restart.png"))
    w.controller.set_time(80.0)
    qtbot.waitUntil(lambda: not w.controller.state().dag("dag-01").quorum, timeout=3000)
    assert all(db.state != "active" for db in w.controller.state().databases)


def test_a_plain_quorum_loss_drops_the_mailboxes_curve_when_the_dag_detects_it(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    """Worcester clicked, Hartford (the witness's site) Shift-clicked at 0:00: Boston's
    DB01 and DB02 (4,000 mailboxes) are served until the DAG loses quorum at 1:00."""
    w = SimWindow(qtbot, launch, "three_site_stretched_dag")
    w.enter()
    w.click("site-wor")
    w.controller.pause()
    w.controller.set_time(0.0)
    w.click("site-hfd", Qt.KeyboardModifier.ShiftModifier)
    assert [s.target for s in w.controller.steps] == ["site-wor", "site-hfd"]
    w.end()
    assert (_curve_at(w, 30.0), _curve_at(w, 61.0)) == (4000, 0)
    w.controller.set_time(30.0)
    qtbot.waitUntil(lambda: _row(w, "DB01")[1] == "active", timeout=3000)
    assert _row(w, "DB03")[1] == "waiting"
    qtbot.waitUntil(lambda: not w.mode.timeline.held, timeout=3000)
    w.window.grab().save(str(tmp_path / "plain-quorum-loss-0m30.png"))
