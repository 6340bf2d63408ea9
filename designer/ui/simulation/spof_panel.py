"""The N-1 overlay: each infrastructure element coloured by the mailboxes its loss
would cut off, and the ranked single points of failure, computed off the UI thread."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.availability import CutSetResult
from designer.domain.design import Design, ScenarioStep
from designer.domain.words import plural
from designer.simulation import AnalysisResult, Simulator, analyze, sweep_elements
from designer.ui.simulation.controller import SimulationController
from designer.ui.simulation.overlay import SimulationOverlay

__all__ = ["AnalysisWorker", "SpofPanel"]

#: At most this often the worker reports progress, seconds.
PROGRESS_INTERVAL_S = 0.1
#: After this much sweeping the worker sleeps YIELD_FOR_S so the UI thread gets the GIL.
YIELD_EVERY_S = 0.004
YIELD_FOR_S = 0.001


_PROMPT = (
    "Press Show N-1 overlay: each infrastructure element is failed alone and "
    "ranked here by the mailboxes it cuts off."
)
_SHOW = "Show N-1 overlay"
_HIDE = "Hide N-1 overlay"
#: Only the checked state is styled: unchecked, the button keeps the platform's look.
_PRESSED_LOOK = (
    "QPushButton:checked { background-color: palette(highlight); "
    "color: palette(highlighted-text); border: 1px solid palette(dark); "
    "border-radius: 3px; padding: 3px 10px; font-weight: bold; }"
)


class AnalysisWorker(QObject):
    """Runs :func:`designer.simulation.analyze` in a QThread; cancellable."""

    progress = Signal(int, int)
    finished = Signal(object)

    def __init__(self, source: Simulator | Design) -> None:
        super().__init__()
        self.source = source
        self.simulator: Simulator | None = None
        self.cancelled = False

    def run(self) -> None:
        last_emit = last_yield = time.perf_counter()

        def report(done: int, total: int) -> bool:
            nonlocal last_emit, last_yield
            now = time.perf_counter()
            # The progress bar repaints on each value: a few times a second is enough
            # (one emit per element cost the UI thread ~0.3 ms each, 521 at 25k).
            if done >= total or now - last_emit >= PROGRESS_INTERVAL_S:
                self.progress.emit(done, total)
                last_emit = now
            # The sweep is pure Python and shares the GIL with the UI thread, which
            # otherwise waits up to a switch interval at every Python ↔ Qt crossing
            # (stalls of 50–150 ms at 25k): hand the GIL over regularly.
            if now - last_yield >= YIELD_EVERY_S:
                time.sleep(YIELD_FOR_S)
                last_yield = time.perf_counter()
            return not self.cancelled

        # Preparing a large design is itself work: do it here, off the UI thread.
        source = self.source
        self.simulator = source if isinstance(source, Simulator) else Simulator(source)
        result = analyze(self.simulator, 1, progress=report)
        self.finished.emit(result)


class SpofPanel(QWidget):
    """Start/stop the N-1 sweep, show progress, list the single points of failure."""

    result_ready = Signal(object)
    #: "List minimal cut sets" up to this order (the Availability model computes them).
    cut_sets_requested = Signal(int)

    def __init__(
        self,
        controller: SimulationController,
        overlay: SimulationOverlay,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.overlay = overlay
        self.result: AnalysisResult | None = None
        #: The document's revision the shown result was computed for (None: none shown).
        self._revision: int | None = None
        #: The scenario played before the overlay was shown (its steps and time cursor):
        #: the heat map is about the healthy design, so the scenario waits aside and
        #: comes back when the overlay is turned off, for the user to compare the two.
        self.set_aside: tuple[list[ScenarioStep], float] | None = None
        self._thread: QThread | None = None
        self._worker: AnalysisWorker | None = None
        self.run_button = QPushButton(_SHOW)
        self.run_button.setObjectName("N1OverlayButton")
        self.run_button.setCheckable(True)
        # Pressed must read as "on" at a glance (eyes18: Fusion's checked shade is a
        # few levels darker than its raised one): the selection colour, and words that
        # say what a click does next.
        self.run_button.setStyleSheet(_PRESSED_LOOK)
        self.run_button.setToolTip(
            "Fail each infrastructure element alone and colour it by the mailboxes it cuts off"
        )
        self.run_button.toggled.connect(self._on_toggled)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        # Not an empty table with no word: what fills it.
        self.summary = QLabel(_PROMPT)
        self.summary.setWordWrap(True)
        # Says where the scenario went while the overlay shows (not cleared with no word).
        self.aside_note = QLabel("")
        self.aside_note.setObjectName("ScenarioAsideNote")
        self.aside_note.setWordWrap(True)
        self.aside_note.setVisible(False)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            ["Element", "Mailboxes", "Users cut off", "Admin action"]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves a read-only table
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._on_double_click)
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.progress, 1)
        # The minimal cut sets (N-2 and beyond, as the simulator judges them).
        self.cut_order = QSpinBox()
        self.cut_order.setRange(1, 4)
        self.cut_order.setValue(2)
        self.cut_order.setPrefix("order ≤ ")
        self.cut_button = QPushButton("List minimal cut sets")
        self.cut_button.setToolTip(
            "The smallest sets of elements whose joint failure takes a database down, "
            "with no administrator action"
        )
        self.cut_button.clicked.connect(
            lambda: self.cut_sets_requested.emit(self.cut_order.value())
        )
        self.cut_summary = QLabel("")
        self.cut_table = QTableWidget(0, 3)
        self.cut_table.setObjectName("CutSetTable")
        self.cut_table.setHorizontalHeaderLabels(["Cut set", "Mailboxes", "Databases"])
        self.cut_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.cut_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.cut_table.setTabKeyNavigation(False)
        self.cut_table.verticalHeader().setVisible(False)
        self.cut_table.horizontalHeader().setStretchLastSection(True)
        self.cut_table.setWordWrap(False)  # a cut set on one line; the tooltip has it all
        cuts = QHBoxLayout()
        cuts.addWidget(self.cut_button)
        cuts.addWidget(self.cut_order)
        cuts.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.aside_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(cuts)
        layout.addWidget(self.cut_summary)
        layout.addWidget(self.cut_table, 1)
        controller.mode_changed.connect(self._on_mode)

    def _on_mode(self, active: bool) -> None:
        """Entering the mode after the design changed: the last sweep's ranking is of a
        design that is gone ("No single point of failure" stayed after an edit made
        one, eyes22), so the panel says what fills it again instead."""
        revision = self.controller.session.document.revision
        if active and self._revision is not None and self._revision != revision:
            self.result = None
            self._revision = None
            self.summary.setText(_PROMPT)
            self.table.setRowCount(0)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _on_toggled(self, on: bool) -> None:
        self.run_button.setText(_HIDE if on else _SHOW)
        controller = self.controller
        if on:
            # The heat map is about the healthy design: a running scenario would
            # contradict it, so it waits aside until the overlay is turned off.
            if controller.steps:
                self.set_aside = (list(controller.steps), controller.time)
                controller.clear()
                count = len(self.set_aside[0])
                self.aside_note.setText(
                    f"The scenario you played ({plural(count, 'step')}) is set aside while "
                    "the overlay shows the healthy design: turn the overlay off to bring it back."
                )
                self.aside_note.setVisible(True)
            self.start()
        else:
            self.stop()
            self.overlay.set_heat(None)
            aside, self.set_aside = self.set_aside, None
            self.aside_note.setVisible(False)
            # Not over a scenario the user built meanwhile, nor after leaving the mode.
            if aside is not None and controller.active and not controller.steps:
                steps, at = aside
                controller.set_steps(steps)
                controller.set_time(at)

    def start(self) -> None:
        """Compute on a worker thread; the UI only handles progress signals meanwhile."""
        self.stop()
        controller = self.controller
        source = controller.simulator if controller.ready else controller.session.design
        self._revision = controller.session.document.revision
        thread = QThread(self)
        worker = AnalysisWorker(source)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.finished.connect(thread.quit)
        self._thread, self._worker = thread, worker
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.summary.setText("Computing single points of failure…")
        thread.start()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancelled = True
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self._thread = None
        self._worker = None
        self.progress.setVisible(False)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_finished(self, result: AnalysisResult) -> None:
        simulator = self._worker.simulator if self._worker is not None else None
        thread = self._thread
        self._thread = None
        self._worker = None
        if thread is not None:
            # quit() first: the queued quit from the worker may not have run yet.
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self.progress.setVisible(False)
        if result.cancelled:
            return
        self.result = result
        heat = {element: 0 for element in sweep_elements(simulator)} if simulator else {}
        for entry in result.entries:
            for element in entry.elements:
                heat[element] = max(heat.get(element, 0), entry.mailboxes_affected)
        self.overlay.set_heat(heat if self.run_button.isChecked() else None)
        self._fill(result)
        self.result_ready.emit(result)

    def _fill(self, result: AnalysisResult) -> None:
        entries = result.entries
        self.summary.setText(
            f"{len(entries):,} single point{'s' if len(entries) != 1 else ''} of failure "
            f"among {result.examined:,} elements"
            if entries
            else f"No single point of failure among {result.examined:,} elements"
        )
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (
                ", ".join(entry.names),
                f"{entry.mailboxes_affected:,}",
                f"{entry.users_cut_off:,}",
                "yes" if entry.needs_action else "",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(256, entry.elements[0])
                self.table.setItem(row, column, item)

    def _on_double_click(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.controller.session.focus(str(item.data(256)))

    def show_cut_sets(self, result: CutSetResult | None) -> None:
        """Every distinct minimal cut set of the design's databases, by order, then
        mailboxes affected (None: none computed for the design as it is)."""
        if result is None:
            self.cut_summary.setText("")
            self.cut_table.setRowCount(0)
            return
        # The sets may come from the Availability feature's own run (a site selected
        # outlines its cut sets, at that panel's order): the spin box says the order
        # shown ("order ≤ 2" stood over "… up to order 3", eyes22).
        self.cut_order.setValue(result.order)
        seen: dict[tuple[str, ...], tuple[int, tuple[str, ...], list[str]]] = {}
        for target in result.databases:
            for cut in target.cut_sets:
                entry = seen.setdefault(cut.elements, (cut.mailboxes_affected, cut.names, []))
                entry[2].append(target.name)
        ordered = sorted(seen.items(), key=lambda kv: (len(kv[0]), -kv[1][0], kv[0]))
        self.cut_summary.setText(
            f"{plural(len(ordered), 'minimal cut set')} up to order {result.order} "
            f"({plural(sum(1 for c, _ in ordered if len(c) == 1), 'single point')} of failure)"
        )
        self.cut_table.setRowCount(len(ordered))
        for row, (elements, (mailboxes, names, databases)) in enumerate(ordered):
            values = (
                f"{len(elements)}  " + " + ".join(names),
                f"{mailboxes:,}",
                ", ".join(databases),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(256, elements[0])
                item.setToolTip(value)
                self.cut_table.setItem(row, column, item)
        self.cut_table.resizeColumnToContents(0)
