"""The window's availability analysis: computed off the UI thread, shared by the
Availability panel, the cut-set highlight on the canvas and the N-1/N-2 panel.

:class:`AvailabilityModel` runs :func:`designer.availability.analyze_availability`
(or the cut sets alone) in a :class:`QThread`; the Monte Carlo inside spreads over
processes (spawned: a Qt process is never forked). Progress comes as
``progress(phase, done, total)``; :meth:`AvailabilityModel.cancel` stops it at the
next report. A result belongs to the design revision it was computed from and turns
stale at the next edit; it comes back when an undo (or redo) brings that very design
back (eyes19: an import and its Ctrl+Z left the Availability table empty).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal

from designer.availability import (
    AvailabilityReport,
    CutSetFinder,
    CutSetResult,
    NoFiguresError,
    analyze_availability,
)
from designer.diagnostics import log
from designer.domain.design import Design
from designer.simulation import Simulator
from designer.ui.session import EditorSession

__all__ = ["AvailabilityModel", "AvailabilityWorker", "Request"]

#: At most this often the worker reports progress, seconds.
PROGRESS_INTERVAL_S = 0.1
#: The worker hands the GIL to the UI thread this often (see the N-1 panel's worker).
YIELD_EVERY_S = 0.004
YIELD_FOR_S = 0.001


@dataclass(frozen=True)
class Request:
    """What to compute: cut sets up to ``order``; with failure figures, availability
    and ``years`` of Monte Carlo (0: none) from ``seed`` over ``workers`` processes."""

    order: int = 3
    years: int = 0
    seed: int = 0
    workers: int | None = None
    cut_sets_only: bool = False


class AvailabilityWorker(QObject):
    """Runs one :class:`Request` in a QThread; cancellable."""

    progress = Signal(str, int, int)
    #: (report or cut sets, message); None when cancelled.
    finished = Signal(object, str)

    def __init__(self, design: Design, request: Request) -> None:
        super().__init__()
        self.design = design
        self.request = request
        self.cancelled = False

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a bug: logged with its traceback, said in the panel
            log.exception("availability analysis failed")
            self.finished.emit(
                None, f"The analysis failed ({type(exc).__name__}: {exc}); see the log"
            )

    def _run(self) -> None:
        last_emit = last_yield = time.perf_counter()

        def report(phase: str, done: int, total: int) -> bool:
            nonlocal last_emit, last_yield
            now = time.perf_counter()
            if done >= total or now - last_emit >= PROGRESS_INTERVAL_S:
                self.progress.emit(phase, done, total)
                last_emit = now
            if now - last_yield >= YIELD_EVERY_S:
                time.sleep(YIELD_FOR_S)
                last_yield = time.perf_counter()
            return not self.cancelled

        request = self.request
        sim = Simulator(self.design)
        message = ""
        result: AvailabilityReport | CutSetResult | None
        cuts = CutSetFinder(sim, request.order).find(progress=lambda d, t: report("Cut sets", d, t))
        if cuts.cancelled:
            self.finished.emit(None, "cancelled")
            return
        result = cuts
        if not request.cut_sets_only:
            try:
                result = analyze_availability(
                    sim,
                    order=request.order,
                    years=request.years,
                    seed=request.seed,
                    workers=request.workers,
                    cut_sets=cuts,
                    progress=report,
                )
            except NoFiguresError as exc:
                message = str(exc)
            if (
                isinstance(result, AvailabilityReport)
                and result.monte_carlo is not None
                and result.monte_carlo.cancelled
            ):
                self.finished.emit(None, "cancelled")
                return
        self.finished.emit(result, message)


class AvailabilityModel(QObject):
    """The latest cut sets and availability report of the window's design."""

    #: A new result (or none: the design changed, or a run was cancelled).
    changed = Signal()
    progress = Signal(str, int, int)
    running_changed = Signal(bool)
    message = Signal(str)

    def __init__(self, session: EditorSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.cut_sets: CutSetResult | None = None
        self.report: AvailabilityReport | None = None
        #: The document revision the results were computed from.
        self.revision = -1
        self.last_message = ""
        self._thread: QThread | None = None
        self._worker: AvailabilityWorker | None = None
        self._running_revision = -1
        self._running_design: Design | None = None
        #: The last results dropped by an edit, with the design they belong to.
        self._kept: tuple[Design, CutSetResult | None, AvailabilityReport | None, str] | None = None
        #: The design of the results shown (None: none shown).
        self._design: Design | None = None
        session.document_edited.connect(self._on_document_edited)

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def current(self) -> bool:
        """Whether the results are those of the design as it is now."""
        return self.cut_sets is not None and self.revision == self.session.document.revision

    def start(self, request: Request) -> None:
        """Compute ``request`` on a worker thread (cancelling a run under way)."""
        self.cancel()
        thread = QThread(self)
        worker = AvailabilityWorker(self.session.design, request)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress)
        worker.finished.connect(self._on_finished)
        worker.finished.connect(thread.quit)
        self._thread, self._worker = thread, worker
        self._running_revision = self.session.document.revision
        self._running_design = self.session.design
        self.running_changed.emit(True)
        thread.start()

    def start_cut_sets(self, order: int) -> None:
        """Compute the cut sets alone, up to ``order`` (the N-1/N-2 panel's button)."""
        self.start(Request(order=order, cut_sets_only=True))

    def request_cancel(self) -> None:
        """Ask the run to stop at its next report (the UI does not wait for it)."""
        if self._worker is not None:
            self._worker.cancelled = True

    def cancel(self) -> None:
        """Stop the run and wait for its thread (before another run, or closing)."""
        if self._worker is not None:
            self._worker.cancelled = True
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        was_running = self._thread is not None
        self._thread = None
        self._worker = None
        if was_running:
            self.running_changed.emit(False)

    def wait(self, timeout_ms: int = 120_000) -> bool:
        """Block until the run ends (tests); True when it did."""
        thread = self._thread
        return thread is None or thread.wait(timeout_ms)

    def _on_finished(self, result: object, message: str) -> None:
        thread = self._thread
        self._thread = None
        self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self.running_changed.emit(False)
        if result is None:
            self.message.emit(message if message != "cancelled" else "Cancelled")
            return
        if self._running_revision != self.session.document.revision:
            self.message.emit("The design changed while computing; compute again")
            return
        if isinstance(result, AvailabilityReport):
            self.report = result
            self.cut_sets = result.cut_sets
        elif isinstance(result, CutSetResult):  # cut sets alone, or no failure figures
            self.cut_sets = result
            self.report = None
        self.revision = self._running_revision
        self._design = self._running_design
        self.last_message = message
        if message:
            self.message.emit(message)
        self.changed.emit()

    def _on_document_edited(self, _events: tuple[object, ...]) -> None:
        if self.cut_sets is not None or self.report is not None:
            if self._design is not None:
                self._kept = (self._design, self.cut_sets, self.report, self.last_message)
            self.cut_sets = None
            self.report = None
            self.revision = -1
            self._design = None
            self.changed.emit()
        if self._kept is not None and self._same_as_kept():
            design, self.cut_sets, self.report, self.last_message = self._kept
            self._kept = None
            self._design = design
            self.revision = self.session.document.revision
            self.changed.emit()

    def _same_as_kept(self) -> bool:
        """Whether the design is again the one of the kept results (an undo or redo
        brought it back): the counts first, then by value (its elements, mostly the
        same objects, compare by identity first)."""
        assert self._kept is not None
        kept, design = self._kept[0], self.session.design
        return len(kept.elements) == len(design.elements) and kept == design
