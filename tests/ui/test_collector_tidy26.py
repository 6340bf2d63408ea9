"""What an edit made is collected and frozen once the window is idle (issue 10, wave 26,
``spike26``).

After an edit at 100,000 elements the turn that happened to start a full collection
of the cyclic collector stalled the window 50-65 ms now and then: such a collection
visited every object the session's edits had left since the design was opened (12-48
ms of CPU, growing with each hundred edits). Once an edit's findings have arrived and
the window's slices are idle, what the edit made is collected and frozen
(:func:`designer.collector.tidy`): the next collections visit only what the next edits
make.

Counted here, not timed: the objects a full collection would visit after each of a
run of edits made with the mouse and keys through ``dr-designer gui FILE`` (before
this wave they grew with every edit), and the edit's undo command out of the
collector's reach."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from generated import generated_file as _generated
from generated import settled as _settled
from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QTest

from designer import collector
from designer.ui import slices

#: The objects a full collection may visit once an edit is tidied away: what the
#: event loop, pytest-qt's wait and the window made since (a few hundred); the same
#: edits left tens of thousands before (see the module's docstring).
FEW = 3_000


def _visited() -> int:
    """The objects a full collection would visit now (tracked and not frozen)."""
    return len(gc.get_objects())


def test_each_edit_is_collected_and_frozen_once_the_window_is_idle(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = launch(_generated(tmp_path, 1000))
    window.resize(1600, 1000)
    session = window.session
    view = window.view
    scene = view.design_scene
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    document = session.document
    host: Any = next(e for e in document.design.elements if e.kind == "esxi_host")
    rect = scene.nodes[host.id].scene_rect()
    view.centerOn(rect.center())
    at = view.mapFromScene(rect.left() + 12, rect.top() + 6)

    tidies = getattr(slices.shared(), "tidies", 0)  # (none before wave 26)
    visited: list[int] = []
    for _round in range(3):
        # The user clicks the host's box and presses Delete, then Ctrl+Z, then Ctrl+Y
        # and Ctrl+Z again: four edits, each checked on the worker.
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
        assert session.selection == [host.id]
        keys = [
            (Qt.Key.Key_Delete, Qt.KeyboardModifier(0)),
            (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        ]
        for key, modifiers in keys:
            QTest.keyClick(view.viewport(), key, modifiers)
            assert (document.get(host.id) is None) == (key != Qt.Key.Key_Z)
            qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
            # Once idle, a collection visits only what came after the edit was tidied.
            qtbot.waitUntil(lambda: _visited() < FEW, timeout=20_000)
            command = session.undo_stack.command(session.undo_stack.index() - 1)
            assert not any(o is command for o in gc.get_objects()), "the edit's command frozen"
        visited.append(_visited())
    assert document.get(host.id) is not None and host.id in scene.nodes
    assert max(visited) < FEW, visited
    assert slices.shared().tidies > tidies


def test_the_tidy_is_a_turn_of_its_own_in_place_of_the_jobs_next_one(
    qtbot: Any, monkeypatch: Any
) -> None:
    """While jobs run (at 100k the idle jobs ran for seconds after each edit), the tidy
    takes the jobs' next turn: no step of a job runs in the same turn as it."""
    monkeypatch.setattr(slices, "TIDY_AFTER_MS", 0)
    runner = slices.Slices()
    owner = QObject()
    log: list[str] = []

    def tidy() -> bool:
        log.append("tidy")
        return True

    monkeypatch.setattr(collector, "tidy", tidy)

    def step(_deadline: float) -> bool:
        log.append("step")
        return "tidy" in log and log[-3:] == ["step"] * 3  # (two steps after the tidy)

    runner.start("job", owner, step)
    qtbot.waitUntil(lambda: "step" in log, timeout=5000)
    runner._tidy.setInterval(0)
    runner.tidy_when_idle()
    qtbot.waitUntil(lambda: not runner.running("job"), timeout=5000)
    assert log.count("tidy") == 1 and runner.tidies == 1
    assert log.index("tidy") > 0 and log[-3:] == ["step"] * 3, "between two of its turns"


def test_the_tidy_waits_while_a_pause_of_the_collector_runs(qtbot: Any) -> None:
    """The canvas's routing and the long-lived jobs pause the collector: the tidy comes
    once the pause has ended (what the pause made is frozen or collected then)."""
    runner = slices.Slices()
    before = gc.get_freeze_count()
    collector.pause()
    try:
        runner.tidy_when_idle()
        runner._tidy_if_idle()  # (its timer's timeout, as if it came now)
        assert runner.tidies == 0 and runner._tidy.isActive(), "tried again later"
    finally:
        collector.resume()
    runner._tidy.setInterval(0)
    runner.tidy_when_idle()
    qtbot.waitUntil(lambda: runner.tidies == 1, timeout=5000)
    assert gc.get_freeze_count() > before
