"""The window's sliced work shares one time budget per event-loop turn
(designer.ui.slices): jobs take turns instead of each taking a budget of its own in the
same turn. Durations are measured in benchmarks/bench_scale.py, not here."""

from __future__ import annotations

import gc
import math
import time

import shiboken6
from PySide6.QtCore import QObject, QTimer
from turns import turns

from designer import collector
from designer.ui import slices


def _job(log: list[tuple[str, float]], name: str, steps: int):  # type: ignore[no-untyped-def]
    left = [steps]

    def step(deadline: float) -> bool:
        log.append((name, deadline))
        left[0] -= 1
        return left[0] == 0

    return step


def _two_jobs(qtbot) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """Job "a" (3 steps) and job "b" (2 steps) run to the end: their steps, in order."""
    runner = slices.Slices()
    owner = QObject()
    log: list[tuple[str, float]] = []
    runner.start("a", owner, _job(log, "a", 3))
    runner.start("b", owner, _job(log, "b", 2))
    qtbot.waitUntil(lambda: not runner.running("a") and not runner.running("b"), timeout=3000)
    return log


def test_jobs_in_one_turn_share_its_deadline_and_each_advances(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(slices, "TURN_BUDGET_S", 60.0)  # room for every job every turn
    log = _two_jobs(qtbot)
    assert [name for name, _ in log] == ["a", "b", "a", "b", "a"]
    # One deadline per turn, the same for every job run in it.
    assert log[0][1] == log[1][1] and log[2][1] == log[3][1]
    assert log[0][1] < log[2][1] < log[4][1]


def test_a_spent_budget_ends_the_turn_and_the_others_go_first_next(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(slices, "TURN_BUDGET_S", -1.0)  # spent by the first job of a turn
    log = _two_jobs(qtbot)
    # One job a turn, alternating: neither waits for the other to finish.
    assert [name for name, _ in log] == ["a", "b", "a", "b", "a"]
    assert len({deadline for _, deadline in log}) == 5


def test_a_job_started_again_is_replaced_and_a_deleted_owners_is_dropped(qtbot):  # type: ignore[no-untyped-def]
    runner = slices.Slices()
    kept, gone = QObject(), QObject()
    log: list[tuple[str, float]] = []
    runner.start("a", kept, _job(log, "old", 5))
    runner.start("a", kept, _job(log, "new", 1))
    runner.start("b", gone, _job(log, "gone", 1))
    shiboken6.delete(gone)
    qtbot.waitUntil(lambda: not runner.running("a") and not runner.running("b"), timeout=3000)
    assert [name for name, _ in log] == ["new"]
    runner.start("c", kept, _job(log, "c", 2))
    runner.cancel("c")
    turns(qtbot)
    assert [name for name, _ in log] == ["new"]


def test_long_lived_jobs_run_with_the_collector_paused_then_freeze_what_was_built(qtbot):  # type: ignore[no-untyped-def]
    runner = slices.Slices()
    owner = QObject()
    assert collector.pauses() == 0 and gc.isenabled()
    seen: list[tuple[int, bool]] = []

    def rows(_deadline: float) -> bool:
        seen.append((collector.pauses(), gc.isenabled()))
        return len(seen) == 2

    log: list[tuple[str, float]] = []
    runner.start("rows", owner, _job(log, "replaced", 9), long_lived=True)
    runner.start("rows", owner, rows, long_lived=True)  # replaced: still one pause
    runner.start("marks", owner, _job(log, "marks", 1), long_lived=True)
    runner.start("plain", owner, _job(log, "plain", 1))
    assert collector.pauses() == 2 and not gc.isenabled()
    frozen = gc.get_freeze_count()
    built = [[n] for n in range(1000)]  # what the jobs made, as the rows of findings
    qtbot.waitUntil(lambda: not runner.running("rows"), timeout=3000)
    # The marks ended after the first turn; the rows still ran with the collector off.
    assert seen == [(2, False), (1, False)]
    assert collector.pauses() == 0 and gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(built)
    # A cancelled long-lived job ends its pause too.
    runner.start("rows", owner, _job(log, "cancelled", 9), long_lived=True)
    assert not gc.isenabled()
    runner.cancel("rows")
    assert collector.pauses() == 0 and gc.isenabled()


def test_a_long_lived_job_ends_its_pause_when_its_owner_is_destroyed(qtbot):  # type: ignore[no-untyped-def]
    runner = slices.Slices()
    owner = QObject()
    log: list[tuple[str, float]] = []
    runner.start("rows", owner, _job(log, "rows", 9), long_lived=True)
    assert collector.pauses() == 1
    shiboken6.delete(owner)
    assert collector.pauses() == 0 and gc.isenabled() and not runner.running("rows")


def test_a_job_can_end_its_turn_and_the_others_wait_for_the_next(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    """The canvas restyled rows in view: its repaint comes next, alone."""
    monkeypatch.setattr(slices, "TURN_BUDGET_S", 60.0)  # room for every job every turn
    runner = slices.Slices()
    owner = QObject()
    log: list[tuple[str, float]] = []
    plain = _job(log, "b", 2)

    def ending(deadline: float) -> bool:
        log.append(("a", deadline))
        runner.end_turn()
        return len([n for n, _ in log if n == "a"]) == 2

    runner.start("a", owner, ending)
    runner.start("b", owner, plain)
    qtbot.waitUntil(lambda: not runner.running("a") and not runner.running("b"), timeout=3000)
    assert [name for name, _ in log] == ["a", "b", "a", "b"]
    # "a" ended each of its turns: what ran after it ran in the next turn.
    assert log[0][1] < log[1][1] and log[2][1] < log[3][1]


def test_a_held_runner_runs_nothing_until_released(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    runner = slices.Slices()
    owner, holder = QObject(), QObject()
    log: list[tuple[str, float]] = []
    runner.hold("sim", holder)
    runner.hold("other", holder)
    runner.start("a", owner, _job(log, "a", 2))
    turns(qtbot)
    assert log == [] and runner.running("a") and runner.held
    runner.release("sim")
    turns(qtbot)
    assert log == []  # another hold remains
    runner.release("other")
    qtbot.waitUntil(lambda: not runner.running("a"), timeout=3000)
    assert [name for name, _ in log] == ["a", "a"] and not runner.held


def test_a_hold_ends_with_its_owner_or_after_its_longest_wait(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    runner = slices.Slices()
    owner = QObject()
    log: list[tuple[str, float]] = []
    holder = QObject()
    runner.hold("sim", holder)
    runner.start("a", owner, _job(log, "a", 1))
    turns(qtbot)
    assert log == []
    shiboken6.delete(holder)
    qtbot.waitUntil(lambda: not runner.running("a"), timeout=3000)
    assert not runner.held
    monkeypatch.setattr(slices, "HOLD_MAX_MS", 30)
    forgotten = QObject()
    runner.hold("forgotten", forgotten)
    runner.start("b", owner, _job(log, "b", 1))
    assert runner.held
    qtbot.waitUntil(lambda: not runner.running("b"), timeout=3000)
    assert not runner.held and [name for name, _ in log] == ["a", "b"]


def _late_turn(qtbot, busy_s: float) -> list[str]:  # type: ignore[no-untyped-def]
    """A job asks for a turn, the event loop is then busy for ``busy_s`` (an edit and
    its repaint), and a timer of the window's comes due meanwhile: what ran, in order."""
    runner = slices.Slices()
    owner = QObject()
    order: list[str] = []

    def step(_deadline: float) -> bool:
        order.append("job")
        return order.count("job") == 2

    runner.start("a", owner, step)
    timer = QTimer(owner)  # (a timer, not singleShot(0): that posts an event)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(lambda: order.append("window"))
    timer.start()
    end = time.perf_counter() + busy_s
    while time.perf_counter() < end:
        pass
    qtbot.waitUntil(lambda: not runner.running("a") and "window" in order, timeout=3000)
    return order


def test_a_late_turn_of_the_jobs_gives_way_to_what_else_is_due(qtbot):  # type: ignore[no-untyped-def]
    # Busy longer than LATE_S: the window's timer, due after the jobs' turn, runs first;
    # then the job runs its steps, giving way once only.
    assert _late_turn(qtbot, slices.LATE_S * 2) == ["window", "job", "job"]


def test_a_turn_on_time_runs_the_jobs_first(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(slices, "LATE_S", math.inf)  # never late, however loaded
    assert _late_turn(qtbot, 0.0)[0] == "job"
