"""Simulation mode: the scenario being built by clicks, its result, and the time cursor.

The controller is view state only: it never writes the design and never touches the
undo stack (the session is read-only while it is active). Canvas overlay, scenario
bar, timeline and results table all listen to it.
"""

from __future__ import annotations

import contextlib
import logging
from bisect import bisect_right
from typing import Literal

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from designer import collector
from designer.domain.design import ExpectedOutcome, ScenarioStep
from designer.domain.words import plural
from designer.simulation import (
    Action,
    DatabaseState,
    SimulationError,
    SimulationResult,
    Simulator,
    StepState,
)
from designer.simulation.expectations import judged_at
from designer.ui.session import EditorSession, sharing_the_ui_thread
from designer.ui.simulation.facts import StateFacts, state_facts
from designer.ui.simulation.frames import AfterPaint, next_turn

__all__ = ["SPEEDS", "SimulationController"]

log = logging.getLogger(__name__)

#: Playback speeds offered (simulated seconds per wall-clock second).
SPEEDS = (1.0, 5.0, 10.0, 30.0, 60.0, 300.0)
#: Timer period of playback, ms (≥ 30 frames per second).
FRAME_MS = 30
#: Designs up to this many elements are prepared for simulation on the UI thread when
#: simulation mode starts; larger ones on a worker, so entering the mode never blocks.
SYNC_PREPARE_LIMIT = 3000
#: Designs over this many elements spread each new result's work over event-loop
#: turns of its own (:attr:`SimulationController.spread`: the overlay's, the canvas's
#: repaint, the results table's rows, the plots). Entering the mode is in turns for
#: every design: the docks first, the canvas painted at its new size, then the
#: simulator (on the UI thread up to :data:`SYNC_PREPARE_LIMIT`, in the turn after that
#: paint) and the views' first work. Done in the F5 turn, the simulator, the results
#: table and the docks, then the window's first paint with the plots, made one turn of
#: 46–55 ms CPU for a 183-element sample and 47–62 at 1,000 elements (load 3): longer
#: than F5 at 25,000 elements (22–24).
SPREAD_LIMIT = 500
#: How long after entering simulation mode a large design's simulator starts to be built
#: on the worker, ms: the docks appear, are laid out and painted first. Started at once,
#: the worker shared the GIL with those frames and every Python paint call waited for it
#: (an entry stall of 330–440 ms at 25k instead of ~130 ms).
PREPARE_START_DELAY_MS = 250


class _PrepareJob(QRunnable):
    def __init__(self, controller: SimulationController, revision: int) -> None:
        super().__init__()
        self.controller = controller
        self.document = controller.session.document
        self.design = self.document.design
        self.revision = revision

    def run(self) -> None:
        # Preparing is pure Python: while it runs, the UI thread needs the GIL at every
        # Python ↔ Qt crossing of a paint and would wait a whole switch interval (5 ms)
        # each time (stalls of 150–250 ms at 25k). A short interval hands it over fast.
        simulator: Simulator | None = None
        facts: StateFacts | None = None
        try:
            with sharing_the_ui_thread():
                simulator = Simulator(self.design)
                # What the views derive from the first state by walking its databases
                # (markers, users, mailbox counts), here rather than in the UI turn
                # the simulator arrives in (~50 ms of it at 100,000 elements).
                facts = state_facts(simulator.initial, simulator.prep.db_user_site)
        except Exception:  # the UI thread builds it again and reports what is wrong
            log.debug("preparing the simulator on a worker failed", exc_info=True)
        finally:
            collector.resume(freeze=True)
        if simulator is not None:
            with contextlib.suppress(RuntimeError):  # the controller is gone
                self.controller._prepared.emit(self.revision, (simulator, facts))


class SimulationController(QObject):
    """Holds the what-if scenario and plays its timeline."""

    mode_changed = Signal(bool)
    #: The scenario or its result changed (steps added or removed, re-simulated).
    result_changed = Signal()
    #: The time cursor moved (seconds from the scenario start).
    time_changed = Signal(float)
    playing_changed = Signal(bool)
    #: A step was refused by the simulator (message for the status bar).
    error = Signal(str)
    _prepared = Signal(int, object)

    def __init__(self, session: EditorSession) -> None:
        super().__init__(session)
        self.session = session
        self.active = False
        self.steps: list[ScenarioStep] = []
        #: The expected outcome of the saved scenario played (set_steps), while its steps
        #: are the ones played: a time it states (``at_s``) is where the timeline ends.
        self.expected: ExpectedOutcome | None = None
        self.result: SimulationResult | None = None
        self.time = 0.0
        self.speed = 10.0
        self._simulator: Simulator | None = None
        self._simulator_revision = -1
        # state(): the result it was computed for, the times at which the state at the
        # cursor can change, the phase (interval between two of them) and its state.
        self._state_result: SimulationResult | None = None
        self._state_breaks: list[float] = []
        #: The result the timeline's end was worked out for, and that end (its horizon).
        self._end: tuple[SimulationResult | None, float] = (None, 0.0)
        self._state_phase = -1
        self._state: StepState | None = None
        #: Whether that state's copy queues grow or drain, and the time it is of.
        self._state_moves: bool = False
        self._state_time: float = -1.0
        #: The facts of the last state asked about (see facts()).
        self._facts: tuple[StepState, StateFacts] | None = None
        #: The first state's databases by id, and that state (what the facts' affected
        #: count compares a state with).
        self._before: tuple[StepState, dict[str, DatabaseState]] | None = None
        #: What waits for the canvas's next paint (see follow_canvas).
        self._canvas: AfterPaint | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._prepared.connect(self._on_prepared)

    # -- mode ------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """Enter or leave simulation mode; leaving restores the normal view."""
        if active == self.active:
            return
        self.active = active
        self.pause()
        self.session.set_read_only(active)
        if not active:
            self.steps = []
            self.result = None
            self.time = 0.0
        else:
            self._rerun()  # (the simulator comes in a later turn: see below)
        self.mode_changed.emit(active)
        self.result_changed.emit()
        self.time_changed.emit(self.time)
        if active and not self.ready:
            if self.large:
                # A large design's worker starts once the mode's own UI work (docks
                # shown, laid out and painted, which happens in the event loop after
                # this returns) is done: the worker is pure Python and would otherwise
                # share the GIL with it.
                QTimer.singleShot(PREPARE_START_DELAY_MS, self, self._prepare_on_worker)
            elif self._canvas is not None:
                # A smaller design's simulator (a few ms) comes in the turn after the
                # canvas has painted at its new size, the views' first work after it.
                self._canvas.call(self._prepare_here)
            else:
                next_turn(self, self._prepare_here)

    def follow_canvas(self, canvas: QObject) -> None:
        """A design's simulator (unless :attr:`large`) is built in the turn after
        ``canvas`` (the design view's viewport) has painted on entering the mode."""
        self._canvas = AfterPaint(canvas, self)

    def _prepare_here(self) -> None:
        """Build the simulator on the UI thread now, if the mode still waits for it."""
        if not self.active or self.ready:
            return
        self._prepare(worker=False)
        if self.ready:
            self.result_changed.emit()
            self.time_changed.emit(self.time)

    def _prepare_on_worker(self) -> None:
        if self.active:
            self._prepare(worker=True)

    def _prepare(self, *, worker: bool) -> None:
        """Build the simulator for the current design now (small) or on a worker."""
        document = self.session.document
        if self.ready:
            return
        if len(document.design.elements) <= SYNC_PREPARE_LIMIT:
            _ = self.simulator
        elif worker:
            # No cyclic collection while the worker builds it: each allocation burst
            # started a full collection over the half-built simulator with the
            # interpreter lock held (90-210 ms stalls of the docks' first frames at
            # 25k). Resumed by the job when it ends, however it ends, freezing the
            # new simulator out of later collections' reach.
            collector.pause()
            self._pool.start(_PrepareJob(self, document.revision))

    def _on_prepared(self, revision: int, prepared: tuple[Simulator, StateFacts | None]) -> None:
        simulator, facts = prepared
        if revision == self.session.document.revision and not self.ready:
            # (The worker froze it out of the cyclic collector's reach: collector.resume.)
            self._simulator = simulator
            self._simulator_revision = revision
            if facts is not None:
                self._facts = (simulator.initial, facts)
            self.result_changed.emit()
            self.time_changed.emit(self.time)

    @property
    def large(self) -> bool:
        """Whether the design is big enough for its simulator to be prepared on a
        worker (the mode's views are then :attr:`spread` too)."""
        return len(self.session.document.design.elements) > SYNC_PREPARE_LIMIT

    @property
    def spread(self) -> bool:
        """Whether each new result spreads the views' work over several event-loop
        turns (the canvas paints first, the plots and the results table's rows follow):
        every design over :data:`SPREAD_LIMIT` elements, or :attr:`large`. (Entering
        the mode is in turns for every design; the simulator is built on a worker only
        if large.)"""
        elements = len(self.session.document.design.elements)
        return elements > min(SPREAD_LIMIT, SYNC_PREPARE_LIMIT)

    @property
    def ready(self) -> bool:
        """Whether the simulator for the current design is built."""
        return (
            self._simulator is not None
            and self._simulator_revision == self.session.document.revision
        )

    def stop_workers(self, *, wait: bool = True) -> None:
        """Drop a queued preparation of the simulator and wait for the one running
        (the process's end: :func:`designer.ui.app.end_session`; not without ``wait``)."""
        self._pool.clear()
        if wait:
            self._pool.waitForDone()

    def wait_until_ready(self) -> None:
        """Wait for the worker preparing a large design's simulator; a smaller
        design's, waiting for the canvas's paint on entering the mode, is built now."""
        self._pool.waitForDone()
        if not self.large:
            self._prepare_here()

    @property
    def simulator(self) -> Simulator:
        document = self.session.document
        if self._simulator is None or self._simulator_revision != document.revision:
            self._simulator = Simulator(document.design, document.index)
            self._simulator_revision = document.revision
        return self._simulator

    # -- building the scenario --------------------------------------------------------
    def failed_now(self) -> set[str]:
        """Elements failed (and not restored) at the time cursor."""
        failed: set[str] = set()
        for step in self.steps:
            if step.at_s > self.time or step.target is None:
                continue
            if step.action in ("fail", "guest_os_failure"):
                failed.add(step.target)
            elif step.action == "restore":
                failed.discard(step.target)
        return failed

    def click(self, element_id: str, *, add: bool = False) -> None:
        """A click on an element: fail it (alone, or with ``add`` alongside the others);
        a click on a failed element restores it."""
        if element_id in self.failed_now():
            self._append(ScenarioStep(at_s=self.time, action="restore", target=element_id))
            return
        if add and self.steps:
            self._append(ScenarioStep(at_s=self.time, action="fail", target=element_id))
        else:
            before = len(self.steps)
            self._replace([ScenarioStep(at_s=0.0, action="fail", target=element_id)])
            self.set_time(0.0)
            self.play()
            if before:
                # Not with no word (eyes19: a degraded link's step vanished when a site
                # was then clicked).
                element = self.session.document.get(element_id)
                what = element.describe() if element is not None else element_id
                self.session.status_message.emit(
                    f"A new scenario: {what} fails, in place of the {plural(before, 'step')} "
                    "played before (Shift-click adds to a scenario)"
                )

    def take_action(self, action: Action, *, recovery_point_s: float | None = None) -> None:
        """An administrator action offered by the simulator becomes a step, at the time
        cursor but never before the action is possible (``action.since``);
        ``recovery_point_s`` is the point a lagged copy is recovered to."""
        at = max([self.time, action.since, *(s.at_s for s in self.steps)])
        self._append(
            ScenarioStep(
                at_s=at,
                action="admin",
                target=action.target,
                admin_action=action.name,
                recovery_point_s=recovery_point_s,
            )
        )
        self.set_time(at)
        self.play()

    def fail_guest_os(self, vm_id: str) -> None:
        """The guest OS of a VM fails at the time cursor (vSphere HA VM monitoring may
        reset it), alongside the steps so far."""
        step = ScenarioStep(at_s=self.time if self.steps else 0.0, action="guest_os_failure",
                            target=vm_id)  # fmt: skip
        if self.steps:
            self._append(step)
            return
        self._replace([step])
        self.set_time(0.0)
        self.play()

    def degraded_now(self) -> set[str]:
        """WAN links degraded (and not restored) at the time cursor."""
        degraded: set[str] = set()
        for step in self.steps:
            if step.at_s > self.time or step.target is None:
                continue
            if step.action == "degrade":
                degraded.add(step.target)
            elif step.action == "restore":
                degraded.discard(step.target)
        return degraded

    def degrade_link(
        self,
        link_id: str,
        *,
        bandwidth_mbps: float | None = None,
        latency_ms: float | None = None,
        failed_direction: Literal["a_to_b", "b_to_a"] | None = None,
    ) -> None:
        """A what-if on a WAN link at the time cursor (capacity, issue 11): its bandwidth
        or round trip changes, or one direction stops; alongside the steps so far."""
        step = ScenarioStep(
            at_s=self.time if self.steps else 0.0,
            action="degrade",
            target=link_id,
            bandwidth_mbps=bandwidth_mbps,
            latency_ms=latency_ms,
            failed_direction=failed_direction,
        )
        if self.steps:
            self._append(step)
            return
        self._replace([step])
        self.set_time(0.0)
        self.play()

    def restore_link(self, link_id: str) -> None:
        """A degraded WAN link is back to its design at the time cursor."""
        self._append(ScenarioStep(at_s=self.time, action="restore", target=link_id))

    def inject_corruption(self, database_id: str) -> None:
        """Logical corruption of a database at the time cursor."""
        self._append(ScenarioStep(at_s=self.time, action="corrupt", target=database_id))

    def remove_step(self, number: int) -> None:
        steps = [s for i, s in enumerate(self.steps) if i != number]
        self._replace(steps)

    def set_steps(self, steps: list[ScenarioStep], expected: ExpectedOutcome | None = None) -> None:
        """Play ``steps`` from the start (a saved scenario with its ``expected`` outcome,
        a test)."""
        self._replace(list(steps), expected)
        self.set_time(0.0)

    def clear(self) -> None:
        self.pause()
        self._replace([])
        self.set_time(0.0)

    def _append(self, step: ScenarioStep) -> None:
        steps = sorted([*self.steps, step], key=lambda s: s.at_s)
        self._replace(steps)

    def _replace(self, steps: list[ScenarioStep], expected: ExpectedOutcome | None = None) -> None:
        previous = self.steps, self.expected
        # A step added to or taken from a saved scenario makes another scenario: its
        # expectation (and the time it states) no longer applies.
        self.steps, self.expected = steps, expected
        if not self._rerun():
            self.steps, self.expected = previous
            self._rerun()
        # The playhead stays on the new timeline: a scenario over at 0:00 (a link whose
        # loss changes nothing) clicked after a host had played for 0:40 kept 0:40,
        # and the scenario bar's slider overflowed putting it on a timeline of no
        # length (eyes27: an error dialog over ./scripts/run's sample).
        self.time = min(self.time, self.duration)
        self.result_changed.emit()
        self.time_changed.emit(self.time)

    def _rerun(self) -> bool:
        try:
            self.result = self.simulator.run(self.steps) if self.steps else None
        except SimulationError as exc:
            self.error.emit(str(exc))
            return False
        return True

    # -- time --------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        """The length of the timeline: the scenario's horizon, where it is judged
        (:func:`~designer.simulation.expectations.judged_at`: the time a saved
        scenario's expectation states, else its window: its last step, event or mount,
        an hour of a copy queue still growing, :attr:`SimulationResult.end_s`).

        The playhead ends there, on the state *Save scenario…*, *Run all scenarios*,
        ``check --scenarios`` and the review report judge: it ran 20 s past it, and a
        growing copy queue read "17.2 min" behind at the end of the window where the
        saved scenario says 17.1 (ui22). A later step is added at the horizon."""
        result = self.result
        if result is None:
            return 60.0
        if self._end[0] is not result:
            # Once per result: read at every frame while playing, and end_s goes over
            # every step's databases.
            self._end = (result, judged_at(result, self.expected))
        return max(self._end[1], *(s.at_s for s in self.steps))

    def state(self) -> StepState | None:
        """The state at the time cursor (None while the simulator is being prepared).

        The state only changes at a step, an event or a database's mount time, so it
        is computed once per interval between those times and the same object is
        returned until the cursor crosses one: listeners (overlay, results table) can
        tell by identity that nothing changed and skip their work on most frames."""
        result = self.result
        if result is None:
            return self.simulator.initial if self.ready else None
        if result is not self._state_result:
            self._state_result = result
            self._state_breaks = result.change_times()
            self._state_phase = -1
        phase = bisect_right(self._state_breaks, self.time)
        moved = self._state_moves and self.time != self._state_time
        if phase != self._state_phase or self._state is None or moved:
            self._state = result.state_at(self.time)
            self._state_phase = phase
            self._state_time = self.time
            # A copy queue that grows or drains changes the state between those times:
            # then it is worked out again at each time asked.
            self._state_moves = any(
                db.copies_queue is not None and db.copies_queue[2] != 0
                for db in self._state.databases
            )
        return self._state

    def facts(self, state: StepState) -> StateFacts:
        """The sums and groupings of ``state``'s databases the views show (see
        :mod:`~designer.ui.simulation.facts`): worked out once per state, the first
        one's on the worker that prepared the simulator."""
        kept = self._facts
        if kept is not None and kept[0] is state:
            return kept[1]
        simulator = self.simulator
        initial = simulator.initial
        before = None
        if state is not initial:
            kept_before = self._before
            if kept_before is None or kept_before[0] is not initial:
                kept_before = self._before = (initial, {db.id: db for db in initial.databases})
            before = kept_before[1]
        facts = state_facts(state, simulator.prep.db_user_site, before)
        self._facts = (state, facts)
        return facts

    def set_time(self, t: float) -> None:
        asked = float(t)
        t = max(0.0, min(asked, self.duration))
        if t != self.time:
            self.time = t
            self.time_changed.emit(t)
        elif t != asked:
            # Dragged past an end (the slider or the playhead): back to the time held,
            # not left where the drag let go (a scenario over at 0:00 has no room).
            self.time_changed.emit(t)

    def step_forward(self) -> None:
        """Jump to the next event after the cursor (or the end)."""
        if self.result is None:
            return
        later = [e.t for e in self.result.events if e.t > self.time + 1e-9]
        self.set_time(min(later) if later else self.duration)

    def step_back(self) -> None:
        if self.result is None:
            return
        earlier = [e.t for e in self.result.events if e.t < self.time - 1e-9]
        self.set_time(max(earlier) if earlier else 0.0)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.result is None:
            return
        if self.time >= self.duration:
            self.set_time(0.0)
        if not self._timer.isActive():
            self._timer.start()
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        self.speed = max(0.1, float(speed))

    def _tick(self) -> None:
        t = self.time + self.speed * FRAME_MS / 1000.0
        if t >= self.duration:
            self.set_time(self.duration)
            self.pause()
        else:
            self.set_time(t)
