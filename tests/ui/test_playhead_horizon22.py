"""Simulation mode's playhead ends at the scenario's horizon (wave 22, ``ui22``): the
time *Save scenario…*, *Run all scenarios*, ``check --scenarios`` and the review report
judge it at. It ran 20 s past it: played to its end, a WAN link degraded below its
copies' need read "copies behind 17.2 min" in the Results where the scenario saved and
judged 17.1; a saved scenario whose expectation states its time (``at_s``) ended 20 s
after its own window whatever that time. Opened as ``dr-designer gui FILE``
(tests/gui_door.py), played with the scenario bar's buttons and slider."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton
from test_capacity_window import lagged_sample_degraded
from test_simulation_actions import SAMPLES, Window, choose_from_popup

from designer.simulation.expectations import worst_copies_behind
from designer.ui import dialogs
from designer.ui.simulation.results_table import COLUMNS
from designer.ui.simulation.timeline import MIN_SPAN_S


def _why(window: Any) -> dict[str, str]:
    table = window.simulation.results.table
    return {
        table.item(r, COLUMNS.index("Database")).text(): table.item(r, COLUMNS.index("Why")).text()
        for r in range(table.rowCount())
    }


def _button(window: Any, text: str) -> QToolButton:
    (button,) = [b for b in window.simulation.bar.findChildren(QToolButton) if b.text() == text]
    return button


def _play_to_the_end(window: Any, qtbot: Any) -> None:
    """The slider near its end (End, then Page Down: 1 % back), the fastest speed, then
    the Play button; the play stops by itself at the timeline's end."""
    controller = window.simulation.controller
    bar = window.simulation.bar
    controller.pause()
    bar.speed.setCurrentIndex(bar.speed.count() - 1)
    bar.slider.setFocus()
    QTest.keyClick(bar.slider, Qt.Key.Key_End)
    QTest.keyClick(bar.slider, Qt.Key.Key_PageDown)
    assert 0 < controller.time < controller.duration
    QTest.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert controller.playing
    qtbot.waitUntil(lambda: not controller.playing, timeout=10000)


def test_played_to_its_end_the_window_shows_the_state_the_scenario_saves(
    qtbot: Any, launch: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    window = lagged_sample_degraded(launch, qtbot)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.result is not None and bool(controller.steps))
    result = controller.result
    # The queue grows for an hour from the degrade at 0:00: the scenario's window.
    assert result.end_s == 3600.0
    assert controller.duration == 3600.0
    _play_to_the_end(window, qtbot)
    assert controller.time == 3600.0
    qtbot.waitUntil(lambda: "copies behind 17.1 min" in _why(window).values())
    timeline = window.simulation.timeline
    assert timeline.playhead.value() == 3600.0
    # The playhead is in the plot's view at the end (the view pads its range by 2 %).
    (x0, x1), _ = timeline.events_plot.getViewBox().viewRange()
    assert x0 <= 3600.0 < x1
    assert window.simulation.bar.clock.text() == "T+1:00:00"
    window.grab().save(str(tmp_path / "played-to-the-horizon.png"))
    # What the scenario saves is what the window shows at its end.
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: ("ATL-CLT at 5 %", True))
    QTest.mouseClick(_button(window, "Save scenario…"), Qt.MouseButton.LeftButton)
    saved = window.session.design.scenarios[-1]
    assert saved.name == "ATL-CLT at 5 %" and saved.expected is not None
    behind = worst_copies_behind(result, controller.time)
    assert saved.expected.max_copies_behind_s == math.ceil(behind)
    assert f"copies behind {behind / 60:.1f} min" in _why(window).values()


def _with_a_scenario_judged_at(tmp_path: Path, at_s: float) -> Path:
    """The lagged sample with a saved scenario of its own: ATL-CLT WAN at 5 % from 0:00,
    judged two hours on (``expected.at_s``), when its copies are 34.2 min behind."""
    data = json.loads((SAMPLES / "stretched_dag_lagged.json").read_text(encoding="utf-8"))
    data["design"].setdefault("scenarios", []).append(
        {
            "name": "Two hours at 5 %",
            "steps": [
                {
                    "at_s": 0.0,
                    "action": "degrade",
                    "target": "wan-atl-clt",
                    "bandwidth_mbps": 50.0,
                }
            ],
            "expected": {"at_s": at_s, "max_copies_behind_s": 2100},
        }
    )
    path = tmp_path / "judged-later.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_a_saved_scenario_that_states_its_time_ends_there_until_a_step_is_added(
    qtbot: Any, launch: Any, tmp_path: Path, _no_modal_dialogs: Any
) -> None:
    path = _with_a_scenario_judged_at(tmp_path, 7200.0)
    w = Window.__new__(Window)  # Window's own attributes, on a file of the test's
    w.window = launch(path)
    w.view, w.mode, w.qtbot = w.window.view, w.window.simulation, qtbot
    w.scene, w.controller = w.view.design_scene, w.mode.controller
    w.enter()
    bar = w.mode.bar
    picked: list[str] = []
    QTimer.singleShot(50, choose_from_popup("Two hours at 5 %", picked))
    QTest.mouseClick(bar.saved_button, Qt.MouseButton.LeftButton)
    assert picked == ["Two hours at 5 % (1 step)"]
    controller = w.controller
    assert controller.result is not None and controller.result.end_s == 3600.0
    # Judged at 2:00:00: the timeline runs there (it ended at 1:00:20).
    assert controller.duration == 7200.0
    _play_to_the_end(w.window, qtbot)
    assert controller.time == 7200.0
    behind = worst_copies_behind(controller.result, 7200.0)
    assert round(behind / 60, 1) == 34.2
    qtbot.waitUntil(lambda: "copies behind 34.2 min" in _why(w.window).values())
    # Run all scenarios judges the state shown: 34.2 min, over the 35 min stated.
    QTest.mouseClick(_button(w.window, "Run all scenarios"), Qt.MouseButton.LeftButton)
    verdicts = dict(w.mode.scenarios.last_run)
    assert verdicts["Two hours at 5 %"] == []
    w.window.grab().save(str(tmp_path / "judged-at-two-hours.png"))
    # A step added makes another scenario: its own window again (the link restored at
    # the cursor, from the link's menu: the queue drains by its end).
    controller.restore_link("wan-atl-clt")
    assert controller.expected is None
    assert controller.duration == controller.result.end_s != 7200.0


def test_a_failure_nothing_follows_keeps_the_playhead_at_its_start(
    qtbot: Any, launch: Any, tmp_path: Path
) -> None:
    """dag_with_ha, F5, a CAS server's VM clicked: it fails at 0:00 and nothing follows
    (its CAS array's other member serves). The timeline is the failure's instant; the
    plots still show their first seconds, not a range of zero width."""
    w = Window(qtbot, "dag_with_ha", launch)
    w.enter()
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.point_of("vm-den-cas01"))
    controller = w.controller
    assert [(s.action, s.target) for s in controller.steps] == [("fail", "vm-den-cas01")]
    assert controller.result is not None and controller.result.end_s == 0.0
    assert controller.duration == 0.0
    qtbot.waitUntil(lambda: not controller.playing, timeout=3000)
    assert controller.time == 0.0
    timeline = w.mode.timeline
    qtbot.wait(300)  # the plots follow the canvas's next frame
    (x0, x1), _ = timeline.events_plot.getViewBox().viewRange()
    assert x0 < 0.0 and MIN_SPAN_S <= x1 < 2 * MIN_SPAN_S
    assert w.mode.bar.clock.text() == "T+0:00"
    w.window.grab().save(str(tmp_path / "nothing-follows.png"))
    # Nothing to move through: the slider and the playhead stay put.
    bar = w.mode.bar
    assert not bar.slider.isEnabled() and not timeline.playhead.movable
    # Past the end of a longer scenario, the playhead dragged on comes back to it.
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.point_of("esx-den-01"))
    assert [(s.action, s.target) for s in controller.steps] == [("fail", "esx-den-01")]
    assert bar.slider.isEnabled() and timeline.playhead.movable
    end = controller.duration
    assert end > 0
    bar.slider.setFocus()
    QTest.keyClick(bar.slider, Qt.Key.Key_End)
    assert controller.time == end
    timeline.playhead.setValue(end + 30.0)  # as its drag does (sigPositionChanged)
    assert controller.time == end and timeline.playhead.value() == end
