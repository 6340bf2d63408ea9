"""The editing session the whole UI shares: document, undo stack, selection, findings.

Canvas and panels talk to each other only through this object: they push commands,
set the selection, and listen to its signals. Nothing here draws.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from designer import collector
from designer.collector import collector_paused
from designer.document import Command, Document, DocumentEvent, EditError, Refusal
from designer.document.events import changes_of
from designer.document.steps import Pace, Progress
from designer.domain.design import Design
from designer.rules import CheckResult
from designer.rules.incremental import LiveCheck
from designer.ui import lifetime, slices
from designer.workload import states_workload

__all__ = [
    "STEP_ABOVE",
    "SYNC_CHECK_LIMIT",
    "EditorSession",
    "QtCommand",
    "clear_undo_histories",
    "live_sessions",
    "sharing_the_ui_thread",
]

Deferred = Callable[[], object]

#: Designs up to this many elements are re-checked synchronously after every edit (well
#: under 50 ms); larger ones are checked on a worker thread and the result applied when
#: it is still current, so the UI never blocks on the full catalogue.
SYNC_CHECK_LIMIT = 3000
#: A design that states a capacity workload is checked on the worker above this many
#: elements: its CAP rules size every failure mode (half a second and more at 1,000
#: elements), which must not freeze the window after an edit.
SYNC_SIZED_CHECK_LIMIT = 400


#: An edit touching more elements than this runs in steps, a few turns of the event loop
#: each (see :meth:`EditorSession.apply`): deleting a site at 100k (10,500 elements
#: removed, 4,000 edited) held the window 1.5–1.8 s in one turn. The environment
#: variable ``DR_DESIGNER_STEP_ABOVE`` sets another (the tests: a small design stepped).
STEP_ABOVE = 300
#: The UI thread's time a turn of the event loop takes while a big edit runs, s: its
#: steps get what the window's own work in a turn leaves of it (the canvas's repaint,
#: the Overview's and the lines' idle slices: ~12 ms a turn at 100k, measured as the
#: edit runs), at least :data:`STEP_TURN_S`. The fewer the turns, the sooner the edit
#: is done: each pays the window's work again.
TURN_S = 0.025
#: The least of a turn a big edit's steps take, s.
STEP_TURN_S = 0.012
#: Elements in a big edit's first step (and in the first of each of its phases); later
#: steps take as many as fit in the turn's share by the time the ones before took (a
#: step has a cost of its own besides its elements': the canvas repaints the boxes round
#: what it touched, ~5 ms at 100k, so one step a turn, as big as fits, beats several
#: small ones).
STEP_FIRST_SIZE = 32
#: The most elements a step takes: a step grows while its elements are cheap (disks,
#: 0.01 ms each), and one of 5,000 that reached the costly ones (a site's boxes) took
#: 210 ms at 100k, one of 1,000 100 ms (wave 27).
STEP_MOST = 300
#: The fewest elements a step takes (a step's own cost, its views' redraw, is paid
#: whatever its size).
STEP_LEAST = 8


#: A design of more elements than this has a big edit's plan (what a removal takes with
#: it: ~0.35 s for a site at 100k) worked out on a worker, the window painting meanwhile;
#: ``DR_DESIGNER_PLAN_ABOVE`` sets another (the tests).
PLAN_ABOVE = 5000
#: The UI thread's time a turn of the event loop gives to the lookups of edits while a big
#: edit's plan waits for them (a design just opened, its lookups still being built in the
#: idle slices), s: built in the key's turn, with the plan, they froze the window for
#: 3.5–5.2 s at 100k (wave 30). A slice of the building takes up to ~20 ms at 100k.
PLAN_PREPARE_TURN_S = 0.010

#: A replaced design of more elements than this (File > New, File > Open of another) is
#: freed in the idle slices after the turn that replaced it (:func:`lifetime.let_go`).
LET_GO_ABOVE = 5000


def _sized(
    pace: Pace, before: Progress, after: Progress, spent: float, budget: float = STEP_TURN_S
) -> float:
    """Size a big edit's next step by the one that just took ``spent`` s of the UI
    thread to go from ``before`` to ``after``; the next one's cost, expected (s).

    As many elements as fit in ``budget`` (s) by what this step's took (at most
    twice as many as it had: a step's own cost is not its elements'). A step of no
    element (a plan, an order worked out) leaves the size as it is: the ordering of a
    site's removal grew it to 300 while it cost nothing, and the first removal of 300
    boxes then took 70 ms at 100k (wave 27). A new phase starts again from
    :data:`STEP_FIRST_SIZE` (or the first size it gives: :attr:`Progress.first`), in a
    turn of its own (its elements' cost is not known)."""
    if pace.size is None:
        return spent
    if after.phase != before.phase:
        pace.size = after.first or STEP_FIRST_SIZE
        return budget
    moved = after.done - before.done
    if moved <= 0:
        return spent
    grow = min(2.0, budget / max(spent, 1e-4))
    pace.size = max(STEP_LEAST, min(STEP_MOST, int(moved * grow)))
    return spent * pace.size / moved


def _setting(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


#: Time given per turn of the event loop to building the lookups of edits ahead of the
#: first edit of a big design (:meth:`EditorSession.prepare_edits`), s.
PREPARE_SLICE_S = 0.006

#: The longest the window's idle slices wait for the first check of a design just opened
#: (see :meth:`EditorSession._start_check`), ms.
FIRST_CHECK_HOLD_MS = 5_000

#: The GIL switch interval while a worker runs pure Python next to the UI thread, s.
WORKER_SWITCH_INTERVAL_S = 0.0005
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextmanager
def sharing_the_ui_thread() -> Iterator[None]:
    """Run a worker's pure-Python stretch with a short GIL switch interval.

    While it runs, the UI thread needs the interpreter lock at every Python ↔ Qt crossing
    of a paint or a handler and would wait a whole switch interval (5 ms) each time: the
    window stalls 30–60 ms after an edit of a 25k design while the check runs. Workers
    running at once share the setting; the last one out restores it."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(WORKER_SWITCH_INTERVAL_S)
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


#: Every session not yet collected (see :func:`clear_undo_histories`).
_live_sessions: weakref.WeakSet[EditorSession] = weakref.WeakSet()


def live_sessions() -> list[EditorSession]:
    """The sessions whose Qt side still exists (their windows not deleted)."""
    return [s for s in list(_live_sessions) if shiboken6.isValid(s)]


def clear_undo_histories() -> int:
    """Delete the undo commands of every session still alive; how many were deleted.

    Called as the process ends (:func:`designer.ui.app.end_session`), while the
    sessions are whole. A session outlives its window until the collector frees its
    reference cycles, and the collector clears a cycle in no set order: a command's C++
    object could be freed before its stack, whose destructor then deleted it again — a
    segmentation fault in ``QUndoStack::clear`` after the last test had passed."""
    deleted = 0
    for session in list(_live_sessions):
        if shiboken6.isValid(session) and shiboken6.isValid(session.undo_stack):
            stack = session.undo_stack
            deleted += stack.count()
            # Quietly: a cleared stack is "clean", which the session must not take for
            # a save (its window, its recovery journal).
            stack.blockSignals(True)
            stack.clear()
    return deleted


class QtCommand(QUndoCommand):
    """Adapter: a plain :class:`designer.document.Command` on a QUndoStack."""

    def __init__(self, session: EditorSession, command: Command) -> None:
        super().__init__(command.text)
        self.session = session
        self.command = command
        self._first = True
        #: A stepped edit that failed part-way and was put back (see _StepsJob).
        self.rolled_back = False

    def redo(self) -> None:
        if self._first:
            self._first = False  # already applied by EditorSession.push
            return
        if self.rolled_back:
            return  # (a stepped edit that failed part-way: leaves the stack, see _fail)
        self.session._run_steps(self, undoing=False)

    def undo(self) -> None:
        if self.rolled_back:
            return
        self.session._run_steps(self, undoing=True)

    def id(self) -> int:
        return int(self.command.merge_id)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if isinstance(other, QtCommand) and self.command.merge_with(other.command):
            self.setText(self.command.text)
            return True
        return False


class _CheckJob(QRunnable):
    def __init__(self, session: EditorSession, design: Design, revision: int) -> None:
        super().__init__()
        self.session = session
        self.design = design
        self.revision = revision

    def run(self) -> None:
        if self.revision != self.session.document.revision:
            return  # an edit came after this one: its own check is queued behind
        # The collector off: the check allocates enough to start generation-1 and -2
        # collections, each holding the interpreter lock for 20-75 ms at 25k while the
        # window waits (it leaves a few dozen objects in cycles, collected later).
        with sharing_the_ui_thread(), collector_paused():
            # Only the rules the edits since the last check can affect run again.
            result = self.session.live_check.check(self.design, revision=self.revision)
        self.session._check_done.emit(self.revision, result)


class _PlanJob(QRunnable):
    """A big edit's plan worked out on a worker (see :meth:`EditorSession.apply`)."""

    def __init__(
        self, session: EditorSession, command: Command, entry: QtCommand | None = None
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.session = session
        self.command = command
        #: The undo stack's entry being redone; None: a new edit, pushed once planned.
        self.entry = entry
        self.error: Exception | None = None
        self.done = False

    def run(self) -> None:
        try:
            # Reads only: the document is not edited while the session is busy.
            with sharing_the_ui_thread():
                self.command.plan(self.session.document)
        except Exception as exc:  # handed to the UI thread, which raises or shows it
            self.error = exc
        self.done = True
        self.session._planned.emit(self)


class _StepsJob:
    """A big edit running in steps (see :meth:`EditorSession.apply`)."""

    def __init__(
        self, entry: QtCommand, steps: Iterator[Progress], pace: Pace, *, undoing: bool
    ) -> None:
        self.entry = entry
        self.steps = steps
        self.pace = pace
        self.undoing = undoing
        self.progress = Progress(0, 0)
        #: The UI thread's time (s) the window's own work takes between two turns of
        #: steps (a running mean; at first as if only :data:`STEP_TURN_S` were left),
        #: and when the last turn of steps ended.
        self.window_s = TURN_S - STEP_TURN_S
        self.turn_ended: float | None = None

    @property
    def words(self) -> str:
        """What the status bar says of it."""
        return self.entry.command.progress_text(self.progress, undoing=self.undoing)


class EditorSession(QObject):
    """Document + QUndoStack + selection + live findings + file state."""

    #: The events of one edit of the document (a tuple of
    #: :mod:`designer.document.events`, in order), as one Qt signal: a site's deletion
    #: at 100k gives 6,073 events, and each view does once what does not depend on each
    #: (its redraw, its bounds, its table's refill).
    document_edited = Signal(object)
    #: Each document event on its own, re-emitted as a Qt signal: only for a listener
    #: that connects to it (the views listen to ``document_edited``); not emitted while
    #: none is connected.
    document_changed = Signal(object)
    #: The events of one change were all given out (``document_changed``): a view that
    #: gathered what they touched redraws it once (a removal that edits 400 databases
    #: gives 400 events).
    changes_applied = Signal()
    selection_changed = Signal()
    findings_changed = Signal()
    #: The file path or the dirty state changed (window title, actions).
    file_state_changed = Signal()
    #: Ask the canvas to select, reveal and centre this element (Problems, Find, …).
    focus_requested = Signal(str)
    #: Simulation mode was entered (True) or left (False): edits are off meanwhile.
    read_only_changed = Signal(bool)
    #: A message for the status bar (e.g. why an edit or a connection was refused).
    status_message = Signal(str)
    #: A big edit began (True) or ended (False) running in steps: edits, undo and redo
    #: wait meanwhile (see :meth:`apply`).
    busy_changed = Signal(bool)
    _check_done = Signal(int, object)
    _planned = Signal(object)

    def __init__(self, design: Design | None = None, path: Path | None = None) -> None:
        super().__init__()
        self.document = Document(design)
        self.undo_stack = QUndoStack(self)
        _live_sessions.add(self)
        self.path: Path | None = path
        self._selection: list[str] = []
        self._read_only = False
        self.findings = CheckResult()
        self.findings_revision = -1
        #: The findings of each rule kept between checks: a check after an edit re-runs
        #: only the rules the edit can affect (:mod:`designer.rules.incremental`).
        self.live_check = LiveCheck()
        #: How long the last check on the worker took, from its start to its findings
        #: arriving, ms (0: none yet). Work that waits for a check (the Overview's
        #: picture) waits about that long: painting while it runs contends for the GIL.
        self.check_ms = 0.0
        self._check_started: tuple[int, float] | None = None
        # (Not ``QMetaMethod.fromSignal(self.document_changed)``: that kept the session
        # alive after its window was deleted.)
        meta = self.metaObject()
        self._each_event = meta.method(meta.indexOfSignal("document_changed(PyObject)"))
        self.document.subscribe_events(self._on_document_events)
        self.document.subscribe_settled(self.changes_applied.emit)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.undo_stack.indexChanged.connect(self._on_index_changed)
        self._check_done.connect(self._apply_check)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        #: Work that waits for the first painted frame of a newly opened design (see
        #: :meth:`hold_until_shown`); None when nothing is held.
        self._held: list[Deferred] | None = None
        self._preparing: Iterator[None] | None = None
        self._prepare_waits = False
        #: Starts the worker's check once the edit that asked for it has returned to the
        #: event loop (see :meth:`_schedule_check`).
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(0)
        self._check_timer.timeout.connect(self._start_check)
        #: The big edit running in steps, if any (see :meth:`apply`), its next turn, and
        #: whether a check was asked for meanwhile (it runs once, at its end).
        self._job: _StepsJob | None = None
        self._check_after_steps = False
        self.step_above = _setting("DR_DESIGNER_STEP_ABOVE", STEP_ABOVE)
        self.plan_above = _setting("DR_DESIGNER_PLAN_ABOVE", PLAN_ABOVE)
        #: The command whose plan a worker works out (see :meth:`apply`), and that worker.
        self._planning: _PlanJob | None = None
        self._plan_pool = QThreadPool(self)
        self._plan_pool.setMaxThreadCount(1)
        self._planned.connect(self._on_planned)
        #: Builds the lookups of edits in turns of its own before a plan that waits for
        #: them starts on the worker (see :meth:`_start_planning`); whether it holds a
        #: pause of the collector meanwhile.
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(0)
        self._prepare_timer.timeout.connect(self._prepare_for_plan)
        self._prepare_paused = False
        #: What waits for the big edit's end (see :meth:`when_done`).
        self._when_done: list[Deferred] = []
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._step_turn)
        if design is None:
            # A new window's empty design has no findings (no rule finds anything in a
            # design without elements: tests/ui/test_session.py), known without
            # importing every rule module before the window's first frame.
            self.findings_revision = self.document.revision
        else:
            self._schedule_check()  # big designs: on the worker, so opening never blocks

    # -- editing -------------------------------------------------------------------------
    def apply(self, command: Command) -> Refusal | None:
        """Apply ``command`` and put it on the undo stack; why it was refused (element,
        field, reason), or None. A refusal is also shown in the status bar.

        A big edit (more than :attr:`step_above` elements: a site deleted, a renaming
        of thousands of names) runs in steps, each one valid Document edit, over the
        next turns of the event loop (:mod:`designer.document.steps`): the window paints
        between them and the status bar says how far it is. It is on the undo stack
        from its first step, one undo step; the session is :attr:`busy` until its last
        (other edits are refused meanwhile, with a message), and the live check runs
        once, after it."""
        if self._read_only:
            refusal = Refusal("the design cannot be edited in simulation mode")
            self.status_message.emit("The design cannot be edited in simulation mode")
            return refusal
        if self.busy:
            reason = f"{self._busy_words()} — wait for it to finish"
            self.status_message.emit(reason)
            return Refusal(reason)
        if self._plans_on_worker(command):
            self._start_planning(_PlanJob(self, command))
            return None
        return self._apply_now(command)

    def _plans_on_worker(self, command: Command) -> bool:
        return command.plans_ahead and len(self.document.design.elements) > self.plan_above

    def _start_planning(self, job: _PlanJob) -> None:
        """Work out ``job``'s plan on a worker, the window painting meanwhile (its idle
        slices held: they may build the lookups the plan reads); then it runs.

        A design just opened may not have all the lookups of edits yet (built in the
        idle slices after its first frame and its first check: ~0.7 s of the UI thread
        at 100k). The plan reads some of them, the steps the rest: they are built first,
        here, in turns of :data:`PLAN_PREPARE_TURN_S` (:meth:`_prepare_for_plan`), the
        status bar saying what is being worked out. The plan used to run in the key's
        turn then and build them there: a site deleted soon after opening 100k froze
        the window 3.5–5.2 s, and its first steps built the names and the layout's trie
        (turns of 80–180 ms)."""
        self._planning = job
        slices.shared().hold(self._plan_key, self)
        self.status_message.emit(job.command.planning_text(self.document))
        self.busy_changed.emit(True)
        if self._preparing is not None:
            if not self._prepare_paused:
                # As the idle slices build them: what they make is long-lived (see
                # :meth:`prepare_edits`).
                collector.pause()
                self._prepare_paused = True
            self._prepare_timer.start()
            return
        self._plan_pool.start(job)

    def _prepare_for_plan(self) -> None:
        """A turn of the lookups of edits the plan waits for; the plan on the worker
        once they are all built."""
        job = self._planning
        if job is None or not shiboken6.isValid(self):
            return
        preparing = self._preparing
        deadline = time.perf_counter() + PLAN_PREPARE_TURN_S
        try:
            while preparing is not None:
                next(preparing)
                if time.perf_counter() >= deadline:
                    self._prepare_timer.start()
                    return
        except StopIteration:
            pass
        self._preparing = None
        slices.shared().cancel((id(self), "prepare edits"))
        self._stop_preparing_for_plan()
        self._plan_pool.start(job)

    def _stop_preparing_for_plan(self) -> None:
        """No more turns of :meth:`_prepare_for_plan`; its pause of the collector ended
        (what it built frozen, as the idle slices' building is)."""
        self._prepare_timer.stop()
        if self._prepare_paused:
            self._prepare_paused = False
            collector.resume(freeze=True)

    @property
    def _plan_key(self) -> tuple[int, str]:
        return (id(self), "plan")

    def _busy_words(self) -> str:
        if self._job is not None:
            return self._job.words
        if self._planning is not None:
            return self._planning.command.planning_text(self.document)
        return ""

    def _on_planned(self, job: _PlanJob) -> None:
        if job is not self._planning or not shiboken6.isValid(self):
            return  # (finished meanwhile: see finish_steps; or cancelled)
        self._stop_preparing_for_plan()  # (finish_steps before the lookups were built)
        self._planning = None
        slices.shared().release(self._plan_key)
        if job.error is not None and not isinstance(job.error, EditError):
            self._when_done.clear()
            self._not_busy()
            raise job.error
        if job.entry is None:
            refusal = self._apply_now(job.command)
        else:
            refusal = None
            self._steps_now(job.entry, undoing=False)
        if self._job is None:
            self._not_busy()
        if refusal is not None:
            self.status_message.emit(refusal.reason)

    def _apply_now(self, command: Command) -> Refusal | None:
        entry = QtCommand(self, command)
        pace = self._pace()
        steps = command.redo_steps(self.document, pace)
        try:
            with self.document.one_change():
                progress = next(steps, None)
        except EditError as exc:
            self.status_message.emit(str(exc))
            return exc.refusal
        entry.setText(command.text)  # (its plan may have named what goes with it)
        if progress is not None:
            self._start_job(_StepsJob(entry, steps, pace, undoing=False), progress)
        self.undo_stack.push(entry)
        if progress is None and command.status_note:
            self.status_message.emit(command.status_note)
        return None

    def _pace(self) -> Pace:
        return Pace(size=STEP_FIRST_SIZE, above=self.step_above)

    @property
    def busy(self) -> bool:
        """A big edit is being planned or running in steps (see :meth:`apply`)."""
        return self._job is not None or self._planning is not None

    def _run_steps(self, entry: QtCommand, *, undoing: bool) -> None:
        """Undo or redo ``entry`` (the undo stack asks): in steps when big (a redo of a
        big design's removal planned on a worker first, as :meth:`apply` does)."""
        planning = self._planning
        if planning is not None and planning.entry is None:
            self._cancel_planning()  # (a history clicked meanwhile: not made after all)
        self.finish_steps()  # (and the edit running first)
        if not undoing and self._plans_on_worker(entry.command):
            self._start_planning(_PlanJob(self, entry.command, entry))
            return
        self._steps_now(entry, undoing=undoing)

    def _steps_now(self, entry: QtCommand, *, undoing: bool) -> None:
        pace = self._pace()
        command = entry.command
        document = self.document
        steps = (command.undo_steps if undoing else command.redo_steps)(document, pace)
        with document.one_change():
            progress = next(steps, None)
        if progress is not None:
            self._start_job(_StepsJob(entry, steps, pace, undoing=undoing), progress)

    def _start_job(self, job: _StepsJob, progress: Progress) -> None:
        job.progress = progress
        if progress.first is not None and job.pace.size is not None:
            job.pace.size = progress.first  # (the first phase's first size, if it gives one)
        self._job = job
        self.status_message.emit(job.words)
        self.busy_changed.emit(True)
        self._step_timer.start()

    def _step_turn(self) -> None:
        """One turn's steps of the running big edit (what the window's own work of the
        turns before leaves of :data:`TURN_S`, at least :data:`STEP_TURN_S` of the UI
        thread's time); the next turn asked for, or the edit finished."""
        job = self._job
        if job is None or not shiboken6.isValid(self):
            return
        begun = time.thread_time()
        if job.turn_ended is not None:
            # The window's work since this edit's last turn (its repaint, idle slices).
            job.window_s = (job.window_s + (begun - job.turn_ended)) / 2
        budget = max(STEP_TURN_S, TURN_S - job.window_s)
        turn_end = begun + budget
        while True:
            before = job.progress
            started = time.thread_time()
            if not self._step(job):
                return
            now = time.thread_time()
            # Another step in this turn only if it fits, by what this one took: two
            # steps of 10 and 56 ms made one turn of 66 ms at 100k (wave 27).
            if now + _sized(job.pace, before, job.progress, now - started, budget) > turn_end:
                break
        self.status_message.emit(job.words)
        job.turn_ended = time.thread_time()
        self._step_timer.start()

    def _step(self, job: _StepsJob) -> bool:
        """Run one step of ``job``; whether more are to come."""
        try:
            with self.document.one_change():
                progress = next(job.steps, None)
        except EditError as exc:
            self._fail(job, exc)
            return False
        if progress is None:
            self._finish(job)
            return False
        job.progress = progress
        return True

    def when_done(self, work: Deferred) -> None:
        """Run ``work`` once the big edit being planned or running in steps is done (a
        paste selects what it added); at once when none is."""
        if not self.busy:
            work()
        else:
            self._when_done.append(work)

    def _run_when_done(self) -> None:
        waiting, self._when_done = self._when_done, []
        for work in waiting:
            work()

    def _cancel_planning(self) -> None:
        job = self._planning
        if job is not None:
            self._planning = None
            self._stop_preparing_for_plan()
            self._plan_pool.waitForDone()
            slices.shared().release(self._plan_key)
            self.status_message.emit(f"Not done: {job.command.text}")
            self._when_done.clear()
            self._not_busy()

    def finish_steps(self) -> None:
        """Run what is left of the big edit being planned or running in steps, now (a
        save, the window closing, simulation mode, another design opened: they wait
        for it)."""
        planning = self._planning
        if planning is not None:
            self._plan_pool.waitForDone()
            self._on_planned(planning)
        job = self._job
        while job is not None and self._job is job and self._step(job):
            pass

    def _end_job(self) -> None:
        # (The collector runs as usual meanwhile: a pause for the whole edit, tried,
        # changed no turn's length at 100k, and one left on by an edit never finished
        # would have kept it off for good.)
        self._job = None
        self._step_timer.stop()

    def _finish(self, job: _StepsJob) -> None:
        self._end_job()
        command = job.entry.command
        if not job.undoing and command.status_note:
            self.status_message.emit(command.status_note)
        else:
            done = "Undone" if job.undoing else "Done"
            self.status_message.emit(f"{done}: {command.text}")
        self._not_busy()

    def _not_busy(self) -> None:
        """The big edit is done: say so, run what waited for it, check once."""
        self.busy_changed.emit(False)
        self._run_when_done()
        if self._check_after_steps:
            self._check_after_steps = False
            self._schedule_check()

    def _fail(self, job: _StepsJob, exc: EditError) -> None:
        """A step was refused (the steps are planned valid: a safety net). An edit done
        or redone: what ran of it is put back, and it leaves the undo stack. An undo:
        the design stays as its last step left it (valid), and the refusal is shown."""
        self._end_job()
        entry = job.entry
        if not job.undoing:
            document = self.document
            with document.one_change():
                for _ in entry.command.undo_steps(document, Pace()):
                    pass
            entry.rolled_back = True
            entry.setObsolete(True)
            stack = self.undo_stack
            if stack.index() > 0 and stack.command(stack.index() - 1) is entry:
                stack.undo()  # (obsolete: taken off the stack)
        self.status_message.emit(str(exc))
        self._when_done.clear()
        self._not_busy()

    def push(self, command: Command) -> bool:
        """:meth:`apply`, saying only whether the command was applied."""
        return self.apply(command) is None

    @property
    def read_only(self) -> bool:
        return self._read_only

    def set_read_only(self, read_only: bool) -> None:
        """Turn edits off (simulation mode) or back on; the undo stack is untouched.
        A big edit running in steps is finished first."""
        if read_only:
            self.finish_steps()
        if read_only != self._read_only:
            self._read_only = read_only
            self.read_only_changed.emit(read_only)

    @property
    def design(self) -> Design:
        return self.document.design

    def _on_document_events(self, events: tuple[DocumentEvent, ...]) -> None:
        document = self.document
        # One note of what the edit changed (the check reads their union anyway).
        self.live_check.note(document.revision, changes_of(events, document.get))
        if self.isSignalConnected(self._each_event):
            for event in events:
                self.document_changed.emit(event)
        self.document_edited.emit(events)
        missing = [i for i in self._selection if document.get(i) is None]
        if missing:
            self._selection = [i for i in self._selection if i not in missing]
            self.selection_changed.emit()

    def _on_clean_changed(self, _clean: bool) -> None:
        if shiboken6.isValid(self):
            self.file_state_changed.emit()

    def _on_index_changed(self, _index: int) -> None:
        # The stack also signals while it is destroyed with the session at exit.
        if shiboken6.isValid(self):
            self._schedule_check()

    # -- file ----------------------------------------------------------------------------
    def replace_design(self, design: Design, path: Path | None, *, checked: bool = False) -> None:
        """Load a design (not undoable): clears the undo stack and marks it clean.
        ``checked``: the loader already verified the structure (see Document)."""
        self.finish_steps()
        self._selection = []
        # The old design's elements, places and lookups are freed in the idle slices
        # after this turn, not in it (File > New after the 100k design: freeing its
        # lookups was ~50 ms of a ~200 ms turn, wave 30).
        old = self.document.design
        if len(old.elements) > LET_GO_ABOVE:
            # The lookups' parts (the document drops the lookups themselves): at 100k
            # ~1 million small lists and dictionaries.
            live = getattr(self.document, "_live", None)
            lookups = list(vars(live).values()) if live is not None else []
            lifetime.let_go(self, [old.elements, old.layout, *lookups])
        del old
        self.document.replace_design(design, checked=checked)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        # No findings of this design yet: the previous design's (its counts, its rows
        # naming elements this one lacks) are not shown while a big design's first
        # check runs on the worker; the views say it is running (``checking``).
        self.findings_revision = -1
        if self.findings.findings:
            self.findings = CheckResult()
            self.findings_changed.emit()
        self.file_state_changed.emit()
        self.selection_changed.emit()
        self._schedule_check()  # big designs: on the worker, so opening never blocks

    @property
    def letting_go(self) -> int:
        """How many objects of replaced designs are still held (see
        :func:`lifetime.let_go`)."""
        return lifetime.letting_go(self)

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def checking(self) -> bool:
        """The design has no findings yet: its first check (a big design's, on the
        worker after its first frame) has not reported."""
        return self.findings_revision < 0

    def mark_saved(self, path: Path) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.file_state_changed.emit()

    # -- selection -----------------------------------------------------------------------
    @property
    def selection(self) -> list[str]:
        return list(self._selection)

    def set_selection(self, ids: list[str]) -> None:
        ids = [i for i in dict.fromkeys(ids) if self.document.get(i) is not None]
        if ids != self._selection:
            self._selection = ids
            self.selection_changed.emit()

    def focus(self, element_id: str) -> None:
        """Select ``element_id`` and ask the canvas to centre it."""
        self.set_selection([element_id])
        self.focus_requested.emit(element_id)

    # -- findings ------------------------------------------------------------------------
    def refresh_findings(self) -> None:
        """Re-check now, synchronously (small designs and explicit refreshes)."""
        self.findings = self.live_check.check(
            self.document.design,
            revision=self.document.revision,
            index=self.document.index,
            wait=False,
        )
        self.findings_revision = self.document.revision
        runner = slices.shared()
        runner.release(self._first_check_key)
        self.findings_changed.emit()
        runner.tidy_when_idle()  # what the edit made, out of later collections' way

    def _schedule_check(self) -> None:
        if self.busy:
            self._check_after_steps = True  # once, after the last step
            return
        design = self.document.design
        size = len(design.elements)
        if size <= SYNC_CHECK_LIMIT and (
            size <= SYNC_SIZED_CHECK_LIMIT or not states_workload(design)
        ):
            self.refresh_findings()
        elif self._held is not None:
            # The first frame first: the worker would take the interpreter lock from
            # the UI thread for most of the time it takes to build and paint it.
            self.after_first_frame(self._schedule_check)
        else:
            # Not from inside the edit: once started, the worker takes the interpreter
            # lock from the rest of the edit's handlers (the selection of a dropped
            # element, the Inspector's form), which then wait a switch interval at each
            # Python <-> Qt crossing: a palette drop on a 25k design took twice its CPU
            # time in wall time. Edits in the same turn share one check.
            self._check_timer.start()

    def _start_check(self) -> None:
        self._check_timer.stop()
        revision = self.document.revision
        self._check_started = (revision, time.perf_counter())
        if self.checking:
            # A design just opened: the window's idle slices (the rest of its boxes, the
            # Databases panel's rows, the find box's names) wait for its first check.
            # Beside the worker (and the background import of simulation mode), each of
            # their turns waited for the interpreter lock at every call from Qt into
            # Python (every new item's first look-ups): 3-8 ms of CPU took 30-75 ms,
            # the one idle turn over 50 ms after opening 100k. Held, the UI thread is
            # idle meanwhile and the check ends sooner.
            slices.shared().hold(self._first_check_key, self, max_ms=FIRST_CHECK_HOLD_MS)
        self._pool.start(_CheckJob(self, self.document.design, revision))

    @property
    def _first_check_key(self) -> tuple[int, str]:
        return (id(self), "first check")

    def _apply_check(self, revision: int, result: CheckResult) -> None:
        if revision == self.document.revision and revision != self.findings_revision:
            started = self._check_started
            if started is not None and started[0] == revision:
                self.check_ms = (time.perf_counter() - started[1]) * 1000
            self.findings = result
            self.findings_revision = revision
            runner = slices.shared()
            runner.release(self._first_check_key)
            self.findings_changed.emit()
            runner.tidy_when_idle()  # what the edit made, out of later collections' way

    def stop_workers(self, *, wait: bool = True) -> None:
        """Drop the queued check and wait for the one running (the process's end:
        :func:`designer.ui.app.end_session`). Its runnable runs Python on a Qt thread,
        which must not outlive the interpreter's shutdown; not waited for without
        ``wait`` (a process ending without that shutdown)."""
        self._check_timer.stop()
        self._pool.clear()
        if wait:
            self._pool.waitForDone()
            self._plan_pool.waitForDone()

    def wait_for_findings(self) -> None:
        """Block until a background check finishes (tests, export)."""
        self.finish_steps()
        self.release_held()
        if self._check_timer.isActive():
            self._start_check()
        self._pool.waitForDone()

    # -- the first frame of an opened design -----------------------------------------------
    def prepare_edits(self) -> None:
        """Build the lookups that edits use (:meth:`Document.preparing_edits`) in slices
        of event-loop turns (:mod:`designer.ui.slices`), so that the first edit after
        opening a big design costs what the next ones do. The live check goes first:
        on its worker it needs the interpreter lock these slices would take from it.
        They run with the cyclic collector paused, and what they built is frozen at
        their end (``long_lived``): at 100k, the million objects of these lookups made
        each full collection meanwhile take 100–700 ms of the UI thread."""
        self._preparing = self.document.preparing_edits()
        self._prepare_when_checked()

    def _prepare_when_checked(self) -> None:
        if self._prepare_waits:
            self._prepare_waits = False
            self.findings_changed.disconnect(self._prepare_when_checked)
        if self._preparing is None or not shiboken6.isValid(self):
            return
        if self.findings_revision != self.document.revision:
            self._prepare_waits = True
            self.findings_changed.connect(self._prepare_when_checked)
            return
        slices.shared().start(
            (id(self), "prepare edits"), self, self._prepare_slice, long_lived=True
        )

    def _prepare_slice(self, deadline: float) -> bool:
        if self.findings_revision != self.document.revision:
            self._prepare_when_checked()  # after the check of an edit made meanwhile
            return True
        job = self._preparing
        deadline = min(deadline, time.perf_counter() + PREPARE_SLICE_S)
        try:
            while job is not None:  # at least one slice per turn
                next(job)
                if time.perf_counter() >= deadline:
                    return False
        except StopIteration:
            pass
        self._preparing = None
        return True

    @property
    def preparing_edits_now(self) -> bool:
        """The lookups of edits are being built in this turn's slices (not waiting for
        the check): other idle work (the routing of a big design's lines) waits for
        them, a few seconds at 100k, so that edits find them sooner."""
        return slices.shared().running((id(self), "prepare edits"))

    @property
    def preparing_edits(self) -> bool:
        """The lookups of edits are still being built in idle time."""
        return self._preparing is not None

    def hold_until_shown(self) -> None:
        """A big design is about to be opened in a window that is on screen: what its
        first frame does not need (the live check, panels that fill from the whole
        design, lookups for later edits) is asked for with :meth:`after_first_frame`
        and runs once the window calls :meth:`release_held` after painting it."""
        if self._held is None:
            self._held = []

    @property
    def holding(self) -> bool:
        """Work waits for the first frame of the design just opened."""
        return self._held is not None

    def after_first_frame(self, work: Deferred) -> None:
        """Run ``work`` once the opened design's first frame is painted (each piece in
        an event-loop turn of its own, in the order asked); at once when nothing is
        held. Asking twice for the same work runs it once."""
        if self._held is None:
            work()
        elif work not in self._held:
            self._held.append(work)

    def release_held(self, *, later: bool = False) -> None:
        """Run the held work: now, or (``later``) each piece in a turn of the event loop
        of its own, so that input and paints go between them."""
        held, self._held = self._held, None
        for work in held or ():
            if not later:
                work()
                continue
            # A piece of a panel or the window runs only while it exists: a window closed
            # and deleted before these turns came had them call its deleted panels (a
            # RuntimeError whose traceback then kept the window's objects alive).
            owner = getattr(work, "__self__", None)
            if isinstance(owner, QObject):
                lifetime.soon(owner, work)
            else:
                QTimer.singleShot(0, work)
