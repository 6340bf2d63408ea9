"""One time budget per event-loop turn, shared by the window's work done in slices.

Thousands of findings arriving start several such jobs at once: the Problems panel
makes rows, the canvas marks its items, the Overview renders its picture again. Each
used to run on a zero-delay timer of its own with a budget of its own (8, 12 and 6 ms),
and Qt runs every due timer and posted event before it comes back to anything else:
one turn of the event loop paid the sum (plus the canvas's repaint), 60–100 ms at
100,000 elements. Here they take turns within one budget (:data:`TURN_BUDGET_S`): a
turn runs the jobs in order until the budget is spent, and the jobs that ran go to the
back of the queue, so each still advances and none waits for the others to finish.

A job is a callable ``step(deadline) -> done``: it does at least one unit of its work,
stops once ``time.perf_counter()`` passes ``deadline`` (or earlier, by its own
budget), and says whether it has finished. It runs only while its ``owner`` (a Qt
object) exists.

A job that builds what stays (``long_lived``: the rows and marks of thousands of
findings) runs with the cyclic collector paused, and what exists when the last such job
ends is frozen (:mod:`designer.collector`), as after opening a design: its survivors
started full collections of every object made since the design was opened (600,000 at
100,000 elements: 250–450 ms of the UI thread, in the middle of the slices).

A job may end its turn early (:meth:`Slices.end_turn`: the canvas restyled rows in view
and its repaint should come next, alone). The runner can be held (:meth:`Slices.hold`):
while simulation mode prepares a big design's simulator on a worker, slices running
beside it waited for the interpreter lock at every call into Qt (F5 at 100,000 elements
stalled 458 ms with 3,000 marks still being cleared, 200 ms without); they resume once
the hold ends. The first live check of a design opened does the same (see
:meth:`designer.ui.session.EditorSession.checking`).

:data:`TIDY_AFTER_MS` after an edit's check has arrived (:meth:`Slices.tidy_when_idle`),
what the edit made is collected and frozen (:func:`designer.collector.tidy`) in a turn
of its own: instead of the jobs' next turn if they run, once no pause of the collector
runs (the canvas's routing, the long-lived jobs) and the runner is not held. Left to the
collector, its full collections visited everything every edit of the session had left
(2,000-4,000 objects an edit at 100,000 elements): 12-48 ms of CPU, more with each
hundred edits, in whichever turn made the object that started one (a step of the
Overview's picture, one or two boxes painted in 50-65 ms on a quiet machine).

A turn of the jobs that comes late (:data:`LATE_S` after they asked for it: the event
loop was busy meanwhile, an edit and the canvas's repaint) gives way once: what else is
due (input, the timers of the window and its views) runs first, and the jobs in the
next pass. At 100,000 elements an edit, its repaint and a routing slice came back to
back, one stall of their sum.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer

from designer import collector

__all__ = ["TIDY_AFTER_MS", "TURN_BUDGET_S", "Slices", "shared"]

#: What all the jobs together may take of one event-loop turn.
TURN_BUDGET_S = 0.008
#: How late a turn of the jobs may come before it gives way once (see the module's
#: docstring), s.
LATE_S = 0.015
#: How long after an edit's check what the edit made is collected and frozen (see the
#: module's docstring), ms.
TIDY_AFTER_MS = 1000
#: The longest a hold keeps the jobs waiting, ms (a safety net: a hold whose end never
#: comes must not leave the Problems panel's rows unmade).
HOLD_MAX_MS = 20_000

Step = Callable[[float], bool]


class Slices(QObject):
    """Jobs run a slice at a time, all of them within one budget per turn."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[Hashable, tuple[QObject, Step]] = {}
        #: The jobs holding a pause of the collector (see the module's docstring).
        self._paused: set[Hashable] = set()
        #: The keys whose owner's destruction cancels their job (connected once).
        self._watched: set[Hashable] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run)
        #: Who holds the jobs (see :meth:`hold`), and the timer ending each hold.
        self._holds: dict[Hashable, QTimer] = {}
        self._turn_over = False
        #: When the jobs last asked for a turn, and whether the last one gave way.
        self._asked = 0.0
        self._gave_way = False
        #: Collects and freezes what the last edits made (see the module's docstring);
        #: due: in the jobs' next turn, instead of them.
        self._tidy_due = False
        self._tidy = QTimer(self)
        self._tidy.setSingleShot(True)
        self._tidy.setInterval(TIDY_AFTER_MS)
        self._tidy.timeout.connect(self._tidy_if_idle)
        #: How many times :meth:`tidy_when_idle`'s tidy ran (tests, probes).
        self.tidies = 0

    def start(self, key: Hashable, owner: QObject, step: Step, *, long_lived: bool = False) -> None:
        """Run ``step`` in the next turns until it is done (replacing ``key``'s job);
        ``long_lived``: with the collector paused (see the module's docstring)."""
        self.cancel(key)
        self._jobs[key] = (owner, step)
        if long_lived:
            collector.pause()
            self._paused.add(key)
        if key not in self._watched:
            # A closed window's jobs end with it, and with them their pauses.
            self._watched.add(key)
            owner.destroyed.connect(lambda *_: self._forget(key))
        self._ask()

    def tidy_when_idle(self) -> None:
        """Collect and freeze what was made since the last time, in a turn of its own,
        :data:`TIDY_AFTER_MS` from now or later (see the module's docstring)."""
        self._tidy.start()

    def _tidy_if_idle(self) -> None:
        if self._holds or collector.pauses():
            self._tidy.start()  # later: frozen or collected when the pause ends anyway
        elif self._jobs:
            self._tidy_due = True  # the jobs' next turn
        else:
            self._tidy_now()

    def _tidy_now(self) -> bool:
        self._tidy_due = False
        if not collector.tidy():
            self._tidy.start()  # a pause began meanwhile
            return False
        self.tidies += 1
        return True

    def _ask(self) -> None:
        """A turn in a next pass of the event loop."""
        if not self._timer.isActive():
            self._asked = time.perf_counter()
            self._timer.start()

    def _forget(self, key: Hashable) -> None:
        if shiboken6.isValid(self):
            self._watched.discard(key)
            self.cancel(key)

    def cancel(self, key: Hashable) -> None:
        self._jobs.pop(key, None)
        if key in self._paused:
            self._paused.discard(key)
            collector.resume(freeze=not self._paused)

    def running(self, key: Hashable) -> bool:
        return key in self._jobs

    def end_turn(self) -> None:
        """Run no further job in this turn (called by a job's step)."""
        self._turn_over = True

    def hold(self, key: Hashable, owner: QObject, *, max_ms: int | None = None) -> None:
        """Run no job until :meth:`release` of ``key``, ``owner``'s destruction or
        ``max_ms`` (:data:`HOLD_MAX_MS` if not given), whichever comes first (see the
        module's docstring)."""
        if key in self._holds:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self.release(key))
        timer.start(HOLD_MAX_MS if max_ms is None else max_ms)
        self._holds[key] = timer
        owner.destroyed.connect(lambda *_: self._release_if_valid(key))

    def _release_if_valid(self, key: Hashable) -> None:
        if shiboken6.isValid(self):
            self.release(key)

    def release(self, key: Hashable) -> None:
        timer = self._holds.pop(key, None)
        if timer is None:
            return
        timer.stop()
        timer.deleteLater()
        if self._jobs and not self._holds:
            self._ask()

    @property
    def held(self) -> bool:
        return bool(self._holds)

    def _run(self) -> None:
        if self._holds:
            return  # started again when the last hold ends
        now = time.perf_counter()
        if now - self._asked > LATE_S and not self._gave_way:
            self._gave_way = True  # (see the module's docstring)
            self._ask()
            return
        self._gave_way = False
        if self._tidy_due and not collector.pauses() and self._tidy_now():
            self._ask()  # the jobs in the next turn: this one was the tidy's
            return
        deadline = now + TURN_BUDGET_S
        self._turn_over = False
        for key in list(self._jobs):
            job = self._jobs.get(key)
            if job is None:
                continue  # cancelled by a job that ran before it in this turn
            owner, step = job
            done = not shiboken6.isValid(owner) or step(deadline)
            if self._jobs.get(key) is job:  # not replaced nor cancelled while it ran
                if done:
                    self.cancel(key)
                else:
                    del self._jobs[key]
                    self._jobs[key] = job  # to the back: the others go first next turn
            if self._turn_over or time.perf_counter() >= deadline:
                break
        if self._jobs:
            self._ask()
        elif self._tidy_due:
            self._tidy_due = False
            self._tidy.start()  # (due while a pause ran: by its timer, once none does)


_shared: Slices | None = None


def shared() -> Slices:
    """The application's one runner (created with the first job)."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        _shared = Slices(QCoreApplication.instance())
    return _shared
